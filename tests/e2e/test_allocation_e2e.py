"""Allocation in the browser: draft → solve → compare (table and map) → balance vs moves → apply →
a trade-off point as a new draft."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in, submit_and_wait

pytestmark = pytest.mark.e2e


@pytest.fixture
def alloc_world(transactional_db):
    from tests.allocation.conftest import build_alloc_org

    return build_alloc_org()


def test_draft_compare_apply(web_page, alloc_world):
    from opensrm.allocation.models import AllocationPlan, ScenarioStatus
    from opensrm.crm.models import Account

    page = web_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, "ops")

    page.click('nav.nav a[href="/allocation/"]')
    page.wait_for_url("**/allocation/")
    page.goto("/allocation/new/")
    page.fill("#id_name", "Browser plan")
    page.fill("#id_tolerance", "")
    page.fill("#id_time_limit", "20")
    submit_and_wait(page, "#scenario-form button[type=submit]")  # "**/allocation/*/" matches new/
    page.wait_for_url(lambda url: "/allocation/new/" not in url)
    scenario = AllocationPlan.objects.get(name="Browser plan")
    assert scenario.status == ScenarioStatus.DRAFT

    page.click("#solve-button")
    page.wait_for_selector("#compare-table")
    assert page.locator("#scenario-status").get_attribute("data-status") == "solved"
    assert page.locator("#compare-table tbody tr").count() == 3
    page.wait_for_selector("#allocation-map canvas")
    # the accounts sit on a base map of China's provinces, not on bare longitude/latitude axes
    geo = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('allocation-map')).getOption();"
        " return [(o.geo || []).map(g => g.map), (o.xAxis || []).length]; }"
    )
    assert geo == [["china"], 0]
    assert page.locator("#moves-table tbody tr").count() > 0

    page.click("#pareto-button")
    page.wait_for_selector("#pareto-chart canvas")
    points = page.locator("#pareto-table tbody tr").count()
    assert points > 0

    moves = AllocationPlan.objects.get(pk=scenario.pk).lines.filter(moved=True).count()
    page.click("#apply-button")  # asks first, in the page, how many accounts and reps change
    text = page.locator("#apply-confirm-text").inner_text()
    # The page speaks the browser's language (Chinese here): the count of accounts that change owner.
    assert f"{moves} 个客户将更换负责人" in text
    assert "名销售代表" in text
    assert page.locator("#scenario-status").get_attribute("data-status") == "solved"
    page.click("#apply-confirm-button")
    page.wait_for_selector("#rollback-button")
    assert page.locator("#scenario-status").get_attribute("data-status") == "applied"
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.APPLIED
    assert Account.objects.exclude(owner=alloc_world.org.rep_a).count() == scenario.moves > 0

    cap = page.locator("#pareto-table tbody tr button").first.get_attribute("data-max-moves")
    page.locator("#pareto-table tbody tr button").first.click()
    page.wait_for_url(lambda url: f"/allocation/{scenario.pk}/" not in url)
    draft = AllocationPlan.objects.exclude(pk=scenario.pk).get()
    assert draft.status == ScenarioStatus.DRAFT
    assert draft.parameters["max_moves"] == int(cap)
    assert page.locator("#solve-button").count() == 1
    assert errors == []


@pytest.fixture
def grid_world(transactional_db):
    from tests.allocation.conftest import build_grid_org

    return build_grid_org()


def test_territory_alignment_draft_compare_apply_rollback(web_page, grid_world):
    from opensrm.allocation.models import AllocationPlan, ScenarioStatus
    from opensrm.crm.models import Account, Territory

    page = web_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, "ops")

    page.goto("/allocation/new/")
    page.fill("#id_name", "Grid territories")
    page.select_option("#id_kind", "territory")
    page.fill("#id_territories", "4")
    page.fill("#id_time_limit", "20")
    page.check("#id_contiguity")
    submit_and_wait(page, "#scenario-form button[type=submit]")  # "**/allocation/*/" matches new/
    page.wait_for_url(lambda url: "/allocation/new/" not in url)
    scenario = AllocationPlan.objects.get(name="Grid territories")
    assert scenario.kind == "territory"
    assert scenario.status == ScenarioStatus.DRAFT

    page.click("#solve-button")
    page.wait_for_selector("#territory-table")
    assert page.locator("#scenario-status").get_attribute("data-status") == "solved"
    assert page.locator("#territory-table tbody tr").count() == 4
    assert page.locator("#alignment-balanced").get_attribute("data-balanced") == "true"
    page.wait_for_selector("#allocation-map canvas")

    page.click("#apply-button")
    page.click("#apply-confirm-button")
    page.wait_for_selector("#rollback-button")
    assert page.locator("#scenario-status").get_attribute("data-status") == "applied"
    accounts = Account.objects.filter(pk__in=[a.pk for a in grid_world.accounts])
    territories = set(accounts.values_list("territory_id", flat=True))
    assert None not in territories
    assert len(territories) == 4
    # the accounts of one city always share a territory
    by_city: dict[str, set[int]] = {}
    for city, territory in accounts.values_list("city", "territory_id"):
        by_city.setdefault(city, set()).add(territory)
    assert all(len(t) == 1 for t in by_city.values())
    assert Territory.objects.filter(pk__in=territories).count() == 4

    page.click("#rollback-button")
    page.wait_for_selector("#scenario-status[data-status=rolled_back]")
    assert set(accounts.values_list("territory_id", flat=True)) == {None}
    assert errors == []
