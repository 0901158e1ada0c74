"""Writes for allocation scenarios: create and edit a draft, solve it, store the plan.

Applying and rolling back a plan lives in :mod:`opensrm.allocation.plan_apply`; lead routing
in :mod:`opensrm.allocation.routing`. Both are re-exported here, so callers import services
from one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, PermissionDenied, ValidationFailed
from opensrm.core.services import lock_for_update, record_create, record_delete, record_update
from opensrm.people.models import Role, Team, User
from opensrm.allocation import alignment, engine_adapter, selectors
from opensrm.allocation.models import (
    AllocationPlan,
    AssignmentLine,
    RepLoad,
    ScenarioKind,
    ScenarioStatus,
)
from opensrm.allocation.params import check_number
from opensrm.allocation.plan_apply import assignment_plan_apply, assignment_plan_rollback
from opensrm.allocation.routing import lead_route, lead_routing_enabled, routing_plan_store

__all__ = [
    "assignment_plan_apply",
    "assignment_plan_create",
    "assignment_plan_request",
    "assignment_plan_rollback",
    "check_planner",
    "lead_route",
    "lead_routing_enabled",
    "scenario_create",
    "scenario_delete",
    "scenario_update",
]

EDITABLE = (ScenarioStatus.DRAFT, ScenarioStatus.SOLVED, ScenarioStatus.FAILED)


def check_planner(actor: User, scope_team: Team | None) -> None:
    """Sales ops and admins plan anywhere; a manager only inside their own team subtree."""
    if not getattr(actor, "is_authenticated", False) or actor.is_read_only:
        raise PermissionDenied(_("Only sales operations, administrators and managers may plan allocations."))
    if actor.is_superuser or actor.role in (Role.ADMIN, Role.SALES_OPS):
        return
    if (
        actor.role == Role.MANAGER
        and actor.team is not None
        and scope_team is not None
        and scope_team.path.startswith(actor.team.path)
    ):
        return
    if actor.role == Role.MANAGER:
        raise PermissionDenied(_("Managers may plan only for their own team or a team below it."))
    raise PermissionDenied(_("Only sales operations, administrators and managers may plan allocations."))


def _validated_parameters(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    params = dict(raw or {})
    errors: dict[str, list[str]] = {}

    def number(name: str, low: float, high: float, *, integer: bool = False, nullable: bool = False) -> None:
        check_number(params, errors, name, low, high, integer=integer, nullable=nullable)

    number("tolerance", 0.0, 10.0, nullable=True)
    number("max_moves", 0, 10_000_000, integer=True, nullable=True)
    number("time_limit", 1, 3600)
    number("seed", 0, 2**31 - 1, integer=True)
    number("max_open_leads", 1, 100_000, integer=True)
    weights = params.get("weights") or {}
    if not isinstance(weights, Mapping):
        errors["weights"] = [_("Give the weights as distance, skill and continuity numbers.")]
    else:
        clean: dict[str, float] = {}
        for key, value in weights.items():
            if key not in ("distance", "skill", "continuity"):
                errors[f"weights.{key}"] = [_("Unknown weight.")]
                continue
            try:
                clean[key] = float(value)
            except (TypeError, ValueError):
                errors[f"weights.{key}"] = [_("Enter a number.")]
                continue
            if clean[key] < 0:
                errors[f"weights.{key}"] = [_("Weights cannot be negative.")]
        if weights:
            params["weights"] = clean
    if not isinstance(params.get("keep_owner_eligible", False), bool):
        errors["keep_owner_eligible"] = [_("Choose true or false.")]
    if params.get("workload_source", "tier") not in ("tier", "activities"):
        errors["workload_source"] = [_("Choose tier or activities.")]
    unknown = set(params) - set(selectors.DEFAULT_PARAMETERS)
    for name in unknown:
        errors[name] = [_("Unknown parameter.")]
    if errors:
        raise ValidationFailed(
            _("Some parameters are not valid."),
            field_errors={f"parameters.{k}": v for k, v in errors.items()},
        )
    return params


def _parameters(kind: str | None, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    if kind == ScenarioKind.TERRITORY:
        return alignment.validated_parameters(raw)
    return _validated_parameters(raw)


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


def scenario_create(*, actor: User, data: Mapping[str, Any]) -> AllocationPlan:
    """A draft scenario. ``data``: name, kind, parameters, scope_team, scope_territory."""
    team = _scope_team(actor, data)
    check_planner(actor, team)
    clean = {**data, "scope_team": team, "parameters": _parameters(data.get("kind"), data.get("parameters"))}
    return record_create(
        model=AllocationPlan,
        actor=actor,
        data=clean,
        defaults={"created_by": actor, "status": ScenarioStatus.DRAFT},
    )


def scenario_update(
    *, scenario: AllocationPlan, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> AllocationPlan:
    """Change a draft (or a solved or failed plan, which goes back to draft: its lines are stale)."""
    check_planner(actor, scenario.scope_team)
    if scenario.status not in EDITABLE:
        raise Conflict(_("An applied or solving scenario cannot be changed; copy it into a new draft."))
    clean = dict(data)
    if "scope_team" in clean:
        clean["scope_team"] = _scope_team(actor, clean)
        check_planner(actor, clean["scope_team"])
    if "parameters" in clean:
        clean["parameters"] = _parameters(clean.get("kind", scenario.kind), clean["parameters"])
    with transaction.atomic():
        scenario = record_update(
            instance=scenario,
            actor=actor,
            data={**clean, "status": ScenarioStatus.DRAFT},
            expected_version=expected_version,
        )
        _clear_plan(scenario)
    return scenario


def scenario_delete(*, scenario: AllocationPlan, actor: User, expected_version: int | None) -> None:
    check_planner(actor, scenario.scope_team)
    if scenario.status in (ScenarioStatus.APPLIED, ScenarioStatus.SOLVING):
        raise Conflict(_("Roll back an applied scenario (or wait for the solve to end) before deleting it."))
    record_delete(instance=scenario, actor=actor, expected_version=expected_version)


def _clear_plan(scenario: AllocationPlan) -> None:
    scenario.lines.all().delete()
    scenario.rep_loads.all().delete()
    scenario.unit_lines.all().delete()
    AllocationPlan.objects.filter(pk=scenario.pk).update(
        alignment=None,
        result_status="",
        objective=None,
        bound=None,
        gap=None,
        seconds=None,
        moves=None,
        message="",
        infeasibility=None,
        progress=0,
        progress_message="",
    )


def scenario_progress(*, scenario_id: int, fraction: float, message: str) -> None:
    """Progress of a running solve, written straight to the row so pollers see it at once."""
    AllocationPlan.objects.filter(pk=scenario_id).update(
        progress=max(0, min(100, round(fraction * 100))), progress_message=message[:200]
    )


def assignment_plan_request(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Mark the scenario as solving and queue the solve job once this transaction commits."""
    check_planner(actor, scenario.scope_team)
    from opensrm.allocation.tasks import assignment_plan_solve_job

    with transaction.atomic():
        current = lock_for_update(scenario)
        if current.status not in EDITABLE:
            raise Conflict(
                _("This scenario is %(status)s; only a draft, solved or failed scenario can be solved.")
                % {"status": current.get_status_display()}
            )
        current.status = ScenarioStatus.SOLVING
        current.progress = 0
        current.progress_message = _("queued")
        current.version += 1
        current._history_user = actor  # type: ignore[attr-defined]
        current.save(update_fields=["status", "progress", "progress_message", "version", "updated_at"])
        transaction.on_commit(lambda: assignment_plan_solve_job(current.pk, actor.pk))
    return current


