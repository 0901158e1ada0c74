"""Plans store how their solve ended as a code (``outcome``); the plans solved before read theirs
from the engine's English message, once, here.

This migration is the one reader of legacy messages: the patterns below are the texts the engine
wrote when those plans were solved, and nothing else in the project reads engine text. A message
it cannot read leaves ``outcome`` NULL, and the plan's stored message is shown as it is.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations, models

# The engine's messages as they were (the first line: the shell appended its warnings below).
_CERTIFIED = re.compile(r"^(optimal|feasible); bound certified for the (.+)$")
_ALIGNED = re.compile(r"^(\d+) starts; (all constraints met|balance or contiguity not met)")
_SKIPPED = re.compile(r"; (\d+) accounts without a location left out$")
_MOVES_USED = re.compile(r"the moves cap \(([\d,]+)\) is used up")
_RESTRICTED = re.compile(r"^infeasible with the (\d+) cheapest eligible reps per account")


def _code(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


def outcome_from_message(
    message: str, *, result_status: str = "", alignment: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The outcome a legacy plan's message stands for, or None when the message is not known."""
    text = (message or "").strip().split("\n", 1)[0].strip()
    if match := _CERTIFIED.match(text):
        return _code("certified", status=match.group(1), bound_scope=match.group(2))
    if text.startswith("exact model after: "):
        # the exact model certifies its bound for every eligible pair
        return _code("exact_model", status=result_status, bound_scope="full problem (all eligible reps)")
    if text.startswith("no feasible plan found within the time limit"):
        if match := _MOVES_USED.search(text):
            cap = int(match.group(1).replace(",", ""))
            return _code("time_limit", moves_used=cap, moves_cap=cap)
        return _code("time_limit")
    if text.startswith("infeasible: no plan satisfies every constraint"):
        return _code("no_plan")
    if match := _ALIGNED.match(text):
        skipped = _SKIPPED.search(text)
        return _code(
            "aligned",
            status=result_status,
            bound_scope=(alignment or {}).get("bound_scope") or "",
            starts=int(match.group(1)),
            constraints_met=match.group(2) == "all constraints met",
            skipped_accounts=int(skipped.group(1)) if skipped else 0,
        )
    if match := _RESTRICTED.match(text):
        return _code("no_plan_among_candidates", candidates=int(match.group(1)))
    if text == "round robin":
        return _code("routed", status=result_status, method="round_robin", expected_value=None, round_robin_value=None)
    return None


def forwards(apps: Any, schema_editor: Any) -> None:
    del schema_editor
    plan_model = apps.get_model("territories", "AllocationPlan")
    legacy = plan_model.objects.filter(outcome__isnull=True).exclude(message="")
    for plan in legacy.only("pk", "message", "result_status", "alignment").iterator():
        outcome = outcome_from_message(plan.message, result_status=plan.result_status, alignment=plan.alignment)
        if outcome is not None:
            plan_model.objects.filter(pk=plan.pk).update(outcome=outcome)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0005_rename_allocationplan"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocationplan",
            name="outcome",
            field=models.JSONField(blank=True, null=True, verbose_name="outcome"),
        ),
        migrations.AddField(
            model_name="historicalallocationscenario",
            name="outcome",
            field=models.JSONField(blank=True, null=True, verbose_name="outcome"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
