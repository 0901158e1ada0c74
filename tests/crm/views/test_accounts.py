"""The account pages: create, edit, delete and restore, into the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opensrm.core.services import record_update
from opensrm.crm.models import Account, Opportunity

pytestmark = pytest.mark.django_db


def test_create_account_shows_errors_beside_the_fields_and_saves_nothing(client, org):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:account_create"),
        {"name": "", "country": "CN", "industry": "other", "status": "prospect", "owner": org.rep_a.pk},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert 'class="field has-error"' in response.content.decode()
    assert Account.all_objects.count() == 0


def test_create_account_goes_through_the_service_with_history(client, org):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:account_create"),
        {
            "name": "Wuxi Motors",
            "country": "CN",
            "industry": "other",
            "status": "prospect",
            "owner": org.rep_a.pk,
        },
    )
    account = Account.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:account_detail", args=[account.pk])
    assert account.history.get().history_user == org.rep_a


def test_a_rep_cannot_give_a_record_to_another_team(client, org):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:account_create"),
        {
            "name": "Wuxi Motors",
            "country": "CN",
            "industry": "other",
            "status": "prospect",
            "owner": org.rep_b.pk,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["owner"]
    assert Account.all_objects.count() == 0


def test_edit_saves_and_bumps_the_version(client, org, records):
    account = records["a"].account
    client.force_login(org.rep_a)
    data = {
        "name": "Acme Renamed",
        "country": "CN",
        "industry": "retail",
        "status": "customer",
        "owner": org.rep_a.pk,
        "version": account.version,
    }
    response = client.post(reverse("web:account_edit", args=[account.pk]), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.industry, account.version) == ("Acme Renamed", "retail", 2)


def test_a_stale_edit_is_refused_with_a_clear_message_and_not_saved(client, org, records):
    account = records["a"].account
    stale_version = account.version
    record_update(instance=account, actor=org.manager_a, data={"city": "Suzhou"}, expected_version=stale_version)
    client.force_login(org.rep_a)
    data = {
        "name": "Overwritten?",
        "country": "CN",
        "industry": "other",
        "status": "prospect",
        "owner": org.rep_a.pk,
        "version": stale_version,
    }
    response = client.post(reverse("web:account_edit", args=[account.pk]), data)
    assert response.status_code == 409
    body = response.content.decode()
    # the default language's message names both versions, with a link that reloads the form
    assert "<li>此记录已被他人修改（当前版本 2，您的版本 1）。请重新加载后再试。</li>" in body
    edit = reverse("web:account_edit", args=[account.pk])
    assert f'<a href="{edit}">加载最新版本（您在此处的修改将丢失）</a>' in body
    account.refresh_from_db()
    assert (account.name, account.city) == (records["a"].account.name, "Suzhou")


def test_delete_to_the_recycle_bin_and_restore(client, org, records):
    account = records["a"].account
    client.force_login(org.rep_a)
    response = client.post(reverse("web:account_delete", args=[account.pk]), {"version": account.version})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.deleted_at is not None
    assert Opportunity.objects.filter(account=account).count() == 0  # the children went with it
    assert client.get(reverse("web:account_detail", args=[account.pk])).status_code == 404
    assert account not in client.get(reverse("web:account_list")).context["page"].rows
    bin_sections = client.get(reverse("web:recycle_bin")).context["sections"]
    assert account in next(s["rows"] for s in bin_sections if s["key"] == "account")
    response = client.post(reverse("web:restore", args=["account", account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.deleted_at is None
    assert Opportunity.objects.filter(account=account).count() == 1


def test_a_stale_delete_is_refused(client, org, records):
    account = records["a"].account
    client.force_login(org.rep_a)
    response = client.post(reverse("web:account_delete", args=[account.pk]), {"version": account.version + 5})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.deleted_at is None


def test_another_teams_deleted_record_cannot_be_restored(client, org, records):
    account = records["b"].account
    client.force_login(org.rep_b)
    client.post(reverse("web:account_delete", args=[account.pk]), {"version": account.version})
    client.force_login(org.rep_a)
    sections = client.get(reverse("web:recycle_bin")).context["sections"]
    assert all(account not in s["rows"] for s in sections)
    assert client.post(reverse("web:restore", args=["account", account.pk])).status_code == 404
    account.refresh_from_db()
    assert account.deleted_at is not None
