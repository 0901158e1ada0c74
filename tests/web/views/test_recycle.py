"""The recycle bin page and API: open a deleted record, restore it with what was deleted with
it (and say what came back), delete it permanently (administrators); team A can do none of
these to team B's records, through the page or the API, and nothing changes when refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opensrm.core.services import record_create, record_delete
from opensrm.crm.models import Account, Activity, Contact, Lead, Opportunity
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

MODELS = (Account, Contact, Lead, Opportunity, Activity)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _state() -> dict[str, tuple[int, int, int]]:
    return {
        m.__name__: (m.objects.count(), m.all_objects.filter(deleted_at__isnull=False).count(), m.history.count())
        for m in MODELS
    }


def _delete_account(records, side: str, actor):
    account = records[side].account
    for i in range(2):
        record_create(model=Activity, actor=actor, data={"account": account, "subject": f"Extra {i}"})
    record_delete(instance=Account.objects.get(pk=account.pk), actor=actor, expected_version=None)
    return Account.all_objects.get(pk=account.pk)


def test_open_a_deleted_record_read_only_with_what_a_restore_brings_back(client, org, records):
    account = _delete_account(records, "a", org.rep_a)
    client.force_login(org.rep_a)
    listing = client.get(reverse("web:recycle_bin"))
    detail_url = reverse("web:recycle_detail", args=["account", account.pk])
    assert detail_url.encode() in listing.content
    page = client.get(detail_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert account.name in body
    assert "Shanghai" in body
    assert "1 account, 3 activities, 1 contact, 1 opportunity" in body
    assert reverse("web:restore", args=["account", account.pk]) in body
    assert reverse("web:purge", args=["account", account.pk]) not in body  # a rep may not purge
    assert 'id="recycle-dialog"' in body
    assert "web/recycle.js" in body
    assert "data-confirm" not in body


def test_the_api_reads_one_deleted_record_with_its_label_and_batch(org, records):
    account = _delete_account(records, "a", org.rep_a)
    response = ApiClient(org.rep_a).get(f"/recycle-bin/account/{account.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["label"] == account.name
    assert body["id"] == account.pk
    assert {(b["type"], b["count"]) for b in body["batch"]} == {
        ("account", 1),
        ("activity", 3),
        ("contact", 1),
        ("opportunity", 1),
    }


def test_restoring_a_child_from_the_page_brings_back_the_batch_and_says_what_came_back(client, org, records):
    _delete_account(records, "a", org.rep_a)
    activity = records["a"].activity
    client.force_login(org.rep_a)
    response = client.post(reverse("web:restore", args=["activity", activity.pk]), follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "1 account, 3 activities, 1 contact, 1 opportunity" in text
    assert Activity.objects.filter(account=records["a"].account).count() == 3


def test_the_restore_message_is_translated(client, org, records):
    _delete_account(records, "a", org.rep_a)
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:restore", args=["account", records["a"].account.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "已恢复" in text
    assert "3 个" in text


def test_an_administrator_deletes_permanently_from_the_page(client, org, records):
    account = _delete_account(records, "a", org.rep_a)
    client.force_login(org.admin)
    page = client.get(reverse("web:recycle_detail", args=["account", account.pk])).content.decode()
    assert reverse("web:purge", args=["account", account.pk]) in page
    response = client.post(reverse("web:purge", args=["account", account.pk]), follow=True)
    assert response.status_code == 200
    assert not Account.all_objects.filter(pk=account.pk).exists()
    assert not Activity.all_objects.filter(account_id=account.pk).exists()
    last = Account.history.filter(id=account.pk).latest("history_id")
    assert (last.history_type, last.history_user) == ("-", org.admin)


def test_a_rep_cannot_purge_their_own_deleted_record(client, org, records):
    account = _delete_account(records, "a", org.rep_a)
    client.force_login(org.rep_a)
    before = _state()
    client.post(reverse("web:purge", args=["account", account.pk]))
    assert _state() == before
    assert ApiClient(org.rep_a).delete(f"/recycle-bin/account/{account.pk}").status_code == 403
    assert _state() == before


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_team_a_cannot_open_restore_or_purge_team_b_records_on_the_page(who, client, org, records):
    account = _delete_account(records, "b", org.rep_b)
    contact = Contact.all_objects.get(pk=records["b"].contact.pk)
    client.force_login(getattr(org, who))
    before = _state()
    for kind, pk in (("account", account.pk), ("contact", contact.pk)):
        assert client.get(reverse("web:recycle_detail", args=[kind, pk])).status_code == 404
        assert client.post(reverse("web:restore", args=[kind, pk])).status_code == 404
        assert client.post(reverse("web:purge", args=[kind, pk])).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_team_a_cannot_open_restore_or_purge_team_b_records_through_the_api(who, org, records):
    account = _delete_account(records, "b", org.rep_b)
    contact = Contact.all_objects.get(pk=records["b"].contact.pk)
    api = ApiClient(getattr(org, who))
    before = _state()
    for kind, pk in (("account", account.pk), ("contact", contact.pk)):
        assert api.get(f"/recycle-bin/{kind}/{pk}").status_code == 404
        assert api.post(f"/recycle-bin/{kind}/{pk}/restore").status_code == 404
        assert api.delete(f"/recycle-bin/{kind}/{pk}").status_code == 404
    assert _state() == before


def test_a_team_b_contact_on_team_a_account_cannot_restore_the_account_page_or_api(client, org, records):
    """rep_b owns a contact on team A's account; sales ops deletes the account. Restoring the
    contact would bring back team A's account and everything on it: refused as not found."""
    account = records["a"].account
    contact = record_create(
        model=Contact, actor=org.ops, data={"account": account, "name": "Rep B's contact", "owner": org.rep_b}
    )
    record_delete(instance=Account.objects.get(pk=account.pk), actor=org.ops, expected_version=None)
    before = _state()
    client.force_login(org.rep_b)
    assert client.post(reverse("web:restore", args=["contact", contact.pk])).status_code == 404
    assert ApiClient(org.rep_b).post(f"/recycle-bin/contact/{contact.pk}/restore").status_code == 404
    assert _state() == before
    assert not Account.history.filter(id=account.pk, history_user=org.rep_b).exists()


def test_the_api_restore_answers_what_came_back(org, records):
    account = _delete_account(records, "a", org.rep_a)
    response = ApiClient(org.rep_a).post(
        f"/recycle-bin/opportunity/{records['a'].opportunity.pk}/restore", **{"Accept-Language": "en"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert {(r["type"], r["count"]) for r in body["restored"]} == {
        ("account", 1),
        ("contact", 1),
        ("opportunity", 1),
        ("activity", 3),
    }
    assert body["detail"] == "Restored: 1 account, 3 activities, 1 contact, 1 opportunity."
    assert Account.objects.filter(pk=account.pk).exists()
    opened = ApiClient(org.rep_a).get(f"/recycle-bin/account/{account.pk}")
    assert opened.status_code == 404  # no longer in the bin
