"""The one seam between the allocation app and the allocation engine.

This module is the only one of the app that imports :mod:`opensrm.engines.allocation`. Selectors
build an :class:`AllocationInput` or a :class:`RoutingInput` (plain numpy arrays); the plan kinds
(:mod:`opensrm.allocation.kinds`) call :func:`solve_plan`, :func:`pareto_front`,
:func:`route_batch`, :func:`route_one` and :func:`align_territories` and read back plain results.
When the engine's API moves, only this module changes.

Plans, explanations, infeasibility diagnoses (the engine's structured violations, stored with
their codes), the exact model (a small problem the search found no plan for in time, the
balance-vs-moves front and how far a failed plan's band or cap must be relaxed), lead routing and
territory alignment all come from the engine's public API. Eligibility goes to the engine as skill
masks when they can hold it (their bits also price the skill fit) and as a boolean accounts × reps
matrix otherwise. Engine text stays English here; :mod:`opensrm.allocation.presentation`
translates for display.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from scipy import sparse

from opensrm.allocation.models import OutcomeCode
from opensrm.allocation.selectors import AllocationInput, BoolArray, FloatArray, IntArray, RoutingInput
from opensrm.engines import allocation as _engine
from opensrm.engines.allocation import (
    BoundScope,
    RoutingMethod,
    Status,
    TerritoryProblem,
    TerritoryResult,
    Violation,
    ViolationCode,
    align_territories,
)

__all__ = [
    "AllocationInput",
    "BoundScope",
    "PlanOutcome",
    "RoutingInput",
    "RoutingMethod",
    "RoutingOutcome",
    "Status",
    "TerritoryProblem",
    "TerritoryResult",
    "ViolationCode",
    "align_territories",
    "alignment_summary",
    "pareto_front",
    "route_batch",
    "route_one",
    "solve_plan",
]

Progress = Callable[[float, str], None]

@dataclass(frozen=True)
class PlanOutcome:
    status: str  # optimal | feasible | infeasible | time_limit | error
    assignment: IntArray  # (n,) rep index, -1 unassigned
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    moves: int
    message: str
    distance_km: FloatArray  # (m, n)
    explanations: list[dict[str, Any]]
    infeasibility: dict[str, Any] | None = None
    unassigned: dict[int, dict[str, Any]] = field(default_factory=dict)  # account index → why no rep (a violation)
    bound_scope: str = ""
    # How the solve ended, from the engine's typed fields: stored as AllocationPlan.outcome.
    summary: dict[str, Any] | None = None


def haversine_km(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle distance between every point of ``a`` (k, 2) and ``b`` (l, 2), by the engine's
    formula; NaN (an unknown place) → 0."""
    d = _engine.haversine_km(a[:, 0][:, None], a[:, 1][:, None], b[:, 0][None, :], b[:, 1][None, :])
    return np.nan_to_num(np.asarray(d, dtype=np.float64).reshape(a.shape[0], b.shape[0]), nan=0.0)


# --- public seam --------------------------------------------------------------------------
def solve_plan(
    inp: AllocationInput, *, time_limit: float, seed: int, progress: Progress | None = None
) -> PlanOutcome:
    """Solve the rep ↔ account assignment and explain it (or explain why it is infeasible)."""
    report = progress or (lambda _f, _m: None)
    report(0.05, _("building the problem"))
    distance = haversine_km(inp.rep_latlon, inp.account_latlon)
    m, n = inp.shape
    if m == 0:
        no_reps = {"constraint": "reps", "message": "no reps in scope", "details": [], "reps": [], "accounts": []}
        return _no_plan(n, distance, no_reps)
    if n == 0:
        return PlanOutcome(
            Status.OPTIMAL,
            np.zeros(0, dtype=np.int64),
            0.0,
            0.0,
            0.0,
            0.0,
            0,
            "",
            distance,
            [],
            summary=summary(OutcomeCode.EMPTY),
        )
    problem = engine_problem(inp)
    diagnosis = _diagnosis(_engine.diagnose_violations(problem), m)
    if diagnosis is not None:
        return with_relaxation(inp, problem, _no_plan(n, distance, diagnosis), time_limit=time_limit)
    report(0.15, _("solving"))
    result = _engine.solve(problem, time_limit=time_limit, seed=seed)
    outcome = _outcome(result, distance, m)
    if outcome.status == Status.TIME_LIMIT and m * n <= EXACT_LIMIT:
        report(0.5, _("trying the exact model"))
        result, outcome = _exact_retry(problem, distance, result, outcome, time_limit=time_limit)
    report(0.85, _("explaining"))
    if outcome.status in (Status.OPTIMAL, Status.FEASIBLE):
        outcome = replace(outcome, explanations=explain(inp, problem, result))
    else:
        outcome = with_relaxation(inp, problem, outcome, time_limit=time_limit)
    report(1.0, _("done"))
    return outcome


