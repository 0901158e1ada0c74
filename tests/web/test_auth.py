"""Signing in: CSRF, rate limits, username or e-mail, no sign-up, password reset."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


PASSWORD = "pw-Strong-123"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def test_login_without_a_token_is_403(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "rep_a", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


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
    response = client.post(reverse("account_login"), {"login": "rep_a", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    client.post(reverse("account_login"), {"login": "rep_b", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")
    assert int(client.session["_auth_user_id"]) == org.rep_b.pk


def test_more_than_ten_failed_logins_per_minute_from_one_address_are_blocked(client, org):
    for i in range(10):
        client.post(reverse("account_login"), {"login": f"nobody{i}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(reverse("account_login"), {"login": "rep_a", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
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


def test_login_field_says_username_or_email_in_chinese(client, db):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "用户名或邮箱" in html
    assert "用户名或email" not in html
    assert '<label for="id_login">登录' not in html
