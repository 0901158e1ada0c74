"""The one seam between the territories app and the allocation engine.

Selectors build an :class:`AllocationInput` (plain numpy arrays); services call
:func:`solve_plan`, :func:`route_batch` and :func:`route_one` and read back plain results. Only
this module knows the engine's names and shapes, so when the engine's API moves, only this
module changes.

While an engine entry point is missing, a small exact fallback built on HiGHS
(``scipy.optimize.milp``) answers instead; it is meant for small organisations and for tests,
and reports the same diagnostics (status, objective, bound, gap, seconds).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

try:  # the engine is built alongside; each entry point is used as soon as it exists
    from opensrm.engines import allocation as _engine
except ImportError:  # pragma: no cover - the package always exists in a full checkout
    _engine = None  # type: ignore[assignment]

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
    engine: str = "fallback"
    unassigned: dict[int, str] = field(default_factory=dict)  # account index → why no rep


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
    from opensrm.territories import engine_fallback

    report = progress or (lambda _f, _m: None)
    report(0.05, _("building the problem"))
    distance = haversine_km(inp.rep_latlon, inp.account_latlon)
    cost = cost_matrix(inp, distance)
    _m, n = inp.shape
    diagnosis = diagnose(inp)
    if diagnosis is not None:
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
    report(0.15, _("solving"))
    problem = _engine_problem(inp)
    if problem is not None:
        outcome = _engine_solve(inp, problem, distance, time_limit=time_limit, seed=seed)
    else:
        outcome = engine_fallback.solve(inp, cost, distance, time_limit=time_limit)
    report(0.85, _("explaining"))
    if outcome.status in ("optimal", "feasible"):
        explanations = explain(inp, cost, distance, outcome.assignment)
        outcome = PlanOutcome(**{**outcome.__dict__, "explanations": explanations})
    elif outcome.status == "infeasible" and outcome.infeasibility is None:
        outcome = PlanOutcome(**{**outcome.__dict__, "infeasibility": engine_fallback.infeasibility(inp)})
    report(1.0, _("done"))
    return outcome


def _skill_bits(eligible: BoolArray) -> tuple[IntArray, IntArray] | None:
    """Eligibility as the engine's skill bitmasks: one bit per distinct column pattern (≤ 62)."""
    patterns: dict[bytes, int] = {}
    account_bits = np.zeros(eligible.shape[1], dtype=np.int64)
    rep_bits = np.zeros(eligible.shape[0], dtype=np.int64)
    for j in range(eligible.shape[1]):
        col = eligible[:, j]
        key = col.tobytes()
        if key not in patterns:
            if len(patterns) >= 62:
                return None
            patterns[key] = len(patterns)
            rep_bits[col] |= np.int64(1) << patterns[key]
        account_bits[j] = np.int64(1) << patterns[key]
    return account_bits, rep_bits


def _filled(latlon: FloatArray, fallback: FloatArray) -> FloatArray:
    # The engine needs coordinates everywhere; an unknown place sits at the centre of the known ones.
    out = latlon.copy()
    known = ~np.isnan(fallback).any(axis=1)
    centre = fallback[known].mean(axis=0) if known.any() else np.zeros(2)
    out[np.isnan(out).any(axis=1)] = centre
    return out


def _engine_problem(inp: AllocationInput) -> Any:
    if _engine is None or not hasattr(_engine, "solve") or not hasattr(_engine, "AssignmentProblem"):
        return None
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


def _engine_solve(
    inp: AllocationInput, problem: Any, distance: FloatArray, *, time_limit: float, seed: int
) -> PlanOutcome:
    result = _engine.solve(problem, time_limit=time_limit, seed=seed)
    infeasibility = None
    if result.status == "infeasible":
        reasons = list(result.infeasibility) or [result.message]
        infeasibility = {
            "constraint": reasons[0].split(":", 1)[0].strip().replace(" ", "_"),
            "message": reasons[0],
            "details": reasons,
            "reps": [],
            "accounts": sorted(int(a) for a in result.unassignable),
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
        engine="opensrm.engines.allocation",
        unassigned={int(a): str(why) for a, why in result.unassignable.items()},
    )


def engine_name() -> str:
    return "opensrm.engines.allocation" if _engine is not None and hasattr(_engine, "solve") else "fallback"


# --- explanations and diagnosis -------------------------------------------------------------
def explain(
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


def diagnose(inp: AllocationInput) -> dict[str, Any] | None:
    """Cheap necessary conditions; the first violated one names the constraint and the culprits."""
    m, _n = inp.shape
    if m == 0:
        return {"constraint": "reps", "message": _("There are no reps in scope."), "reps": [], "accounts": []}
    locked = np.nonzero(inp.locked & (inp.current >= 0))[0]
    locked_load = np.bincount(inp.current[locked], weights=inp.workload[locked], minlength=m)
    over = np.nonzero(locked_load > inp.capacity + 1e-9)[0]
    if over.size:
        overfull = set(over.tolist())
        return {
            "constraint": "capacity",
            "message": _("Locked accounts alone exceed some reps' capacity."),
            "reps": over.tolist(),
            "accounts": [int(j) for j in locked if inp.current[j] in overfull],
        }
    assignable = inp.eligible.any(axis=0)
    if inp.workload[assignable].sum() > inp.capacity.sum() + 1e-9:
        return {
            "constraint": "capacity",
            "message": _("Total workload exceeds the reps' total capacity."),
            "reps": list(range(m)),
            "accounts": [],
            "workload": float(inp.workload.sum()),
            "capacity": float(inp.capacity.sum()),
        }
    if assignable.sum() > inp.max_accounts.sum():
        return {
            "constraint": "max_accounts",
            "message": _("More accounts than the reps may hold in total."),
            "reps": list(range(m)),
            "accounts": [],
        }
    # Per skill group: accounts only some reps may take must fit those reps' capacity.
    for pattern in {tuple(col) for col in inp.eligible.T.tolist() if any(col)}:
        cols = np.nonzero((np.array(pattern) == inp.eligible.T).all(axis=1))[0]
        reps = np.nonzero(np.array(pattern))[0]
        if inp.workload[cols].sum() > inp.capacity[reps].sum() + 1e-9:
            return {
                "constraint": "skills_capacity",
                "message": _("Accounts that only some reps may take exceed those reps' capacity."),
                "reps": reps.tolist(),
                "accounts": cols.tolist(),
            }
    return None


# --- lead routing ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoutingInput:
    """Leads × reps: ``value[j]`` is lead ``j``'s expected value, ``slots[i]`` how many more leads
    rep ``i`` may take."""

    value: FloatArray  # (n,)
    lead_latlon: FloatArray  # (n, 2)
    rep_latlon: FloatArray  # (m, 2)
    eligible: BoolArray  # (m, n)
    slots: FloatArray  # (m,)
    fairness: float = 1.5  # no rep gets more than fairness × the even share of the batch


@dataclass(frozen=True)
class RoutingOutcome:
    status: str
    assignment: IntArray
    objective: float | None
    seconds: float
    message: str
    distance_km: FloatArray
    round_robin_objective: float | None = None


def route_batch(inp: RoutingInput, *, time_limit: float, seed: int) -> RoutingOutcome:
    """Route a batch of leads: maximise expected value under remaining slots, skills and fairness."""
    from opensrm.territories import engine_fallback

    return engine_fallback.route_batch(inp, time_limit=time_limit, seed=seed)


def route_one(inp: RoutingInput) -> int:
    """The rep (index) for a single new lead, or -1 when no eligible rep has room."""
    from opensrm.territories import engine_fallback

    return engine_fallback.route_one(inp)
