"""Writes of allocation: draft a plan, solve it, apply it, roll it back; the balance-vs-moves
trade-off; routing one new lead.

Each use case checks the planner's rights (:mod:`opensrm.allocation.policies`) and dispatches by
the plan's kind to :mod:`opensrm.allocation.kinds` (gather → solve → store, apply, roll back).
Solving runs as a job (:func:`plan_solve_request` queues :func:`plan_solve`); so does the
trade-off (:func:`tradeoff_request` queues :func:`tradeoff_compute`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.allocation import engine, parameters, policies, selectors, tasks
from opensrm.allocation.kinds import KINDS, assignment
from opensrm.allocation.kinds.base import clear_plan, save_plan
from opensrm.allocation.models import AllocationPlan, ParetoStatus, RoutingPolicy, ScenarioKind, ScenarioStatus
from opensrm.core.errors import Conflict, ValidationFailed
from opensrm.core.services import lock_for_update, record_create, record_delete, record_save, record_update
from opensrm.crm.models import Lead
from opensrm.people.models import Role, Team, User

__all__ = [
    "lead_route",
    "lead_routing_enabled",
    "plan_apply",
    "plan_create",
    "plan_delete",
    "plan_progress",
    "plan_rollback",
    "plan_solve",
    "plan_solve_request",
    "plan_update",
    "tradeoff_compute",
    "tradeoff_point_adopt",
    "tradeoff_request",
]


def _scope_team(actor: User, data: Mapping[str, Any]) -> Team | None:
    team = data.get("scope_team")
    if team is not None and not isinstance(team, Team):
        team = Team.objects.filter(pk=team).first()
        if team is None:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"scope_team": [_("Select a valid choice: the record does not exist.")]},
            )
    if team is None and actor.role == Role.MANAGER and not actor.is_superuser:
        team = actor.team  # a manager plans their own team unless they pick a team below it
    return team


# --- drafts ----------------------------------------------------------------------------------------
def plan_create(*, actor: User, data: Mapping[str, Any]) -> AllocationPlan:
    """A draft plan. ``data``: name, kind, parameters, scope_team, scope_territory."""
    team = _scope_team(actor, data)
    policies.check_planner(actor, team)
    clean = {**data, "scope_team": team, "parameters": parameters.validated(data.get("kind"), data.get("parameters"))}
    return record_create(
        model=AllocationPlan,
        actor=actor,
        data=clean,
        defaults={"created_by": actor, "status": ScenarioStatus.DRAFT},
    )


def plan_update(
    *, scenario: AllocationPlan, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> AllocationPlan:
    """Change a draft (or a solved or failed plan, which goes back to draft: its lines are stale)."""
    policies.check_planner(actor, scenario.scope_team)
    policies.check_editable(scenario)
    clean = dict(data)
    if "scope_team" in clean:
        clean["scope_team"] = _scope_team(actor, clean)
        policies.check_planner(actor, clean["scope_team"])
    if "parameters" in clean:
        clean["parameters"] = parameters.validated(clean.get("kind", scenario.kind), clean["parameters"])
    with transaction.atomic():
        scenario = record_update(
            instance=scenario,
            actor=actor,
            data={**clean, "status": ScenarioStatus.DRAFT},
            expected_version=expected_version,
        )
        clear_plan(scenario)
    return scenario


def plan_delete(*, scenario: AllocationPlan, actor: User, expected_version: int | None) -> None:
    policies.check_planner(actor, scenario.scope_team)
    if scenario.status in (ScenarioStatus.APPLIED, ScenarioStatus.SOLVING):
        raise Conflict(_("Roll back an applied scenario (or wait for the solve to end) before deleting it."))
    record_delete(instance=scenario, actor=actor, expected_version=expected_version)


# --- solving ---------------------------------------------------------------------------------------
def plan_progress(*, scenario_id: int, fraction: float, message: str) -> None:
    """Progress of a running solve, written straight to the row so pollers see it at once."""
    AllocationPlan.objects.filter(pk=scenario_id).update(
        progress=max(0, min(100, round(fraction * 100))), progress_message=message[:200]
    )


def plan_solve_request(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Mark the plan as solving and queue the solve job once this transaction commits."""
    policies.check_planner(actor, scenario.scope_team)
    with transaction.atomic():
        current = lock_for_update(scenario)
        if current.status not in policies.EDITABLE:
            raise Conflict(
                _("This scenario is %(status)s; only a draft, solved or failed scenario can be solved.")
                % {"status": current.get_status_display()}
            )
        current.status = ScenarioStatus.SOLVING
        current.progress = 0
        current.progress_message = _("queued")
        save_plan(current, actor, ["status", "progress", "progress_message"])
        transaction.on_commit(lambda: tasks.plan_solve_job(current.pk, actor.pk))
    return current


