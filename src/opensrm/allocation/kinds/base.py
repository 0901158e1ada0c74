"""What every plan kind implements, and the writes the kinds share.

A kind is a module with five functions, called in this order by :mod:`opensrm.allocation.services`:

* ``gather(plan, actor, params)`` reads the plan's inputs (through the selectors);
* ``solve(gathered, params, report)`` calls the engine (through :mod:`opensrm.allocation.engine`);
* ``store(plan, actor, gathered, result)`` writes the lines and the diagnostics and ends the plan
  solved or failed;
* ``apply(plan, actor)`` and ``rollback(plan, actor)`` change the records the plan names in one
  transaction each, and give them back exactly.

The service checks the planner's rights (:mod:`opensrm.allocation.policies`) before it calls a kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from opensrm.allocation.models import AllocationPlan, ScenarioStatus
from opensrm.core.errors import Conflict
from opensrm.core.services import lock_for_update, record_save
from opensrm.people.models import User

Report = Callable[[float, str], None]


class PlanKind(Protocol):
    """The protocol of one plan kind (a module implementing these functions)."""

    def gather(self, *, plan: AllocationPlan, actor: User, params: Any) -> Any: ...

    def solve(self, gathered: Any, *, params: Any, report: Report) -> Any: ...

    def store(self, *, plan: AllocationPlan, actor: User, gathered: Any, result: Any) -> AllocationPlan: ...

    def apply(self, *, plan: AllocationPlan, actor: User) -> AllocationPlan: ...

    def rollback(self, *, plan: AllocationPlan, actor: User) -> AllocationPlan: ...


def save_plan(plan: AllocationPlan, actor: User | None, fields: list[str] | None = None) -> AllocationPlan:
    """Save a plan as a write like any other: version bumped, the history row naming ``actor``."""
    return record_save(plan, actor=actor, fields=fields)


def clear_plan(plan: AllocationPlan) -> None:
    """Forget a plan's lines and diagnostics (the draft changed, or it is solved again)."""
    plan.lines.all().delete()
    plan.rep_loads.all().delete()
    plan.unit_lines.all().delete()
    AllocationPlan.objects.filter(pk=plan.pk).update(
        alignment=None,
        result_status="",
        objective=None,
        bound=None,
        gap=None,
        seconds=None,
        moves=None,
        message="",
        outcome=None,
        infeasibility=None,
        progress=0,
        progress_message="",
    )


def store_result(
    plan: AllocationPlan,
    actor: User,
    *,
    status: str,
    result_status: str,
    message: str = "",
    outcome: dict[str, Any] | None = None,
    **diagnostics: Any,
) -> AllocationPlan:
    """End a solve: the plan's status, how it ended (``outcome``: a code and its parameters, from
    the engine's typed result), the engine's diagnostics, progress at 100 %."""
    with transaction.atomic():
        current = lock_for_update(plan)
        current.status = status
        current.result_status = result_status
        current.message = message[:2000]
        current.outcome = outcome
        for key in ("objective", "bound", "gap", "seconds", "moves", "infeasibility"):
            setattr(current, key, diagnostics.get(key))
        current.progress = 100
        # a failed solve must say so where the user watches the progress, not end blank
        current.progress_message = "" if status != ScenarioStatus.FAILED else _("failed: no plan within the limits")
        current.solved_at = timezone.now()
        save_plan(current, actor)
    return current


def lock_plan(plan: AllocationPlan, status: str, message: str) -> AllocationPlan:
    """The plan's row, locked, when it is in ``status``; Conflict otherwise."""
    current = lock_for_update(plan)
    if current.status != status:
        raise Conflict(message, scenario_status=current.status)
    return current


_LIST_LIMIT = 20


def record_names(records: list[Any]) -> str:
    shown = ", ".join(str(r) for r in records[:_LIST_LIMIT])
    return shown + (" …" if len(records) > _LIST_LIMIT else "")


def refuse_changed(missing: set[int], changed: list[Any]) -> None:
    """Conflict naming the records that changed (or how many are gone) since the plan was made."""
    if missing or changed:
        detail = record_names(changed) if changed else _("%(n)s deleted records") % {"n": len(missing)}
        raise Conflict(
            _("Some records changed since the plan was made, so nothing was changed: %(records)s.")
            % {"records": detail},
            changed=[r.pk for r in changed],
            missing=sorted(missing),
        )


def set_with_history(
    records: list[Any], model: type[models.Model], field: str, value: dict[int, Any], *, actor: User, reason: str
) -> list[tuple[int, Any]]:
    """Set ``field`` (a foreign key) of each record to ``value[pk]``, bump versions and write history
    rows in bulk; returns (pk, value before) per record."""
    now = timezone.now()
    before = []
    for record in records:
        before.append((record.pk, getattr(record, f"{field}_id")))
        setattr(record, f"{field}_id", value[record.pk])
        record.version += 1
        record.updated_at = now
    bulk_update_with_history(
        records,
        model,
        [field, "version", "updated_at"],
        batch_size=1000,
        default_user=actor,
        default_change_reason=reason,
    )
    return before
