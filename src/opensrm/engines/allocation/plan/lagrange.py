"""Lagrangian relaxation of the product plan's coupling rows (capacity, count, balance, moves).

With the coupling rows priced by multipliers, each account simply takes its cheapest reduced-cost
rep, so the Lagrangian function is a few vectorised passes over the candidate pairs — cheap enough
for thousands of subgradient steps at 1,000,000 accounts, where even the LP is out of reach. Its
value at ANY valid multipliers (capacity, count, moves ≥ 0; balance free for the ranged row) is a
lower bound of the integer optimum, and :func:`certify` turns the candidate-restricted value into
one valid for the full problem (every eligible rep) by scanning only the accounts for which a
non-candidate rep could possibly be cheaper.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .candidates import Candidates, nearest_reps, rep_tree
from .problem import Arrays, AssignmentProblem, pair_cost, pair_eligible

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs of the modelled accounts (sorted by account; every account has ≥ 1 pair)."""

    acc: IntArray
    rep: IntArray
    cost: FloatArray
    w: FloatArray
    p: FloatArray
    moved: FloatArray
    seg: IntArray  # first pair of each modelled account
    counts: IntArray
    accounts: IntArray


@dataclass(frozen=True)
class Rows:
    cap: FloatArray
    maxc: FloatArray  # inf: no limit
    lo: float  # balance band (−inf/inf when off)
    hi: float
    moves: float  # inf: no cap


@dataclass
class Multipliers:
    lam: FloatArray  # capacity, ≥ 0
    mu: FloatArray  # max accounts, ≥ 0
    beta: FloatArray  # balance (ranged row), free
    nu: float  # moves, ≥ 0

    def copy(self) -> Multipliers:
        return Multipliers(self.lam.copy(), self.mu.copy(), self.beta.copy(), self.nu)


def make_pairs(arr: Arrays, cand: Candidates, accounts: IntArray) -> Pairs:
    acc, rep = cand.account, cand.rep
    counts = np.bincount(acc, minlength=arr.workload.shape[0])[accounts]
    if (counts == 0).any():
        raise ValueError("every modelled account needs at least one candidate pair")
    moved = ((arr.owner[acc] >= 0) & (arr.owner[acc] != rep)).astype(np.float64)
    return Pairs(
        acc,
        rep,
        cand.cost,
        arr.workload[acc],
        arr.potential[acc],
        moved,
        cand.start[accounts],
        counts.astype(np.int64),
        accounts,
    )


def make_rows(arr: Arrays, accounts: IntArray) -> Rows:
    m = arr.capacity.shape[0]
    lo, hi = -math.inf, math.inf
    if arr.tol is not None:
        mean = float(arr.potential[accounts].sum()) / m
        lo, hi = mean * (1 - arr.tol), mean * (1 + arr.tol)
    moves = math.inf if arr.max_moves is None else float(arr.max_moves)
    return Rows(arr.capacity, arr.max_accounts, lo, hi, moves)


def zero_multipliers(m: int) -> Multipliers:
    return Multipliers(np.zeros(m), np.zeros(m), np.zeros(m), 0.0)


def reduced_costs(pairs: Pairs, u: Multipliers) -> FloatArray:
    red = pairs.cost + pairs.w * u.lam[pairs.rep] + u.mu[pairs.rep] + pairs.p * u.beta[pairs.rep]
    if u.nu != 0.0:
        red = red + u.nu * pairs.moved
    return np.asarray(red, dtype=np.float64)


def constant_term(rows: Rows, u: Multipliers) -> float:
    c = -float(u.lam @ rows.cap)
    fin = np.isfinite(rows.maxc)
    c -= float(u.mu[fin] @ rows.maxc[fin])
    if math.isfinite(rows.hi):
        c -= float(np.where(u.beta > 0, u.beta * rows.hi, u.beta * rows.lo).sum())
    if math.isfinite(rows.moves):
        c -= u.nu * rows.moves
    return c


def argmin_pairs(pairs: Pairs, red: FloatArray) -> tuple[FloatArray, IntArray]:
    """Per modelled account: the least reduced cost and the index of the pair attaining it."""
    segmin = np.minimum.reduceat(red, pairs.seg)
    hit = np.flatnonzero(red <= np.repeat(segmin, pairs.counts))
    first = np.ones(hit.shape[0], dtype=bool)
    first[1:] = pairs.acc[hit[1:]] != pairs.acc[hit[:-1]]
    return segmin, hit[first]


def evaluate(pairs: Pairs, rows: Rows, u: Multipliers) -> tuple[float, IntArray]:
    """Candidate-restricted Lagrangian value and the pair chosen for each modelled account."""
    segmin, choice = argmin_pairs(pairs, reduced_costs(pairs, u))
    return float(segmin.sum()) + constant_term(rows, u), choice


