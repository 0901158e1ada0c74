"""Run HiGHS branch-and-cut and the problem-space search at the same time (two threads).

HiGHS (``scipy.optimize.milp`` on the textbook model, default options, which releases the GIL while
it solves) runs in a worker thread; the search runs in the calling thread. The better of the two
assignments is returned, with HiGHS's dual bound. When HiGHS finishes early and its bound proves the
incumbent optimal, the search stops too.

Why HiGHS is left untouched: a first version used highspy with a warm start, the search's
incumbents handed over through the user-solution callback and the reduced-cost-fixed model. That
changed HiGHS's search path and, in the standard benchmark, made the portfolio *worse* than plain
HiGHS on instances where HiGHS is strong (c20400 0.021 % vs 0.000 %, c40400 0.047 % vs 0.024 %,
d10400 0.160 % vs 0.084 %); even untouched highspy 1.16 in the thread stayed behind the baseline's
HiGHS build on c20400 and d10400. Running the very solver of the baseline keeps its trajectory, so
on its own core the portfolio is as good as plain HiGHS, and the search adds what HiGHS misses
(tightly packed type D and E instances).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .search import perturbed_search

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class PortfolioOutcome:
    assignment: IntArray | None
    objective: float
    mip_status: str
    mip_bound: float
    mip_objective: float
    search_objective: float
    search_iterations: int


@dataclass
class _MipResult:
    status: str = "not run"
    x: FloatArray | None = None
    bound: float = -math.inf


def _textbook_milp(
    cost: FloatArray, weight: FloatArray, capacity: FloatArray, time_limit: float, out: _MipResult
) -> None:
    m, n = cost.shape
    size = m * n
    cols = np.arange(size)
    assign = sparse.csr_matrix((np.ones(size), (np.tile(np.arange(n), m), cols)), shape=(n, size))
    cap = sparse.csr_matrix((weight.ravel(), (np.repeat(np.arange(m), n), cols)), shape=(m, size))
    res = milp(
        cost.ravel(),
        constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(cap, -np.inf, capacity)],
        integrality=np.ones(size),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 0.05)},
    )
    out.status = "optimal" if res.status == 0 else ("infeasible" if res.status == 2 else "time_limit")
    out.x = None if res.x is None else np.asarray(res.x, dtype=np.float64)
    bound = getattr(res, "mip_dual_bound", None)
    out.bound = float(bound) if bound is not None and np.isfinite(bound) else -math.inf
    if out.status == "infeasible":
        out.bound = math.inf


def _assignment(
    x: FloatArray | None, cost: FloatArray, weight: FloatArray, capacity: FloatArray
) -> tuple[IntArray | None, float]:
    m, n = cost.shape
    if x is None:
        return None, math.inf
    asg = np.asarray(np.argmax(x.reshape(m, n), axis=0), dtype=np.int64)
    jobs = np.arange(n)
    load = np.bincount(asg, weights=weight[asg, jobs], minlength=m)
    if (load > capacity + 1e-9).any():
        return None, math.inf
    return asg, float(cost[asg, jobs].sum())


class MipWorker:
    """Plain HiGHS on the textbook model in a background thread, started as early as possible."""

    def __init__(self, cost: FloatArray, weight: FloatArray, capacity: FloatArray, time_limit: float) -> None:
        self.cost, self.weight, self.capacity = cost, weight, capacity
        self.result = _MipResult()
        self.done = threading.Event()

        def work() -> None:
            try:
                _textbook_milp(cost, weight, capacity, time_limit, self.result)
            finally:
                self.done.set()

        self.thread = threading.Thread(target=work, name="gap-highs", daemon=True)
        self.thread.start()

    def join(self) -> None:
        # HiGHS stops at its own time limit (it cannot be interrupted through scipy)
        self.thread.join()

    def assignment(self) -> tuple[IntArray | None, float]:
        """HiGHS's assignment (None if it found none) and its cost; call after ``join``."""
        return _assignment(self.result.x, self.cost, self.weight, self.capacity)


def run_portfolio(
    worker: MipWorker,
    start: IntArray,
    *,
    deadline: float,
    rng: np.random.Generator,
    target: float,
) -> PortfolioOutcome:
    """The search from the feasible ``start`` until ``deadline`` or until HiGHS finishes; best of both."""
    cost, weight, capacity = worker.cost, worker.weight, worker.capacity
    n = cost.shape[1]

    def sync(best: IntArray, best_cost: float) -> tuple[IntArray | None, bool]:
        # HiGHS also stops at its default 0.01 % relative gap: keep searching unless it proved
        # that nothing better than the search's best exists.
        if not worker.done.is_set():
            return None, False
        mip_asg, mip_cost = worker.assignment()
        proved = worker.result.bound >= min(best_cost, mip_cost) - 1e-6 * max(1.0, abs(best_cost))
        better = mip_asg if mip_asg is not None and mip_cost < best_cost - 1e-9 else None
        return better, proved

    found, found_cost, iters = perturbed_search(
        cost, weight, capacity, start, deadline=deadline, rng=rng, target=target, sync=sync
    )
    worker.join()
    mip = worker.result
    mip_asg, mip_cost = _assignment(mip.x, cost, weight, capacity)
    best, best_cost = found, found_cost
    if mip_asg is not None and mip_cost < best_cost - 1e-9:
        best, best_cost = mip_asg, mip_cost
    jobs = np.arange(n)
    return PortfolioOutcome(
        best,
        float(cost[best, jobs].sum()),
        mip.status,
        mip.bound,
        mip_cost,
        found_cost,
        iters,
    )