def _exact_retry(
    problem: Any, distance: FloatArray, result: Any, outcome: PlanOutcome, *, time_limit: float
) -> tuple[Any, PlanOutcome]:
    """The engine's search found no plan in time; its exact model over every eligible pair gets
    one more try, and its plan is explained like one of the search's own."""
    exact = _engine.solve_exact(problem, time_limit=time_limit)
    if exact.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return result, outcome
    exact = replace(
        exact,
        seconds=float(result.seconds + exact.seconds),
        unassignable={**result.unassignable, **exact.unassignable},
        unassignable_reasons=(*result.unassignable_reasons, *exact.unassignable_reasons),
    )
    found = _outcome(exact, distance, outcome.distance_km.shape[0])
    exact_summary = summary(OutcomeCode.EXACT_MODEL, status=str(exact.status), bound_scope=str(exact.bound_scope))
    return exact, replace(found, message=f"exact model after: {outcome.message}", summary=exact_summary)


RELAX_SECONDS = 20.0


def with_relaxation(inp: AllocationInput, problem: Any, outcome: PlanOutcome, *, time_limit: float) -> PlanOutcome:
    """A plan that failed on the balance band or the moves cap, with how far each must be relaxed
    for a plan to exist (computed on the engine's exact model, so only for problems it can take)."""
    m, n = inp.shape
    family = (outcome.infeasibility or {}).get("constraint", "balance")
    if family not in ("balance", "moves", "combined") or (inp.tolerance is None and inp.max_moves is None):
        return outcome
    budget = min(RELAX_SECONDS, max(2.0, time_limit / 2))
    relax: dict[str, Any] = {}
    if m * n <= EXACT_LIMIT:
        found = _engine.relaxation(problem, time_limit=budget)
        if found.tolerance is not None:
            relax["tolerance"], relax["tolerance_exact"] = found.tolerance, found.tolerance_exact
        if found.max_moves is not None:
            relax["max_moves"], relax["max_moves_exact"] = found.max_moves, found.max_moves_exact
    owned = np.flatnonzero(inp.current >= 0)
    # Accounts whose owner may not keep them (specialisation) move whatever else is relaxed.
    forced = int((~inp.eligible[inp.current[owned], owned] & ~inp.locked[owned]).sum())
    if inp.max_moves is not None and forced > inp.max_moves:
        relax["forced_moves"] = forced
    if not relax:
        return outcome
    relax["asked_tolerance"], relax["asked_max_moves"] = inp.tolerance, inp.max_moves
    diagnosis = outcome.infeasibility or {
        "constraint": "balance" if inp.max_moves is None else "combined",
        "message": outcome.message,
        "details": [],
        "reps": [],
        "accounts": [],
    }
    return replace(outcome, infeasibility={**diagnosis, "relax": relax})


# When the engine finds no plan in time, a problem this small (reps × accounts) gets one more try
# with the exact model: a proof of feasibility is worth more to a planner than the seconds.
EXACT_LIMIT = 60_000


def _no_plan(n: int, distance: FloatArray, diagnosis: dict[str, Any]) -> PlanOutcome:
    headline = (diagnosis.get("violations") or [{}])[0]
    found = summary(OutcomeCode.DIAGNOSED, constraint=diagnosis["constraint"], violation=headline.get("code"))
    return PlanOutcome(
        Status.INFEASIBLE,
        np.full(n, -1, dtype=np.int64),
        None,
        None,
        None,
        0.0,
        0,
        diagnosis["message"],
        distance,
        [],
        diagnosis,
        summary=found,
    )


# The app's constraint families (presentation names each) for the engine's violations.
_FAMILY = {ViolationCode.SKILL_GROUP_CAPACITY: "skills_capacity"}


