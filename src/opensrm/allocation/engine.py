"""The one seam between the allocation app and the allocation engine.

This module is the only one of the app that imports :mod:`opensrm.engines.allocation`. Selectors
build an :class:`AllocationInput` or a :class:`RoutingInput` (plain numpy arrays); the plan kinds
(:mod:`opensrm.allocation.kinds`) call :func:`solve_plan`, :func:`pareto_front`,
:func:`route_batch`, :func:`route_one` and :func:`align_territories` and read back plain results.
When the engine's API moves, only this module changes.

Plans, explanations, infeasibility diagnoses, lead routing and territory alignment come from the
engine's public API. Only a problem the engine cannot express (more than 62 distinct skill
patterns, which its bitmask cannot hold) goes to the small exact model at the end of this module
(``exact_*``), which also proves feasibility for a small problem the engine found no plan for in
time and computes how far a failed plan's balance band or moves cap must be relaxed. Engine text
stays English here; :mod:`opensrm.allocation.presentation` translates it for display.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, lil_matrix, vstack

from opensrm.allocation.selectors import AllocationInput, BoolArray, FloatArray, IntArray, RoutingInput
from opensrm.engines import allocation as _engine
from opensrm.engines.allocation import TerritoryProblem, TerritoryResult, align_territories
from opensrm.engines.allocation._highs import solve_highs

__all__ = [
    "AllocationInput",
    "PlanOutcome",
    "RoutingInput",
    "RoutingOutcome",
    "TerritoryProblem",
    "TerritoryResult",
    "align_territories",
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
    unassigned: dict[int, str] = field(default_factory=dict)  # account index → why no rep
    bound_scope: str = ""


def haversine_km(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle distance between every point of ``a`` (k, 2) and ``b`` (l, 2), by the engine's
    formula; NaN (an unknown place) → 0."""
    d = _engine.haversine_km(a[:, 0][:, None], a[:, 1][:, None], b[:, 0][None, :], b[:, 1][None, :])
    return np.nan_to_num(np.asarray(d, dtype=np.float64).reshape(a.shape[0], b.shape[0]), nan=0.0)


def cost_matrix(inp: AllocationInput, distance_km: FloatArray) -> FloatArray:
    """Weighted cost of giving account ``j`` to rep ``i``: travel (hours × 100 km), poor skill fit,
    and leaving the current owner. Same units as the engine's objective."""
    m, n = inp.shape
    w = inp.weights
    leave = np.ones((m, n))
    has_owner = inp.current >= 0
    leave[inp.current[has_owner], np.nonzero(has_owner)[0]] = 0.0
    leave[:, ~has_owner] = 0.0
    return (
        w.distance * inp.workload[None, :] * distance_km / 100.0
        + w.skill * (1.0 - inp.skill_fit)
        + w.continuity * leave
    )


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
    problem = engine_problem(inp)
    if problem is None:
        # More distinct skill patterns than the engine's bitmask holds, or nothing to assign.
        cost = cost_matrix(inp, distance)
        diagnosis: dict[str, Any] | None = exact_diagnose(inp)
        if diagnosis is not None:
            return _no_plan(n, distance, diagnosis)
        report(0.15, _("solving"))
        outcome = exact_solve(inp, cost, distance, time_limit=time_limit)
        if outcome.status in ("optimal", "feasible"):
            outcome = replace(outcome, explanations=exact_explain(inp, cost, distance, outcome.assignment))
        elif outcome.status == "infeasible":
            outcome = replace(outcome, infeasibility=exact_infeasibility(inp))
        report(1.0, _("done"))
        return outcome
    diagnosis = _diagnosis(_engine.diagnose_infeasibility(problem), m)
    if diagnosis is not None:
        return with_relaxation(inp, _no_plan(n, distance, diagnosis), time_limit=time_limit)
    report(0.15, _("solving"))
    result = _engine.solve(problem, time_limit=time_limit, seed=seed)
    outcome = _outcome(result, distance, m)
    if outcome.status == "time_limit" and m * n <= EXACT_LIMIT:
        report(0.5, _("trying the exact model"))
        result, outcome = exact_retry(inp, distance, result, outcome, time_limit=time_limit)
    report(0.85, _("explaining"))
    if outcome.status in ("optimal", "feasible"):
        outcome = replace(outcome, explanations=explain(inp, problem, result))
    else:
        outcome = with_relaxation(inp, outcome, time_limit=time_limit)
    report(1.0, _("done"))
    return outcome


