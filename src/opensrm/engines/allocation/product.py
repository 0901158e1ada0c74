"""solve(): the product rep ↔ account assignment with balance, capacity, skills and continuity.

gather arrays → explain obvious infeasibility → candidate sparsification → LP on the candidate
model (bound + duals) → full-problem Lagrangian bound from those duals → HiGHS MIP on the candidate
model, warm-started by the LP, for the remaining time. The reported bound is
min(candidate bound, full-problem Lagrangian bound) so it is valid for the full problem.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray

from ._highs import HighsOutcome, solve_highs
from .candidates import Candidates, add_pairs, build_candidates
from .infeasibility import diagnose_arrays
from .problem import AssignmentProblem, haversine_km, validate
from .product_model import build_model, full_lagrangian_bound
from .product_repair import repair_plan
from .result import AssignmentResult, relative_gap

IntArray = NDArray[np.int64]


def solve(
    problem: AssignmentProblem,
    *,
    time_limit: float = 120.0,
    seed: int = 0,
    mip_gap: float = 0.005,
    full_bound: bool = True,
) -> AssignmentResult:
    """Solve the assignment plan; never raises on infeasible data (status "infeasible" explains).

    ``full_bound`` evaluates the Lagrangian bound over every eligible pair (cost O(accounts×reps)
    in chunks); when False the bound is certified for the candidate-restricted problem only.
    """
    t0 = time.perf_counter()
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    arr = validate(problem)
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    empty = np.full(n, -1, dtype=np.int64)
    reasons, unassignable = diagnose_arrays(arr)
    if reasons:
        return AssignmentResult(
            "infeasible",
            empty,
            math.inf,
            math.inf,
            math.inf,
            time.perf_counter() - t0,
            0,
            reasons[0],
            unassignable=unassignable,
            infeasibility=tuple(reasons),
        )
    accounts = np.asarray(
        np.setdiff1d(np.arange(n), np.fromiter(unassignable, np.int64, len(unassignable))), dtype=np.int64
    )
    cand = build_candidates(problem, arr, problem.candidates)
    keep = np.isin(cand.account, accounts)
    if not keep.all():
        acc = cand.account[keep]
        counts = np.bincount(acc, minlength=n)
        cand = Candidates(
            acc,
            cand.rep[keep],
            cand.cost[keep],
            np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            cand.n_eligible,
        )
    diag: dict[str, float] = {"setup_seconds": time.perf_counter() - t0}
    deadline = t0 + time_limit
    bound = -math.inf
    scope = "candidate-restricted problem"
    lp_x: np.ndarray | None = None
    rounds = 6 if full_bound else 1
    for rnd in range(rounds):
        model = build_model(arr, cand, accounts)
        n_e = cand.account.shape[0]
        lp = solve_highs(
            cand.cost,
            model.matrix,
            model.row_lower,
            model.row_upper,
            np.zeros(n_e),
            np.ones(n_e),
            integer=False,
            time_limit=max(0.05, 0.5 * (deadline - time.perf_counter())),
            seed=seed,
        )
        diag["column_generation_rounds"] = float(rnd + 1)
        if lp.status == "Infeasible":
            msg = (
                "the candidate-restricted model is infeasible: balance, capacity, max-accounts or the "
                f"moves cap cannot all hold with the {problem.candidates} cheapest eligible reps per "
                "account; raise `candidates`, relax balance_tolerance or max_moves"
            )
            return AssignmentResult(
                "infeasible",
                empty,
                math.inf,
                math.inf,
                math.inf,
                time.perf_counter() - t0,
                rnd,
                msg,
                diagnostics=diag,
                unassignable=unassignable,
                infeasibility=(msg,),
            )
        lp_x = lp.x
        diag["candidate_lp_bound"] = lp.bound
        if not full_bound or lp.row_dual is None:
            bound = lp.bound
            break
        full, new_a, new_r = full_lagrangian_bound(problem, arr, model, lp.row_dual, add_per_account=2)
        if full > bound:
            bound = full
            scope = "full problem (all eligible reps)"
        diag["full_lagrangian_bound"] = bound
        if new_a.size == 0 or rnd == rounds - 1 or time.perf_counter() > t0 + 0.5 * time_limit:
            break
        cand = add_pairs(problem, arr, cand, new_a, new_r)
    diag["candidate_pairs"] = float(cand.account.shape[0])
    diag["lp_seconds"] = time.perf_counter() - t0 - diag["setup_seconds"]
    n_e = cand.account.shape[0]
    warm: np.ndarray | None = None
    if lp_x is not None and lp_x.shape[0] == n_e:
        choice = np.full(n, -1, dtype=np.int64)
        order = np.lexsort((-lp_x, cand.account))
        first = np.ones(n_e, dtype=bool)
        first[1:] = cand.account[order][1:] != cand.account[order][:-1]
        choice[cand.account[order][first]] = order[first]
        choice, violation = repair_plan(arr, cand, choice, model.balance_band, deadline=deadline)
        diag["repair_violation"] = violation
        if violation == 0.0:
            warm = np.zeros(n_e)
            warm[choice[choice >= 0]] = 1.0
    mip = solve_highs(
        cand.cost,
        model.matrix,
        model.row_lower,
        model.row_upper,
        np.zeros(n_e),
        np.ones(n_e),
        integer=True,
        time_limit=max(0.05, deadline - time.perf_counter()),
        seed=seed,
        start=warm,
        options={"mip_rel_gap": mip_gap},
    )
    if mip.x is None and warm is not None:
        mip = HighsOutcome("warm start", warm, float(cand.cost @ warm), -math.inf, None)
    if scope.startswith("candidate") and math.isfinite(mip.bound):
        bound = max(bound, mip.bound)
    if mip.x is None:
        status = "infeasible" if mip.status == "Infeasible" else "time_limit"
        msg = (
            "no integral plan found within the time limit"
            if status == "time_limit"
            else ("the candidate-restricted integer model is infeasible")
        )
        return AssignmentResult(
            status,
            empty,
            math.inf,
            bound,
            math.inf,
            time.perf_counter() - t0,
            0,
            msg,
            diagnostics=diag,
            unassignable=unassignable,
            bound_scope=scope,
            infeasibility=(msg,) if status == "infeasible" else (),
        )
    chosen = mip.x > 0.5
    assignment = empty.copy()
    assignment[cand.account[chosen]] = cand.rep[chosen]
    objective = float(cand.cost[chosen].sum())
    bound = min(bound, objective)
    ok = assignment >= 0
    idx = np.nonzero(ok)[0]
    dist = haversine_km(arr.alat[idx], arr.alon[idx], arr.rlat[assignment[idx]], arr.rlon[assignment[idx]])
    gap = relative_gap(objective, bound)
    status = "optimal" if gap <= 1e-9 else "feasible"
    return AssignmentResult(
        status=status,
        assignment=assignment,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=time.perf_counter() - t0,
        iterations=0,
        message=f"{status}; bound certified for the {scope}",
        diagnostics=diag,
        rep_workload=np.asarray(
            np.bincount(assignment[idx], weights=arr.workload[idx], minlength=m), dtype=np.float64
        ),
        rep_potential=np.asarray(
            np.bincount(assignment[idx], weights=arr.potential[idx], minlength=m), dtype=np.float64
        ),
        rep_count=np.bincount(assignment[idx], minlength=m).astype(np.int64),
        rep_distance_km=np.asarray(np.bincount(assignment[idx], weights=dist, minlength=m), dtype=np.float64),
        moves=int(((arr.owner >= 0) & ok & (assignment != arr.owner)).sum()),
        unassignable=unassignable,
        bound_scope=scope,
    )
