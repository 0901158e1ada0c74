"""The balance-vs-moves trade-off of a scenario: compute the Pareto front as a job, and turn one
of its points into a new draft scenario with that cap on moves.

The front is derived data (recomputed on demand, never applied): its points are kept out of the
scenario's history rows, but asking for it and storing it are writes of the scenario like any
other (version bumped, the history row names who asked).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, ValidationFailed
from opensrm.core.services import lock_for_update
from opensrm.people.models import User
from opensrm.allocation import engine_adapter, selectors
from opensrm.allocation.models import AllocationPlan, ScenarioKind, ScenarioStatus


class ParetoStatus:
    COMPUTING = "computing"
    DONE = "done"
    FAILED = "failed"


def pareto_request(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Mark the trade-off as computing and queue the job once this transaction commits."""
    from opensrm.allocation.services import check_planner
    from opensrm.allocation.tasks import pareto_job

    check_planner(actor, scenario.scope_team)
    if scenario.kind != ScenarioKind.ASSIGNMENT:
        raise Conflict(_("Only a rep ↔ account plan has a balance-vs-moves trade-off."))
    with transaction.atomic():
        locked = lock_for_update(scenario)
        if locked.status == ScenarioStatus.SOLVING or locked.pareto_status == ParetoStatus.COMPUTING:
            raise Conflict(_("This scenario is busy; try again when it has finished."))
        current = _pareto_store(locked, actor, ParetoStatus.COMPUTING, None)
        transaction.on_commit(lambda: pareto_job(current.pk, actor.pk))
    return current


def _pareto_store(
    scenario: AllocationPlan, actor: User, status: str, data: dict[str, Any] | None
) -> AllocationPlan:
    """Write the trade-off's status and points onto the scenario: version bumped, actor recorded."""
    with transaction.atomic():
        current = lock_for_update(scenario)
        current.pareto_status, current.pareto = status, data
        current.version += 1
        current._history_user = actor  # type: ignore[attr-defined]
        current.save(update_fields=["pareto_status", "pareto", "version", "updated_at"])
    return current


def pareto_compute(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Gather the scenario's problem and store the engine's front: one point per moves cap."""
    from opensrm.allocation.services import check_planner

    check_planner(actor, scenario.scope_team)
    params = selectors.scenario_parameters(scenario)
    gathered = selectors.assignment_problem_for(scenario=scenario, actor=actor)
    points = engine_adapter.pareto_front(
        gathered.input, time_limit=float(params["time_limit"]), seed=int(params["seed"])
    )
    data = {"accounts": len(gathered.account_ids), "points": points}
    return _pareto_store(scenario, actor, ParetoStatus.DONE if points else ParetoStatus.FAILED, data)


def pareto_point_adopt(*, scenario: AllocationPlan, actor: User, max_moves: Any) -> AllocationPlan:
    """A new draft scenario like ``scenario`` with the chosen point's cap on moves (and the band
    the engine reached there, so solving it gives that point's balance)."""
    from opensrm.allocation.services import scenario_create

    points = (scenario.pareto or {}).get("points") or []
    try:
        cap = int(max_moves)
    except (TypeError, ValueError):
        cap = -1
    point = next((p for p in points if p["max_moves"] == cap), None)
    if point is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"max_moves": [_("Choose one of the trade-off's points.")]},
        )
    parameters = {**scenario.parameters, "max_moves": cap, "tolerance": point.get("tolerance")}
    return scenario_create(
        actor=actor,
        data={
            "name": _("%(name)s — at most %(n)s moves") % {"name": scenario.name, "n": cap},
            "kind": scenario.kind,
            "scope_team": scenario.scope_team,
            "scope_territory": scenario.scope_territory,
            "parameters": parameters,
        },
    )