def plan_solve(
    *, scenario: AllocationPlan, actor: User, progress: Callable[[float, str], None] | None = None
) -> AllocationPlan:
    """Gather → solve → store by the plan's kind: the plan ends solved (with its lines) or failed."""
    policies.check_planner(actor, scenario.scope_team)
    kind = KINDS[scenario.kind]
    params = parameters.plan_parameters(scenario)
    report = progress or (lambda f, m: plan_progress(scenario_id=scenario.pk, fraction=f, message=m))
    report(0.01, _("gathering accounts and reps"))
    gathered = kind.gather(plan=scenario, actor=actor, params=params)
    result = kind.solve(gathered, params=params, report=report)
    return kind.store(plan=scenario, actor=actor, gathered=gathered, result=result)


def plan_apply(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Change the records as planned (owners, or territories for an alignment), all or nothing."""
    policies.check_applier(actor, scenario)
    return KINDS[scenario.kind].apply(plan=scenario, actor=actor)


def plan_rollback(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Give every record back what it had before apply; refuse if any changed since."""
    policies.check_applier(actor, scenario)
    return KINDS[scenario.kind].rollback(plan=scenario, actor=actor)


# --- the balance-vs-moves trade-off (rep ↔ account plans) -------------------------------------------
# The front is derived data (recomputed on demand, never applied): its points are kept out of the
# plan's history rows, but asking for it and storing it are writes of the plan like any other
# (version bumped, the history row names who asked).
def tradeoff_request(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Mark the trade-off as computing and queue the job once this transaction commits."""
    policies.check_planner(actor, scenario.scope_team)
    if scenario.kind != ScenarioKind.ASSIGNMENT:
        raise Conflict(_("Only a rep ↔ account plan has a balance-vs-moves trade-off."))
    with transaction.atomic():
        locked = lock_for_update(scenario)
        if locked.status == ScenarioStatus.SOLVING or locked.pareto_status == ParetoStatus.COMPUTING:
            raise Conflict(_("This scenario is busy; try again when it has finished."))
        current = _tradeoff_store(locked, actor, ParetoStatus.COMPUTING, None)
        transaction.on_commit(lambda: tasks.tradeoff_job(current.pk, actor.pk))
    return current


def _tradeoff_store(
    scenario: AllocationPlan, actor: User, status: str, data: dict[str, Any] | None
) -> AllocationPlan:
    with transaction.atomic():
        current = lock_for_update(scenario)
        current.pareto_status, current.pareto = status, data
        save_plan(current, actor, ["pareto_status", "pareto"])
    return current


def tradeoff_compute(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Gather the plan's problem and store the engine's front: one point per moves cap."""
    policies.check_planner(actor, scenario.scope_team)
    params = parameters.plan_parameters(scenario)
    gathered = assignment.gather(plan=scenario, actor=actor, params=params)
    points = assignment.tradeoff(gathered, params=params)
    data = {"accounts": len(gathered.account_ids), "points": points}
    return _tradeoff_store(scenario, actor, ParetoStatus.DONE if points else ParetoStatus.FAILED, data)


def tradeoff_point_adopt(*, scenario: AllocationPlan, actor: User, max_moves: Any) -> AllocationPlan:
    """A new draft like ``scenario`` with the chosen point's cap on moves (and the band the engine
    reached there, so solving it gives that point's balance)."""
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
    return plan_create(
        actor=actor,
        data={
            "name": _("%(name)s — at most %(n)s moves") % {"name": scenario.name, "n": cap},
            "kind": scenario.kind,
            "scope_team": scenario.scope_team,
            "scope_territory": scenario.scope_territory,
            "parameters": {**scenario.parameters, "max_moves": cap, "tolerance": point.get("tolerance")},
        },
    )


# --- one new lead ----------------------------------------------------------------------------------
# Routing runs when ``settings.OPENSRM["LEAD_ROUTING"]`` is true or an enabled RoutingPolicy
# exists. The policy (set up by sales ops) is the authority for who may receive a lead, so a routed
# lead is assigned even when the person who created it could not have assigned it themselves; the
# history row names that person and the reason "routed".
DEFAULT_MAX_OPEN_LEADS = 50


def _routing_policy() -> RoutingPolicy | None:
    return RoutingPolicy.objects.filter(enabled=True).select_related("team").order_by("id").first()


def lead_routing_enabled() -> bool:
    return bool(settings.OPENSRM.get("LEAD_ROUTING")) or RoutingPolicy.objects.filter(enabled=True).exists()


def lead_route(*, lead: Lead, actor: User) -> Lead:
    """Give an unowned open lead to the best eligible rep with room; unchanged if there is none."""
    policy = _routing_policy()
    with transaction.atomic():
        current = lock_for_update(lead)
        if current.owner_id is not None or current.status not in selectors.OPEN_LEAD:
            return current
        inp, rep_ids = selectors.routing_problem_for(
            leads=[current],
            team=policy.team if policy else None,
            max_open_leads=policy.max_open_leads if policy else DEFAULT_MAX_OPEN_LEADS,
        )
        choice = engine.route_one(inp)
        if choice < 0:
            return current
        current.owner_id = rep_ids[choice]
        record_save(current, actor=actor, fields=["owner"], reason="routed")
    return current