def ascend(
    pairs: Pairs,
    rows: Rows,
    m: int,
    *,
    deadline: float,
    max_iter: int = 3000,
    start: Multipliers | None = None,
    upper: float = math.inf,
    theta: float = 1.0,
) -> tuple[Multipliers, float, int]:
    """Projected subgradient ascent on scaled rows, Polyak steps towards a moving target.

    Returns (best multipliers, best candidate-restricted value, iterations)."""
    u = start.copy() if start is not None else zero_multipliers(m)
    s_cap = np.maximum(rows.cap, 1e-9)
    fin_c = np.isfinite(rows.maxc)
    s_cnt = np.where(fin_c, np.maximum(rows.maxc, 1.0), 1.0)
    s_bal = max(abs(rows.hi + rows.lo) / 2, 1e-9) if math.isfinite(rows.hi) else 1.0
    s_mov = max(rows.moves, 1.0) if math.isfinite(rows.moves) else 1.0
    best_u, best = u.copy(), -math.inf
    stall, done = 0, 0
    for done in range(1, max_iter + 1):  # noqa: B007 - count returned
        value, choice = evaluate(pairs, rows, u)
        if not math.isfinite(best) or value > best + 1e-9 * max(1.0, abs(best)):
            best, best_u, stall = value, u.copy(), 0
        else:
            stall += 1
            if stall >= 25:
                theta, stall = theta * 0.5, 0
                u = best_u.copy()
        if theta < 1e-4 or time.perf_counter() > deadline:
            break
        r = pairs.rep[choice]
        load_w = np.bincount(r, weights=pairs.w[choice], minlength=m)
        g_cap = (load_w - rows.cap) / s_cap
        g_cap[(u.lam <= 0) & (g_cap < 0)] = 0.0
        g_cnt = np.zeros(m)
        if fin_c.any():
            load_c = np.bincount(r, minlength=m).astype(np.float64)
            g_cnt = np.where(fin_c, (load_c - np.where(fin_c, rows.maxc, 0.0)) / s_cnt, 0.0)
            g_cnt[(u.mu <= 0) & (g_cnt < 0)] = 0.0
        g_bal = np.zeros(m)
        if math.isfinite(rows.hi):
            load_p = np.bincount(r, weights=pairs.p[choice], minlength=m)
            g_bal = (
                np.where(
                    u.beta > 0,
                    load_p - rows.hi,
                    np.where(
                        u.beta < 0,
                        load_p - rows.lo,
                        np.maximum(load_p - rows.hi, 0) + np.minimum(load_p - rows.lo, 0),
                    ),
                )
                / s_bal
            )
        g_mov = 0.0
        if math.isfinite(rows.moves):
            g_mov = (float(pairs.moved[choice].sum()) - rows.moves) / s_mov
            if u.nu <= 0 and g_mov < 0:
                g_mov = 0.0
        norm = float(g_cap @ g_cap + g_cnt @ g_cnt + g_bal @ g_bal) + g_mov * g_mov
        if norm <= 1e-18:
            best, best_u = value, u.copy()
            break  # the relaxed choice is feasible and complementary: optimal multipliers
        target = (
            min(upper, best + max(0.002 * abs(best), 1e-6))
            if math.isfinite(upper)
            else (best + max(0.01 * abs(best), 1e-6))
        )
        step = theta * max(target - value, 1e-9 * max(1.0, abs(best))) / norm
        u.lam = np.maximum(0.0, u.lam * s_cap + step * g_cap) / s_cap
        u.mu = np.where(fin_c, np.maximum(0.0, u.mu * s_cnt + step * g_cnt) / s_cnt, 0.0)
        u.beta = (u.beta * s_bal + step * g_bal) / s_bal
        u.nu = max(0.0, u.nu * s_mov + step * g_mov) / s_mov
    return best_u, best, done


