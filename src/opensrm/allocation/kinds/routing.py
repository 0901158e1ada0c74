"""The routing plan: every open lead nobody owns (among those the author sees) to a rep with room,
as a transportation LP maximising expected value under the reps' remaining slots, skills and a
fairness cap. Applying and rolling back are the rep ↔ account plan's (the lines name leads).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.allocation import engine, selectors
from opensrm.allocation.engine import RoutingOutcome
from opensrm.allocation.kinds.assignment import apply, rollback
from opensrm.allocation.kinds.base import Report, store_result
from opensrm.allocation.models import AllocationPlan, AssignmentLine, RepLoad, ScenarioStatus
from opensrm.allocation.parameters import RoutingParameters
from opensrm.allocation.selectors import RoutingInput
from opensrm.crm.models import Lead
from opensrm.people.models import User

__all__ = ["apply", "gather", "rollback", "solve", "store"]


@dataclass(frozen=True)
class GatheredLeads:
    leads: list[Lead]
    input: RoutingInput
    rep_ids: list[int]


def gather(*, plan: AllocationPlan, actor: User, params: RoutingParameters) -> GatheredLeads:
    leads = list(selectors.unassigned_leads(actor=actor))
    inp, rep_ids = selectors.routing_problem_for(
        leads=leads, team=plan.scope_team, max_open_leads=int(params.max_open_leads)
    )
    return GatheredLeads(leads, inp, rep_ids)


def solve(gathered: GatheredLeads, *, params: RoutingParameters, report: Report) -> RoutingOutcome:
    del report  # the routing LP takes a fraction of a second
    return engine.route_batch(gathered.input, time_limit=float(params.time_limit), seed=int(params.seed))


def store(*, plan: AllocationPlan, actor: User, gathered: GatheredLeads, result: RoutingOutcome) -> AllocationPlan:
    """One line per lead (routed or not) and the leads each rep receives."""
    scenario, outcome = plan, result
    leads, inp, rep_ids = gathered.leads, gathered.input, gathered.rep_ids
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=rep_ids)}
    m, n = inp.eligible.shape
    with transaction.atomic():
        scenario.lines.all().delete()
        scenario.rep_loads.all().delete()
        lines = []
        for j, lead in enumerate(leads):
            i = int(outcome.assignment[j])
            lines.append(
                AssignmentLine(
                    scenario=scenario,
                    lead=lead,
                    current_owner=None,
                    proposed_owner_id=rep_ids[i] if i >= 0 else None,
                    moved=i >= 0,
                    potential=float(inp.value[j]),
                    lat=lead.lat,
                    lon=lead.lon,
                    distance_km=float(outcome.distance_km[i, j]) if i >= 0 else None,
                    explanation={
                        "distance_km": round(float(outcome.distance_km[i, j]), 1),
                        "rep": names[rep_ids[i]],
                    }
                    if i >= 0
                    else {},
                    unassigned_reason="" if i >= 0 else _("No eligible rep with room."),
                )
            )
        AssignmentLine.objects.bulk_create(lines, batch_size=2000)
        routed = outcome.assignment
        ok = routed >= 0
        count = np.bincount(routed[ok], minlength=m)
        value = np.bincount(routed[ok], weights=inp.value[ok], minlength=m)
        RepLoad.objects.bulk_create(
            [
                RepLoad(
                    scenario=scenario,
                    rep_id=rep_ids[i],
                    accounts_after=int(count[i]),
                    moves_in=int(count[i]),
                    potential_after=float(value[i]),
                )
                for i in range(m)
            ]
        )
        message = outcome.message
        if outcome.round_robin_objective is not None:
            message = _("Expected value %(plan).0f against %(rr).0f for round-robin.") % {
                "plan": outcome.objective or 0,
                "rr": outcome.round_robin_objective,
            }
        solved = outcome.status in ("optimal", "feasible")
        return store_result(
            scenario,
            actor,
            status=ScenarioStatus.SOLVED if solved else ScenarioStatus.FAILED,
            result_status=outcome.status,
            objective=outcome.objective,
            bound=outcome.objective if outcome.status == "optimal" else None,
            gap=0.0 if outcome.status == "optimal" else None,
            seconds=outcome.seconds,
            moves=int(ok.sum()),
            message=message,
            outcome=outcome.summary,
            infeasibility=None
            if n == 0 or ok.any()
            else {
                "constraint": "reps",
                "message": _("No eligible rep has room for these leads."),
                "reps": [],
                "accounts": [],
            },
        )
