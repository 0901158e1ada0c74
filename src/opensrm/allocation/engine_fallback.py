"""A small exact model on HiGHS (``scipy.optimize.milp``) for what the engine cannot take: eligibility
beyond its 64-bit skill masks, and a small problem the engine found no plan for in time.
Only :mod:`opensrm.allocation.engine_adapter` uses this module. Messages are English, like the
engine's; :mod:`opensrm.allocation.engine_text` translates them for display."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import numpy as np

from opensrm.engines import allocation as _engine
from opensrm.allocation.engine_adapter import AllocationInput, FloatArray, IntArray, PlanOutcome, cost_matrix


def exact_retry(
    inp: AllocationInput, distance: FloatArray, result: Any, outcome: PlanOutcome, *, time_limit: float
) -> tuple[Any, PlanOutcome]:
    """The engine found no plan in time; solve exactly and hand back an engine-typed result."""
    exact = solve(inp, cost_matrix(inp, distance), distance, time_limit=time_limit)
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


def infeasibility(inp: AllocationInput) -> dict[str, Any]:
    """The solver proved infeasibility; relax one family at a time to name the culprit."""
    m, n = inp.shape
    for name, relaxed, message in (
        ("balance", {"tolerance": None}, "balance: potential cannot be balanced within the tolerance"),
        ("moves", {"max_moves": None}, "moves: the cap on moves is too tight"),
    ):
        trial = AllocationInput(**{**inp.__dict__, **relaxed})
        probe = solve(trial, cost_matrix(trial, np.zeros((m, n))), np.zeros((m, n)), time_limit=5.0)
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
def _base_model(inp: AllocationInput) -> dict[str, Any]:
    """Rows every plan meets (each assignable account once, capacity, max accounts), the potential
    and stay matrices, and the variable bounds (locks, eligibility) of the x (m·n) variables."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_matrix, lil_matrix

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
    from scipy.sparse import csr_matrix, hstack, vstack

    from opensrm.engines.allocation._highs import solve_highs

    m, n = inp.shape
    model = model or _base_model(inp)
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


def relaxation(inp: AllocationInput, *, time_limit: float) -> dict[str, Any]:
    """The least widening of the balance band (at the moves cap) and the fewest moves (within the
    band) for which a plan exists, each found by a MIP that minimises it over capacity, skills and
    locks. Each value belongs to a plan HiGHS found, so it is enough; ``exact`` says HiGHS also
    proved it is the least. Keys are left out when no such plan was found in ``time_limit``."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, n = inp.shape
    out: dict[str, Any] = {}
    if m < 1 or n < 1:
        return out
    model = _base_model(inp)
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


def diagnose(inp: AllocationInput) -> dict[str, Any] | None:
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