def assignment_plan_create(
    *, scenario: AllocationPlan, actor: User, progress: Callable[[float, str], None] | None = None
) -> AllocationPlan:
    """Gather → solve → store: the scenario ends solved (with lines and rep loads) or failed."""
    check_planner(actor, scenario.scope_team)
    params = selectors.scenario_parameters(scenario)
    report = progress or (lambda f, m: scenario_progress(scenario_id=scenario.pk, fraction=f, message=m))
    report(0.01, _("gathering accounts and reps"))
    if scenario.kind == ScenarioKind.ROUTING:
        return routing_plan_store(scenario=scenario, actor=actor, params=params, store=_store)
    if scenario.kind == ScenarioKind.TERRITORY:
        return alignment.territory_plan_store(scenario=scenario, actor=actor, report=report, store=_store)
    gathered = selectors.assignment_problem_for(scenario=scenario, actor=actor)
    outcome = engine_adapter.solve_plan(
        gathered.input,
        time_limit=float(params["time_limit"]),
        seed=int(params["seed"]),
        progress=lambda f, m: report(0.05 + 0.9 * f, m),
    )
    return _store_assignment(scenario, actor, gathered, outcome)


def _rep_label(rep_ids: list[int], names: dict[int, str], i: int) -> dict[str, Any]:
    return {"rep_id": rep_ids[i], "rep": names.get(rep_ids[i], "")}


