"""p-median heuristics: greedy addition, fast best-improvement swap, variable neighbourhood search.

The swap evaluation scores every (leaving median r, entering facility f) pair at once:
    delta(r, f) = sum_u [min(d1_u, d_uf) - d1_u] + sum_{u served by r} [min(d2_u, d_uf) - min(d1_u, d_uf)]
where d1/d2 are each client's nearest and second-nearest open distance (Whitaker's fast
interchange written as matrix operations).
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def evaluate(distance: FloatArray, medians: IntArray) -> float:
    return float(distance[:, medians].min(axis=1).sum())


def _nearest_two(distance: FloatArray, medians: IntArray) -> tuple[FloatArray, FloatArray, IntArray]:
    sub = distance[:, medians]
    if medians.size == 1:
        return sub[:, 0].copy(), np.full(sub.shape[0], np.inf), np.zeros(sub.shape[0], dtype=np.int64)
    order = np.argpartition(sub, 1, axis=1)[:, :2]
    rows = np.arange(sub.shape[0])
    first = sub[rows, order[:, 0]]
    second = sub[rows, order[:, 1]]
    swap = second < first
    c1 = np.where(swap, order[:, 1], order[:, 0])
    d1 = np.minimum(first, second)
    d2 = np.maximum(first, second)
    return d1, d2, c1.astype(np.int64)


def greedy(distance: FloatArray, p: int) -> IntArray:
    """Add the facility that lowers the total cost most, p times."""
    n_c, n_f = distance.shape
    chosen: list[int] = []
    best = np.full(n_c, np.inf)
    col_sum = distance.sum(axis=0)
    first = int(np.argmin(col_sum))
    chosen.append(first)
    best = distance[:, first].copy()
    open_mask = np.zeros(n_f, dtype=bool)
    open_mask[first] = True
    for _ in range(p - 1):
        totals = np.minimum(best[:, None], distance).sum(axis=0)
        totals[open_mask] = np.inf
        f = int(np.argmin(totals))
        chosen.append(f)
        open_mask[f] = True
        best = np.minimum(best, distance[:, f])
    return np.asarray(chosen, dtype=np.int64)


def local_search(distance: FloatArray, medians: IntArray, *, deadline: float) -> tuple[IntArray, float, int]:
    """Best-improvement swap descent; returns (medians, cost, swaps made)."""
    n_f = distance.shape[1]
    med = medians.copy()
    p = med.size
    swaps = 0
    if p >= n_f:
        return med, evaluate(distance, med), 0
    while time.perf_counter() < deadline:
        d1, d2, c1 = _nearest_two(distance, med)
        m1 = np.minimum(d1[:, None], distance)
        gain = (m1 - d1[:, None]).sum(axis=0)
        loss_rows = np.minimum(d2[:, None], distance) - m1
        order = np.argsort(c1, kind="stable")
        counts = np.bincount(c1, minlength=p)
        loss = np.zeros((p, n_f))
        nz = counts > 0
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        if nz.any():
            loss[nz] = np.add.reduceat(loss_rows[order], starts[nz], axis=0)
        delta = gain[None, :] + loss
        delta[:, med] = np.inf
        k = int(np.argmin(delta))
        r, f = divmod(k, n_f)
        if not delta[r, f] < -1e-9:
            break
        med[r] = f
        swaps += 1
    return med, evaluate(distance, med), swaps


def vns(
    distance: FloatArray,
    medians: IntArray,
    *,
    deadline: float,
    rng: np.random.Generator,
    target: float,
    k_max: int = 10,
) -> tuple[IntArray, float, int]:
    """Variable neighbourhood search: shake with k random swaps, descend, accept improvements."""
    n_f = distance.shape[1]
    best = medians.copy()
    best_cost = evaluate(distance, best)
    p = best.size
    if p >= n_f:
        return best, best_cost, 0
    k = 1
    it = 0
    k_top = max(1, min(k_max, p, n_f - p))
    while time.perf_counter() < deadline and best_cost > target + 1e-9:
        it += 1
        cand = best.copy()
        closed = np.setdiff1d(np.arange(n_f), cand)
        leave = rng.choice(p, k, replace=False)
        cand[leave] = rng.choice(closed, k, replace=False)
        cand, cost, _ = local_search(distance, cand, deadline=deadline)
        if cost < best_cost - 1e-9:
            best, best_cost, k = cand, cost, 1
        else:
            k = k + 1 if k < k_top else 1
    return best, best_cost, it
