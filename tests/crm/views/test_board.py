"""The board: moving a card (htmx), its totals and refusals; stage and pipeline names per language
on the board, the dashboard and the opportunity page; known lead sources in the reader's language."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from opensrm.core.errors import DomainError
from opensrm.core.services import record_create, record_update
from opensrm.crm.models import Lead, Stage, StageChange, validate_names


def _speak(user, language):
    user.language = language
    user.save(update_fields=["language"])


@pytest.fixture
def named_won(pipeline):
    won = Stage.objects.get(pipeline=pipeline, name="Won")
    won.name = "赢单"
    won.names = {"zh-hans": "赢单", "en": "Won"}
    won.save()
    pipeline.names = {"zh-hans": "标准流程", "en": "Standard process"}
    pipeline.save()
    return won


def test_display_name_picks_the_language_then_falls_back(named_won):
    assert named_won.display_name("en") == "Won"
    assert named_won.display_name("zh-hans") == "赢单"
    assert named_won.display_name("fr") == "赢单"  # no French name: the stored name
    with translation.override("en"):
        assert str(named_won) == "Won"


def test_names_must_be_one_per_known_language():
    validate_names({"zh-hans": "赢单", "en": "Won"})
    for bad in ({"xx": "Won"}, {"en": ""}, {"en": 3}, ["Won"], {"en": "x" * 121}):
        with pytest.raises(ValidationError):
            validate_names(bad)


def test_a_bad_names_value_is_a_422_naming_the_field(org, named_won):
    with pytest.raises(DomainError) as caught:
        record_update(instance=named_won, actor=org.admin, data={"names": {"klingon": "Qapla"}}, expected_version=None)
    assert caught.value.status == 422
    assert "names" in caught.value.field_errors
    named_won.refresh_from_db()
    assert named_won.names == {"zh-hans": "赢单", "en": "Won"}


@pytest.mark.parametrize(("language", "shown", "hidden"), [("en", "Won", "赢单"), ("zh-hans", "赢单", ">Won<")])
def test_board_shows_one_language(client, org, records, named_won, language, shown, hidden):
    _speak(org.rep_a, language)
    client.force_login(org.rep_a)
    html = client.get(reverse("web:board")).content.decode()
    assert f"<span>{shown}</span>" in html
    assert f'data-stage-name="{shown}"' in html
    assert hidden not in html


def test_dashboard_stage_names_follow_the_language_though_figures_are_cached(client, org, records, named_won):
    opp = records["a"].opportunity
    opp.stage = Stage.objects.get(pipeline=named_won.pipeline, name="Qualify")
    opp.save()
    qualify = opp.stage
    qualify.names = {"zh-hans": "线索确认", "en": "Qualify"}
    qualify.save()
    client.force_login(org.manager_a)  # a team view: its figures are cached for a minute
    _speak(org.manager_a, "zh-hans")
    assert client.get(reverse("web:home")).context["charts"]["pipeline"]["stages"] == ["线索确认"]
    _speak(org.manager_a, "en")
    assert client.get(reverse("web:home")).context["charts"]["pipeline"]["stages"] == ["Qualify"]


def test_known_lead_sources_are_shown_in_the_readers_language(client, org):
    lead = record_create(
        model=Lead, actor=org.rep_a, data={"name": "Wang Fang", "company": "Jinling Tools", "source": "trade_show"}
    )
    _speak(org.rep_a, "zh-hans")
    client.force_login(org.rep_a)
    assert "展会" in client.get(reverse("web:lead_list")).content.decode()
    assert "展会" in client.get(reverse("web:lead_detail", args=[lead.pk])).content.decode()
    _speak(org.rep_a, "en")
    assert "Trade show" in client.get(reverse("web:lead_list")).content.decode()


def _stage(pipeline, name):
    return Stage.objects.get(pipeline=pipeline, name=name)


def _column(board, stage):
    return next(c for c in board.context["columns"] if c["stage"].pk == stage.pk)


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