RELAX_SECONDS = 20.0


def with_relaxation(inp: AllocationInput, outcome: PlanOutcome, *, time_limit: float) -> PlanOutcome:
    """A plan that failed on the balance band or the moves cap, with how far each must be relaxed
    for a plan to exist (computed on the exact model, so only for problems it can take)."""
    m, n = inp.shape
    family = (outcome.infeasibility or {}).get("constraint", "balance")
    if family not in ("balance", "moves", "combined") or (inp.tolerance is None and inp.max_moves is None):
        return outcome
    budget = min(RELAX_SECONDS, max(2.0, time_limit / 2))
    relax = {} if m * n > EXACT_LIMIT else exact_relaxation(inp, time_limit=budget)
    owned = np.flatnonzero(inp.current >= 0)
    # Accounts whose owner may not keep them (specialisation) move whatever else is relaxed.
    forced = int((~inp.eligible[inp.current[owned], owned] & ~inp.locked[owned]).sum())
    if inp.max_moves is not None and forced > inp.max_moves:
        relax["forced_moves"] = forced
    if not relax:
        return outcome
    relax["asked_tolerance"], relax["asked_max_moves"] = inp.tolerance, inp.max_moves
    found = outcome.infeasibility or {
        "constraint": "balance" if inp.max_moves is None else "combined",
        "message": outcome.message,
        "details": [],
        "reps": [],
        "accounts": [],
    }
    return replace(outcome, infeasibility={**found, "relax": relax})


# When the engine finds no plan in time, a problem this small (reps × accounts) gets one more try
# with the exact model: a proof of feasibility is worth more to a planner than the seconds.
EXACT_LIMIT = 60_000


def _no_plan(n: int, distance: FloatArray, diagnosis: dict[str, Any]) -> PlanOutcome:
    return PlanOutcome(
        "infeasible",
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
    )


_INDEX = re.compile(r"\b(rep|account) (\d+)\b")


