"""Primal heuristics for the generalised assignment problem.

Construction (LP rounding or regret greedy, then a repair that empties overloaded agents) and a
vectorised tabu search over shift and swap moves with adaptive capacity penalties (strategic
oscillation: the search may cross into overloaded states, the penalty per agent grows while it is
overloaded and shrinks while it is not). All moves of one kind are scored at once with numpy.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_INF = float("inf")


def loads(weight: FloatArray, assignment: IntArray) -> FloatArray:
    m, n = weight.shape
    ok = assignment >= 0
    jobs = np.arange(n)[ok]
    return np.bincount(assignment[ok], weights=weight[assignment[ok], jobs], minlength=m).astype(np.float64)


def is_feasible(weight: FloatArray, capacity: FloatArray, assignment: IntArray) -> bool:
    return bool((assignment >= 0).all() and (loads(weight, assignment) <= capacity + 1e-9).all())


def total_cost(cost: FloatArray, assignment: IntArray) -> float:
    return float(cost[assignment, np.arange(cost.shape[1])].sum())


def regret_greedy(cost: FloatArray, weight: FloatArray, capacity: FloatArray) -> IntArray:
    """Assign jobs in order of regret (second-best minus best desirability), best agent that fits.

    Desirability is cost plus a capacity-use term. Jobs that fit nowhere go to the agent with the
    most relative room; the result may be overloaded (the repair or tabu search fixes it).
    """
    m, n = cost.shape
    assignment = np.full(n, -1, dtype=np.int64)
    residual = capacity.astype(np.float64).copy()
    scale = float(np.mean(cost)) / max(float(np.mean(weight)), 1e-12)
    desir = cost + scale * weight / np.maximum(capacity[:, None], 1e-12) * weight.mean()
    unassigned = np.ones(n, dtype=bool)
    while unassigned.any():
        cols = np.nonzero(unassigned)[0]
        fits = weight[:, cols] <= residual[:, None] + 1e-9
        d = np.where(fits, desir[:, cols], _INF)
        if not np.isfinite(d).any(axis=0).any():
            for jj in cols.tolist():
                ii = int(np.argmax(residual - weight[:, jj]))
                assignment[jj] = ii
                residual[ii] -= weight[ii, jj]
            break
        part = np.sort(d, axis=0)
        second = part[1] if m > 1 else part[0]
        with np.errstate(invalid="ignore"):  # inf - inf where a job fits nowhere; masked below
            regret = np.where(np.isfinite(second), second - part[0], 1e18)
        regret = np.where(np.isfinite(part[0]), regret, -1.0)
        pick = int(np.argmax(regret))
        j = int(cols[pick])
        # a job that fits nowhere goes to the agent with the most room left
        fit_nowhere = not np.isfinite(part[0, pick])
        i = int(np.argmax(residual - weight[:, j])) if fit_nowhere else int(np.argmin(d[:, pick]))
        assignment[j] = i
        residual[i] -= weight[i, j]
        unassigned[j] = False
    return assignment


def round_lp(fractional: FloatArray) -> IntArray:
    return np.asarray(np.argmax(fractional, axis=0), dtype=np.int64)


def repair(cost: FloatArray, weight: FloatArray, capacity: FloatArray, assignment: IntArray) -> IntArray:
    """Move jobs off overloaded agents, cheapest extra cost per unit of relief first."""
    n = cost.shape[1]
    asg = assignment.copy()
    load = loads(weight, asg)
    for _ in range(4 * n):
        over = np.nonzero(load > capacity + 1e-9)[0]
        if over.size == 0:
            break
        i = int(over[np.argmax(load[over] - capacity[over])])
        jobs = np.nonzero(asg == i)[0]
        room = (capacity - load)[:, None] - weight[:, jobs]
        delta = cost[:, jobs] - cost[i, jobs][None, :]
        score = np.where(room >= -1e-9, delta, delta + 1e6 * (1.0 - room))
        score[i] = _INF
        score = score / np.maximum(weight[i, jobs][None, :], 1e-12)
        k, col = np.unravel_index(int(np.argmin(score)), score.shape)
        j = int(jobs[col])
        asg[j] = int(k)
        load[i] -= weight[i, j]
        load[k] += weight[k, j]
    return asg


def tabu_search(
    cost: FloatArray,
    weight: FloatArray,
    capacity: FloatArray,
    start: IntArray,
    *,
    deadline: float,
    rng: np.random.Generator,
    target: float = -_INF,
    swap_sample: int = 200,
    restart_after: int = 1500,
) -> tuple[IntArray | None, float, int]:
    """Tabu search with shift and swap moves; returns (best feasible, its cost, iterations)."""
    m, n = cost.shape
    jobs = np.arange(n)
    asg = start.copy()
    load = loads(weight, asg)
    cur = total_cost(cost, asg)
    alpha0 = max(float(np.mean(np.abs(cost))) / max(float(np.mean(weight)), 1e-12), 1e-6)
    alpha = np.full(m, alpha0)
    best: IntArray | None = None
    best_cost = _INF
    if (load <= capacity + 1e-9).all():
        best, best_cost = asg.copy(), cur
    tabu = np.zeros((m, n), dtype=np.int64)
    sample = min(n, swap_sample)
    it = 0
    last_improve = 0
    while time.perf_counter() < deadline and best_cost > target + 1e-9:
        it += 1
        g = asg
        ex = np.maximum(load - capacity, 0.0)
        total_ex = float(ex.sum())
        cg = cost[g, jobs]
        wg = weight[g, jobs]
        # shift j -> i
        ex_to = np.maximum(load[:, None] + weight - capacity[:, None], 0.0) - ex[:, None]
        ex_from = np.maximum(load[g] - wg - capacity[g], 0.0) - ex[g]
        d_cost = cost - cg[None, :]
        d_pen = alpha[:, None] * ex_to + (alpha[g] * ex_from)[None, :]
        score = d_cost + d_pen
        score[g, jobs] = _INF
        aspire = (total_ex + ex_to + ex_from[None, :] <= 1e-9) & (cur + d_cost < best_cost - 1e-9)
        score = np.where((tabu > it) & ~aspire, _INF, score)
        k_shift = int(np.argmin(score))
        v_shift = float(score.flat[k_shift])
        # swap j1 (sampled) <-> j2
        s = rng.choice(n, sample, replace=False) if sample < n else jobs
        g1 = g[s]
        w_g2_j1 = weight[:, s][g].T
        c_g2_j1 = cost[:, s][g].T
        e1 = np.maximum((load[g1] - wg[s])[:, None] + weight[g1] - capacity[g1][:, None], 0.0) - ex[g1][:, None]
        e2 = np.maximum((load[g] - wg)[None, :] + w_g2_j1 - capacity[g][None, :], 0.0) - ex[g][None, :]
        dc = cost[g1] + c_g2_j1 - cg[s][:, None] - cg[None, :]
        sc = dc + alpha[g1][:, None] * e1 + alpha[g][None, :] * e2
        sc[g1[:, None] == g[None, :]] = _INF
        asp = (total_ex + e1 + e2 <= 1e-9) & (cur + dc < best_cost - 1e-9)
        is_tabu = (it < tabu[:, s][g].T) | (tabu[g1] > it)
        sc = np.where(is_tabu & ~asp, _INF, sc)
        k_swap = int(np.argmin(sc))
        v_swap = float(sc.flat[k_swap])
        if not (np.isfinite(v_shift) or np.isfinite(v_swap)):
            tabu[:] = 0
            continue
        tenure = int(rng.integers(5, 5 + max(3, int(np.sqrt(n)))))
        if v_shift <= v_swap:
            i, j = divmod(k_shift, n)
            old = int(g[j])
            load[old] -= weight[old, j]
            load[i] += weight[i, j]
            cur += float(cost[i, j] - cost[old, j])
            asg[j] = i
            tabu[old, j] = it + tenure
        else:
            r, j2 = divmod(k_swap, n)
            j1 = int(s[r])
            a1, a2 = int(g[j1]), int(g[j2])
            load[a1] += weight[a1, j2] - weight[a1, j1]
            load[a2] += weight[a2, j1] - weight[a2, j2]
            cur += float(cost[a2, j1] + cost[a1, j2] - cost[a1, j1] - cost[a2, j2])
            asg[j1], asg[j2] = a2, a1
            tabu[a1, j1] = it + tenure
            tabu[a2, j2] = it + tenure
        over = load > capacity + 1e-9
        alpha = np.where(over, alpha * 1.1, alpha / 1.02)
        np.clip(alpha, 0.02 * alpha0, 100.0 * alpha0, out=alpha)
        if not over.any() and cur < best_cost - 1e-9:
            best, best_cost = asg.copy(), cur
            last_improve = it
        elif it - last_improve > restart_after and best is not None:
            asg = best.copy()
            load = loads(weight, asg)
            cur = best_cost
            alpha[:] = alpha0
            tabu[:] = 0
            last_improve = it
    return best, best_cost, it
