"""Textbook GAP model and its LP relaxation bound (HiGHS)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..common.highs import solve_highs

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class GapModel:
    """min c·x, sum_i x_ij = 1 (rows 0..n-1), sum_j a_ij x_ij <= b_i (rows n..n+m-1).

    Column k is the pair (agent ``k // n``, job ``k % n``); pairs whose weight exceeds the agent's
    capacity get an upper bound of 0.
    """

    cost: FloatArray
    matrix: sparse.csc_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    col_upper: FloatArray


def gap_model(cost: FloatArray, weight: FloatArray, capacity: FloatArray) -> GapModel:
    m, n = cost.shape
    size = m * n
    cols = np.arange(size)
    jobs = np.tile(np.arange(n), m)
    agents = np.repeat(np.arange(m), n)
    rows = np.concatenate([jobs, n + agents])
    data = np.concatenate([np.ones(size), weight.ravel()])
    matrix = sparse.csc_matrix((data, (rows, np.concatenate([cols, cols]))), shape=(n + m, size))
    row_lower = np.concatenate([np.ones(n), np.full(m, -np.inf)])
    row_upper = np.concatenate([np.ones(n), capacity.astype(np.float64)])
    col_upper = np.where(weight.ravel() <= capacity[agents] + 1e-9, 1.0, 0.0)
    return GapModel(cost.ravel().astype(np.float64), matrix, row_lower, row_upper, col_upper)


@dataclass(frozen=True)
class LpBound:
    bound: float
    fractional: FloatArray | None  # m×n LP solution
    status: str
    job_dual: FloatArray | None = None  # u_j of the assignment rows
    capacity_dual: FloatArray | None = None  # v_i ≤ 0 of the capacity rows


def lp_bound(model: GapModel, shape: tuple[int, int], time_limit: float) -> LpBound:
    """LP relaxation; its optimum is a valid lower bound (``-inf`` if not solved in time)."""
    out = solve_highs(
        model.cost,
        model.matrix,
        model.row_lower,
        model.row_upper,
        np.zeros(model.cost.shape[0]),
        model.col_upper,
        integer=False,
        time_limit=time_limit,
    )
    if out.status == "Infeasible":
        return LpBound(float("inf"), None, "infeasible")
    if out.x is None or not np.isfinite(out.bound):
        return LpBound(-float("inf"), None, "unknown")
    n = shape[1]
    u = v = None
    if out.row_dual is not None:
        u = out.row_dual[:n].copy()
        v = np.minimum(out.row_dual[n:], 0.0)
    return LpBound(out.bound, out.x.reshape(shape), "optimal", u, v)


def reduced_cost_bounds(
    cost: FloatArray, weight: FloatArray, capacity: FloatArray, u: FloatArray, v: FloatArray
) -> tuple[float, FloatArray]:
    """Dual bound and, per pair, a lower bound on the cost of any assignment that uses it.

    For any u and v ≤ 0 and any feasible assignment x (loads ≤ b):
    c·x = Σ rc·x + Σ_j u_j + Σ_i v_i·load_i ≥ Σ rc·x + Σ_j u_j + Σ_i v_i·b_i, with
    rc_ij = c_ij − u_j − v_i·a_ij. Each job contributes at least min_i rc_ij, so
    L = Σ u + v·b + Σ_j min_i rc_ij is a lower bound, and an assignment using (i, j) costs at least
    L + rc_ij − min_i rc_ij. This holds for any (even inexact) duals, so fixing pairs whose value
    exceeds the incumbent is always valid.
    """
    v = np.minimum(v, 0.0)
    rc = cost - u[None, :] - v[:, None] * weight
    low = rc.min(axis=0)
    bound = float(u.sum() + v @ capacity + low.sum())
    return bound, bound + rc - low[None, :]