def certify(
    problem: AssignmentProblem,
    arr: Arrays,
    cand: Candidates,
    pairs: Pairs,
    rows: Rows,
    u: Multipliers,
    *,
    chunk: int = 20_000,
    add_per_account: int = 2,
    near: int = 128,
    scan_budget: int = 20_000,
) -> tuple[float, IntArray, IntArray, int]:
    """Lagrangian value of the FULL problem (all eligible reps) at ``u`` (a valid lower bound).

    A non-candidate rep of account a costs at least ``kth_cost[a]``; its priced rows add at least
    ``w_a·min(λ) + min(μ) + p_a·min(β) + ν`` (the owner is always a candidate, so a non-candidate is
    a move). Only accounts whose candidate minimum exceeds that floor are examined: first over their
    ``near`` nearest reps (k-d tree), every rep beyond costing at least the distance to the
    ``near``-th; the few accounts still undecided are scanned over every rep (up to
    ``scan_budget``; beyond it the floor itself enters the value, which keeps it valid). Returns
    (value, accounts and reps of improving pairs to add as columns, number of accounts examined)."""
    m = arr.capacity.shape[0]
    red = reduced_costs(pairs, u)
    segmin, _ = argmin_pairs(pairs, red)
    cand_min = segmin.copy()
    accounts = pairs.accounts
    kth = cand.kth_cost if cand.kth_cost is not None else np.full(arr.workload.shape[0], -np.inf)
    w, p = arr.workload[accounts], arr.potential[accounts]
    moved_floor = u.nu * (arr.owner[accounts] >= 0)
    priced = w * float(u.lam.min()) + float(u.mu.min()) + p * min(0.0, float(u.beta.min())) + moved_floor
    floor = kth[accounts] + priced
    flagged = np.flatnonzero(segmin > floor + 1e-9 * np.maximum(1.0, np.abs(segmin)))
    new_a: list[IntArray] = []
    new_r: list[IntArray] = []
    kk = min(near, m)
    tree = rep_tree(arr)
    undecided: list[IntArray] = []
    for s in range(0, flagged.shape[0], chunk):
        pos = flagged[s : s + chunk]
        idx = accounts[pos]
        reps, beyond_km = nearest_reps(tree, arr, idx, kk)
        full = _priced(problem, arr, idx, reps, u)
        exact = full.min(axis=1)
        _collect(
            full,
            reps,
            idx,
            exact < segmin[pos] - 1e-9 * np.maximum(1.0, np.abs(segmin[pos])),
            add_per_account,
            new_a,
            new_r,
        )
        segmin[pos] = np.minimum(segmin[pos], exact)
        if kk < m:
            beyond = problem.distance_weight * w[pos] * beyond_km + problem.move_penalty * (arr.owner[idx] >= 0)
            beyond = beyond + priced[pos]
            low = beyond < segmin[pos]
            undecided.append(pos[low])
            segmin[pos[low]] = beyond[low]  # a valid floor until scanned exactly
    rest = np.concatenate(undecided) if undecided else np.zeros(0, dtype=np.int64)
    rest = rest[:scan_budget]
    all_reps = np.arange(m, dtype=np.int64)
    for s in range(0, rest.shape[0], 2000):
        pos = rest[s : s + 2000]
        idx = accounts[pos]
        reps = np.tile(all_reps, (idx.shape[0], 1))
        full = _priced(problem, arr, idx, reps, u)
        exact = full.min(axis=1)
        cur = cand_min[pos]  # candidate minimum (segmin holds the floor)
        _collect(full, reps, idx, exact < cur - 1e-9 * np.maximum(1.0, np.abs(cur)), add_per_account, new_a, new_r)
        segmin[pos] = np.minimum(cur, exact)
    value = float(segmin.sum()) + constant_term(rows, u)
    empty = np.zeros(0, dtype=np.int64)
    return (
        value,
        np.concatenate(new_a) if new_a else empty,
        np.concatenate(new_r) if new_r else empty,
        int(flagged.shape[0]),
    )


def _priced(problem: AssignmentProblem, arr: Arrays, idx: IntArray, reps: IntArray, u: Multipliers) -> FloatArray:
    """Reduced cost of each account of ``idx`` with each rep of its row of ``reps`` (inf: ineligible)."""
    acc = np.repeat(idx, reps.shape[1])
    r = reps.reshape(-1)
    red = pair_cost(problem, arr, acc, r) + arr.workload[acc] * u.lam[r] + u.mu[r] + arr.potential[acc] * u.beta[r]
    own = arr.owner[acc]
    if u.nu != 0.0:
        red = red + u.nu * ((own >= 0) & (own != r))
    ok = pair_eligible(arr, acc, r)
    lk = arr.locked[acc]
    ok = np.where(lk, own == r, ok)
    return np.asarray(np.where(ok, red, np.inf).reshape(reps.shape), dtype=np.float64)


def _collect(
    full: FloatArray,
    reps: IntArray,
    idx: IntArray,
    better: NDArray[np.bool_],
    k: int,
    new_a: list[IntArray],
    new_r: list[IntArray],
) -> None:
    """Append the ``k`` cheapest pairs of the accounts where ``better`` holds."""
    if k <= 0 or not better.any():
        return
    k = min(k, full.shape[1])
    rows_b = np.flatnonzero(better)
    sub = full[rows_b]
    part = (
        np.argpartition(sub, k - 1, axis=1)[:, :k]
        if k < sub.shape[1]
        else np.tile(np.arange(sub.shape[1]), (rows_b.size, 1))
    )
    ok = np.isfinite(np.take_along_axis(sub, part, axis=1))
    rr, cc = np.nonzero(ok)
    new_a.append(idx[rows_b[rr]])
    new_r.append(reps[rows_b[rr], part[rr, cc]].astype(np.int64))


def locate(pairs: Pairs, acc: IntArray, rep: IntArray, m: int) -> IntArray:
    """Pair indices of the given (account, rep) pairs (which must exist in ``pairs``)."""
    key = pairs.acc * m + pairs.rep
    order = np.argsort(key, kind="stable")
    return np.asarray(order[np.searchsorted(key[order], acc * m + rep)], dtype=np.int64)