def _violation(v: Violation) -> dict[str, Any]:
    """A violation as stored: its code, family and numbers (presentation renders it)."""
    return {
        "code": str(v.code),
        "constraint": _FAMILY.get(v.code, str(v.constraint)),
        "rep": v.rep,
        "account": v.account,
        "amount": v.amount,
        "limit": v.limit,
    }


def _diagnosis(violations: tuple[Violation, ...] | list[Violation], m: int) -> dict[str, Any] | None:
    """The engine's violations → the stored structure: constraint family, culprit reps and accounts.

    Accounts no rep can take do not block a plan (the engine reports them and plans the rest), so
    only the other violations count as a proof of infeasibility. A violation about a total (no rep
    and no account) implicates every rep."""
    blocking = [v for v in violations if v.blocking]
    if not blocking:
        return None
    reps: set[int] = set()
    accounts: set[int] = set()
    for v in blocking:
        if v.rep is not None:
            reps.add(int(v.rep))
        if v.account is not None:
            accounts.add(int(v.account))
        if v.rep is None and v.account is None:
            reps.update(range(m))
    return {
        "constraint": _FAMILY.get(blocking[0].code, str(blocking[0].constraint)),
        "message": blocking[0].message,
        "details": [v.message for v in blocking],
        "violations": [_violation(v) for v in blocking],
        "reps": sorted(reps),
        "accounts": sorted(accounts),
    }


MAX_BITS = 62  # the engine's masks are int64; the sign bit stays clear


def _skill_bits(eligible: BoolArray) -> tuple[IntArray, IntArray] | None:
    """Eligibility as the engine's skill bitmasks (an account needs every bit its rep has).

    First choice: one bit per distinct eligibility pattern (≤ 62), which also makes the engine's
    skill-fit term favour specialists. When there are more patterns (a kept owner outside their
    specialisation makes one per owner) but at most 62 reps, one bit per rep that may *not* take
    the account expresses any eligibility exactly; skill fit then no longer separates the eligible
    reps. Beyond both, None: the engine cannot express the problem."""
    patterns: dict[bytes, int] = {}
    account_bits = np.zeros(eligible.shape[1], dtype=np.int64)
    rep_bits = np.zeros(eligible.shape[0], dtype=np.int64)
    for j in range(eligible.shape[1]):
        col = eligible[:, j]
        key = col.tobytes()
        if key not in patterns:
            if len(patterns) >= MAX_BITS:
                return _exclusion_bits(eligible)
            patterns[key] = len(patterns)
            rep_bits[col] |= np.int64(1) << patterns[key]
        account_bits[j] = np.int64(1) << patterns[key]
    return account_bits, rep_bits


def _exclusion_bits(eligible: BoolArray) -> tuple[IntArray, IntArray] | None:
    m = eligible.shape[0]
    if m > MAX_BITS:
        return None
    own = np.left_shift(np.int64(1), np.arange(m, dtype=np.int64))
    rep_bits = np.bitwise_xor(own.sum(), own)  # every rep's bit but its own
    account_bits = (~eligible).astype(np.int64).T @ own  # the bits of the reps that may not
    return account_bits.astype(np.int64), rep_bits.astype(np.int64)


def _filled(latlon: FloatArray, fallback: FloatArray) -> FloatArray:
    # The engine needs coordinates everywhere; an unknown place sits at the centre of the known ones.
    out = latlon.copy()
    known = ~np.isnan(fallback).any(axis=1)
    centre = fallback[known].mean(axis=0) if known.any() else np.zeros(2)
    out[np.isnan(out).any(axis=1)] = centre
    return out


