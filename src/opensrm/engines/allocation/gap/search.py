"""Feasible-space local search for the generalised assignment problem.

``deep_descent`` alternates three neighbourhoods, each scored for every candidate at once with
numpy, until none improves:

- shift (job → another agent with room) and swap (two jobs of different agents exchange agents),
  applied in batches of moves that touch disjoint agents;
- ejection chains: job j₁ moves to agent B evicting j₂, which moves to C evicting j₃, …, and the
  last job moves to an agent with room. The best chain of each length ≤ ``chain_depth`` starting at
  every job is found by a Bellman-style recursion over the jobs×jobs eviction matrix; a chain that
  revisits an agent is verified exactly before it is applied.

``perturbed_search`` is a problem-space search (Storer, Wu and Vaccari): descend on randomly
perturbed costs, then on the true costs, and accept the result when it is not much worse than the
best found. On tightly packed instances (types D and E) this escapes local optima far better than
random kicks or tabu moves, because the noisy costs steer the search towards different packings.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_INF = float("inf")
_EPS = 1e-9
# Ceiling of the problem-space search's noise, σ ≤ NOISE_JOBS·std(cost)/n (see perturbed_search).
# Measured on OR-Library type D (60 s, search alone): 13 puts d40400 at 0.435 / 0.460 %, d20200
# at 0.319 / 0.327 %; the uncapped rule drifted to σ ≈ 0.056·std on d40400 (0.530 / 0.567 %).
NOISE_JOBS = 13.0
# Acceptance of the problem-space search: a worsening of ACCEPT times the best cost, but never less
# than ACCEPT_JOBS mean job costs (best cost / n). Measured on OR-Library type D (full pipeline, 60 s):
# 5·10⁻⁴ suits 200 and 400 jobs (d10200 0.032–0.088 %, d20200 0.319 %, d40400 0.435–0.452 %; at 7·10⁻⁴
# these were 0.113 / 0.441 / 0.435 %, at 10⁻³ 0.064 / 0.523 / 0.538 %), while at 100 jobs 5·10⁻⁴ is only
# three cost units and the walk stalls: a tenth of a job (10⁻³ there) took d10100 from 0.221 % to
# 0.063 % and d20100 from 0.420 % to 0.339 %.
ACCEPT = 5e-4
ACCEPT_JOBS = 0.1


def default_accept(n: int) -> float:
    """The search's default acceptance for ``n`` jobs: ``ACCEPT``, at least ``ACCEPT_JOBS``/n."""
    return max(ACCEPT, ACCEPT_JOBS / max(n, 1))


def _loads(weight: FloatArray, asg: IntArray) -> FloatArray:
    n = weight.shape[1]
    return np.bincount(asg, weights=weight[asg, np.arange(n)], minlength=weight.shape[0]).astype(np.float64)


def _batch_step(
    cost: FloatArray,
    weight: FloatArray,
    capacity: FloatArray,
    asg: IntArray,
    load: FloatArray,
    batch: bool,
) -> int:
    """Apply improving shifts and swaps on disjoint agents (in place); returns moves applied."""
    m, n = cost.shape
    jobs = np.arange(n)
    g = asg
    cg = cost[g, jobs]
    wg = weight[g, jobs]
    room = capacity - load
    shift = np.where(weight <= room[:, None] + _EPS, cost - cg[None, :], _INF)
    shift[g, jobs] = _INF
    s_to = np.argmin(shift, axis=0)
    s_val = shift[s_to, jobs]
    cg_rows = cost[g]  # [j1, j2] = cost of j2 at j1's agent
    wg_rows = weight[g]
    fits = wg_rows - wg[:, None] <= room[g][:, None] + _EPS  # j2 can replace j1 at j1's agent
    swap = cg_rows + cg_rows.T - cg[:, None] - cg[None, :]
    swap = np.where(fits & fits.T & (g[:, None] != g[None, :]), swap, _INF)
    w_to = np.argmin(swap, axis=1)
    w_val = swap[jobs, w_to]
    cand_val = np.concatenate([s_val, w_val])
    order = np.argsort(cand_val, kind="stable")
    touched = np.zeros(m, dtype=bool)
    moved = np.zeros(n, dtype=bool)
    applied = 0
    for k in order.tolist():
        if cand_val[k] > -_EPS or (applied and not batch):
            break
        if k < n:
            j, i = k, int(s_to[k])
            o = int(g[j])
            if touched[o] or touched[i] or moved[j]:
                continue
            load[o] -= weight[o, j]
            load[i] += weight[i, j]
            asg[j] = i
            touched[[o, i]] = True
            moved[j] = True
        else:
            j1 = k - n
            j2 = int(w_to[j1])
            a1, a2 = int(g[j1]), int(g[j2])
            if touched[a1] or touched[a2] or moved[j1] or moved[j2]:
                continue
            load[a1] += weight[a1, j2] - weight[a1, j1]
            load[a2] += weight[a2, j1] - weight[a2, j2]
            asg[j1], asg[j2] = a2, a1
            touched[[a1, a2]] = True
            moved[[j1, j2]] = True
        applied += 1
    return applied


