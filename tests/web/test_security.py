"""CSRF on every unsafe request, headers and CSP on every page, brute-force limits (R4, R6)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from opensrm.crm.models import Account, Stage

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Strong-123"


def _unsafe_requests(records, pipeline):
    r = records["a"]
    posts = [
        (
            reverse("web:account_create"),
            {"name": "X", "country": "CN", "industry": "other", "status": "prospect"},
        ),
        (reverse("web:lead_convert", args=[r.lead.pk]), {"version": r.lead.version}),
        (
            reverse("web:opportunity_move", args=[r.opportunity.pk]),
            {"stage": Stage.objects.get(pipeline=pipeline, name="Propose").pk},
        ),
        (reverse("web:activity_done", args=[r.activity.pk]), {}),
        (reverse("web:restore", args=["account", r.account.pk]), {}),
        (reverse("web:saved_view_add", args=["account"]), {"name": "v"}),
        (reverse("web:saved_view_delete", args=["account", 1]), {}),
        (reverse("web:profile"), {"language": "en"}),
        (reverse("web:set_language"), {"language": "en"}),
        (reverse("account_logout"), {}),
    ]
    for kind in ["account", "contact", "lead", "opportunity", "activity"]:
        obj = getattr(r, kind)
        posts += [
            (reverse(f"web:{kind}_create"), {"name": "X", "subject": "X"}),
            (
                reverse(f"web:{kind}_edit", args=[obj.pk]),
                {"name": "X", "subject": "X", "version": obj.version},
            ),
            (reverse(f"web:{kind}_delete", args=[obj.pk]), {"version": obj.version}),
        ]
    return posts


def test_every_unsafe_request_without_a_token_is_403_and_changes_nothing(org, records, pipeline):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.rep_a)
    before = {m.__name__: m.all_objects.filter(deleted_at__isnull=True).count() for m in [Account]}
    versions = {kind: getattr(records["a"], kind).version for kind in ["account", "opportunity", "lead"]}
    for url, data in _unsafe_requests(records, pipeline):
        response = client.post(url, data)
        assert response.status_code == 403, url
    assert {m.__name__: m.all_objects.filter(deleted_at__isnull=True).count() for m in [Account]} == before
    for kind, version in versions.items():
        obj = getattr(records["a"], kind)
        obj.refresh_from_db()
        assert obj.version == version, kind


def test_login_without_a_token_is_403(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "rep_a", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


PAGES = [
    "web:home",
    "web:account_list",
    "web:board",
    "web:calendar",
    "web:recycle_bin",
    "web:profile",
    "web:search",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("name", PAGES)
def test_security_headers_and_no_inline_script(client, org, records, name):
    client.force_login(org.rep_a)
    response = client.get(reverse(name))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body)
    assert not INLINE_HANDLER.search(body)
    assert "cdn" not in " ".join(re.findall(r'src="([^"]+)"', body)).lower()


def test_sign_in_page_has_headers_and_no_inline_script(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_sign_in_with_username_or_email(client, org):
    org.rep_a.email = "rep.a@example.com"
    org.rep_a.save()
    response = client.post(reverse("account_login"), {"login": "rep.a@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == org.rep_a.pk
    client.logout()
    client.post(reverse("account_login"), {"login": "rep_a", "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == org.rep_a.pk


def test_more_than_five_failed_logins_for_one_account_are_blocked(client, org):
    for i in range(5):
        response = client.post(
            reverse("account_login"), {"login": "rep_a", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{i}"
        )
        assert "_auth_user_id" not in client.session
    # The sixth try, even with the right password and from another address, is refused.
    response = client.post(
        reverse("account_login"), {"login": "rep_a", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    client.post(reverse("account_login"), {"login": "rep_b", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")
    assert int(client.session["_auth_user_id"]) == org.rep_b.pk


def test_more_than_ten_failed_logins_per_minute_from_one_address_are_blocked(client, org):
    for i in range(10):
        client.post(
            reverse("account_login"), {"login": f"nobody{i}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9"
        )
    response = client.post(
        reverse("account_login"), {"login": "rep_a", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    client.post(reverse("account_login"), {"login": "rep_a", "password": PASSWORD}, REMOTE_ADDR="10.8.8.8")
    assert int(client.session["_auth_user_id"]) == org.rep_a.pk


def test_admin_login_goes_through_the_rate_limited_sign_in(client, org):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # Posting credentials straight to the admin's own form does not sign anyone in.
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"username": "intruder", "email": "i@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    from opensrm.people.models import User

    assert not User.objects.filter(username="intruder").exists()
    assert response.status_code in (200, 403)


def test_password_reset_sends_an_email(client, org, mailoutbox):
    org.rep_a.email = "rep.a@example.com"
    org.rep_a.save()
    response = client.post(reverse("account_reset_password"), {"email": "rep.a@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "rep.a@example.com" in mailoutbox[0].to
