"""Migration 0006: plans solved before outcomes were stored read theirs from the legacy message, once."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from opensrm.allocation import presentation, services
from opensrm.allocation.models import AllocationPlan

legacy = importlib.import_module("opensrm.allocation.migrations.0006_allocationplan_outcome")

MESSAGES = [
    (
        "optimal; bound certified for the candidate-restricted problem",
        {"code": "certified", "params": {"status": "optimal", "bound_scope": "candidate-restricted problem"}},
    ),
    (
        "feasible; bound certified for the full problem\naccount 7 (Acme): annual revenue -1",
        {"code": "certified", "params": {"status": "feasible", "bound_scope": "full problem"}},
    ),
    (
        "exact model after: no feasible plan found within the time limit; still violated: balance",
        {"code": "exact_model", "params": {"status": "optimal", "bound_scope": "full problem (all eligible reps)"}},
    ),
    (
        "no feasible plan found within the time limit; still violated: balance: rep 3 over by 7.0; "
        "the moves cap (12,500) is used up: a higher cap or a wider balance band may allow a plan",
        {"code": "time_limit", "params": {"moves_used": 12500, "moves_cap": 12500}},
    ),
    ("no feasible plan found within the time limit; still violated: x", {"code": "time_limit", "params": {}}),
    (
        "infeasible: no plan satisfies every constraint; least violation: capacity: rep 1 over by 2.0 h",
        {"code": "no_plan", "params": {}},
    ),
    (
        "infeasible with the 8 cheapest eligible reps per account (raise `candidates`); least violation: x",
        {"code": "no_plan_among_candidates", "params": {"candidates": 8}},
    ),
    (
        "8 starts; all constraints met; 3 accounts without a location left out",
        {
            "code": "aligned",
            "params": {
                "status": "optimal",
                "bound_scope": "p-median relaxation",
                "starts": 8,
                "constraints_met": True,
                "skipped_accounts": 3,
            },
        },
    ),
    (
        "4 starts; balance or contiguity not met",
        {
            "code": "aligned",
            "params": {
                "status": "optimal",
                "bound_scope": "p-median relaxation",
                "starts": 4,
                "constraints_met": False,
                "skipped_accounts": 0,
            },
        },
    ),
    (
        "round robin",
        {
            "code": "routed",
            "params": {"status": "optimal", "method": "round_robin", "expected_value": None, "round_robin_value": None},
        },
    ),
]


@pytest.mark.parametrize(("message", "expected"), MESSAGES, ids=[m[1]["code"] for m in MESSAGES])
def test_a_legacy_engine_message_becomes_its_outcome(message, expected):
    found = legacy.outcome_from_message(
        message, result_status="optimal", alignment={"bound_scope": "p-median relaxation"}
    )

    assert found == expected
    assert presentation.outcome_summary(found)


@pytest.mark.parametrize(
    "message",
    [
        "",
        "capacity: rep 2 must keep 9.0 h over its 5.0 h",
        "Expected value 120 against 80 for round-robin.",
        "There are 3 units with a location for 5 territories; choose fewer territories or the account level.",
    ],
)
def test_a_message_the_legacy_reader_does_not_know_leaves_no_outcome(message):
    assert legacy.outcome_from_message(message, result_status="infeasible") is None


def test_the_data_migration_fills_the_outcome_of_legacy_plans_only(alloc):
    def plan(name: str, message: str, **fields) -> AllocationPlan:
        created = services.plan_create(actor=alloc.org.ops, data={"name": name})
        AllocationPlan.objects.filter(pk=created.pk).update(message=message, result_status="feasible", **fields)
        return created

    certified = plan("Old", "feasible; bound certified for the full problem")
    unknown = plan("Odd", "something the reader has never seen")
    current = plan("New", "feasible; bound certified for the full problem", outcome={"code": "no_plan", "params": {}})

    legacy.forwards(apps, None)

    outcomes = dict(AllocationPlan.objects.values_list("pk", "outcome"))
    assert outcomes[certified.pk] == {
        "code": "certified",
        "params": {"status": "feasible", "bound_scope": "full problem"},
    }
    assert outcomes[unknown.pk] is None
    assert outcomes[current.pk] == {"code": "no_plan", "params": {}}
