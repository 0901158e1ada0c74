"""The board at 1440 px: every column on screen, Won asks for confirmation, Lost for a reason."""

from __future__ import annotations

import pytest

from opensrm.crm.models import Pipeline, Stage
from tests.e2e.conftest import sign_in
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.e2e

# The demo company's six stages: the board must show all of them at a common laptop width.
SIX_STAGES = [
    ("Qualify", 10, "pipeline", False, False),
    ("Needs", 25, "pipeline", False, False),
    ("Proposal", 50, "best_case", False, False),
    ("Negotiation", 75, "commit", False, False),
    ("Won", 100, "closed", True, False),
    ("Lost", 0, "omitted", False, True),
]


@pytest.fixture
def board_page(chromium_browser, live_server, transactional_db):
    from tests.factories import make_org

    org = make_org()
    pipeline = Pipeline.objects.create(name="Standard", is_default=True)
    stages = {}
    for order, (name, prob, cat, won, lost) in enumerate(SIX_STAGES, start=1):
        stages[name] = Stage.objects.create(
            pipeline=pipeline,
            name=name,
            order=order,
            probability=prob,
            forecast_category=cat,
            is_won=won,
            is_lost=lost,
        )
    context = chromium_browser.new_context(
        locale="en-US", viewport={"width": 1440, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(30_000)  # a loaded two-core machine; the app itself answers in ms
    opp = make_opportunity(make_account(org.rep_a, name="Wuxi Motors"), org.rep_a, pipeline, amount="80000")
    opp.stage = stages["Negotiation"]
    opp.save(update_fields=["stage"])
    sign_in(page, "rep_a")
    page.goto("/opportunities/board/")
    yield page, opp, stages
    context.close()


def _drag(page, card_selector: str, column_selector: str) -> None:
    card = page.locator(card_selector).bounding_box()
    target = page.locator(column_selector).bounding_box()
    x0, y0 = card["x"] + card["width"] / 2, card["y"] + 10
    x1, y1 = target["x"] + target["width"] / 2, target["y"] + 30
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
        page.wait_for_timeout(30)
    page.mouse.up()


def test_every_column_is_on_screen_at_1440(board_page):
    page, _opp, stages = board_page
    lost = page.locator(f".cards[data-stage='{stages['Lost'].pk}']").bounding_box()
    assert lost["x"] + lost["width"] <= 1440
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440


def test_a_drop_onto_won_asks_first(board_page):
    page, opp, stages = board_page
    won = f".cards[data-stage='{stages['Won'].pk}']"
    _drag(page, f"#opp-{opp.pk}", won)
    page.wait_for_selector("#won-dialog[open]")
    text = page.locator("#won-dialog [data-won-text]").inner_text()
    assert text == f"{opp.name} moves to Won and counts as won business."
    page.click("#won-dialog button[value=cancel]")
    page.wait_for_selector(f".cards[data-stage='{stages['Negotiation'].pk}'] #opp-{opp.pk}")
    opp.refresh_from_db()
    assert opp.stage_id == stages["Negotiation"].pk

    _drag(page, f"#opp-{opp.pk}", won)
    page.wait_for_selector("#won-dialog[open]")
    page.click("#won-dialog button[value=confirm]")
    page.wait_for_selector(f"{won} #opp-{opp.pk}:not(.moving)")
    page.wait_for_selector("#toast:not([hidden])")
    opp.refresh_from_db()
    assert opp.stage_id == stages["Won"].pk


def test_an_empty_lost_reason_keeps_the_dialog_open(board_page):
    page, opp, stages = board_page
    _drag(page, f"#opp-{opp.pk}", f".cards[data-stage='{stages['Lost'].pk}']")
    page.wait_for_selector("#lost-dialog[open]")
    page.click("#lost-dialog button[value=confirm]")
    assert page.locator("#lost-dialog[open]").count() == 1
    assert page.locator("#lost-reason-error").is_visible()
    page.fill("#lost-reason", "Budget cut")
    page.click("#lost-dialog button[value=confirm]")
    page.wait_for_selector(f".cards[data-stage='{stages['Lost'].pk}'] #opp-{opp.pk}:not(.moving)")
    page.wait_for_selector("#toast:not([hidden])")
    opp.refresh_from_db()
    assert opp.stage_id == stages["Lost"].pk
    assert opp.lost_reason == "Budget cut"
