"""The profile page and the language switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_profile_saves_language_and_time_zone(client, org):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:profile"),
        {"display_name": "A. Rep", "email": "a@example.com", "language": "en", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    org.rep_a.refresh_from_db()
    assert (org.rep_a.language, org.rep_a.time_zone, org.rep_a.display_name) == (
        "en",
        "Europe/Berlin",
        "A. Rep",
    )
    page = client.get(reverse("web:home"))
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_language_switch_sets_the_cookie_and_the_profile(client, org):
    client.force_login(org.rep_a)
    assert '<html lang="zh-hans">' in client.get(reverse("web:home")).content.decode()
    response = client.post(reverse("web:set_language"), {"language": "en", "next": "/accounts/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("web:account_list")).content.decode()
    org.rep_a.refresh_from_db()
    assert org.rep_a.language == "en"
    client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get(reverse("web:home")).content.decode()


def test_language_switch_on_the_sign_in_page(client):
    client.post(reverse("web:set_language"), {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get(reverse("account_login")).content.decode()
