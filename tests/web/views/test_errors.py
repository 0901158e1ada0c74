"""Error pages are branded and translated; API paths keep problem+json; viewers are offered no
write action that would answer 403."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from opensrm.web.views.errors import server_error


def _speak(user, language):
    user.language = language
    user.save(update_fields=["language"])


def test_404_is_the_site_layout_in_the_users_language(client, org):
    _speak(org.rep_a, "zh-hans")
    client.force_login(org.rep_a)
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="sidebar"' in html
    assert "页面不存在" in html
    assert 'data-error-status="404"' in html
    _speak(org.rep_a, "en")
    assert "This page does not exist" in client.get("/no-such-page/").content.decode()


def test_404_for_a_visitor_is_branded_without_the_navigation(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 404
    assert "OpenSRM" in html
    assert "页面不存在" in html
    assert 'class="sidebar"' not in html


def test_api_404_stays_problem_json(client, org):
    client.force_login(org.rep_a)
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_403_is_a_translated_page(client, org):
    _speak(org.viewer, "zh-hans")
    client.force_login(org.viewer)
    response = client.get(reverse("web:account_create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-error-status="403"' in html
    assert 'class="sidebar"' in html
    assert "无权" in html


def test_500_page_needs_no_database_and_no_user():
    # No db fixture: any query here would fail the test.
    request = RequestFactory().get("/accounts/1/")
    with translation.override("zh-hans"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert 'lang="zh-hans"' in html
    assert "服务器" in html
    assert "/static/web/app.css" in html


def test_500_under_api_is_problem_json():
    response = server_error(RequestFactory().get("/api/v1/accounts/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/problem+json")


WRITE_PATH = re.compile(r"/(new|edit|delete|convert|move|done|restore|cancel|items)/")


@pytest.mark.parametrize(
    "page",
    ["home", "board", "calendar", "account_detail", "contact_detail", "lead_detail", "opportunity_detail"],
)
def test_a_viewer_is_offered_no_write_action(client, org, records, page):
    client.force_login(org.viewer)
    kinds = {"account_detail": "account", "contact_detail": "contact", "lead_detail": "lead"}
    if page.endswith("_detail"):
        obj = getattr(records["b"], kinds.get(page, "opportunity"))
        url = reverse(f"web:{page}", args=[obj.pk])
    else:
        url = reverse(f"web:{page}")
    html = client.get(url).content.decode()
    targets = re.findall(r'(?:href|action|hx-post)="([^"]+)"', html)
    offered = [t for t in targets if WRITE_PATH.search(t)]
    assert offered == []
    for target in (t for t in targets if t.startswith("/") and not t.startswith(("/static/", "/accounts/"))):
        if "?" not in target and WRITE_PATH.search(target) is None:
            assert client.get(target).status_code != 403, target


def test_favicon_ico_answers_the_svg(client, org):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/web/favicon.svg")
    client.force_login(org.rep_a)
    assert 'rel="icon" href="/static/web/favicon.svg"' in client.get(reverse("web:home")).content.decode()
