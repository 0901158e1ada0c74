"""CSRF on every unsafe page request, headers and CSP and no inline script on every page (R4, R6)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from opensrm.crm.models import Account, Stage

pytestmark = pytest.mark.django_db


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
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body)
    assert not INLINE_HANDLER.search(body)
    assert "cdn" not in " ".join(re.findall(r'src="([^"]+)"', body)).lower()
