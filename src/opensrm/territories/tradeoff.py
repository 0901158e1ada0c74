"""The balance-vs-moves trade-off of a scenario: compute the Pareto front as a job, and turn one
of its points into a new draft scenario with that cap on moves.

The front is derived data (recomputed on demand, never applied), so it is written beside the
scenario outside its history and version, like solve progress.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, ValidationFailed
from opensrm.people.models import User
from opensrm.territories import engine_adapter, selectors
from opensrm.territories.models import AllocationScenario, ScenarioKind, ScenarioStatus


class ParetoStatus:
    COMPUTING = "computing"
    DONE = "done"
    FAILED = "failed"


def pareto_request(*, scenario: AllocationScenario, actor: User) -> AllocationScenario:
    """Mark the trade-off as computing and queue the job once this transaction commits."""
    from opensrm.territories.services import check_planner
    from opensrm.territories.tasks import pareto_job

    check_planner(actor, scenario.scope_team)
    if scenario.kind != ScenarioKind.ASSIGNMENT:
        raise Conflict(_("Only a rep ↔ account plan has a balance-vs-moves trade-off."))
    if scenario.status == ScenarioStatus.SOLVING or scenario.pareto_status == ParetoStatus.COMPUTING:
        raise Conflict(_("This scenario is busy; try again when it has finished."))
    with transaction.atomic():
        AllocationScenario.objects.filter(pk=scenario.pk).update(pareto_status=ParetoStatus.COMPUTING, pareto=None)
        transaction.on_commit(lambda: pareto_job(scenario.pk, actor.pk))
    scenario.pareto_status, scenario.pareto = ParetoStatus.COMPUTING, None
    return scenario


def pareto_compute(*, scenario: AllocationScenario, actor: User) -> AllocationScenario:
    """Gather the scenario's problem and store the engine's front: one point per moves cap."""
    from opensrm.territories.services import check_planner

    check_planner(actor, scenario.scope_team)
    params = selectors.scenario_parameters(scenario)
    gathered = selectors.assignment_problem_for(scenario=scenario, actor=actor)
    points = engine_adapter.pareto_front(
        gathered.input, time_limit=float(params["time_limit"]), seed=int(params["seed"])
    )
    data = {"accounts": len(gathered.account_ids), "points": points}
    status = ParetoStatus.DONE if points else ParetoStatus.FAILED
    AllocationScenario.objects.filter(pk=scenario.pk).update(pareto_status=status, pareto=data)
    scenario.pareto_status, scenario.pareto = status, data
    return scenario


def pareto_failed(*, scenario_id: int) -> None:
    AllocationScenario.objects.filter(pk=scenario_id).update(pareto_status=ParetoStatus.FAILED)


def pareto_point_adopt(*, scenario: AllocationScenario, actor: User, max_moves: Any) -> AllocationScenario:
    """A new draft scenario like ``scenario`` with the chosen point's cap on moves (and the band
    the engine reached there, so solving it gives that point's balance)."""
    from opensrm.territories.services import scenario_create

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