def _chain_step(
    cost: FloatArray,
    weight: FloatArray,
    capacity: FloatArray,
    asg: IntArray,
    load: FloatArray,
    depth: int,
) -> bool:
    """Find and apply one improving ejection chain (in place); False when there is none."""
    n = cost.shape[1]
    jobs = np.arange(n)
    g = asg
    cg = cost[g, jobs]
    room = capacity - load
    free = np.where(weight <= room[:, None] + _EPS, cost, _INF)
    free[g, jobs] = _INF
    dest = np.argmin(free, axis=0)
    val = free[dest, jobs] - cg
    enter_cost = cost[g].T  # [j, j2] = cost of j at j2's agent
    enter_w = weight[g].T
    wg = weight[g, jobs]
    base = np.where(
        (enter_w - wg[None, :] <= room[g][None, :] + _EPS) & (g[:, None] != g[None, :]),
        enter_cost - cg[:, None],
        _INF,
    )
    choices: list[IntArray] = []
    level = val
    for _ in range(depth - 1):
        total = base + level[None, :]
        pick = np.argmin(total, axis=1)
        best = total[jobs, pick]
        better = best < val
        choices.append(np.where(better, pick, -1).astype(np.int64))
        level = np.where(better, best, val)
    current = float(cg.sum())
    for start in np.argsort(level, kind="stable")[:8].tolist():
        if level[start] > -_EPS:
            return False
        new = asg.copy()
        job, lvl = int(start), len(choices) - 1
        seen: set[int] = set()
        while job not in seen:
            seen.add(job)
            nxt = int(choices[lvl][job]) if lvl >= 0 else -1
            if nxt < 0:
                new[job] = dest[job]
                break
            new[job] = g[nxt]
            job, lvl = nxt, lvl - 1
        new_load = _loads(weight, new)
        if (new_load <= capacity + _EPS).all() and float(cost[new, jobs].sum()) < current - _EPS:
            asg[:] = new
            load[:] = new_load
            return True
    return False


def deep_descent(
    cost: FloatArray,
    weight: FloatArray,
    capacity: FloatArray,
    asg: IntArray,
    *,
    deadline: float,
    chain_depth: int = 4,
    batch: bool = False,
) -> IntArray:
    """Local optimum for shifts, swaps and ejection chains, from a feasible ``asg`` (copied)."""
    out = asg.copy()
    load = _loads(weight, out)
    while time.perf_counter() < deadline:
        if _batch_step(cost, weight, capacity, out, load, batch):
            continue
        if not _chain_step(cost, weight, capacity, out, load, chain_depth):
            break
    return out


def perturbed_search(
    cost: FloatArray,
    weight: FloatArray,
    capacity: FloatArray,
    start: IntArray,
    *,
    deadline: float,
    rng: np.random.Generator,
    target: float = -_INF,
    accept: float | None = None,
    noise_jobs: float = NOISE_JOBS,
    sync: Callable[[IntArray, float], tuple[IntArray | None, bool]] | None = None,
) -> tuple[IntArray, float, int]:
    """Problem-space search from a feasible ``start``; returns (best, its cost, iterations).

    The noise scale σ starts at its ceiling ``noise_jobs``·std(cost)/n, shrinks when a perturbed
    descent lands much worse than the current point and grows back (never above the ceiling) when
    one returns the same assignment. The ceiling keeps the expected number of jobs a perturbed
    descent displaces about the same at every size: for small σ that number grows with n·σ.
    ``accept`` is the relative worsening (versus the best) still accepted as the new current point;
    by default ``ACCEPT``, raised to ``ACCEPT_JOBS`` mean job costs on small instances.
    ``sync(best, cost)``, called every iteration, may return a better assignment found elsewhere
    (it becomes the best and current point) and whether to stop.
    """
    n = cost.shape[1]
    if accept is None:
        accept = default_accept(n)
    jobs = np.arange(n)
    best = deep_descent(cost, weight, capacity, start, deadline=deadline)
    best_cost = float(cost[best, jobs].sum())
    cur, cur_cost = best.copy(), best_cost
    ceiling = max(noise_jobs * float(np.std(cost)) / n, 1e-6)
    sigma = ceiling
    it = 0
    while time.perf_counter() < deadline and best_cost > target + _EPS:
        it += 1
        if sync is not None:
            external, stop = sync(best, best_cost)
            if external is not None:
                ext_cost = float(cost[external, jobs].sum())
                if ext_cost < best_cost - _EPS:
                    best, best_cost = external.copy(), ext_cost
                    cur, cur_cost = external.copy(), ext_cost
            if stop:
                break
        noisy = cost + sigma * rng.standard_normal(cost.shape)
        cand = deep_descent(noisy, weight, capacity, cur, deadline=deadline)
        cand = deep_descent(cost, weight, capacity, cand, deadline=deadline)
        cand_cost = float(cost[cand, jobs].sum())
        if np.array_equal(cand, cur):
            sigma = min(sigma * 1.3, ceiling)
            continue
        if cand_cost > cur_cost + 2 * accept * abs(cur_cost):
            sigma /= 1.3
        if cand_cost < best_cost - _EPS:
            best, best_cost = cand.copy(), cand_cost
        if cand_cost <= cur_cost + _EPS or cand_cost <= best_cost + accept * abs(best_cost):
            cur, cur_cost = cand, cand_cost
    return best, best_cost, it