def _diagnosis(reasons: list[str] | tuple[str, ...], m: int) -> dict[str, Any] | None:
    """Engine diagnosis lines → the stored structure: constraint family, culprit reps and accounts.

    Lines about single unassignable accounts do not block a plan (the engine reports them and
    plans the rest), so only the other lines count as a proof of infeasibility. A line that names
    no rep or account (a total over the team) implicates every rep."""
    blocking = [r for r in reasons if constraint_of(r) != "skills"]
    if not blocking:
        return None
    reps: set[int] = set()
    accounts: set[int] = set()
    for line in blocking:
        found = _INDEX.findall(line)
        for kind, index in found:
            (reps if kind == "rep" else accounts).add(int(index))
        if not found:
            reps.update(range(m))
    return {
        "constraint": constraint_of(blocking[0]),
        "message": blocking[0],
        "details": list(blocking),
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
    """The engine's problem for ``inp``; None when it cannot express it (> 62 skill patterns)."""
    bits = _skill_bits(inp.eligible)
    if bits is None:
        return None
    m, n = inp.shape
    if m == 0 or n == 0:
        return None
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
        skill_fit_weight=w.skill / max(1, int(bits[1].max()).bit_length()),
        move_penalty=w.continuity,
    )


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _outcome(result: Any, distance: FloatArray, m: int) -> PlanOutcome:
    infeasibility = None
    if result.status == "infeasible":
        infeasibility = _diagnosis(list(result.infeasibility) or [result.message], m) or {
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
        unassigned={int(a): str(why) for a, why in result.unassignable.items()},
        bound_scope=str(getattr(result, "bound_scope", "")),
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


def _exact_front(inp: AllocationInput, n_points: int) -> list[dict[str, Any]]:
    """The front on the exact model: for each cap the plan with the tightest band (one MIP per
    point, each with its share of the time). Caps run from the moves no plan can avoid to the
    scenario's cap (or 30 % of the accounts without one)."""
    budget = TRADEOFF_SECONDS / n_points
    model = exact_base_model(inp)
    owned = np.flatnonzero(inp.current >= 0)
    forced = int((~inp.eligible[inp.current[owned], owned] & ~inp.locked[owned]).sum())
    n = inp.shape[1]
    top = max(forced, round(0.3 * n)) if inp.max_moves is None else max(forced, inp.max_moves)
    caps = sorted({round(x) for x in np.linspace(forced, top, n_points)})
    cost = cost_matrix(inp, haversine_km(inp.rep_latlon, inp.account_latlon))
    points: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    # Ascending caps, each search warm-started from the previous plan (which meets the larger cap);
    # the first from today's owners when nobody has to move.
    start: IntArray | None = inp.current.copy() if forced == 0 and (inp.current >= 0).all() else None
    for cap in caps:
        found = least_band(inp, max_moves=cap, time_limit=budget, model=model, start=start)
        if found is not None:
            start = found["assignment"]
        if best is not None and (found is None or best["tolerance"] < found["tolerance"]):
            found = best  # a plan within a smaller cap is within this one too: the front stays monotone
        if found is None:
            continue
        best = found
        a = found["assignment"]
        ok = a >= 0
        points.append(
            {
                "max_moves": int(cap),
                "moves": int(found["moves"]),
                "balance_deviation": round(float(found["tolerance"]), 4),
                "objective": round(float(cost[a[ok], np.flatnonzero(ok)].sum()), 4),
                "status": "optimal" if found["exact"] else "feasible",
                # rounded up, so a draft adopting this point is solvable at that band
                "tolerance": math.ceil(found["tolerance"] * 1000 - 1e-9) / 1000,
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
    if m > 1 and m * n <= EXACT_LIMIT:
        return _exact_front(inp, n_points)
    time_limit = min(time_limit, TRADEOFF_SECONDS)
    problem = engine_problem(inp)
    if problem is None:
        return []
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


# --- engine text ----------------------------------------------------------------------------
CONSTRAINTS = ("capacity", "max_accounts", "balance", "moves", "skills", "reps", "skills_capacity", "combined")


def constraint_of(reason: str) -> str:
    """The constraint family an engine diagnosis line names ("capacity: rep 3 …" → "capacity")."""
    head = reason.split(":", 1)[0].strip().lower().replace(" ", "_")
    if head == "unassignable":
        return "skills"
    return head if head in CONSTRAINTS else "combined"


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


# --- the exact model (HiGHS) for what the engine cannot take -----------------------------------
def exact_retry(
    inp: AllocationInput, distance: FloatArray, result: Any, outcome: PlanOutcome, *, time_limit: float
) -> tuple[Any, PlanOutcome]:
    """The engine found no plan in time; solve exactly and hand back an engine-typed result."""
    exact = exact_solve(inp, cost_matrix(inp, distance), distance, time_limit=time_limit)
    if exact.status not in ("optimal", "feasible"):
        return result, outcome
    ok = exact.assignment >= 0
    m, _n = inp.shape
    rep_potential = np.bincount(exact.assignment[ok], weights=inp.potential[ok], minlength=m)
    # The engine's result type, so the engine explains this plan like one of its own.
    as_engine = _engine.AssignmentResult(
        status=exact.status,
        assignment=exact.assignment,
        objective=float(exact.objective or 0.0),
        bound=float(exact.bound or 0.0),
        gap=float(exact.gap or 0.0),
        seconds=float(result.seconds + exact.seconds),
        iterations=0,
        message=exact.message,
        rep_potential=rep_potential.astype(np.float64),
        moves=exact.moves,
        unassignable=dict(result.unassignable),
    )
    return as_engine, replace(
        exact,
        seconds=as_engine.seconds,
        message=f"exact model after: {outcome.message}",
        unassigned={**outcome.unassigned, **exact.unassigned},
    )


def exact_infeasibility(inp: AllocationInput) -> dict[str, Any]:
    """The solver proved infeasibility; relax one family at a time to name the culprit."""
    m, n = inp.shape
    for name, relaxed, message in (
        ("balance", {"tolerance": None}, "balance: potential cannot be balanced within the tolerance"),
        ("moves", {"max_moves": None}, "moves: the cap on moves is too tight"),
    ):
        trial = AllocationInput(**{**inp.__dict__, **relaxed})
        probe = exact_solve(trial, cost_matrix(trial, np.zeros((m, n))), np.zeros((m, n)), time_limit=5.0)
        if probe.status in ("optimal", "feasible"):
            return {"constraint": name, "message": message, "details": [message], "reps": [], "accounts": []}
    return {
        "constraint": "combined",
        "message": "capacity, skills and locks cannot be met together",
        "details": [],
        "reps": list(range(m)),
        "accounts": [],
    }


# --- what to relax, and by how much ---------------------------------------------------------------
def exact_base_model(inp: AllocationInput) -> dict[str, Any]:
    """Rows every plan meets (each assignable account once, capacity, max accounts), the potential
    and stay matrices, and the variable bounds (locks, eligibility) of the x (m·n) variables."""
    m, n = inp.shape
    assignable = inp.eligible.any(axis=0)
    lower = np.zeros(m * n)
    for j in np.nonzero(inp.locked & (inp.current >= 0))[0]:
        lower[inp.current[j] * n + j] = 1.0
    each = lil_matrix((n, m * n))
    cap = lil_matrix((m, m * n))
    pot = lil_matrix((m, m * n))
    for i in range(m):
        each[np.arange(n), i * n + np.arange(n)] = 1.0
        cap[i, i * n : (i + 1) * n] = inp.workload
        pot[i, i * n : (i + 1) * n] = inp.potential
    owned = np.nonzero(inp.current >= 0)[0]
    stay = lil_matrix((1, m * n))
    stay[0, inp.current[owned] * n + owned] = 1.0
    base = [
        LinearConstraint(csr_matrix(each), assignable.astype(float), assignable.astype(float)),
        LinearConstraint(csr_matrix(cap), np.full(m, -np.inf), inp.capacity),
    ]
    finite = np.isfinite(inp.max_accounts)
    if finite.any():
        count = lil_matrix((m, m * n))
        for i in np.nonzero(finite)[0]:
            count[i, i * n : (i + 1) * n] = 1.0
        base.append(LinearConstraint(csr_matrix(count)[np.nonzero(finite)[0]], -np.inf, inp.max_accounts[finite]))
    return {
        "base": base,
        "pot": csr_matrix(pot),
        "stay": csr_matrix(stay),
        "owned": owned,
        "lower": lower,
        "upper": inp.eligible.reshape(-1).astype(float),
        "mean": float(inp.potential[assignable].sum()) / m,
        "assignable": assignable,
    }


BAND_STEPS = 1000  # the band is found in tenths of a per cent (an integer, so one MIP holds it)


def least_band(
    inp: AllocationInput,
    *,
    max_moves: int | None,
    time_limit: float,
    model: dict[str, Any] | None = None,
    start: IntArray | None = None,
) -> dict[str, Any] | None:
    """The plan with the tightest potential band at this cap on moves (capacity, skills and locks
    kept): {"tolerance", "exact", "assignment", "moves"}; None when HiGHS found no plan in time.
    ``start`` (an assignment meeting the cap) warm-starts the search."""
    m, n = inp.shape
    model = model or exact_base_model(inp)
    mean, owned = model["mean"], model["owned"]
    if m < 2 or mean <= 0:
        return None
    # Variables x (m·n) and the band u (in 1/BAND_STEPS): mean·(1 − u/S) ≤ potential of rep i ≤ mean·(1 + u/S).
    tcol = csr_matrix(np.full((m, 1), -mean / BAND_STEPS))
    blocks = [hstack([a.A, csr_matrix((a.A.shape[0], 1))]) for a in model["base"]]
    lows = [np.broadcast_to(a.lb, a.A.shape[0]) for a in model["base"]]
    highs = [np.broadcast_to(a.ub, a.A.shape[0]) for a in model["base"]]
    blocks += [hstack([model["pot"], tcol]), hstack([model["pot"], -tcol])]
    lows += [np.full(m, -np.inf), np.full(m, mean)]
    highs += [np.full(m, mean), np.full(m, np.inf)]
    if max_moves is not None and owned.size:
        blocks.append(hstack([model["stay"], csr_matrix((1, 1))]))
        lows.append(np.array([owned.size - max_moves], dtype=float))
        highs.append(np.array([np.inf]))
    cost = np.zeros(m * n + 1)
    cost[-1] = 1.0
    x0 = None
    if start is not None:
        ok = start >= 0
        x0 = np.zeros(m * n + 1)
        x0[start[ok] * n + np.flatnonzero(ok)] = 1.0
        pot = np.bincount(start[ok], weights=inp.potential[ok], minlength=m)
        x0[-1] = math.ceil(float(np.abs(pot / mean - 1).max()) * BAND_STEPS) + 1
    res = solve_highs(
        cost,
        vstack(blocks).tocsc(),
        np.concatenate(lows).astype(float),
        np.concatenate(highs).astype(float),
        np.r_[model["lower"], 0.0],
        np.r_[model["upper"], float(BAND_STEPS * 100)],
        integer=True,
        time_limit=max(1.0, float(time_limit)),
        start=x0,
        options={"mip_rel_gap": 1e-4},
    )
    if res.x is None:
        return None
    x = np.round(res.x[:-1]).reshape(m, n)
    assignment = np.where(model["assignable"], np.argmax(x, axis=0), -1).astype(np.int64)
    potential = np.bincount(assignment[assignment >= 0], weights=inp.potential[assignment >= 0], minlength=m)
    moves = int(((inp.current >= 0) & (assignment >= 0) & (assignment != inp.current)).sum())
    return {
        "tolerance": float(np.abs(potential / mean - 1).max()),
        "exact": res.status == "Optimal",
        "assignment": assignment,
        "moves": moves,
    }


def exact_relaxation(inp: AllocationInput, *, time_limit: float) -> dict[str, Any]:
    """The least widening of the balance band (at the moves cap) and the fewest moves (within the
    band) for which a plan exists, each found by a MIP that minimises it over capacity, skills and
    locks. Each value belongs to a plan HiGHS found, so it is enough; ``exact`` says HiGHS also
    proved it is the least. Keys are left out when no such plan was found in ``time_limit``."""
    m, n = inp.shape
    out: dict[str, Any] = {}
    if m < 1 or n < 1:
        return out
    model = exact_base_model(inp)
    band = least_band(inp, max_moves=inp.max_moves, time_limit=time_limit, model=model)
    if band is not None:
        out["tolerance"], out["tolerance_exact"] = band["tolerance"], band["exact"]
    owned, mean = model["owned"], model["mean"]
    if inp.max_moves is not None and owned.size:
        rows = list(model["base"])
        if inp.tolerance is not None and m > 1:
            low, high = mean * (1 - inp.tolerance), mean * (1 + inp.tolerance)
            rows.append(LinearConstraint(model["pot"], np.full(m, low), np.full(m, high)))
        stay = model["stay"].toarray().ravel()
        res = milp(
            -stay,  # the most accounts kept: the fewest moves
            constraints=rows,
            integrality=np.ones(m * n),
            bounds=Bounds(model["lower"], model["upper"]),
            options={"time_limit": max(1.0, float(time_limit)), "mip_rel_gap": 1e-4, "disp": False},
        )
        if res.x is not None:
            kept = round(float(stay @ np.round(res.x)))
            out["max_moves"] = int(owned.size - kept)
            out["max_moves_exact"] = res.status == 0
    return out


# --- the fallback exact solver (HiGHS through scipy) -----------------------------------------
def exact_solve(inp: AllocationInput, cost: FloatArray, distance: FloatArray, *, time_limit: float) -> PlanOutcome:
    m, n = inp.shape
    start = time.perf_counter()
    c = cost.reshape(-1)  # variable i*n + j
    upper = inp.eligible.reshape(-1).astype(float)
    lower = np.zeros(m * n)
    for j in np.nonzero(inp.locked & (inp.current >= 0))[0]:
        lower[inp.current[j] * n + j] = 1.0
    rows: list[tuple[Any, FloatArray, FloatArray]] = []
    each = lil_matrix((n, m * n))
    for i in range(m):
        each[np.arange(n), i * n + np.arange(n)] = 1.0
    assignable = inp.eligible.any(axis=0).astype(float)
    rows.append((each, assignable, assignable))
    cap = lil_matrix((m, m * n))
    count = lil_matrix((m, m * n))
    for i in range(m):
        cap[i, i * n : (i + 1) * n] = inp.workload
        count[i, i * n : (i + 1) * n] = 1.0
    rows.append((cap, np.full(m, -np.inf), inp.capacity))
    finite = np.isfinite(inp.max_accounts)
    if finite.any():
        rows.append(
            (count[np.nonzero(finite)[0]], np.full(int(finite.sum()), -np.inf), inp.max_accounts[finite])
        )
    if inp.tolerance is not None and m > 1:
        pot = lil_matrix((m, m * n))
        for i in range(m):
            pot[i, i * n : (i + 1) * n] = inp.potential
        mean = inp.potential[assignable > 0].sum() / m
        rows.append((pot, np.full(m, mean * (1 - inp.tolerance)), np.full(m, mean * (1 + inp.tolerance))))
    owned = np.nonzero(inp.current >= 0)[0]
    if inp.max_moves is not None and owned.size:
        stay = lil_matrix((1, m * n))
        stay[0, inp.current[owned] * n + owned] = 1.0
        rows.append((stay, np.array([owned.size - inp.max_moves], dtype=float), np.array([np.inf])))
    constraints = [LinearConstraint(csr_matrix(a), lb, ub) for a, lb, ub in rows]
    res = milp(
        c,
        constraints=constraints,
        integrality=np.ones(m * n),
        bounds=Bounds(lower, upper),
        options={"time_limit": float(time_limit), "mip_rel_gap": 1e-6},
    )
    seconds = time.perf_counter() - start
    assignment = np.full(n, -1, dtype=np.int64)
    if res.x is None:
        status = "infeasible" if res.status == 2 else "time_limit"
        return PlanOutcome(status, assignment, None, None, None, seconds, 0, str(res.message), distance, [])
    x = np.round(res.x).reshape(m, n)
    assignment = np.where(assignable > 0, np.argmax(x, axis=0), -1).astype(np.int64)
    ok = assignment >= 0
    objective = float(cost[assignment[ok], np.nonzero(ok)[0]].sum())
    bound = float(getattr(res, "mip_dual_bound", objective) or objective)
    bound = min(bound, objective)
    close = abs(objective - bound) <= 1e-9 * max(1.0, abs(objective))
    gap = 0.0 if close else (objective - bound) / max(abs(objective), 1e-12)
    status = "optimal" if res.status == 0 else "feasible"
    moves = int(((inp.current >= 0) & ok & (assignment != inp.current)).sum())
    unassigned = {int(j): "no rep has the skills this account needs" for j in np.nonzero(~ok)[0]}
    return PlanOutcome(
        status,
        assignment,
        objective,
        bound,
        float(gap),
        seconds,
        moves,
        str(res.message),
        distance,
        [],
        unassigned=unassigned,
    )


def exact_explain(
    inp: AllocationInput, cost: FloatArray, distance: FloatArray, assignment: IntArray
) -> list[dict[str, Any]]:
    """Per account: why this rep, and the best alternative with its extra cost."""
    m, n = inp.shape
    out: list[dict[str, Any]] = []
    masked = np.where(inp.eligible, cost, np.inf)
    for j in range(n):
        i = int(assignment[j])
        if i < 0:
            out.append({})
            continue
        alt = masked[:, j].copy()
        alt[i] = np.inf
        k = int(np.argmin(alt)) if m > 1 else -1
        entry: dict[str, Any] = {
            "distance_km": round(float(distance[i, j]), 1),
            "skill_fit": round(float(inp.skill_fit[i, j]), 2),
            "skills_ok": True,
            "kept_owner": bool(inp.current[j] == i),
            "locked": bool(inp.locked[j]),
            "cost": round(float(cost[i, j]), 4),
            "second_best": None,
        }
        if k >= 0 and np.isfinite(alt[k]):
            entry["second_best"] = {
                "rep": k,
                "distance_km": round(float(distance[k, j]), 1),
                "extra_cost": round(float(alt[k] - cost[i, j]), 4),
            }
        out.append(entry)
    return out


def exact_diagnose(inp: AllocationInput) -> dict[str, Any] | None:
    """Cheap necessary conditions; the first violated one names the constraint and the culprits."""
    m, _n = inp.shape
    locked = np.nonzero(inp.locked & (inp.current >= 0))[0]
    locked_load = np.bincount(inp.current[locked], weights=inp.workload[locked], minlength=m)
    over = np.nonzero(locked_load > inp.capacity + 1e-9)[0]
    found: dict[str, Any] | None = None
    if over.size:
        overfull = set(over.tolist())
        found = {
            "constraint": "capacity",
            "message": "capacity: locked accounts alone exceed some reps' capacity",
            "reps": over.tolist(),
            "accounts": [int(j) for j in locked if inp.current[j] in overfull],
        }
    assignable = inp.eligible.any(axis=0)
    if found is None and inp.workload[assignable].sum() > inp.capacity.sum() + 1e-9:
        found = {
            "constraint": "capacity",
            "message": f"capacity: total workload {inp.workload.sum():.1f} h exceeds total rep capacity "
            f"{inp.capacity.sum():.1f} h",
            "reps": list(range(m)),
            "accounts": [],
        }
    if found is None and assignable.sum() > inp.max_accounts.sum():
        found = {
            "constraint": "max_accounts",
            "message": "max accounts: more accounts than the reps may hold in total",
            "reps": list(range(m)),
            "accounts": [],
        }
    if found is None:
        # Per skill group: accounts only some reps may take must fit those reps' capacity.
        for pattern in {tuple(col) for col in inp.eligible.T.tolist() if any(col)}:
            cols = np.nonzero((np.array(pattern) == inp.eligible.T).all(axis=1))[0]
            reps = np.nonzero(np.array(pattern))[0]
            if inp.workload[cols].sum() > inp.capacity[reps].sum() + 1e-9:
                found = {
                    "constraint": "skills_capacity",
                    "message": "capacity: accounts that only some reps may take exceed those reps' capacity",
                    "reps": reps.tolist(),
                    "accounts": cols.tolist(),
                }
                break
    if found is not None:
        found["details"] = [found["message"]]
    return found