def engine_problem(inp: AllocationInput) -> Any:
    """The engine's problem for ``inp``: eligibility as skill masks when they can hold it (their
    bits also price the skill fit), else as the boolean accounts × reps matrix."""
    bits = _skill_bits(inp.eligible)
    m, n = inp.shape
    matrix = None
    if bits is None:
        matrix = sparse.csr_matrix(inp.eligible.T)
        bits = (np.zeros(n, dtype=np.int64), np.zeros(m, dtype=np.int64))
    everything = np.vstack([inp.account_latlon, inp.rep_latlon])
    alatlon, rlatlon = _filled(inp.account_latlon, everything), _filled(inp.rep_latlon, everything)
    finite = np.isfinite(inp.max_accounts)
    w = inp.weights
    return _engine.AssignmentProblem(
        account_workload=inp.workload,
        account_potential=inp.potential,
        account_lat=alatlon[:, 0],
        account_lon=alatlon[:, 1],
        rep_capacity=inp.capacity,
        rep_lat=rlatlon[:, 0],
        rep_lon=rlatlon[:, 1],
        account_skills=bits[0],
        rep_skills=bits[1],
        current_owner=inp.current,
        locked=inp.locked & (inp.current >= 0),
        rep_max_accounts=np.where(finite, inp.max_accounts, 2**40).astype(np.int64) if finite.any() else None,
        balance_tolerance=inp.tolerance,
        max_moves=inp.max_moves,
        distance_weight=w.distance / 100.0,
        skill_fit_weight=w.skill / max(1, int(bits[1].max()).bit_length()) if m else 0.0,
        move_penalty=w.continuity,
        eligible=matrix,
    )


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def summary(code: OutcomeCode, **params: Any) -> dict[str, Any]:
    """An outcome as stored (``AllocationPlan.outcome``): its code and parameters."""
    return {"code": str(code), "params": params}


def plan_summary(result: Any) -> dict[str, Any]:
    """How the engine's plan search ended, read from its status, bound scope and violations."""
    status = str(result.status)
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        return summary(OutcomeCode.CERTIFIED, status=status, bound_scope=str(getattr(result, "bound_scope", "")))
    violations = tuple(getattr(result, "violations", ()))
    by_code = {v.code: v for v in reversed(violations)}  # the first of each code
    if status == Status.TIME_LIMIT:
        used = by_code.get(ViolationCode.MOVES_CAP_USED_UP)
        if used is None:
            return summary(OutcomeCode.TIME_LIMIT)
        return summary(OutcomeCode.TIME_LIMIT, moves_used=_int(used.amount), moves_cap=_int(used.limit))
    if (restricted := by_code.get(ViolationCode.NO_PLAN_AMONG_CANDIDATES)) is not None:
        return summary(OutcomeCode.NO_PLAN_AMONG_CANDIDATES, candidates=_int(restricted.limit))
    if ViolationCode.NO_PLAN in by_code:
        return summary(OutcomeCode.NO_PLAN)
    headline = next((v for v in violations if v.blocking), None)
    return summary(
        OutcomeCode.DIAGNOSED,
        constraint=_FAMILY.get(headline.code, str(headline.constraint)) if headline else "combined",
        violation=str(headline.code) if headline else None,
    )


def alignment_summary(result: TerritoryResult, *, skipped_accounts: int) -> dict[str, Any]:
    """How the territory alignment ended: status, bound scope, starts run, constraints met, and the
    accounts without a location the units left out."""
    return summary(
        OutcomeCode.ALIGNED,
        status=str(result.status),
        bound_scope=str(result.bound_scope),
        starts=int(result.starts),
        constraints_met=result.status == Status.FEASIBLE,
        skipped_accounts=int(skipped_accounts),
    )


def _int(value: float | None) -> int | None:
    return None if value is None or not math.isfinite(value) else round(value)


def _outcome(result: Any, distance: FloatArray, m: int) -> PlanOutcome:
    infeasibility = None
    if result.status == Status.INFEASIBLE:
        infeasibility = _diagnosis(result.violations, m) or {
            "constraint": "combined",
            "message": result.message,
            "details": list(result.infeasibility),
            "reps": [],
            "accounts": [],
        }
    return PlanOutcome(
        status=result.status,
        assignment=np.asarray(result.assignment, dtype=np.int64),
        objective=_finite(result.objective),
        bound=_finite(result.bound),
        gap=_finite(result.gap),
        seconds=float(result.seconds),
        moves=int(result.moves),
        message=result.message,
        distance_km=distance,
        explanations=[],
        infeasibility=infeasibility,
        unassigned={int(v.account): _violation(v) for v in result.unassignable_reasons if v.account is not None},
        bound_scope=str(getattr(result, "bound_scope", "")),
        summary=plan_summary(result),
    )


# --- explanations --------------------------------------------------------------------------------
EXPLAIN_LIMIT = 5000  # beyond this many accounts only moved ones are explained (each call is O(n))


