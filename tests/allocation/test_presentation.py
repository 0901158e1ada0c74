"""A plan's stored outcome (a code and its parameters) read in the reader's language, and the
outcome each plan kind stores."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from opensrm.allocation import presentation, services
from opensrm.allocation.models import AllocationPlan, OutcomeCode, ScenarioKind, ScenarioStatus
from opensrm.core.services import record_create
from opensrm.crm.models import Lead
from opensrm.people.models import RepProfile


def outcome(code: str, **params) -> dict:
    return {"code": code, "params": params}


CASES = [
    (
        outcome("certified", status="optimal", bound_scope="candidate-restricted problem"),
        "Optimal; the bound is certified for the candidate-restricted problem.",
        "候选",
    ),
    (
        outcome("exact_model", status="optimal", bound_scope="full problem (all eligible reps)"),
        "Plan found by the exact model (the engine's quick search had run out of time).",
        "精确模型",
    ),
    (
        outcome("time_limit", moves_used=1250, moves_cap=1250),
        "No feasible plan was found within the time limit. The best plan found uses up the cap of 1,250 moves: "
        "a higher cap or a wider balance band may allow a plan.",
        "1,250",
    ),
    (outcome("no_plan"), "No plan satisfies every constraint.", "约束"),
    (
        outcome("no_plan_among_candidates", candidates=8),
        "No plan was found among the 8 cheapest eligible reps per account; the full problem may still have one.",
        "8",
    ),
    (
        outcome(
            "aligned",
            status="feasible",
            bound_scope="p-median relaxation",
            starts=8,
            constraints_met=True,
            skipped_accounts=0,
        ),
        "Every territory is within the balance tolerance (and contiguous when asked); best of 8 starts.",
        "8",
    ),
    (
        outcome(
            "aligned", status="violated", bound_scope="", starts=3, constraints_met=False, skipped_accounts=2
        ),
        "The best plan found misses the balance tolerance or contiguity; best of 3 starts. "
        "2 accounts without a location were left out.",
        "2 个没有位置的客户未纳入",
    ),
    (
        outcome(
            "routed", status="optimal", method="transportation_lp", expected_value=1234.4, round_robin_value=999.6
        ),
        "Expected value 1234 against 1000 for round-robin.",
        "1234",
    ),
    (outcome("routed", status="feasible", method="round_robin"), "Round-robin baseline.", ""),
]


@pytest.mark.parametrize(("stored", "english", "in_chinese"), CASES, ids=[c[0]["code"] for c in CASES])
def test_each_outcome_code_reads_in_english_and_in_chinese(stored, english, in_chinese):
    with translation.override("en"):
        en = presentation.outcome_summary(stored)
    with translation.override("zh-hans"):
        zh = presentation.outcome_summary(stored)

    assert en == english
    assert zh
    assert zh != en
    assert in_chinese in zh


def test_the_summary_is_read_from_the_code_never_from_the_message():
    stored = outcome("no_plan")

    assert presentation.outcome_summary({**stored, "message": "optimal; bound certified for x"}) == (
        presentation.outcome_summary(stored)
    )


def test_no_module_of_the_app_matches_patterns_on_text():
    # The legacy reader in migration 0006 is the one exception: it read old plans' messages once.
    app = Path(presentation.__file__).parent
    modules = [p for p in app.rglob("*.py") if "migrations" not in p.parts]
    importing_re = [
        str(p.relative_to(app))
        for p in modules
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Import) and any(a.name == "re" for a in node.names))
        or (isinstance(node, ast.ImportFrom) and node.module == "re")
    ]

    assert modules
    assert importing_re == []


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {},
        outcome("diagnosed", constraint="capacity", violation="total_workload"),
        outcome("empty"),
        {"code": "?"},
    ],
)
def test_an_outcome_the_page_has_nothing_to_add_for_reads_as_nothing(stored):
    assert presentation.outcome_summary(stored) == ""


def test_every_stored_code_is_one_of_the_vocabulary():
    assert {c[0]["code"] for c in CASES} <= set(OutcomeCode)


# --- the outcome each kind stores ------------------------------------------------------------------
def test_a_solved_assignment_plan_stores_its_certified_outcome(alloc):
    scenario = services.plan_create(
        actor=alloc.org.ops, data={"name": "Plan", "parameters": {"tolerance": None, "time_limit": 20}}
    )

    scenario = services.plan_solve(scenario=scenario, actor=alloc.org.ops)

    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.outcome["code"] == OutcomeCode.CERTIFIED
    assert scenario.outcome["params"]["status"] == scenario.result_status
    assert scenario.outcome["params"]["bound_scope"]


def test_an_infeasible_assignment_plan_stores_the_diagnosis_headline(alloc):
    RepProfile.objects.update(weekly_capacity_hours=Decimal("0.5"))
    scenario = services.plan_create(
        actor=alloc.org.ops, data={"name": "Plan", "parameters": {"tolerance": None, "time_limit": 20}}
    )

    scenario = services.plan_solve(scenario=scenario, actor=alloc.org.ops)

    assert scenario.status == ScenarioStatus.FAILED
    assert scenario.outcome["code"] == OutcomeCode.DIAGNOSED
    assert scenario.outcome["params"]["constraint"] == scenario.infeasibility["constraint"]
    assert scenario.outcome["params"]["violation"] == scenario.infeasibility["violations"][0]["code"]


def test_a_routing_plan_stores_its_method_and_values(alloc):
    ops = alloc.org.ops
    for k in range(2):
        record_create(
            model=Lead,
            actor=ops,
            data={"name": f"L{k}", "company": f"Co {k}", "industry": "finance", "lat": 39.9, "lon": 116.4}
            | {"owner": None},
        )
    scenario = services.plan_create(actor=ops, data={"name": "Route", "kind": ScenarioKind.ROUTING})

    scenario = services.plan_solve(scenario=scenario, actor=ops)

    scenario.refresh_from_db()
    params = scenario.outcome["params"]
    assert scenario.outcome["code"] == OutcomeCode.ROUTED
    assert params["method"] == "transportation_lp"
    assert params["expected_value"] == pytest.approx(scenario.objective)
    assert params["round_robin_value"] is not None
    with translation.override("en"):
        assert presentation.outcome_summary(scenario.outcome).startswith("Expected value")


def test_a_territory_alignment_stores_its_starts_and_whether_it_met_the_constraints(grid):
    scenario = services.plan_create(
        actor=grid.org.ops,
        data={"name": "Align", "kind": ScenarioKind.TERRITORY, "parameters": {"territories": 4, "time_limit": 5}},
    )

    scenario = services.plan_solve(scenario=scenario, actor=grid.org.ops)

    scenario.refresh_from_db()
    params = scenario.outcome["params"]
    assert scenario.outcome["code"] == OutcomeCode.ALIGNED
    assert params["starts"] >= 1
    assert params["constraints_met"] == (scenario.result_status == "feasible")
    assert params["bound_scope"] == scenario.alignment["bound_scope"]
    assert params["skipped_accounts"] == 0


def test_a_plan_solved_again_after_a_change_forgets_its_outcome(alloc):
    scenario = services.plan_create(
        actor=alloc.org.ops, data={"name": "Plan", "parameters": {"tolerance": None, "time_limit": 20}}
    )
    scenario = services.plan_solve(scenario=scenario, actor=alloc.org.ops)

    scenario = services.plan_update(
        scenario=scenario, actor=alloc.org.ops, data={"name": "Plan 2"}, expected_version=scenario.version
    )

    scenario.refresh_from_db()
    assert scenario.outcome is None


def test_a_plan_without_an_outcome_shows_its_stored_message_as_it_is(alloc):
    scenario = services.plan_create(actor=alloc.org.ops, data={"name": "Old"})
    legacy = "something the engine once wrote"
    AllocationPlan.objects.filter(pk=scenario.pk).update(
        status=ScenarioStatus.SOLVED, result_status="feasible", message=legacy, outcome=None
    )
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(alloc.org.ops)

    html = client.get(f"/allocation/{scenario.pk}/").content.decode()

    assert f"<details open><summary>Engine details</summary><code>{legacy}</code>" in html


def test_a_plan_with_an_outcome_shows_it_in_the_reader_s_language_above_the_folded_message(alloc):
    scenario = services.plan_create(actor=alloc.org.ops, data={"name": "New"})
    AllocationPlan.objects.filter(pk=scenario.pk).update(
        status=ScenarioStatus.FAILED,
        result_status="infeasible",
        message="infeasible: no plan satisfies every constraint",
        outcome=outcome("no_plan"),
    )
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(alloc.org.ops)

    html = client.get(f"/allocation/{scenario.pk}/").content.decode()

    assert "<p>No plan satisfies every constraint.</p><details><summary>" in html
