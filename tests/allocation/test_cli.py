from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from opensrm.allocation.cli import DEMO_LADDER, app, run_demo_alignment, run_demo_allocation
from opensrm.allocation.models import AllocationPlan, ScenarioStatus
from opensrm.crm.models import Account, Territory
from opensrm.people.models import RepProfile


def test_allocate_solves_prints_the_summary_and_applies(alloc):
    result = CliRunner().invoke(app, ["--no-balance", "--time-limit", "20", "--apply", "--actor", "ops"])

    assert result.exit_code == 0, result.output
    scenario = AllocationPlan.objects.get()
    assert scenario.status == ScenarioStatus.APPLIED
    assert scenario.created_by == alloc.org.ops
    assert "Objective" in result.output
    assert "Gap" in result.output
    assert Account.objects.exclude(owner=alloc.org.rep_a).count() == scenario.moves


def test_allocate_reports_an_infeasible_plan_and_exits_1(alloc):
    RepProfile.objects.update(weekly_capacity_hours=1)

    result = CliRunner().invoke(app, ["--scope-team", "East", "--no-balance"])

    assert result.exit_code == 1
    assert AllocationPlan.objects.get().status == ScenarioStatus.FAILED
    assert not Account.objects.exclude(owner=alloc.org.rep_a).exists()


def test_demo_allocation_starts_tight_and_loosens_only_without_a_plan(alloc):
    console = Console(record=True, width=120)
    scenario = run_demo_allocation(console)

    attempts = list(AllocationPlan.objects.order_by("id"))
    first = attempts[0].parameters
    assert first["tolerance"] == 0.10
    assert first["max_moves"] == round(0.15 * 12)
    assert first["time_limit"] == 20
    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario == attempts[-1]
    assert all(a.status == ScenarioStatus.FAILED for a in attempts[:-1])
    assert len(attempts) <= len(DEMO_LADDER)
    if scenario.parameters["max_moves"] is not None:
        assert scenario.moves <= scenario.parameters["max_moves"]
    assert "Objective" in console.export_text()
    assert not Account.objects.exclude(owner=alloc.org.rep_a).exists()  # drafted, not applied


def test_allocate_territory_alignment_prints_the_territories_and_applies(grid):
    result = CliRunner().invoke(
        app,
        ["--kind", "territory", "--territories", "4", "--time-limit", "5", "--apply", "--actor", "ops"],
        env={"COLUMNS": "160"},
    )

    assert result.exit_code == 0, result.output
    scenario = AllocationPlan.objects.get()
    assert scenario.kind == "territory"
    assert scenario.status == ScenarioStatus.APPLIED
    assert scenario.parameters["territories"] == 4
    assert "tolerance" not in scenario.parameters
    assert "Balanced" in result.output
    assert f"S{scenario.pk}-T4" in result.output
    assert "32 accounts changed territory" in result.output
    assert Account.objects.filter(territory__code__startswith=f"S{scenario.pk}-T").count() == 32


def test_allocate_territory_alignment_with_too_many_territories_exits_1(grid):
    result = CliRunner().invoke(app, ["--kind", "territory", "--territories", "40", "--time-limit", "5"])

    assert result.exit_code == 1
    assert AllocationPlan.objects.get().status == ScenarioStatus.FAILED
    assert not Account.objects.filter(territory__isnull=False).exists()


def test_demo_alignment_drafts_balanced_regions_without_applying(grid):
    regions = [Territory.objects.create(name=f"Region {k}", code=f"R-{k}") for k in range(4)]
    Account.objects.filter(pk__in=[a.pk for a in grid.accounts]).update(territory=regions[0])
    console = Console(record=True, width=160)

    scenario = run_demo_alignment(console)

    assert scenario.kind == "territory"
    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.parameters["territories"] == 4
    assert scenario.alignment["balanced"] is True
    assert scenario.unit_lines.values("proposed_index").distinct().count() == 4
    assert set(Account.objects.values_list("territory_id", flat=True)) == {regions[0].pk}  # drafted only


def test_demo_alignment_is_skipped_without_regions(grid):
    assert run_demo_alignment(Console(record=True)) is None
    assert not AllocationPlan.objects.exists()