def _rounded(value: float, digits: int) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def explain(inp: AllocationInput, problem: Any, result: Any) -> list[dict[str, Any]]:
    """Per account, from the engine: why this rep (distance, skills, balance) and the runner-up
    with its extra cost. ``rep`` indices in the output are positions among the input's reps."""
    _m, n = inp.shape
    assignment = np.asarray(result.assignment)
    if n <= EXPLAIN_LIMIT:
        chosen = np.flatnonzero(assignment >= 0)
    else:
        chosen = np.flatnonzero((assignment >= 0) & (assignment != inp.current))[:EXPLAIN_LIMIT]
    out: list[dict[str, Any]] = [{} for _j in range(n)]
    for j in chosen.tolist():
        e = _engine.explain_assignment(problem, result, j)
        entry: dict[str, Any] = {
            "distance_km": _rounded(e.distance_km, 1),
            "skill_fit": round(float(inp.skill_fit[e.rep, j]), 2),
            "skills_ok": bool(e.skills_ok),
            "balance_share": _rounded(e.rep_potential_share, 3),
            "kept_owner": bool(inp.current[j] == e.rep),
            "locked": bool(inp.locked[j]),
            "cost": _rounded(e.cost, 4),
            "second_best": None,
            "detail": e.text,
        }
        if e.runner_up >= 0:
            entry["second_best"] = {
                "rep": int(e.runner_up),
                "distance_km": _rounded(e.runner_up_distance_km, 1),
                "extra_cost": _rounded(e.runner_up_extra_cost, 4),
            }
        out[j] = entry
    return out


# --- disruption trade-off ----------------------------------------------------------------------
NO_BAND = 100.0
PARETO_BANDS = (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01)


TRADEOFF_SECONDS = 50.0  # the whole front, so the page has it within a minute
TRADEOFF_POINTS = 5


def _exact_front(inp: AllocationInput, problem: Any, n_points: int) -> list[dict[str, Any]]:
    """The front on the engine's exact model: for each cap the plan with the tightest band (one MIP
    per point, each with its share of the time). Caps run from the moves no plan can avoid to the
    plan's cap (or 30 % of the accounts without one)."""
    budget = TRADEOFF_SECONDS / n_points
    model = _engine.build_exact_model(problem)
    m, n = inp.shape
    pair_cost = dict(zip((model.acc * m + model.rep).tolist(), model.cost.tolist(), strict=True))
    owned = np.flatnonzero(inp.current >= 0)
    forced = int((~inp.eligible[inp.current[owned], owned] & ~inp.locked[owned]).sum())
    top = max(forced, round(0.3 * n)) if inp.max_moves is None else max(forced, inp.max_moves)
    caps = sorted({round(x) for x in np.linspace(forced, top, n_points)})
    points: list[dict[str, Any]] = []
    best: Any = None
    # Ascending caps, each search warm-started from the previous plan (which meets the larger cap);
    # the first from today's owners when nobody has to move.
    start: IntArray | None = inp.current.copy() if forced == 0 and (inp.current >= 0).all() else None
    for cap in caps:
        found = _engine.least_band(problem, max_moves=cap, time_limit=budget, model=model, start=start)
        if found is not None:
            start = found.assignment
        if best is not None and (found is None or best.tolerance < found.tolerance):
            found = best  # a plan within a smaller cap is within this one too: the front stays monotone
        if found is None:
            continue
        best = found
        chosen = np.flatnonzero(found.assignment >= 0)
        objective = sum(pair_cost[int(j * m + found.assignment[j])] for j in chosen)
        points.append(
            {
                "max_moves": int(cap),
                "moves": int(found.moves),
                "balance_deviation": round(float(found.tolerance), 4),
                "objective": round(float(objective), 4),
                "status": str(Status.OPTIMAL if found.exact else Status.FEASIBLE),
                # rounded up, so a draft adopting this point is solvable at that band
                "tolerance": math.ceil(found.tolerance * 1000 - 1e-9) / 1000,
            }
        )
    return points


