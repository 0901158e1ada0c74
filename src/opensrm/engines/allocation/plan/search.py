"""Primal side of the product plan: rep groups, free-set selection, repair and improvement loops.

The Lagrangian choice (each account at its cheapest reduced-cost rep) is nearly feasible; the
accounts it is least sure about (small regret between their best and second-best reduced cost)
are re-optimised by sub-MIPs, one rep group at a time (one group for up to a few hundred reps;
k-means groups of about ``group_size`` reps beyond, so 1,000,000 × 2,000 decomposes by region).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.vq import kmeans2

from ..common.outcome import Violation
from .lagrange import Pairs, Rows, argmin_pairs
from .submip import SubResult, solve_sub

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def rep_groups(lat: FloatArray, lon: FloatArray, group_size: int, seed: int) -> list[IntArray]:
    """k-means (scipy's Lloyd iterations from seeded distinct reps) on rep coordinates; one group
    when there are few reps."""
    m = lat.shape[0]
    k = max(1, math.ceil(m / group_size))
    if k == 1:
        return [np.arange(m, dtype=np.int64)]
    rng = np.random.default_rng(seed)
    pts = np.column_stack([lat, lon * np.cos(np.radians(lat))])
    start = pts[rng.choice(m, k, replace=False)]
    with warnings.catch_warnings():
        # an emptied cluster keeps its centre (and is dropped below): not worth a warning
        warnings.simplefilter("ignore", UserWarning)
        _, label = kmeans2(pts, start, iter=30, minit="matrix", missing="warn")
    return [np.flatnonzero(label == c).astype(np.int64) for c in range(k) if (label == c).any()]


def regrets(pairs: Pairs, red: FloatArray) -> tuple[FloatArray, IntArray]:
    """Second-best minus best reduced cost per modelled account (inf with one pair), and argmin."""
    segmin, choice = argmin_pairs(pairs, red)
    masked = red.copy()
    masked[choice] = np.inf
    second = np.minimum.reduceat(masked, pairs.seg)
    return second - segmin, choice


def violation(pairs: Pairs, rows: Rows, m: int, choice: IntArray) -> tuple[float, IntArray]:
    """Scaled total violation of the coupling rows, and the reps that violate one."""
    r = pairs.rep[choice]
    lw = np.bincount(r, weights=pairs.w[choice], minlength=m)
    lc = np.bincount(r, minlength=m).astype(np.float64)
    lp = np.bincount(r, weights=pairs.p[choice], minlength=m)
    sw = max(float(pairs.w.mean()), 1e-9)
    sp = max(float(pairs.p.mean()), 1e-9)
    tol_w = 1e-7 * np.maximum(1.0, rows.cap)
    v = np.maximum(lw - rows.cap - tol_w, 0.0) / sw + np.maximum(lc - rows.maxc, 0.0)
    if math.isfinite(rows.hi):
        tol_p = 1e-7 * max(1.0, rows.hi)
        v = v + (np.maximum(lp - rows.hi - tol_p, 0.0) + np.maximum(rows.lo - lp - tol_p, 0.0)) / sp
    mv = max(float(pairs.moved[choice].sum()) - rows.moves, 0.0) if math.isfinite(rows.moves) else 0.0
    return float(v.sum()) + mv, np.flatnonzero(v > 0).astype(np.int64)


def _columns(
    pairs: Pairs, red: FloatArray, free: IntArray, in_group: NDArray[np.bool_], q: int, hot: IntArray | None = None
) -> IntArray:
    """Up to ``q`` cheapest reduced-cost pairs (reps inside the group) of each free account."""
    starts, counts = pairs.seg[free], pairs.counts[free]
    idx = np.repeat(starts, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    ok = in_group[pairs.rep[idx]]
    idx = idx[ok]
    if idx.size == 0:
        return np.asarray(idx, dtype=np.int64)
    owner_pos = np.repeat(np.arange(free.shape[0]), counts)[ok]
    order = np.lexsort((red[idx], owner_pos))
    idx, owner_pos = idx[order], owner_pos[order]
    first = np.r_[0, np.flatnonzero(owner_pos[1:] != owner_pos[:-1]) + 1]
    rank = np.arange(idx.shape[0]) - np.repeat(first, np.diff(np.r_[first, idx.shape[0]]))
    # the owner's pair stays available so that a sub-MIP can always undo moves
    keep = (rank < q) | (pairs.moved[idx] == 0)
    if hot is not None and hot.size:
        keep |= np.isin(pairs.rep[idx], hot)  # every way into or out of a violated rep
    return np.asarray(idx[keep], dtype=np.int64)


def _repair_free(
    pairs: Pairs,
    rows: Rows,
    red: FloatArray,
    choice: IntArray,
    segmin: FloatArray,
    regret: FloatArray,
    bad: IntArray,
    in_group: NDArray[np.bool_],
    members: IntArray,
    take: int,
    per_rep: int = 60,
) -> IntArray:
    """Accounts to free around violated reps: those on a violated rep (least regret first) and
    those that could cheaply move to one (least reduced-cost increase first), then the least
    certain accounts of the group until ``take``."""
    m = in_group.shape[0]
    hot = np.zeros(m, dtype=bool)
    hot[bad] = True
    hot &= in_group
    chosen: list[IntArray] = []
    on_bad = members[hot[pairs.rep[choice[members]]]]
    if on_bad.size:
        order = np.lexsort((regret[on_bad], pairs.rep[choice[on_bad]]))
        on_bad = on_bad[order]
        r = pairs.rep[choice[on_bad]]
        first = np.r_[0, np.flatnonzero(r[1:] != r[:-1]) + 1]
        rank = np.arange(r.size) - np.repeat(first, np.diff(np.r_[first, r.size]))
        chosen.append(on_bad[rank < per_rep])
    pos_of_pair = np.repeat(np.arange(pairs.seg.shape[0]), pairs.counts)
    to_bad = np.flatnonzero(hot[pairs.rep] & in_group[pairs.rep[choice[pos_of_pair]]])
    if to_bad.size:
        delta = red[to_bad] - segmin[pos_of_pair[to_bad]]
        order = np.lexsort((delta, pairs.rep[to_bad]))
        to_bad = to_bad[order]
        r = pairs.rep[to_bad]
        first = np.r_[0, np.flatnonzero(r[1:] != r[:-1]) + 1]
        rank = np.arange(r.size) - np.repeat(first, np.diff(np.r_[first, r.size]))
        chosen.append(pos_of_pair[to_bad[rank < per_rep]])
    if math.isfinite(rows.moves):
        excess = int(pairs.moved[choice].sum() - rows.moves)
        if excess > 0:
            # moved accounts whose way back to their owner is cheapest (in reduced cost)
            home = np.flatnonzero((pairs.moved == 0) & in_group[pairs.rep])
            home = home[pairs.moved[choice[pos_of_pair[home]]] > 0]
            delta = red[home] - segmin[pos_of_pair[home]]
            k = min(home.size, 3 * excess + 100)
            if k > 0:
                chosen.append(pos_of_pair[home[np.argpartition(delta, k - 1)[:k]]])
    free = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    if free.size < take:
        rest = np.setdiff1d(members, free)
        k = min(take - free.size, rest.size)
        if k > 0:
            extra = rest[np.argpartition(regret[rest], k - 1)[:k]] if k < rest.size else rest
            free = np.union1d(free, extra)
    return np.asarray(free, dtype=np.int64)


def improve(
    pairs: Pairs,
    rows: Rows,
    m: int,
    choice: IntArray,
    red: FloatArray,
    groups: list[IntArray],
    *,
    deadline: float,
    seed: int,
    free_per_group: int,
    q: int = 4,
    repair: bool,
    stop_objective: float = -math.inf,
    mip_seconds: float = 5.0,
) -> tuple[IntArray, float, list[Violation], int]:
    """One pass of group sub-MIPs. ``repair``: free the least-certain accounts (growing around
    violated reps) until feasible (LP first, then rounding); otherwise a seeded
    large-neighbourhood step for cost (a MIP warm-started from the incumbent, at most
    ``mip_seconds``).

    Returns (choice, remaining violation, violated rows, sub-MIPs run)."""
    rng = np.random.default_rng(seed)
    regret, _ = regrets(pairs, red)
    segmin = np.minimum.reduceat(red, pairs.seg)
    rep_of = pairs.rep[choice]
    runs = 0
    last: SubResult | None = None
    viol, bad = violation(pairs, rows, m, choice)
    for g in groups:
        if time.perf_counter() > deadline:
            break
        if repair and viol <= 0:
            break
        in_group = np.zeros(m, dtype=bool)
        in_group[g] = True
        if repair and not in_group[bad].any() and len(groups) > 1:
            continue
        members = np.flatnonzero(in_group[rep_of])
        if members.size == 0:
            continue
        key = regret[members].copy()
        if not repair:
            # Accounts off their Lagrangian choice come first; random noise varies the set per pass.
            slack = red[choice[members]] - segmin[members]
            key = (
                np.minimum(key, 1e30)
                - 2.0 * slack
                + rng.exponential(1.0, members.size)
                * float(np.median(np.abs(regret[members][np.isfinite(regret[members])])) + 1e-9)
            )
        take = min(free_per_group, members.size)
        if repair:
            free = _repair_free(pairs, rows, red, choice, segmin, regret, bad, in_group, members, take)
        else:
            free = members[np.argpartition(key, take - 1)[:take]] if take < members.size else members
            free = np.sort(free)
        cols = _columns(pairs, red, free, in_group, q, bad if repair else None)
        cost_before = float(pairs.cost[choice].sum())
        last = solve_sub(
            pairs,
            rows,
            m,
            choice,
            free,
            cols,
            time_limit=max(0.1, min(deadline - time.perf_counter(), 60.0)),
            seed=seed,
            lp_first=repair,
            lp_round_on_slack=repair,
            mip_seconds=20.0 if repair else mip_seconds,
        )
        runs += 1
        new_viol, new_bad = violation(pairs, rows, m, last.choice)
        if new_viol < viol - 1e-12 or (
            new_viol <= viol + 1e-12 and float(pairs.cost[last.choice].sum()) <= cost_before
        ):
            choice, viol, bad = last.choice, new_viol, new_bad
            rep_of = pairs.rep[choice]
        if not repair and float(pairs.cost[choice].sum()) <= stop_objective:
            break
    names = list(last.violated) if last is not None and viol > 0 else []
    return choice, viol, names, runs
