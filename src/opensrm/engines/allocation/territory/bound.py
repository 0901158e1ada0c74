"""A lower bound for territory alignment that keeps the balance constraints.

The p-median bound drops balance, so where balance forces units away from their nearest centre it is
loose (40 % below the plan on the demo's regions). This is the LP relaxation of the balanced
p-median: x[i, j] (unit i served from centre j) ≤ y[j], Σ_j x[i, j] = 1, Σ_j y[j] = p, pinned
centres open, and for every attribute a and centre j, lo[a]·y[j] ≤ Σ_i attr[i, a]·x[i, j] ≤ hi[a]·y[j].
Every plan of the engine (territories centred on distinct units, each within the balance band) is a
feasible 0/1 point of it, so its optimum is a valid bound; contiguity and locks are dropped.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..common.highs import solve_highs

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MAX_UNITS = 400  # n² link rows: beyond this the LP costs more than the plan


def balanced_lp_bound(
    cost: FloatArray,
    attrs: FloatArray,
    p: int,
    lo: FloatArray,
    hi: FloatArray,
    pinned: IntArray,
    time_limit: float,
) -> float:
    """The LP bound (−inf when the LP is too large or did not finish in ``time_limit``).

    ``cost[i, j]``: weight of unit i × its distance to unit j.
    """
    n = cost.shape[0]
    if n > MAX_UNITS or time_limit <= 0:
        return -math.inf
    k = attrs.shape[1]
    nx = n * n
    cols = np.arange(nx)
    unit = np.repeat(np.arange(n), n)  # column i*n + j: unit i, centre j
    centre = np.tile(np.arange(n), n)
    blocks = [
        sparse.csr_matrix((np.ones(nx), (unit, cols)), shape=(n, nx + n)),  # Σ_j x[i, j] = 1
        sparse.csr_matrix(  # x[i, j] − y[j] ≤ 0
            (np.r_[np.ones(nx), -np.ones(nx)], (np.r_[cols, cols], np.r_[cols, nx + centre])), shape=(nx, nx + n)
        ),
        sparse.csr_matrix((np.ones(n), (np.zeros(n, dtype=np.int64), nx + np.arange(n))), shape=(1, nx + n)),
    ]
    lower = [np.ones(n), np.full(nx, -np.inf), np.array([float(p)])]
    upper = [np.ones(n), np.zeros(nx), np.array([float(p)])]
    for a in range(k):
        rows = np.r_[centre, np.arange(n)]
        for bound, sign in ((lo[a], 1.0), (hi[a], -1.0)):
            # sign · (Σ_i attr[i, a] x[i, j] − bound · y[j]) ≥ 0
            data = np.r_[sign * attrs[unit, a], -sign * bound * np.ones(n)]
            blocks.append(sparse.csr_matrix((data, (rows, np.r_[cols, nx + np.arange(n)])), shape=(n, nx + n)))
            lower.append(np.zeros(n))
            upper.append(np.full(n, np.inf))
    matrix = sparse.vstack(blocks, format="csc")
    col_lower = np.zeros(nx + n)
    col_upper = np.ones(nx + n)
    col_lower[nx + pinned[pinned >= 0]] = 1.0
    out = solve_highs(
        np.r_[cost.ravel(), np.zeros(n)],
        matrix,
        np.concatenate(lower),
        np.concatenate(upper),
        col_lower,
        col_upper,
        integer=False,
        time_limit=time_limit,
    )
    return float(out.bound) if math.isfinite(out.bound) else -math.inf
