from __future__ import annotations

import numpy as np
import pytest

from opensrm.allocation import selectors, services
from opensrm.core.services import record_update
from tests.factories import make_account


def test_gather_builds_arrays_for_reps_and_accounts_in_scope(alloc):
    org = alloc.org
    scenario = services.plan_create(
        actor=org.ops, data={"name": "All", "parameters": {"tolerance": None}}
    )

    g = selectors.assignment_problem_for(scenario=scenario)

    assert g.rep_ids == [org.rep_a.pk, org.rep_a1.pk, org.rep_b.pk]
    assert g.account_ids == [a.pk for a in alloc.accounts]
    inp = g.input
    assert inp.shape == (3, 12)
    hours = selectors.TIER_HOURS
    assert inp.workload[:4].tolist() == [hours["A"], hours["B"], hours["C"], hours["A"]]
    assert inp.potential[0] == 1_000_000
    assert inp.potential[11] == 2_100_000
    assert (inp.current == 0).all()  # rep_a owns everything today
    assert inp.capacity.tolist() == [1.3, 1.3, 1.3]
    # rep_a takes all; rep_a1 manufacturing/retail (accounts 3-6); rep_b finance (0-2 and 11)
    assert inp.eligible[0].all()
    assert np.nonzero(inp.eligible[1])[0].tolist() == [3, 4, 5, 6]
    assert np.nonzero(inp.eligible[2])[0].tolist() == [0, 1, 2, 11]
    assert inp.skill_fit[2, 0] == 1.0
    assert inp.skill_fit[0, 0] == 0.5
    assert np.allclose(inp.account_latlon[0], [alloc.accounts[0].lat, alloc.accounts[0].lon])
    assert not inp.locked.any()
    assert inp.tolerance is None


def test_gather_team_scope_locks_and_capacity_used_outside(alloc):
    org = alloc.org
    locked = alloc.accounts[7]
    record_update(instance=locked, actor=org.admin, data={"tags": ["locked"]}, expected_version=None)
    outside = make_account(org.rep_b, name="North account", tier="A")  # owned by rep_b, outside East
    scenario = services.plan_create(actor=org.manager_a, data={"name": "East"})

    g = selectors.assignment_problem_for(scenario=scenario)

    assert scenario.scope_team == org.team_a  # a manager plans their own team by default
    assert g.rep_ids == [org.rep_a.pk, org.rep_a1.pk]
    assert outside.pk not in g.account_ids
    assert g.input.locked[g.account_ids.index(locked.pk)]


def test_gather_subtracts_hours_held_outside_the_territory_scope(alloc):
    from opensrm.crm.services import territory_create

    org = alloc.org
    east = territory_create(actor=org.admin, data={"name": "East", "code": "E"})
    inside = alloc.accounts[3]
    record_update(instance=inside, actor=org.admin, data={"territory": east}, expected_version=None)
    scenario = services.plan_create(actor=org.ops, data={"name": "T", "scope_territory": east})

    g = selectors.assignment_problem_for(scenario=scenario)

    assert g.account_ids == [inside.pk]
    held_elsewhere = sum(selectors.TIER_HOURS[a.tier] for a in alloc.accounts if a.pk != inside.pk)
    assert g.input.capacity[0] == pytest.approx(max(1.3 - held_elsewhere, 0.0))


def test_a_bad_row_written_past_validation_is_named_and_the_plan_still_solves(alloc):
    from opensrm.allocation.models import ScenarioStatus
    from opensrm.crm.models import Account
    from opensrm.people.models import RepProfile

    org = alloc.org
    bad = alloc.accounts[2]
    # Straight into the table, as an old import or a manual fix would have done.
    Account.objects.filter(pk=bad.pk).update(annual_revenue=-1, lat=123.0)
    RepProfile.objects.filter(user=org.rep_b).update(weekly_capacity_hours=-3)
    scenario = services.plan_create(
        actor=org.ops, data={"name": "Bad rows", "parameters": {"tolerance": None}}
    )

    g = selectors.assignment_problem_for(scenario=scenario)

    j = g.account_ids.index(bad.pk)
    assert g.input.potential[j] == 0
    assert np.isnan(g.input.account_latlon[j]).all()
    assert g.input.capacity[g.rep_ids.index(org.rep_b.pk)] == 0
    text = "\n".join(g.warnings)
    assert f"account {bad.pk} ({bad.name}): annual revenue -1" in text
    assert f"account {bad.pk} ({bad.name}): the location 123.0" in text
    assert f"rep {org.rep_b.pk} (rep_b): weekly capacity -3" in text

    # Without rep_b's hours the reps cannot hold every account; the account's bad values alone
    # must not stop the plan.
    RepProfile.objects.filter(user=org.rep_b).update(weekly_capacity_hours=1.3)
    solved = services.plan_solve(scenario=scenario, actor=org.ops)

    assert solved.status == ScenarioStatus.SOLVED, solved.message
    assert f"account {bad.pk} ({bad.name}): annual revenue -1" in solved.message
    assert solved.lines.filter(account=bad, proposed_owner__isnull=False).exists()


def test_gather_warnings_are_translated(alloc):
    from django.utils import translation

    from opensrm.crm.models import Account

    bad = alloc.accounts[0]
    Account.objects.filter(pk=bad.pk).update(annual_revenue=-1)
    scenario = services.plan_create(actor=alloc.org.ops, data={"name": "zh"})
    with translation.override("zh-hans"):
        g = selectors.assignment_problem_for(scenario=scenario)
    assert len(g.warnings) == 1
    assert "客户" in g.warnings[0]