def _store_assignment(
    scenario: AllocationPlan,
    actor: User,
    gathered: selectors.GatheredProblem,
    outcome: engine_adapter.PlanOutcome,
) -> AllocationPlan:
    rep_ids = gathered.rep_ids
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=rep_ids)}
    solved = outcome.status in ("optimal", "feasible")
    infeasibility = None
    if outcome.infeasibility is not None:
        infeasibility = {
            **outcome.infeasibility,
            "reps": [_rep_label(rep_ids, names, i) for i in outcome.infeasibility.get("reps", [])],
            "accounts": [gathered.account_ids[j] for j in outcome.infeasibility.get("accounts", [])],
        }
    with transaction.atomic():
        _clear_plan(scenario)
        if solved:
            _store_lines_and_loads(scenario, gathered, outcome, names)
        return _store(
            scenario,
            actor,
            status=ScenarioStatus.SOLVED if solved else ScenarioStatus.FAILED,
            result_status=outcome.status,
            objective=outcome.objective,
            bound=outcome.bound,
            gap=outcome.gap,
            seconds=outcome.seconds,
            moves=outcome.moves if solved else None,
            message="\n".join([outcome.message, *gathered.warnings]),
            infeasibility=infeasibility,
        )


def _store_lines_and_loads(
    scenario: AllocationPlan,
    gathered: selectors.GatheredProblem,
    outcome: engine_adapter.PlanOutcome,
    names: dict[int, str],
) -> None:
    inp = gathered.input
    m, n = inp.shape
    dist = outcome.distance_km
    rep_ids = gathered.rep_ids
    lines = []
    for j in range(n):
        i = int(outcome.assignment[j])
        cur = int(inp.current[j])
        explanation = dict(outcome.explanations[j]) if j < len(outcome.explanations) else {}
        second = explanation.get("second_best")
        if second:
            label = _rep_label(rep_ids, names, int(second["rep"]))
            explanation["second_best"] = {**{k: v for k, v in second.items() if k != "rep"}, **label}
        proposed = rep_ids[i] if i >= 0 else None
        lat, lon = gathered.latlon[j]
        lines.append(
            AssignmentLine(
                scenario=scenario,
                account_id=gathered.account_ids[j],
                current_owner_id=gathered.owner_ids[j],
                proposed_owner_id=proposed,
                moved=proposed is not None and proposed != gathered.owner_ids[j],
                locked=bool(inp.locked[j]),
                workload=float(inp.workload[j]),
                potential=float(inp.potential[j]),
                distance_km=float(dist[i, j]) if i >= 0 else None,
                current_distance_km=float(dist[cur, j]) if cur >= 0 else None,
                lat=None if np.isnan(lat) else float(lat),
                lon=None if np.isnan(lon) else float(lon),
                explanation=explanation,
                unassigned_reason=""
                if i >= 0
                else _unassigned_reason(inp.eligible[:, j].any(), outcome.unassigned.get(j)),
            )
        )
    AssignmentLine.objects.bulk_create(lines, batch_size=2000)
    cols = np.arange(n)
    before, after = inp.current, outcome.assignment

    def per_rep(assign: np.ndarray, values: np.ndarray) -> np.ndarray:
        ok = assign >= 0
        return np.bincount(assign[ok], weights=values[ok], minlength=m)

    travel_before = per_rep(before, dist[np.maximum(before, 0), cols])
    travel_after = per_rep(after, dist[np.maximum(after, 0), cols])
    moved = (after >= 0) & (after != before)
    loads = [
        RepLoad(
            scenario=scenario,
            rep_id=rep_ids[i],
            capacity_hours=float(gathered.capacity_hours[i]),
            workload_before=float(per_rep(before, inp.workload)[i]),
            workload_after=float(per_rep(after, inp.workload)[i]),
            potential_before=float(per_rep(before, inp.potential)[i]),
            potential_after=float(per_rep(after, inp.potential)[i]),
            accounts_before=int((before == i).sum()),
            accounts_after=int((after == i).sum()),
            travel_km_before=float(travel_before[i]),
            travel_km_after=float(travel_after[i]),
            moves_in=int((moved & (after == i)).sum()),
            moves_out=int((moved & (before == i)).sum()),
        )
        for i in range(m)
    ]
    RepLoad.objects.bulk_create(loads)


def _unassigned_reason(has_eligible_rep: bool, engine_reason: str | None) -> str:
    if not has_eligible_rep:
        return _("No rep in scope may take this account (industry, language or product line).")
    return (engine_reason or _("No eligible rep with room."))[:255]


def _store(
    scenario: AllocationPlan,
    actor: User,
    *,
    status: str,
    result_status: str,
    message: str = "",
    **diagnostics: Any,
) -> AllocationPlan:
    with transaction.atomic():
        current = lock_for_update(scenario)
        current.status = status
        current.result_status = result_status
        current.message = message[:2000]
        for key in ("objective", "bound", "gap", "seconds", "moves", "infeasibility"):
            setattr(current, key, diagnostics.get(key))
        current.progress = 100
        # a failed solve must say so where the user watches the progress, not end blank
        current.progress_message = "" if status != ScenarioStatus.FAILED else _("failed: no plan within the limits")
        current.solved_at = timezone.now()
        current.version += 1
        current._history_user = actor  # type: ignore[attr-defined]
        current.save()
    return current
