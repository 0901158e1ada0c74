"""Run HiGHS branch-and-cut and the problem-space search at the same time, sharing incumbents.

HiGHS runs in a worker thread (it releases the GIL while it solves), the search in the calling
thread. They exchange assignments through callbacks: HiGHS's improving solutions are handed to the
search as new starting points, and the search's improvements are handed to HiGHS as user
solutions (which tighten its cutoff and seed its RINS-type heuristics). Either side stopping early
(HiGHS proving optimality, the search meeting the bound) stops the other.

Measured on the 2-core target machine, the two complement each other: HiGHS is strong on type C
and E instances and proves bounds; the search is far stronger on tightly packed type D instances.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._highs import build_highs, read_outcome
from .gap_bounds import GapModel
from .gap_search import perturbed_search

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class _Shared:
    """Best assignment known to either side (guarded by a lock; offers are verified)."""

    def __init__(self, cost: FloatArray, weight: FloatArray, capacity: FloatArray) -> None:
        self.cost, self.weight, self.capacity = cost, weight, capacity
        self.lock = threading.Lock()
        self.assignment: IntArray | None = None
        self.value = math.inf
        self.version = 0
        self.stop = False
        self.from_highs = 0

    def offer(self, asg: IntArray) -> bool:
        n = self.cost.shape[1]
        jobs = np.arange(n)
        if asg.shape != (n,) or (asg < 0).any():
            return False
        load = np.bincount(asg, weights=self.weight[asg, jobs], minlength=self.cost.shape[0])
        if (load > self.capacity + 1e-9).any():
            return False
        value = float(self.cost[asg, jobs].sum())
        with self.lock:
            if value < self.value - 1e-9:
                self.assignment, self.value = asg.copy(), value
                self.version += 1
                return True
        return False


@dataclass(frozen=True)
class PortfolioOutcome:
    assignment: IntArray | None
    objective: float
    mip_status: str
    mip_bound: float
    search_iterations: int
    highs_improvements: int
    user_solutions: int


def run_portfolio(
    cost: FloatArray,
    weight: FloatArray,
    capacity: FloatArray,
    model: GapModel,
    col_upper: FloatArray,
    start: IntArray,
    *,
    deadline: float,
    rng: np.random.Generator,
    target: float,
    seed: int,
) -> PortfolioOutcome:
    """Search from the feasible ``start`` and run HiGHS (with ``col_upper``) until ``deadline``."""
    m, n = cost.shape
    shared = _Shared(cost, weight, capacity)
    shared.offer(start)
    warm = np.zeros(m * n)
    warm[start * n + np.arange(n)] = 1.0
    limit = max(deadline - time.perf_counter(), 0.05)
    h = build_highs(
        model.cost,
        model.matrix,
        model.row_lower,
        model.row_upper,
        np.zeros(m * n),
        col_upper,
        integer=True,
        time_limit=limit,
        start=warm,
        seed=seed,
    )
    given = [shared.version]
    user_count = [0]

    def improving(event: Any) -> None:
        x = np.asarray(event.data_out.mip_solution, dtype=np.float64)
        if x.shape == (m * n,) and shared.offer(np.argmax(x.reshape(m, n), axis=0).astype(np.int64)):
            shared.from_highs += 1

    def user_solution(event: Any) -> None:
        with shared.lock:
            version, asg = shared.version, shared.assignment
        if version > given[0] and asg is not None:
            vec = np.zeros(m * n)
            vec[asg * n + np.arange(n)] = 1.0
            event.data_in.setSolution(vec)
            event.data_in.user_has_solution = True
            given[0] = version
            user_count[0] += 1

    def interrupt(event: Any) -> None:
        if shared.stop:
            event.interrupt()

    h.cbMipImprovingSolution += improving
    h.cbMipUserSolution += user_solution
    h.cbMipInterrupt += interrupt
    done = threading.Event()

    def work() -> None:
        try:
            h.run()
        finally:
            done.set()

    worker = threading.Thread(target=work, name="gap-highs", daemon=True)
    worker.start()

    def sync(best: IntArray, best_cost: float) -> tuple[IntArray | None, bool]:
        shared.offer(best)
        with shared.lock:
            asg, value = shared.assignment, shared.value
        external = asg.copy() if asg is not None and value < best_cost - 1e-9 else None
        return external, done.is_set()

    found, _, iters = perturbed_search(
        cost, weight, capacity, start, deadline=deadline, rng=rng, target=target, sync=sync
    )
    shared.offer(found)
    shared.stop = True
    worker.join(timeout=max(5.0, 0.1 * limit))
    if worker.is_alive():  # HiGHS did not honour the interrupt in time; report without its bound
        return PortfolioOutcome(
            shared.assignment, shared.value, "running", -math.inf, iters, shared.from_highs, user_count[0]
        )
    out = read_outcome(h, m * n, integer=True)
    if out.x is not None:
        shared.offer(np.argmax(out.x.reshape(m, n), axis=0).astype(np.int64))
    return PortfolioOutcome(
        shared.assignment,
        shared.value,
        out.status,
        out.bound,
        iters,
        shared.from_highs,
        user_count[0],
    )
