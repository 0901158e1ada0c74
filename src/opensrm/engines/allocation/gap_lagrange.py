"""Lagrangian relaxation of the GAP assignment constraints (one 0-1 knapsack per agent).

For multipliers u (one per job), L(u) = Σ_j u_j + Σ_i min{Σ_j (c_ij − u_j) x_ij : Σ_j a_ij x_ij ≤ b_i}
is a valid lower bound for every u, and at least the LP bound at the LP's job duals. Each agent's
knapsack solution is a tight packing at the current prices, which is what hard (type D/E) instances
need: the Lagrangian heuristic keeps each job at one agent that packed it, places the uncovered jobs
and repairs. The knapsacks are solved exactly by dynamic programming over integer capacity, all
agents at once (one vectorised step per job), so this applies only to integer weights.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: DP table cells (agents × capacity × jobs) above which the relaxation is not attempted.
MAX_CELLS = 400_000_000


def knapsack_applicable(weight: FloatArray, capacity: FloatArray) -> bool:
    if not np.all(weight == np.round(weight)):
        return False
    cap = np.floor(capacity + 1e-9)
    m, n = weight.shape
    return float(m) * (float(cap.max()) + 1.0) * float(n) <= MAX_CELLS


def knapsacks(profit: FloatArray, weight: IntArray, capacity: IntArray) -> tuple[BoolArray, FloatArray]:
    """Per agent, max Σ profit·x s.t. Σ weight·x ≤ capacity (x binary); returns (x m×n, values m).

    Items with non-positive profit are never worth taking and are skipped.
    """
    m, n = profit.shape
    top = int(capacity.max()) if m else 0
    width = top + 1
    rows = np.arange(m)[:, None]
    cols = np.arange(width)[None, :]
    dp = np.where(cols <= capacity[:, None], 0.0, -np.inf)
    useful = np.nonzero((profit > 0).any(axis=0))[0]
    keep = np.zeros((useful.size, m, (width + 7) // 8), dtype=np.uint8)
    for step, j in enumerate(useful.tolist()):
        w = weight[:, j]
        p = profit[:, j]
        src = cols - w[:, None]
        cand = np.where(src >= 0, dp[rows, np.maximum(src, 0)] + p[:, None], -np.inf)
        take = (cand > dp) & (p[:, None] > 0)
        keep[step] = np.packbits(take, axis=1)
        dp = np.where(take, cand, dp)
    # dp[i, c] is the best value with total weight ≤ c; trace back from each agent's capacity.
    values = dp[np.arange(m), capacity]
    x = np.zeros((m, n), dtype=bool)
    pos = capacity.astype(np.int64).copy()
    agents = np.arange(m)
    for step in range(useful.size - 1, -1, -1):
        j = int(useful[step])
        byte = keep[step, agents, pos >> 3]
        bit = (byte >> (7 - (pos & 7))) & 1
        took = bit.astype(bool)
        x[took, j] = True
        pos = pos - np.where(took, weight[:, j], 0)
    return x, np.asarray(values, dtype=np.float64)


@dataclass
class LagrangeState:
    bound: float
    multipliers: FloatArray
    iterations: int


def lagrangian_value(
    cost: FloatArray, weight: IntArray, capacity: IntArray, u: FloatArray
) -> tuple[float, BoolArray]:
    x, values = knapsacks(u[None, :] - cost, weight, capacity)
    return float(u.sum() - values.sum()), x


def lagrangian_heuristic_start(
    cost: FloatArray, weight: FloatArray, capacity: FloatArray, x: BoolArray
) -> IntArray:
    """Turn knapsack packings into an assignment: each covered job stays at its cheapest packer.

    Uncovered jobs go, by decreasing regret, to the cheapest agent with room (or the one with most
    room). The result can be overloaded; callers repair it.
    """
    m, n = cost.shape
    covered = x.any(axis=0)
    masked = np.where(x, cost, np.inf)
    asg = np.where(covered, np.argmin(masked, axis=0), -1).astype(np.int64)
    ok = asg >= 0
    load = np.bincount(asg[ok], weights=weight[asg[ok], np.arange(n)[ok]], minlength=m)
    todo = np.nonzero(~covered)[0]
    if todo.size:
        srt = np.sort(cost[:, todo], axis=0)
        regret = srt[1] - srt[0] if m > 1 else srt[0]
        for j in todo[np.argsort(-regret, kind="stable")].tolist():
            fits = load + weight[:, j] <= capacity + 1e-9
            if fits.any():
                i = int(np.argmin(np.where(fits, cost[:, j], np.inf)))
            else:
                i = int(np.argmax(capacity - load - weight[:, j]))
            asg[j] = i
            load[i] += weight[i, j]
    return asg


def subgradient(
    cost: FloatArray,
    weight: IntArray,
    capacity: IntArray,
    u0: FloatArray,
    *,
    upper: float,
    deadline: float,
    on_packing: object = None,
    max_iter: int = 100_000,
) -> LagrangeState:
    """Subgradient ascent on L(u) (Polyak steps towards ``upper``); every iterate is a valid bound.

    ``on_packing(x)`` (if given) receives each iterate's packings and returns the best known upper
    cost, which tightens the step size.
    """
    u = u0.astype(np.float64).copy()
    best = -math.inf
    best_u = u.copy()
    theta = 1.0
    stall = 0
    it = 0
    while it < max_iter and time.perf_counter() < deadline:
        it += 1
        value, x = lagrangian_value(cost, weight, capacity, u)
        if it == 1 or value > best + 1e-9 * max(1.0, abs(best)):
            best, best_u, stall = value, u.copy(), 0
        else:
            stall += 1
            if stall >= 10:
                theta *= 0.7
                stall = 0
        if callable(on_packing):
            upper = min(upper, float(on_packing(x)))
        grad = 1.0 - x.sum(axis=0)
        norm = float(grad @ grad)
        if norm < 0.5 or upper - best <= 1e-9 * max(1.0, abs(upper)) or theta < 1e-3:
            break
        u = u + theta * max(upper - value, 1e-6 * max(1.0, abs(upper))) / norm * grad
    return LagrangeState(best, best_u, it)
