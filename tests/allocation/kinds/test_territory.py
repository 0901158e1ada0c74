"""Territory alignment scenarios at the service layer: gather, solve, apply, roll back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opensrm.allocation import services
from opensrm.allocation.models import AllocationPlan, ScenarioKind, ScenarioStatus, TerritoryUnitLine
from opensrm.allocation.selectors import delaunay_adjacency, gather_units
from opensrm.core.errors import Conflict, PermissionDenied, ValidationFailed
from opensrm.core.services import record_create, record_update
from opensrm.crm.models import Account, Territory
from opensrm.crm.services import territory_create
from opensrm.web.selectors import history_title
from tests.factories import make_account

FAST = {"territories": 4, "time_limit": 5}


def draft(grid, **params) -> AllocationPlan:
    return services.plan_create(
        actor=grid.org.ops,
        data={"name": "Align", "kind": ScenarioKind.TERRITORY, "parameters": {**FAST, **params}},
    )


def solved(grid, **params) -> AllocationPlan:
    return services.plan_solve(scenario=draft(grid, **params), actor=grid.org.ops)


def territories_of(grid) -> dict[int, int | None]:
    return dict(Account.objects.filter(pk__in=[a.pk for a in grid.accounts]).values_list("pk", "territory_id"))


def test_gather_groups_accounts_by_city_and_skips_those_without_any_location(grid):
    org = grid.org
    make_account(org.rep_a, name="Grid 00 no coordinates", city="City 0-0", province="Zhejiang", tier="A")
    make_account(org.rep_a, name="Nowhere", city="Lost City", tier="A")
    scenario = draft(grid)

    units = gather_units(scenario=scenario, actor=org.ops, level="city")

    assert units.n == 16
    assert units.skipped == 1
    first = units.labels.index("City 0-0")
    assert len(units.accounts[first]) == 3  # the unlocated account joins its located city
    assert units.workload[first] == pytest.approx(0.2 + 0.2 + 0.5)
    assert units.potential[first] == pytest.approx(2_000_000)
    assert units.lat[first] == pytest.approx(30.005)
    assert units.lon[first] == pytest.approx(118.0)
    by_account = gather_units(scenario=scenario, actor=org.ops, level="account")
    assert by_account.n == 32
    assert by_account.skipped == 2


def test_gather_sees_only_the_scope_and_what_the_author_sees(grid):
    scenario = services.plan_create(
        actor=grid.org.manager_b,
        data={"name": "North", "kind": ScenarioKind.TERRITORY, "parameters": FAST},
    )

    units = gather_units(scenario=scenario, actor=grid.org.manager_b, level="city")

    assert sorted(units.labels) == sorted(f"City {r}-{c}" for r in range(4) for c in (2, 3))


def test_current_territory_of_a_unit_is_where_most_of_its_accounts_are(grid):
    north = territory_create(actor=grid.org.ops, data={"name": "North", "code": "N"})
    south = territory_create(actor=grid.org.ops, data={"name": "South", "code": "S"})
    a, b = grid.city(0, 0)
    Account.objects.filter(pk=a.pk).update(territory=north)
    Account.objects.filter(pk=b.pk).update(territory=north)
    make_account(
        grid.org.rep_a, name="Third", city="City 0-0", province="Zhejiang", lat=30.0, lon=118.0, territory=south
    )

    units = gather_units(scenario=draft(grid), actor=grid.org.ops, level="city")

    assert units.current[units.labels.index("City 0-0")] == north.pk


def test_delaunay_adjacency_links_neighbours_only():
    import numpy as np

    lat = np.repeat([30.0, 30.5, 31.0], 3)
    lon = np.tile([118.0, 118.5, 119.0], 3)

    edges = set(delaunay_adjacency(lat, lon))

    assert (0, 1) in edges
    assert (0, 3) in edges
    assert (4, 5) in edges
    assert (0, 2) not in edges
    assert (0, 8) not in edges
    assert delaunay_adjacency(lat[:2], lon[:2]) == [(0, 1)]


def test_solve_puts_each_unit_in_one_territory_within_the_balance_tolerance(grid):
    scenario = solved(grid, tolerance=0.1)

    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.result_status == "feasible"
    assert scenario.bound <= scenario.objective + 1e-9
    assert 0 <= scenario.gap <= 1
    lines = list(TerritoryUnitLine.objects.filter(scenario=scenario))
    assert len(lines) == 16
    assert len({line.key for line in lines}) == 16
    assert sum(line.accounts for line in lines) == 32
    assert {line.proposed_index for line in lines} == {0, 1, 2, 3}
    summary = scenario.alignment
    assert summary["balanced"] is True
    assert summary["p"] == 4
    assert summary["reused"] is False
    for t in summary["territories"]:
        assert 0.9 - 1e-9 <= t["workload_balance"] <= 1.1 + 1e-9
        assert 0.9 - 1e-9 <= t["potential_balance"] <= 1.1 + 1e-9
        assert t["units"] == sum(line.proposed_index == t["index"] for line in lines)
    assert [t["code"] for t in summary["territories"]] == [f"S{scenario.pk}-T{k}" for k in range(1, 5)]
    assert summary["territories"][0]["name"] == "Align T1"
    # nothing exists yet: every account moves to a new territory
    assert scenario.moves == 32
    assert all(line.moved for line in lines)


def test_contiguity_is_reported_when_asked_for(grid):
    scenario = solved(grid, contiguity=True)

    assert scenario.alignment["contiguous"] is True
    assert solved(grid).alignment["contiguous"] is None


def test_locked_units_and_pinned_centres_are_respected(grid):
    scenario = solved(
        grid,
        locked_units={"City 0-0": "T3", "city 3-3": 3},
        pinned_centres={"2": "City 1-2"},
    )

    lines = {line.label: line for line in scenario.unit_lines.all()}
    assert lines["City 0-0"].proposed_index == 2
    assert lines["City 0-0"].locked
    assert lines["City 3-3"].proposed_index == 2
    assert lines["City 1-2"].proposed_index == 1
    assert lines["City 1-2"].centre
    assert not lines["City 2-1"].locked


def test_a_lock_naming_no_unit_fails_the_scenario_with_the_reason(grid):
    scenario = solved(grid, locked_units={"Atlantis": "T1"})

    assert scenario.status == ScenarioStatus.FAILED
    assert "Atlantis" in scenario.message
    assert not scenario.unit_lines.exists()


def test_more_territories_than_units_fails_with_the_reason(grid):
    scenario = solved(grid, territories=17)

    assert scenario.status == ScenarioStatus.FAILED
    assert "16" in scenario.message
    assert "17" in scenario.message


def test_parameters_are_validated_with_field_errors(grid):
    with pytest.raises(ValidationFailed) as info:
        draft(grid, territories=0, unit_level="street", contiguity="yes", locked_units=["x"], weights={})

    assert set(info.value.field_errors) == {
        "parameters.territories",
        "parameters.unit_level",
        "parameters.contiguity",
        "parameters.locked_units",
        "parameters.weights",
    }
    assert not AllocationPlan.objects.exists()


def test_a_second_alignment_redraws_the_sub_territories_the_first_one_created(grid):
    ops = grid.org.ops
    east = territory_create(actor=ops, data={"name": "Zhejiang", "code": "ZJ"})
    Account.objects.filter(pk__in=[a.pk for a in grid.accounts]).update(territory=east)

    def scoped(name: str, **params) -> AllocationPlan:
        scenario = services.plan_create(
            actor=ops,
            data={
                "name": name,
                "kind": ScenarioKind.TERRITORY,
                "scope_territory": east,
                "parameters": {"time_limit": 5, **params},
            },
        )
        return services.plan_solve(scenario=scenario, actor=ops)

    first = scoped("Split", territories=4)
    assert first.alignment["reused"] is False
    assert first.moves == 32
    services.plan_apply(scenario=first, actor=ops)
    children = list(Territory.objects.filter(parent=east).order_by("code"))
    assert [t.name for t in children] == [f"Split T{k}" for k in range(1, 5)]

    again = scoped("Realign")  # default: as many territories as the scope has sub-territories

    summary = again.alignment
    assert summary["p"] == 4
    assert summary["reused"] is True
    assert [t["territory_id"] for t in summary["territories"]] == [t.pk for t in children]
    # the same data and seed give the same alignment: every unit keeps its territory
    assert again.moves == 0
    assert not again.unit_lines.filter(moved=True).exists()
    assert summary["spread_before"] == pytest.approx(summary["spread_after"])
    for t in summary["territories"]:
        assert t["workload_before"] == pytest.approx(t["workload"]) == pytest.approx(1.6)
    line = again.unit_lines.get(label="City 3-3")
    assert line.current_territory == line.proposed_territory


def test_apply_moves_accounts_into_new_territories_with_history(grid):
    before = territories_of(grid)
    scenario = solved(grid)
    plan = {int(pk): line.proposed_code for line in scenario.unit_lines.all() for pk in line.account_territories}

    scenario = services.plan_apply(scenario=scenario, actor=grid.org.ops)

    assert scenario.status == ScenarioStatus.APPLIED
    assert scenario.applied_by == grid.org.ops
    created = Territory.objects.filter(code__startswith=f"S{scenario.pk}-T")
    assert created.count() == 4
    assert all(t.parent is None for t in created)
    codes = dict(Account.objects.filter(pk__in=plan).values_list("pk", "territory__code"))
    assert codes == plan
    assert all(v is None for v in before.values())
    account = Account.objects.get(pk=grid.accounts[0].pk)
    last = account.history.order_by("-history_id").first()
    assert last.history_user == grid.org.ops
    assert last.territory_id == account.territory_id
    assert last.history_change_reason == f"allocation {scenario.pk}: territory applied"
    assert account.version == 2
    # the timeline says what changed: the territory, not the owner (who stays the same)
    title = history_title("~", last.history_change_reason)
    assert title == f"Territory set by allocation scenario {scenario.pk}"
    assert "Owner" not in title
    assert scenario.alignment["created_territory_ids"] == sorted(t.pk for t in created)


def test_rollback_restores_each_accounts_territory_and_bins_the_new_territories(grid):
    old = territory_create(actor=grid.org.ops, data={"name": "Old", "code": "OLD"})
    Account.objects.filter(pk=grid.accounts[0].pk).update(territory=old)
    before = territories_of(grid)
    scenario = services.plan_apply(scenario=solved(grid), actor=grid.org.ops)
    assert territories_of(grid) != before

    scenario = services.plan_rollback(scenario=scenario, actor=grid.org.admin)

    assert scenario.status == ScenarioStatus.ROLLED_BACK
    assert territories_of(grid) == before
    assert not Territory.objects.filter(code__startswith=f"S{scenario.pk}-T").exists()
    assert Territory.all_objects.filter(code__startswith=f"S{scenario.pk}-T", deleted_at__isnull=False).count() == 4
    last = Account.objects.get(pk=grid.accounts[0].pk).history.order_by("-history_id").first()
    assert last.history_user == grid.org.admin
    assert last.territory_id == old.pk
    assert history_title("~", last.history_change_reason).startswith("Territory restored")


def test_stale_apply_is_refused_and_changes_nothing(grid):
    scenario = solved(grid)
    other = territory_create(actor=grid.org.ops, data={"name": "Elsewhere", "code": "ELSE"})
    stale = Account.objects.get(pk=grid.accounts[5].pk)
    record_update(instance=stale, actor=grid.org.admin, data={"territory": other}, expected_version=None)
    before = territories_of(grid)

    with pytest.raises(Conflict) as info:
        services.plan_apply(scenario=scenario, actor=grid.org.ops)

    assert stale.name in info.value.message
    assert info.value.extra["changed"] == [stale.pk]
    assert territories_of(grid) == before
    assert not Territory.objects.filter(code__startswith=f"S{scenario.pk}-").exists()
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED


def test_apply_is_refused_when_an_account_moved_city(grid):
    scenario = solved(grid)
    moved = Account.objects.get(pk=grid.accounts[0].pk)
    record_update(instance=moved, actor=grid.org.admin, data={"city": "City 3-3"}, expected_version=None)

    with pytest.raises(Conflict):
        services.plan_apply(scenario=scenario, actor=grid.org.ops)

    assert all(t is None for t in territories_of(grid).values())


def test_rollback_is_refused_when_an_account_changed_territory_since_apply(grid):
    scenario = services.plan_apply(scenario=solved(grid), actor=grid.org.ops)
    other = territory_create(actor=grid.org.ops, data={"name": "Elsewhere", "code": "ELSE"})
    record_update(
        instance=Account.objects.get(pk=grid.accounts[3].pk),
        actor=grid.org.admin,
        data={"territory": other},
        expected_version=None,
    )
    after_apply = territories_of(grid)

    with pytest.raises(Conflict) as info:
        services.plan_rollback(scenario=scenario, actor=grid.org.ops)

    assert info.value.extra["changed"] == [grid.accounts[3].pk]
    assert territories_of(grid) == after_apply
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.APPLIED


def test_a_manager_may_solve_their_team_but_not_redraw_territories(grid):
    org = grid.org
    scenario = services.plan_create(
        actor=org.manager_b,
        data={"name": "North", "kind": ScenarioKind.TERRITORY, "parameters": {"territories": 2, "time_limit": 5}},
    )
    scenario = services.plan_solve(scenario=scenario, actor=org.manager_b)
    assert scenario.status == ScenarioStatus.SOLVED

    with pytest.raises(PermissionDenied):
        services.plan_apply(scenario=scenario, actor=org.manager_b)

    assert not Territory.objects.exists()


def test_solve_request_runs_the_territory_job_after_commit(grid, django_capture_on_commit_callbacks):
    scenario = draft(grid)

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.plan_solve_request(scenario=scenario, actor=grid.org.ops)

    assert queued.status == ScenarioStatus.SOLVING
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.progress == 100
    assert scenario.unit_lines.count() == 16


def test_editing_a_solved_alignment_clears_its_plan(grid):
    scenario = solved(grid)

    scenario = services.plan_update(
        scenario=scenario, actor=grid.org.ops, data={"parameters": {"territories": 2}}, expected_version=None
    )

    assert scenario.status == ScenarioStatus.DRAFT
    scenario.refresh_from_db()
    assert scenario.alignment is None
    assert not scenario.unit_lines.exists()


def test_accounts_without_a_city_are_units_of_their_own(grid):
    lone = record_create(
        model=Account,
        actor=grid.org.ops,
        data={"name": "Roadside", "city": "", "lat": 31.0, "lon": 119.0, "tier": "C", "annual_revenue": Decimal(5)},
    )

    units = gather_units(scenario=draft(grid), actor=grid.org.ops, level="city")

    assert units.n == 17
    assert f"account:{lone.pk}" in units.keys
    assert units.labels[units.keys.index(f"account:{lone.pk}")] == "Roadside"


def test_without_sub_territories_or_reps_the_number_of_territories_must_be_given(grid):
    scenario = services.plan_create(
        actor=grid.org.ops, data={"name": "How many?", "kind": ScenarioKind.TERRITORY, "parameters": {}}
    )

    scenario = services.plan_solve(scenario=scenario, actor=grid.org.ops)

    assert scenario.status == ScenarioStatus.FAILED
    assert "number of territories" in scenario.message


def test_default_number_of_territories_is_the_reps_in_scope(grid):
    from opensrm.people.services import rep_profile_upsert

    for rep in (grid.org.rep_a, grid.org.rep_a1, grid.org.rep_b):
        rep_profile_upsert(user=rep, actor=grid.org.admin, data={"home_city": "Hangzhou"})
    scenario = services.plan_create(
        actor=grid.org.ops,
        data={"name": "Per rep", "kind": ScenarioKind.TERRITORY, "parameters": {"time_limit": 5}},
    )

    scenario = services.plan_solve(scenario=scenario, actor=grid.org.ops)

    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.alignment["p"] == 3


def test_too_many_units_fail_before_the_engine_runs(grid, monkeypatch):
    from opensrm.allocation.kinds import territory

    monkeypatch.setattr(territory, "MAX_UNITS", 10)

    scenario = solved(grid)

    assert scenario.status == ScenarioStatus.FAILED
    assert "at most 10" in scenario.message


def test_accounts_left_out_are_counted_in_the_message_and_read_in_the_users_language(grid):
    from django.utils import translation

    from opensrm.allocation import presentation

    make_account(grid.org.rep_a, name="Nowhere", city="Lost City", tier="A")

    scenario = solved(grid)

    assert scenario.message.endswith("; 1 accounts without a location left out")
    assert scenario.outcome["params"]["skipped_accounts"] == 1
    with translation.override("en"):
        assert "1 accounts without a location were left out." in presentation.outcome_summary(scenario.outcome)
        assert presentation.status_label("violated") == "Constraints not met"
    with translation.override("zh-hans"):
        assert "1 个没有位置的客户未纳入" in presentation.outcome_summary(scenario.outcome)


def test_a_new_grouping_mostly_from_other_territories_is_named_after_its_cities(grid):
    ops = grid.org.ops
    region = territory_create(actor=ops, data={"name": "Zhejiang", "code": "ZJ"})
    big = territory_create(actor=ops, data={"name": "Big", "code": "BIG", "parent": region})
    small = [
        territory_create(actor=ops, data={"name": name, "code": name.upper(), "parent": region})
        for name in ("Far", "Farther", "Farthest")
    ]
    lone = ["City 0-3", "City 3-0", "City 3-3"]  # each small territory holds one corner city today
    for account in grid.accounts:
        home = small[lone.index(account.city)] if account.city in lone else big
        Account.objects.filter(pk=account.pk).update(territory=home)
    scenario = services.plan_create(
        actor=ops,
        data={
            "name": "Realign",
            "kind": ScenarioKind.TERRITORY,
            "scope_territory": region,
            "parameters": {"time_limit": 5},
        },
    )
    scenario = services.plan_solve(scenario=scenario, actor=ops)

    summary = scenario.alignment
    assert summary["reused"] is True
    assert summary["p"] == 4
    by_name = {t["name"]: t for t in summary["territories"]}
    # Big's cities make up a whole balanced territory: it keeps its name and is redrawn in place
    assert by_name["Big"]["territory_id"] == big.pk
    # each small territory holds a quarter at most of any balanced grouping: no old name is reused
    assert not {"Far", "Farther", "Farthest"} & set(by_name)
    renamed = [t for t in summary["territories"] if t["name"] != "Big"]
    assert len(renamed) == 3
    assert all(t["territory_id"] is None for t in renamed)
    for t in renamed:
        cities = {line.label for line in scenario.unit_lines.filter(proposed_index=t["index"])}
        assert t["name"].split(" +")[0].split(", ")[0] in cities
        assert t["code"].startswith(f"S{scenario.pk}-T")
