"""The one seam between the territories app and the allocation engine.

Selectors build an :class:`AllocationInput` (plain numpy arrays); services call
:func:`solve_plan` and :func:`pareto_front` and read back plain results (lead routing lives in
:mod:`opensrm.allocation.engine_routing`). Only these modules know the engine's names and
shapes, so when the engine's API moves, only they change.

Plans, explanations, infeasibility diagnoses and lead routing come from the engine's public API.
Only a problem the engine cannot express (more than 62 distinct skill patterns, which its bitmask
cannot hold) goes to the small exact model in :mod:`opensrm.allocation.engine_fallback`.
Engine text stays English here; :mod:`opensrm.allocation.engine_text` translates it for display.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from opensrm.engines import allocation as _engine
from opensrm.allocation.engine_text import constraint_of

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Progress = Callable[[float, str], None]

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Weights:
    distance: float = 1.0
    skill: float = 0.5
    continuity: float = 2.0


@dataclass(frozen=True)
class AllocationInput:
    """Reps × accounts, as arrays. ``m`` reps, ``n`` accounts.

    Coordinates are (lat, lon) in degrees, NaN when unknown (distance then counts as 0).
    ``current[j]`` is the index of the account's owner among the reps, -1 when it has none or
    its owner is not one of the reps. ``skill_fit[i, j]`` in [0, 1]: 1 is a specialist match.
    """

    workload: FloatArray  # (n,) hours per week
    potential: FloatArray  # (n,)
    account_latlon: FloatArray  # (n, 2)
    rep_latlon: FloatArray  # (m, 2)
    capacity: FloatArray  # (m,) hours per week
    max_accounts: FloatArray  # (m,) inf when unlimited
    eligible: BoolArray  # (m, n)
    skill_fit: FloatArray  # (m, n)
    current: IntArray  # (n,)
    locked: BoolArray  # (n,)
    tolerance: float | None = 0.05  # potential within ±tolerance of the mean; None: no balance
    max_moves: int | None = None
    weights: Weights = field(default_factory=Weights)

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.capacity.shape[0]), int(self.workload.shape[0])


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
    """Great-circle distance between every point of ``a`` (k, 2) and ``b`` (l, 2); NaN → 0."""
    lat1, lon1 = np.radians(a[:, 0])[:, None], np.radians(a[:, 1])[:, None]
    lat2, lon2 = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return np.nan_to_num(d, nan=0.0)


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
    from opensrm.allocation import engine_fallback

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
        diagnosis: dict[str, Any] | None = engine_fallback.diagnose(inp)
        if diagnosis is not None:
            return _no_plan(n, distance, diagnosis)
        report(0.15, _("solving"))
        outcome = engine_fallback.solve(inp, cost, distance, time_limit=time_limit)
        if outcome.status in ("optimal", "feasible"):
            outcome = replace(outcome, explanations=engine_fallback.explain(inp, cost, distance, outcome.assignment))
        elif outcome.status == "infeasible":
            outcome = replace(outcome, infeasibility=engine_fallback.infeasibility(inp))
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
        result, outcome = engine_fallback.exact_retry(inp, distance, result, outcome, time_limit=time_limit)
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
    from opensrm.allocation import engine_fallback

    m, n = inp.shape
    family = (outcome.infeasibility or {}).get("constraint", "balance")
    if family not in ("balance", "moves", "combined") or (inp.tolerance is None and inp.max_moves is None):
        return outcome
    budget = min(RELAX_SECONDS, max(2.0, time_limit / 2))
    relax = {} if m * n > EXACT_LIMIT else engine_fallback.relaxation(inp, time_limit=budget)
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
    from opensrm.allocation import engine_fallback

    budget = TRADEOFF_SECONDS / n_points
    model = engine_fallback._base_model(inp)
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
        found = engine_fallback.least_band(inp, max_moves=cap, time_limit=budget, model=model, start=start)
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
