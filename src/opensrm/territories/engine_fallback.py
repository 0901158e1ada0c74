"""Stand-ins for engine entry points that are not available: small exact models on HiGHS
(``scipy.optimize.milp``). Only :mod:`opensrm.territories.engine_adapter` uses this module; it
shrinks as the engine grows."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from opensrm.territories.engine_adapter import (
    AllocationInput,
    FloatArray,
    PlanOutcome,
    RoutingInput,
    RoutingOutcome,
    cost_matrix,
    haversine_km,
)


def infeasibility(inp: AllocationInput) -> dict[str, Any]:
    """The solver proved infeasibility; relax one family at a time to name the culprit."""
    m, n = inp.shape
    for name, relaxed, message in (
        ("balance", {"tolerance": None}, _("Potential cannot be balanced within the tolerance.")),
        ("max_moves", {"max_moves": None}, _("The cap on moves is too tight.")),
    ):
        trial = AllocationInput(**{**inp.__dict__, **relaxed})
        probe = solve(trial, cost_matrix(trial, np.zeros((m, n))), np.zeros((m, n)), time_limit=5.0)
        if probe.status in ("optimal", "feasible"):
            return {"constraint": name, "message": message, "reps": [], "accounts": []}
    return {
        "constraint": "combined",
        "message": _("Capacity, skills and locks cannot be met together."),
        "reps": list(range(m)),
        "accounts": [],
    }


# --- the fallback exact solver (HiGHS through scipy) -----------------------------------------
def solve(inp: AllocationInput, cost: FloatArray, distance: FloatArray, *, time_limit: float) -> PlanOutcome:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, lil_matrix

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
    unassigned = {int(j): _("no rep has the skills this account needs") for j in np.nonzero(~ok)[0]}
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


def _route_score(inp: RoutingInput, distance: FloatArray) -> FloatArray:
    # Expected value, discounted by distance: a lead 500 km away is worth half as much.
    value = np.maximum(inp.value, 1.0)[None, :]
    return value / (1.0 + distance / 500.0)


def route_batch(inp: RoutingInput, *, time_limit: float, seed: int) -> RoutingOutcome:
    """Route a batch of leads: maximise expected value under remaining slots, skills and fairness."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, lil_matrix

    m, n = inp.eligible.shape
    start = time.perf_counter()
    distance = haversine_km(inp.rep_latlon, inp.lead_latlon)
    if m == 0 or n == 0:
        return RoutingOutcome(
            "infeasible" if n else "optimal",
            np.full(n, -1, dtype=np.int64),
            0.0,
            0.0,
            _("no reps") if n else _("no leads"),
            distance,
        )
    score = _route_score(inp, distance)
    share = math.ceil(inp.fairness * n / max(1, int((inp.slots > 0).sum())))
    cap = np.minimum(inp.slots, share)
    each = lil_matrix((n, m * n))
    per_rep = lil_matrix((m, m * n))
    for i in range(m):
        each[np.arange(n), i * n + np.arange(n)] = 1.0
        per_rep[i, i * n : (i + 1) * n] = 1.0
    # A lead may stay unrouted (≤ 1) when no eligible rep has room; the objective prefers routing.
    res = milp(
        -score.reshape(-1),
        integrality=np.ones(m * n),
        bounds=Bounds(np.zeros(m * n), inp.eligible.reshape(-1).astype(float)),
        constraints=[
            LinearConstraint(csr_matrix(each), np.zeros(n), np.ones(n)),
            LinearConstraint(csr_matrix(per_rep), np.full(m, -np.inf), cap),
        ],
        options={"time_limit": float(time_limit)},
    )
    assignment = np.full(n, -1, dtype=np.int64)
    if res.x is not None:
        x = np.round(res.x).reshape(m, n)
        routed = x.sum(axis=0) > 0.5
        assignment[routed] = np.argmax(x[:, routed], axis=0)
    objective = float(score[assignment[assignment >= 0], np.nonzero(assignment >= 0)[0]].sum())
    rr = _round_robin(inp, score, cap)
    return RoutingOutcome(
        "optimal" if res.status == 0 else "feasible",
        assignment,
        objective,
        time.perf_counter() - start,
        str(res.message),
        distance,
        rr,
    )


def _round_robin(inp: RoutingInput, score: FloatArray, cap: FloatArray) -> float:
    """The value a plain round-robin over eligible reps with room would reach (for comparison)."""
    m, n = inp.eligible.shape
    left = cap.copy()
    pointer, total = 0, 0.0
    for j in range(n):
        for step in range(m):
            i = (pointer + step) % m
            if inp.eligible[i, j] and left[i] >= 1:
                total += float(score[i, j])
                left[i] -= 1
                pointer = i + 1
                break
    return total


def route_one(inp: RoutingInput) -> int:
    """The rep for a single new lead (index), or -1: best value among eligible reps with room,
    ties to the rep with the most room left."""
    m, n = inp.eligible.shape
    if m == 0 or n != 1:
        return -1
    distance = haversine_km(inp.rep_latlon, inp.lead_latlon)
    score = _route_score(inp, distance)[:, 0]
    ok = inp.eligible[:, 0] & (inp.slots >= 1)
    if not ok.any():
        return -1
    key = np.where(ok, score + 1e-6 * inp.slots, -np.inf)
    return int(np.argmax(key))
