"""Lead routing: a batch of unowned leads as a routing scenario, or one new lead at once.

Routing runs when ``settings.OPENSRM["LEAD_ROUTING"]`` is true or an enabled
:class:`RoutingPolicy` exists. The policy (set up by sales ops) is the authority for who may
receive a lead, so a routed lead is assigned even when the person who created it could not
have assigned it themselves; the history row names that person and the reason "routed".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.services import lock_for_update
from opensrm.crm.models import Lead
from opensrm.people.models import User
from opensrm.allocation import engine_routing, selectors
from opensrm.allocation.models import (
    AllocationPlan,
    AssignmentLine,
    RepLoad,
    RoutingPolicy,
    ScenarioStatus,
)

DEFAULT_MAX_OPEN_LEADS = 50


def _policy() -> RoutingPolicy | None:
    return RoutingPolicy.objects.filter(enabled=True).select_related("team").order_by("id").first()


def lead_routing_enabled() -> bool:
    return bool(settings.OPENSRM.get("LEAD_ROUTING")) or RoutingPolicy.objects.filter(enabled=True).exists()


def lead_route(*, lead: Lead, actor: User) -> Lead:
    """Give an unowned open lead to the best eligible rep with room; unchanged if there is none."""
    policy = _policy()
    with transaction.atomic():
        current = lock_for_update(lead)
        if current.owner_id is not None or current.status not in selectors.OPEN_LEAD:
            return current
        inp, rep_ids = selectors.routing_problem_for(
            leads=[current],
            team=policy.team if policy else None,
            max_open_leads=policy.max_open_leads if policy else DEFAULT_MAX_OPEN_LEADS,
        )
        choice = engine_routing.route_one(inp)
        if choice < 0:
            return current
        current.owner_id = rep_ids[choice]
        current.version += 1
        current._history_user = actor  # type: ignore[attr-defined]
        current._change_reason = "routed"  # type: ignore[attr-defined]
        current.save(update_fields=["owner", "version", "updated_at"])
    return current


def routing_plan_store(
    *,
    scenario: AllocationPlan,
    actor: User,
    params: dict[str, Any],
    store: Callable[..., AllocationPlan],
) -> AllocationPlan:
    """Solve a routing scenario over the unowned open leads the author sees, and store its lines."""
    leads = list(selectors.unassigned_leads(actor=actor))
    inp, rep_ids = selectors.routing_problem_for(
        leads=leads, team=scenario.scope_team, max_open_leads=int(params["max_open_leads"])
    )
    outcome = engine_routing.route_batch(
        inp, time_limit=float(params["time_limit"]), seed=int(params["seed"])
    )
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
        return store(
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
            infeasibility=None
            if n == 0 or ok.any()
            else {
                "constraint": "reps",
                "message": _("No eligible rep has room for these leads."),
                "reps": [],
                "accounts": [],
            },
        )
