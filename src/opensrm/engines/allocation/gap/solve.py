"""solve_assignment: the generalised assignment problem (minimise cost).

Pipeline, all within ``time_limit``: validate → LP relaxation (bound, duals and a rounding start)
→ repair → deep descent (shift, swap, ejection chains) → reduced-cost fixing against that
incumbent → HiGHS branch-and-cut on the reduced model and a problem-space search (descents on
perturbed costs) side by side, exchanging incumbents, for the remaining time. The reported
bound is max(LP bound, MIP dual bound), rounded up when all costs are integers.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..common.highs import solve_highs
from ..common.outcome import Constraint, Status, Violation, ViolationCode
from ..common.result import relative_gap
from .bounds import GapModel, gap_model, lp_bound, reduced_cost_bounds
from .heuristics import is_feasible, regret_greedy, repair, round_lp, tabu_search, total_cost
from .portfolio import MipWorker, run_portfolio
from .result import GapResult
from .search import deep_descent, perturbed_search

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _validate(cost: ArrayLike, weight: ArrayLike, capacity: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    c = np.asarray(cost, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    b = np.asarray(capacity, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] < 1 or c.shape[1] < 1:
        raise ValueError(f"cost must be a non-empty agents×jobs matrix, got shape {c.shape}")
    if w.shape != c.shape:
        raise ValueError(f"weight must have the shape of cost {c.shape}, got {w.shape}")
    if b.shape != (c.shape[0],):
        raise ValueError(f"capacity must have one value per agent ({c.shape[0]}), got shape {b.shape}")
    for name, arr in (("cost", c), ("weight", w), ("capacity", b)):
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite")
    if (w < 0).any():
        raise ValueError("weight must be non-negative")
    if (b < 0).any():
        raise ValueError("capacity must be non-negative")
    return c, w, b


def _result(
    status: Status,
    asg: IntArray,
    obj: float,
    bound: float,
    t0: float,
    iters: int,
    msg: str,
    diag: dict[str, float],
    violations: tuple[Violation, ...] = (),
) -> GapResult:
    bound = min(bound, obj) if math.isfinite(obj) else bound
    return GapResult(
        status=status,
        assignment=asg,
        objective=obj,
        bound=bound,
        gap=relative_gap(obj, bound),
        seconds=time.perf_counter() - t0,
        iterations=iters,
        message=msg,
        diagnostics=diag,
        violations=violations,
    )


def _proved(msg: str) -> Violation:
    return Violation(ViolationCode.SOLVER_INFEASIBLE, Constraint.COMBINED, message=msg)


def _mip(
    model: GapModel,
    col_upper: FloatArray,
    best: IntArray | None,
    shape: tuple[int, int],
    time_limit: float,
    seed: int,
) -> tuple[str, IntArray | None, float]:
    """HiGHS on the textbook model with the given column bounds; (status, assignment, dual bound)."""
    m, n = shape
    warm = None
    if best is not None:
        warm = np.zeros(m * n)
        warm[best * n + np.arange(n)] = 1.0
    out = solve_highs(
        model.cost,
        model.matrix,
        model.row_lower,
        model.row_upper,
        np.zeros(m * n),
        col_upper,
        integer=True,
        time_limit=time_limit,
        start=warm,
        seed=seed,
    )
    cand = None
    if out.x is not None:
        cand = np.asarray(np.argmax(out.x.reshape(m, n), axis=0), dtype=np.int64)
    return out.status, cand, out.bound


def _fix_by_reduced_cost(
    c: FloatArray,
    w: FloatArray,
    b: FloatArray,
    col_upper: FloatArray,
    duals: tuple[FloatArray, FloatArray] | None,
    incumbent: float,
    integral: bool,
) -> tuple[FloatArray, float]:
    """Column upper bounds with provably useless pairs set to 0, and the share of pairs fixed.

    A pair is useless when every assignment using it costs at least the incumbent (integer costs:
    more than incumbent − 1), so the reduced model keeps every strictly better solution.
    """
    if duals is None or not math.isfinite(incumbent):
        return col_upper, 0.0
    _, pair_bound = reduced_cost_bounds(c, w, b, duals[0], duals[1])
    limit = incumbent - 1.0 + 1e-6 if integral else incumbent + 1e-9 * max(1.0, abs(incumbent))
    useless = pair_bound.ravel() > limit
    out = np.where(useless, 0.0, col_upper)
    return out, float(np.mean(useless))


def solve_assignment(
    cost: ArrayLike,
    weight: ArrayLike,
    capacity: ArrayLike,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    heuristic_share: float = 0.5,
    concurrent: bool = True,
) -> GapResult:
    """Minimise sum cost[i, j] over assigned pairs; each job to one agent; agent loads ≤ capacity.

    With ``concurrent`` (default), plain HiGHS on the textbook model runs in a second thread for
    the whole limit while this thread does the LP, the descent and the problem-space search; the
    better assignment wins. Otherwise the steps run one after the other: the search for
    ``heuristic_share`` of the time left, then HiGHS on the reduced-cost-fixed model, warm-started
    with the best assignment.
    """
    t0 = time.perf_counter()
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    c, w, b = _validate(cost, weight, capacity)
    n = c.shape[1]
    deadline = t0 + time_limit
    diag: dict[str, float] = {}
    empty = np.full(n, -1, dtype=np.int64)
    # A job that fits no agent makes the problem infeasible on its own.
    fits = (w <= b[:, None] + 1e-9).any(axis=0)
    if not fits.all():
        bad = np.nonzero(~fits)[0]
        msg = f"jobs {bad[:10].tolist()} exceed every agent's capacity"
        jobs = tuple(
            Violation(
                ViolationCode.JOB_OVER_CAPACITY,
                Constraint.CAPACITY,
                account=int(j),
                amount=float(w[:, j].min()),
                limit=float(b.max()),
                message=f"job {j} exceeds every agent's capacity",
            )
            for j in bad
        )
        return _result(Status.INFEASIBLE, empty, math.inf, math.inf, t0, 0, msg, diag, jobs)
    worker = None
    if concurrent:
        # started first so that HiGHS gets (almost) the whole limit, as plain HiGHS would
        worker = MipWorker(c, w, b, max(deadline - time.perf_counter() - 0.2, 0.05))
    try:
        return _solve(c, w, b, t0, deadline, seed, heuristic_share, worker)
    finally:
        if worker is not None:
            worker.join()


def _solve(
    c: FloatArray,
    w: FloatArray,
    b: FloatArray,
    t0: float,
    deadline: float,
    seed: int,
    heuristic_share: float,
    worker: MipWorker | None,
) -> GapResult:
    m, n = c.shape
    time_limit = deadline - t0
    rng = np.random.default_rng(seed)
    integral_costs = bool(np.all(c == np.round(c)))
    diag: dict[str, float] = {}
    empty = np.full(n, -1, dtype=np.int64)
    model = gap_model(c, w, b)
    lp = lp_bound(model, (m, n), max(0.1, 0.3 * time_limit))
    diag["lp_bound"] = lp.bound
    diag["lp_seconds"] = time.perf_counter() - t0
    if lp.status == "infeasible":
        msg = "the LP relaxation is infeasible: total capacity cannot hold the jobs"
        why = Violation(ViolationCode.TOTAL_WORKLOAD, Constraint.CAPACITY, limit=float(b.sum()), message=msg)
        return _result(Status.INFEASIBLE, empty, math.inf, math.inf, t0, 0, msg, diag, (why,))

    def rounded(value: float) -> float:
        return math.ceil(value - 1e-6) if integral_costs and math.isfinite(value) else value

    bound = rounded(lp.bound)
    duals = None
    if lp.job_dual is not None and lp.capacity_dual is not None:
        duals = (lp.job_dual, lp.capacity_dual)
    start = repair(c, w, b, round_lp(lp.fractional) if lp.fractional is not None else regret_greedy(c, w, b))
    iters = 0
    if not is_feasible(w, b, start):
        # Tight instances: the penalty-based tabu search is good at reaching feasibility.
        ts_deadline = time.perf_counter() + 0.2 * (deadline - time.perf_counter())
        found, _, iters = tabu_search(c, w, b, start, deadline=ts_deadline, rng=rng, target=bound)
        if found is not None:
            start = found
    best: IntArray | None = None
    best_cost = math.inf

    def offer(cand: IntArray | None) -> None:
        nonlocal best, best_cost
        if cand is not None and is_feasible(w, b, cand) and total_cost(c, cand) < best_cost - 1e-9:
            best, best_cost = cand.copy(), total_cost(c, cand)

    if is_feasible(w, b, start):
        # capped so that large instances still leave most of the time to the portfolio
        offer(deep_descent(c, w, b, start, deadline=min(deadline, t0 + 0.2 * time_limit)))
    diag["start_objective"] = best_cost

    def proved() -> bool:
        return best is not None and best_cost <= bound + 1e-9 * max(1.0, abs(best_cost))

    remaining = deadline - time.perf_counter()
    if best is not None and not proved() and remaining > 0.05 and worker is not None:
        out = run_portfolio(worker, best, deadline=deadline, rng=rng, target=bound)
        iters += out.search_iterations
        offer(out.assignment)
        if math.isfinite(out.mip_bound):
            bound = max(bound, rounded(min(out.mip_bound, best_cost)))
        diag["mip_bound"] = out.mip_bound
        diag["mip_objective"] = out.mip_objective
        diag["search_objective"] = out.search_objective
        diag["search_iterations"] = float(out.search_iterations)
    elif worker is not None and best is None:
        worker.join()
        if worker.result.status == "infeasible":
            msg = "HiGHS proved the assignment problem infeasible"
            return _result(Status.INFEASIBLE, empty, math.inf, math.inf, t0, iters, msg, diag, (_proved(msg),))
        offer(worker.assignment()[0])
        if math.isfinite(worker.result.bound):
            bound = max(bound, rounded(worker.result.bound))
        diag["mip_bound"] = worker.result.bound
    elif best is not None and not proved() and remaining > 0.05:
        ps_deadline = time.perf_counter() + heuristic_share * remaining
        found, _, ps_iters = perturbed_search(c, w, b, best, deadline=ps_deadline, rng=rng, target=bound)
        iters += ps_iters
        offer(found)
        diag["search_objective"] = best_cost
    remaining = deadline - time.perf_counter()
    if remaining > 0.05 and not proved() and worker is None:
        col_upper, share = _fix_by_reduced_cost(c, w, b, model.col_upper, duals, best_cost, integral_costs)
        diag["fixed_share"] = share
        status, cand, mip_bound = _mip(model, col_upper, best, (m, n), remaining, seed)
        if status == "Infeasible" and best is None:
            msg = "HiGHS proved the assignment problem infeasible"
            return _result(Status.INFEASIBLE, empty, math.inf, math.inf, t0, iters, msg, diag, (_proved(msg),))
        offer(cand)
        # Fixed pairs only cut off assignments costing at least the incumbent, so the reduced
        # model's bound, capped by the incumbent, is a bound for the full problem.
        if math.isfinite(mip_bound):
            bound = max(bound, rounded(min(mip_bound, best_cost)))
        diag["mip_bound"] = mip_bound
    if best is None:
        return _result(
            Status.TIME_LIMIT,
            empty,
            math.inf,
            bound,
            t0,
            iters,
            "no feasible assignment found within the time limit",
            diag,
        )
    status = Status.OPTIMAL if best_cost <= bound + 1e-9 * max(1.0, abs(best_cost)) else Status.FEASIBLE
    msg = "proved optimal" if status == "optimal" else "feasible; gap to the best bound reported"
    return _result(status, best, best_cost, bound, t0, iters, msg, diag)
