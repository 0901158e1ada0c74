"""Create, edit, delete, restore, convert, move: through the pages, into the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opensrm.core.services import record_update
from opensrm.crm.models import Account, Contact, Lead, LeadStatus, Opportunity, Stage, StageChange
from opensrm.web.models import SavedView

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


def test_contact_form_refuses_an_invisible_account(client, org, records):
    client.force_login(org.rep_a)
    before = Contact.objects.count()
    response = client.post(
        reverse("web:contact_create"),
        {"name": "Zhang San", "account": records["b"].account.pk, "owner": org.rep_a.pk},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["account"]
    assert Contact.objects.count() == before


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
    record_update(
        instance=account, actor=org.manager_a, data={"city": "Suzhou"}, expected_version=stale_version
    )
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


def test_lead_conversion_in_one_step(client, org, records):
    lead = records["a"].lead
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:lead_convert", args=[lead.pk]),
        {
            "version": lead.version,
            "create_opportunity": "on",
            "opportunity_name": "Big deal",
            "amount": "7000",
        },
    )
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert response["Location"] == reverse("web:opportunity_detail", args=[lead.converted_opportunity_id])
    assert lead.converted_opportunity.amount == 7000
    assert lead.converted_account.name == lead.company


def test_lead_conversion_into_an_existing_account_without_an_opportunity(client, org, records):
    lead = records["a"].lead
    account = records["a"].account
    client.force_login(org.rep_a)
    client.post(reverse("web:lead_convert", args=[lead.pk]), {"version": lead.version, "account": account.pk})
    lead.refresh_from_db()
    assert lead.converted_account == account
    assert lead.converted_opportunity is None


def test_a_stale_conversion_is_refused(client, org, records):
    lead = records["a"].lead
    client.force_login(org.rep_a)
    response = client.post(reverse("web:lead_convert", args=[lead.pk]), {"version": lead.version + 1})
    assert response.status_code == 422
    assert Lead.objects.get(pk=lead.pk).status != LeadStatus.CONVERTED
    assert Account.objects.filter(name=lead.company).count() == 0


def _stage(pipeline, name):
    return Stage.objects.get(pipeline=pipeline, name=name)


def test_board_move_with_htmx(client, org, records, pipeline):
    opp = records["a"].opportunity
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage": _stage(pipeline, "Propose").pk, "version": opp.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    opp.refresh_from_db()
    assert opp.stage.name == "Propose"
    assert f'data-version="{opp.version}"' in response.content.decode()
    assert StageChange.objects.filter(opportunity=opp, to_stage__name="Propose").exists()



def _column(board, stage):
    return next(c for c in board.context["columns"] if c["stage"].pk == stage.pk)


def test_a_managers_board_totals_follow_their_own_move(client, org, records, pipeline):
    """Team totals are cached for a minute, but a move drops the mover's cached totals."""
    opp = records["a"].opportunity
    qualify, propose = _stage(pipeline, "Qualify"), _stage(pipeline, "Propose")
    client.force_login(org.manager_a)
    before = client.get(reverse("web:board"))
    assert _column(before, qualify)["count"] == 1
    assert _column(before, propose)["count"] == 0
    response = client.post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage": propose.pk, "version": opp.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    after = client.get(reverse("web:board"))
    assert _column(after, qualify)["count"] == 0
    assert _column(after, propose)["count"] == 1
    assert _column(after, propose)["amount"] == opp.amount
    assert [c.pk for c in _column(after, propose)["cards"]] == [opp.pk]


def test_a_board_card_renders_what_the_deal_says(client, org, records, pipeline):
    opp = records["a"].opportunity
    client.force_login(org.rep_a)
    body = client.get(reverse("web:board")).content.decode()
    card = body[body.index(f'id="opp-{opp.pk}"') :]
    card = card[: card.index("</div>\n</div>") if "</div>\n</div>" in card else 2000]
    assert f'data-version="{opp.version}"' in card
    assert reverse("web:opportunity_detail", args=[opp.pk]) in card
    assert reverse("web:opportunity_move", args=[opp.pk]) in card
    assert opp.name in card
    assert str(opp.account) in card
    assert str(opp.owner) in card

def test_board_refuses_lost_without_a_reason_and_explains(client, org, records, pipeline):
    opp = records["a"].opportunity
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage": _stage(pipeline, "Lost").pk, "version": opp.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.content.decode().strip()
    opp.refresh_from_db()
    assert opp.stage.name == "Qualify"
    response = client.post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage": _stage(pipeline, "Lost").pk, "version": opp.version, "lost_reason": "Price"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    opp.refresh_from_db()
    assert (opp.stage.name, opp.lost_reason) == ("Lost", "Price")


def test_board_refuses_a_stale_move(client, org, records, pipeline):
    opp = records["a"].opportunity
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage": _stage(pipeline, "Propose").pk, "version": opp.version - 1 or 99},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 412
    opp.refresh_from_db()
    assert opp.stage.name == "Qualify"


def test_board_move_of_another_teams_card_is_404(client, org, records, pipeline):
    opp = records["b"].opportunity
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:opportunity_move", args=[opp.pk]),
        {"stage": _stage(pipeline, "Propose").pk, "version": opp.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404
    opp.refresh_from_db()
    assert opp.stage.name == "Qualify"


def test_task_done_toggle(client, org, records):
    task = records["a"].activity
    client.force_login(org.rep_a)
    response = client.post(reverse("web:activity_done", args=[task.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.done_at is not None


def test_saved_views(client, org, records):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:saved_view_add", args=["account"]),
        {"name": "My customers", "querystring": "status=customer&after=abc"},
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.user, view.page, view.querystring) == (org.rep_a, "account", "status=customer")
    assert "My customers" in client.get(reverse("web:account_list")).content.decode()
    client.force_login(org.rep_b)
    assert "My customers" not in client.get(reverse("web:account_list")).content.decode()
    assert client.post(reverse("web:saved_view_delete", args=["account", view.pk])).status_code == 404
    client.force_login(org.rep_a)
    client.post(reverse("web:saved_view_delete", args=["account", view.pk]))
    assert SavedView.objects.count() == 0


def test_list_filters_sort_and_keyset_pages(client, org):
    from tests.factories import make_account

    for i in range(120):
        make_account(org.rep_a, name=f"Company {i:03d}", status="customer" if i % 2 else "prospect")
    client.force_login(org.rep_a)
    first = client.get(reverse("web:account_list"), {"sort": "name", "status": "customer"})
    page = first.context["page"]
    assert [a.name for a in page.rows][:2] == ["Company 001", "Company 003"]
    assert len(page.rows) == 50 and page.next_cursor and not page.prev_cursor
    second = client.get(
        reverse("web:account_list"), {"sort": "name", "status": "customer", "after": page.next_cursor}
    )
    page2 = second.context["page"]
    assert page2.rows[0].name == "Company 101"
    assert len(page2.rows) == 10 and page2.next_cursor is None
    back = client.get(
        reverse("web:account_list"), {"sort": "name", "status": "customer", "before": page2.prev_cursor}
    )
    assert [a.name for a in back.context["page"].rows] == [a.name for a in page.rows]
    searched = client.get(reverse("web:account_list"), {"q": "Company 11"}).context["page"]
    assert sorted(a.name for a in searched.rows) == [f"Company 11{i}" for i in range(10)]
    partial = client.get(
        reverse("web:account_list"),
        {"q": "Company 11"},
        headers={"HX-Request": "true", "HX-Target": "list-results"},
    )
    assert "<html" not in partial.content.decode()


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