def pareto_front(
    inp: AllocationInput, *, time_limit: float, seed: int, n_points: int = TRADEOFF_POINTS
) -> list[dict[str, Any]]:
    """Best potential balance reachable for a few caps on moves (the engine's Pareto front), as
    plain dicts; empty when the engine cannot express the problem or no cap admits a plan.

    The caps run from none to the larger of 30 % of the accounts and the moves of the plan without
    a cap (solved first, with a share of the time). Caps too small for any plan (capacity
    may force some moves) are left out by the engine."""
    m, n = inp.shape
    if m == 0 or n == 0:
        return []
    problem = engine_problem(inp)
    if m > 1 and m * n <= EXACT_LIMIT:
        return _exact_front(inp, problem, n_points)
    time_limit = min(time_limit, TRADEOFF_SECONDS)
    free = _engine.solve(replace(problem, max_moves=None), time_limit=max(1.0, time_limit / 5), seed=seed)
    if free.status not in ("optimal", "feasible"):
        return []
    top = max(int(free.moves), round(0.3 * n))
    top = min(top, n) if inp.max_moves is None else min(top, inp.max_moves)
    grid = sorted({round(x) for x in np.linspace(0, top, n_points)})
    # Without a band the front starts from "capacity and skills only" (a band too wide to bind).
    start = inp.tolerance if inp.tolerance is not None else NO_BAND
    tolerances = sorted({start, *(t for t in PARETO_BANDS if t < start)}, reverse=True)
    points = _engine.pareto_balance_moves(
        replace(problem, balance_tolerance=start),
        max_moves_grid=grid,
        tolerances=tolerances,
        time_limit=time_limit * 4 / 5,
        seed=seed,
    )
    return [
        {
            "max_moves": int(p.max_moves),
            "moves": int(p.moves),
            "balance_deviation": round(float(p.balance_deviation), 4),
            "objective": _finite(p.objective),
            "status": str(p.status),
            "tolerance": None if p.tolerance is None or p.tolerance >= NO_BAND else float(p.tolerance),
        }
        for p in points
    ]


# --- lead routing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoutingOutcome:
    status: str
    assignment: IntArray
    objective: float | None
    seconds: float
    message: str
    distance_km: FloatArray
    round_robin_objective: float | None = None
    method: str = ""
    summary: dict[str, Any] | None = None  # stored as AllocationPlan.outcome


def _lead_problem(inp: RoutingInput, distance: FloatArray) -> Any:
    """Expected value = lead value × a distance discount (a lead 500 km away is worth half)."""
    _m, n = inp.eligible.shape
    reachable = max(1, int((inp.slots >= 1).sum()))
    return _engine.LeadRoutingProblem(
        value=np.maximum(inp.value, 1.0),
        win_probability=(1.0 / (1.0 + distance / 500.0)).T,
        capacity=np.floor(np.maximum(inp.slots, 0)).astype(np.int64),
        eligible=inp.eligible.T,
        max_share=min(1.0, math.ceil(inp.fairness * n / reachable) / n),
    )


def route_batch(inp: RoutingInput, *, time_limit: float, seed: int) -> RoutingOutcome:
    """Route a batch of leads: maximise expected value under remaining slots, skills and fairness."""
    del seed  # the routing LP is deterministic
    m, n = inp.eligible.shape
    distance = haversine_km(inp.rep_latlon, inp.lead_latlon)
    if m == 0 or n == 0:
        return RoutingOutcome(
            "infeasible" if n else "optimal",
            np.full(n, -1, dtype=np.int64),
            0.0,
            0.0,
            "no reps" if n else "no leads",
            distance,
            summary=summary(OutcomeCode.DIAGNOSED, constraint="reps", violation=None)
            if n
            else summary(OutcomeCode.EMPTY),
        )
    problem = _lead_problem(inp, distance)
    result = _engine.route_leads(problem, time_limit=time_limit)
    baseline = _engine.round_robin(problem)
    return RoutingOutcome(
        result.status,
        np.asarray(result.assignment, dtype=np.int64),
        float(result.expected_value),
        float(result.seconds),
        result.message,
        distance,
        float(baseline.expected_value),
        method=str(result.method),
        summary=summary(
            OutcomeCode.ROUTED,
            status=str(result.status),
            method=str(result.method),
            expected_value=float(result.expected_value),
            round_robin_value=float(baseline.expected_value),
        ),
    )


def route_one(inp: RoutingInput) -> int:
    """The rep (index) for a single new lead, or -1 when no eligible rep has room; ties go to the
    rep with the most room left."""
    m, n = inp.eligible.shape
    if m == 0 or n != 1:
        return -1
    distance = haversine_km(inp.rep_latlon, inp.lead_latlon)
    value = max(float(inp.value[0]), 1.0) / (1.0 + distance[:, 0] / 500.0)
    room = np.floor(np.maximum(inp.slots, 0)).astype(np.int64)
    return int(
        _engine.route_single_lead(
            expected_value=value,
            eligible=inp.eligible[:, 0],
            remaining_capacity=room,
            assigned_today=room.max() - room,
        )
    )
