"""One global search for the API and the pages: the same fields (an account by name, city or
phone; a contact by name, e-mail or phone...), the same visibility."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opensrm.crm.models import Contact
from opensrm.crm.selectors import global_search, global_search_records
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(org):
    acc = make_account(org.rep_a, name="Harbour Freight", city="Qingdao", phone="+86 532 7777")
    contact = Contact.objects.create(account=acc, name="Zhao", phone="+86 139 5555", owner=org.rep_a)
    hidden = make_account(org.rep_b, name="Other", city="Qingdao")
    return acc, contact, hidden


@pytest.mark.parametrize("q", ["Harbour", "qingdao", "532 7777"])
def test_the_pages_find_an_account_by_name_city_or_phone(org, found, q):
    acc, _contact, hidden = found
    web = Client(headers={"Accept-Language": "en"})
    web.force_login(org.rep_a)
    page = web.get(reverse("web:search"), {"q": q})
    assert page.status_code == 200
    assert list(page.context["results"]["accounts"]) == [acc]
    assert reverse("web:account_detail", args=[acc.pk]) in page.content.decode()
    assert reverse("web:account_detail", args=[hidden.pk]) not in page.content.decode()


def test_the_pages_find_a_contact_by_phone(org, found):
    _acc, contact, _hidden = found
    web = Client(headers={"Accept-Language": "en"})
    web.force_login(org.rep_a)
    page = web.get(reverse("web:search"), {"q": "139 5555"})
    assert list(page.context["results"]["contacts"]) == [contact]


@pytest.mark.parametrize("q", ["Harbour", "Qingdao", "532 7777", "139 5555", "Zhao"])
def test_api_and_pages_find_the_same_records(org, found, q):
    pages = global_search_records(user=org.rep_a, q=q, limit=8)
    api = global_search(user=org.rep_a, q=q, limit=8)
    assert sorted((hit["type"], hit["id"]) for hit in api) == sorted(
        (kind, record.pk) for kind, records in pages.items() for record in records
    )
