"""Disruption trade-off: the plan's objective and balance as the moves cap varies."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .problem import AssignmentProblem
from .product import solve


@dataclass(frozen=True)
class ParetoPoint:
    max_moves: int
    moves: int
    balance_deviation: float  # max |rep potential / mean − 1|
    objective: float
    status: str


def pareto_balance_moves(
    problem: AssignmentProblem,
    *,
    max_moves_grid: list[int] | None = None,
    n_points: int = 5,
    time_limit: float = 60.0,
    seed: int = 0,
) -> list[ParetoPoint]:
    """Solve once per moves cap (time split evenly) and keep the non-dominated points in (moves,
    balance deviation, objective)."""
    n = int(np.asarray(problem.account_workload).shape[0])
    grid = max_moves_grid or sorted({round(x) for x in np.linspace(0, 0.3 * n, n_points)})
    points: list[ParetoPoint] = []
    for cap in grid:
        res = solve(dataclasses.replace(problem, max_moves=cap), time_limit=time_limit / len(grid), seed=seed)
        dev = float("inf")
        if res.rep_potential is not None and res.rep_potential.mean() > 0:
            dev = float(np.abs(res.rep_potential / res.rep_potential.mean() - 1).max())
        points.append(ParetoPoint(cap, res.moves, dev, res.objective, res.status))
    front = [
        p
        for p in points
        if np.isfinite(p.objective)
        and not any(
            q is not p
            and np.isfinite(q.objective)
            and q.moves <= p.moves
            and q.balance_deviation <= p.balance_deviation
            and q.objective <= p.objective
            and (q.moves, q.balance_deviation, q.objective) != (p.moves, p.balance_deviation, p.objective)
            for q in points
        )
    ]
    return sorted(front, key=lambda p: p.moves)
