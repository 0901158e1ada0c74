"""Disruption trade-off: the best potential balance reachable for each cap on moves.

For each moves cap (ascending) the band is tightened along ``tolerances`` while ``solve`` still
finds a plan; the tightest plan found is the point. A plan found for a smaller cap is also feasible
for a larger one, so it is carried forward when better: the front is monotone by construction
(more allowed moves never shows a worse balance), and every point is a feasible plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .problem import AssignmentProblem
from .solver import solve


@dataclass(frozen=True)
class ParetoPoint:
    max_moves: int
    moves: int
    balance_deviation: float  # max |rep potential / mean − 1|
    objective: float
    status: str
    assignment: NDArray[np.int64] | None = None
    tolerance: float | None = None  # tightest band solved for this point


def pareto_balance_moves(
    problem: AssignmentProblem,
    *,
    max_moves_grid: list[int] | None = None,
    n_points: int = 5,
    time_limit: float = 60.0,
    seed: int = 0,
    tolerances: list[float] | None = None,
) -> list[ParetoPoint]:
    """One point per moves cap, sorted by cap; points without any plan are left out."""
    n = int(np.asarray(problem.account_workload).shape[0])
    grid = sorted(set(max_moves_grid or {round(x) for x in np.linspace(0, 0.3 * n, n_points)}))
    start = problem.balance_tolerance if problem.balance_tolerance is not None else 0.5
    tols = sorted(tolerances or [t for t in (start, 0.2, 0.1, 0.05, 0.02, 0.01) if t <= start], reverse=True)
    budget = time_limit / max(1, len(grid) * len(tols))
    points: list[ParetoPoint] = []
    best: ParetoPoint | None = None
    for cap in grid:
        found: ParetoPoint | None = None
        for tol in tols:
            res = solve(
                dataclasses.replace(problem, max_moves=cap, balance_tolerance=tol),
                time_limit=max(budget, 0.5),
                seed=seed,
            )
            if res.status not in ("optimal", "feasible") or res.rep_potential is None:
                break
            mean = float(res.rep_potential.mean())
            dev = float(np.abs(res.rep_potential / mean - 1).max()) if mean > 0 else 0.0
            if found is None or dev < found.balance_deviation:
                found = ParetoPoint(cap, res.moves, dev, res.objective, res.status, res.assignment, tol)
        if best is not None and (found is None or best.balance_deviation < found.balance_deviation):
            found = dataclasses.replace(best, max_moves=cap)
        if found is not None:
            points.append(found)
            best = found
    return points
