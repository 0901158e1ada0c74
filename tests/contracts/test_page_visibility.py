"""Every page answers its owner and hides another team's records (R1 on pages)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

KINDS = ["account", "contact", "lead", "opportunity", "activity"]


def _record(records, team, kind):
    return getattr(records[team], kind)


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "search",
        "profile",
        "recycle_bin",
        "board",
        "calendar",
        "notifications",
        *[f"{k}_list" for k in KINDS],
        *[f"{k}_create" for k in KINDS],
    ],
)
def test_pages_without_a_record_answer_200(client, org, records, name):
    client.force_login(org.rep_a)
    assert client.get(reverse(f"web:{name}")).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["detail", "edit"])
def test_record_pages_answer_the_owner(client, org, records, kind, action):
    client.force_login(org.rep_a)
    obj = _record(records, "a", kind)
    response = client.get(reverse(f"web:{kind}_{action}", args=[obj.pk]))
    assert response.status_code == 200
    assert str(obj).split(" (")[0] in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["detail", "edit"])
def test_another_teams_record_is_404_for_a_rep(client, org, records, kind, action):
    client.force_login(org.rep_a)
    obj = _record(records, "b", kind)
    response = client.get(reverse(f"web:{kind}_{action}", args=[obj.pk]))
    assert response.status_code == 404
    assert str(obj).split(" (")[0] not in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_another_teams_record_cannot_be_deleted(client, org, records, kind):
    client.force_login(org.rep_a)
    obj = _record(records, "b", kind)
    response = client.post(reverse(f"web:{kind}_delete", args=[obj.pk]), {"version": obj.version})
    assert response.status_code == 404
    obj.refresh_from_db()
    assert obj.deleted_at is None


def test_a_delete_form_with_a_version_that_is_not_a_number_is_answered_not_a_server_error(client, org, records):
    # A tampered hidden input: the form names no version, so the record is deleted as by a form
    # that sent none (the same rule for every page form that posts a version).
    client.force_login(org.rep_a)
    obj = _record(records, "a", "account")
    response = client.post(reverse("web:account_delete", args=[obj.pk]), {"version": "abc"})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.deleted_at is not None


def test_a_manager_sees_the_subtree_but_not_the_other_team(client, org, records):
    client.force_login(org.manager_a)
    assert client.get(reverse("web:account_detail", args=[records["a"].account.pk])).status_code == 200
    assert client.get(reverse("web:account_detail", args=[records["b"].account.pk])).status_code == 404


def test_lists_show_only_visible_records(client, org, records):
    client.force_login(org.rep_a)
    for kind in KINDS:
        body = client.get(reverse(f"web:{kind}_list")).content.decode()
        assert str(_record(records, "a", kind)).split(" (")[0] in body, kind
        assert str(_record(records, "b", kind)).split(" (")[0] not in body, kind


def test_search_respects_visibility(client, org, records):
    client.force_login(org.rep_a)
    body = client.get(reverse("web:search"), {"q": "Acme"}).content.decode()
    assert "Acme rep_a" in body
    assert "Acme rep_b" not in body
    dropdown = client.get(
        reverse("web:search"), {"q": "Lead Co"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Lead Co rep_a" in dropdown
    assert "Lead Co rep_b" not in dropdown


def test_lookup_respects_visibility(client, org, records):
    client.force_login(org.rep_a)
    body = client.get(reverse("web:lookup", args=["account"]), {"q": "Acme"}).content.decode()
    assert "Acme rep_a" in body
    assert "Acme rep_b" not in body


def test_board_and_calendar_hide_other_teams(client, org, records):
    client.force_login(org.rep_a)
    board = client.get(reverse("web:board")).content.decode()
    assert f'id="opp-{records["a"].opportunity.pk}"' in board
    assert f'id="opp-{records["b"].opportunity.pk}"' not in board
    calendar = client.get(reverse("web:calendar"), {"owner": "all"}).content.decode()
    assert records["a"].activity.subject in calendar
    assert records["b"].activity.subject not in calendar


def test_convert_page_of_another_teams_lead_is_404(client, org, records):
    client.force_login(org.rep_a)
    lead = records["b"].lead
    assert client.get(reverse("web:lead_convert", args=[lead.pk])).status_code == 404
    assert (
        client.post(reverse("web:lead_convert", args=[lead.pk]), {"version": lead.version}).status_code == 404
    )


def test_anonymous_users_are_sent_to_sign_in(client, records):
    response = client.get(reverse("web:account_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_viewer_reads_but_gets_no_forms(client, org, records):
    client.force_login(org.viewer)
    assert client.get(reverse("web:account_detail", args=[records["b"].account.pk])).status_code == 200
    assert client.get(reverse("web:account_create")).status_code == 403
    assert client.get(reverse("web:account_edit", args=[records["b"].account.pk])).status_code == 403


def test_home_dashboard_for_rep_and_manager(client, org, records, order_for):
    from django.utils import timezone

    today = timezone.localdate()
    order_for(records["a"].account, org.rep_a, today, quantity=3)
    order_for(records["a"].account, org.rep_a, today.replace(year=today.year - 1), quantity=2)
    order_for(records["b"].account, org.rep_b, today, quantity=50)
    client.force_login(org.rep_a)
    rep = client.get(reverse("web:home"))
    assert rep.status_code == 200
    board = rep.context["board"]
    assert board.team_view is False
    assert board.bookings_total == 300
    assert board.bookings_last_year_total == 200
    assert [t.pk for t in board.tasks] == [records["a"].activity.pk]
    assert board.overdue_count + board.today_count == 1
    assert 'id="chart-data"' in rep.content.decode()
    client.force_login(org.manager_a)
    manager = client.get(reverse("web:home")).context["board"]
    assert manager.team_view is True
    assert {r.user.username for r in manager.reps} == {"manager_a", "rep_a", "rep_a1"}
    assert manager.bookings_total == 300  # team B's bookings stay out


def test_a_viewer_is_shown_the_stage_path_without_a_form_to_post(client, org, pipeline):
    import re

    from tests.factories import make_account, make_opportunity

    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    client.force_login(org.viewer)

    page = client.get(reverse("web:opportunity_detail", args=[opp.pk])).content.decode()

    path = re.search(r'<div class="stage-path".*?</div>', page, re.S).group(0)
    assert "<button" in path
    assert 'method="post"' not in path  # it posted back to the detail page and answered a CSRF 403
