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

from .candidates import Candidates
from .problem import Arrays, AssignmentProblem, cost_block, eligible_block

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
    chunk: int = 2000,
    add_per_account: int = 2,
) -> tuple[float, IntArray, IntArray, int]:
    """Lagrangian value of the FULL problem (all eligible reps) at ``u``.

    A non-candidate rep of account a costs at least ``kth_cost[a]`` and its priced rows add at
    least ``p_a·min(beta)`` (capacity, count and moves prices are ≥ 0, and the owner is always a
    candidate so a non-candidate is a move); only accounts whose candidate minimum exceeds that
    floor are scanned exactly. Returns (value, accounts and reps of improving pairs to add as
    columns, number of accounts scanned)."""
    m = arr.capacity.shape[0]
    red = reduced_costs(pairs, u)
    segmin, _ = argmin_pairs(pairs, red)
    accounts = pairs.accounts
    kth = cand.kth_cost if cand.kth_cost is not None else np.full(arr.workload.shape[0], -np.inf)
    floor = kth[accounts] + arr.potential[accounts] * min(0.0, float(u.beta.min()))
    floor = floor + u.nu * (arr.owner[accounts] >= 0)
    flagged = np.flatnonzero(segmin > floor + 1e-9 * np.maximum(1.0, np.abs(segmin)))
    new_a: list[IntArray] = []
    new_r: list[IntArray] = []
    for s in range(0, flagged.shape[0], chunk):
        pos = flagged[s : s + chunk]
        idx = accounts[pos]
        full = cost_block(problem, arr, idx)
        full = full + arr.workload[idx][:, None] * u.lam[None, :] + u.mu[None, :]
        full = full + arr.potential[idx][:, None] * u.beta[None, :]
        if u.nu != 0.0:
            own = arr.owner[idx][:, None]
            full = full + u.nu * ((own >= 0) & (own != np.arange(m)[None, :]))
        full = np.where(eligible_block(arr, idx), full, np.inf)
        exact = full.min(axis=1)
        better = exact < segmin[pos] - 1e-9 * np.maximum(1.0, np.abs(segmin[pos]))
        segmin[pos] = np.minimum(segmin[pos], exact)
        if add_per_account > 0 and better.any():
            k = min(add_per_account, m)
            rows_b = np.flatnonzero(better)
            part = (
                np.argpartition(full[rows_b], k - 1, axis=1)[:, :k]
                if k < m
                else np.tile(np.arange(m), (rows_b.size, 1))
            )
            ok = np.isfinite(np.take_along_axis(full[rows_b], part, axis=1))
            rr, cc = np.nonzero(ok)
            new_a.append(idx[rows_b[rr]])
            new_r.append(part[rr, cc].astype(np.int64))
    value = float(segmin.sum()) + constant_term(rows, u)
    empty = np.zeros(0, dtype=np.int64)
    return (
        value,
        np.concatenate(new_a) if new_a else empty,
        np.concatenate(new_r) if new_r else empty,
        int(flagged.shape[0]),
    )
