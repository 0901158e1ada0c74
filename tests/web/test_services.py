"""The column choice of a list is kept per user and list: applied when the list is opened
without ``cols=``, reset to the default on request; saved views keep their own columns."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.test import Client

from opensrm.crm.views.accounts import RESOURCE as ACCOUNTS
from opensrm.web.models import ListPreference, SavedView
from opensrm.web.services import list_column_params, list_columns_remember, list_columns_reset
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def _headers(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    return [c for c in cells if c]


def _client(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_the_service_keeps_only_known_columns_and_no_row_for_the_default(org):
    spec = ACCOUNTS.list_spec
    pref = list_columns_remember(user=org.rep_a, page="account", spec=spec, columns=["city", "bogus", "tier"])
    assert pref is not None
    assert pref.columns == ["tier", "city"]
    # The same choice again writes nothing.
    before = pref.updated_at
    assert (
        list_columns_remember(user=org.rep_a, page="account", spec=spec, columns=["tier", "city"]).updated_at == before
    )
    # Choosing every default column is the default: no row kept.
    every = [c.path for c in spec.columns if not c.link]
    assert list_columns_remember(user=org.rep_a, page="account", spec=spec, columns=every) is None
    assert not ListPreference.objects.exists()
    list_columns_remember(user=org.rep_a, page="account", spec=spec, columns=["owner"])
    assert list_columns_reset(user=org.rep_a, page="account") is True
    assert list_columns_reset(user=org.rep_a, page="account") is False


def test_the_kept_choice_applies_without_cols_and_per_user_and_list(org):
    spec = ACCOUNTS.list_spec
    list_columns_remember(user=org.rep_a, page="account", spec=spec, columns=["city"])
    params, kept = list_column_params(user=org.rep_a, page="account", params=QueryDict("q=x"), spec=spec)
    assert kept
    assert params.getlist("cols") == ["city"]
    assert params["q"] == "x"
    other_user, _kept = list_column_params(user=org.rep_b, page="account", params=QueryDict(""), spec=spec)
    other_list, _kept = list_column_params(user=org.rep_a, page="lead", params=QueryDict(""), spec=spec)
    assert "cols" not in other_user
    assert "cols" not in other_list


def test_the_list_page_remembers_the_columns_and_resets_them(org):
    make_account(org.rep_a, name="Kept Columns Ltd", city="Hangzhou")
    client = _client(org.rep_a)
    full = _headers(client.get("/accounts/").content.decode())
    assert {"Name", "Industry", "City", "Owner"} <= set(full)

    client.get("/accounts/?cols=city&cols=tier")
    assert ListPreference.objects.get(user=org.rep_a, page="account").columns == ["tier", "city"]
    html = client.get("/accounts/").content.decode()
    assert _headers(html)[:3] == ["Name", "Tier", "City"]
    assert "Industry" not in _headers(html)
    assert "Hangzhou" in html
    assert "Reset to default" in html
    # Another user's list is unchanged.
    assert "Industry" in _headers(_client(org.rep_b).get("/accounts/").content.decode())

    response = client.post("/views/account/columns/reset/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert not ListPreference.objects.exists()
    html = client.get("/accounts/").content.decode()
    assert _headers(html) == full
    assert "Reset to default" not in html


def test_a_saved_view_keeps_its_own_columns_and_leaves_the_choice_alone(org):
    client = _client(org.rep_a)
    client.get("/accounts/?cols=owner")  # the user's choice: owner
    # Saved while the kept choice applies, the view records the columns shown.
    client.post("/views/account/", {"name": "Mine", "querystring": "q=&cols=owner"})
    client.post("/views/account/", {"name": "Cities", "querystring": "cols=city&cols=tier"})
    assert SavedView.objects.get(name="Cities").querystring == "cols=city&cols=tier"
    cities = SavedView.objects.get(name="Cities")
    listing = client.get("/accounts/").content.decode()
    assert f'href="?cols=city&amp;cols=tier&amp;view={cities.pk}"' in listing
    html = client.get(f"/accounts/?cols=city&cols=tier&view={cities.pk}").content.decode()
    assert _headers(html)[1:3] == ["Tier", "City"]
    assert ListPreference.objects.get(user=org.rep_a, page="account").columns == ["owner"]


def test_reset_is_a_post_of_a_known_list(org):
    client = _client(org.rep_a)
    assert client.get("/views/account/columns/reset/").status_code == 405
    assert client.post("/views/nothing/columns/reset/").status_code == 404
