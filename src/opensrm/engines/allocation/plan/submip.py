"""Sub-MIPs of the product plan: re-optimise a set of free accounts with everything else fixed.

Coupling rows get penalised slack columns, so a sub-MIP always returns a plan and the slack left
names the rows still violated (repair loop, infeasibility explanation). The incumbent, completed
with the slack it needs, is passed as a start: a sub-MIP never returns a worse plan.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..common.highs import run_highs
from ..common.outcome import Constraint, Violation, ViolationCode
from .lagrange import Pairs, Rows

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SubResult:
    choice: IntArray  # updated pair index per modelled account
    violation: float  # scaled slack left in the rows of the touched reps (0: feasible there)
    violated: tuple[Violation, ...]  # rows left violated; message "capacity: rep 3 over by 2.0 h", ...
    status: str
    bound: float  # MIP dual bound of the sub-model (objective includes slack penalties)
    optimal: bool


ROW_CONSTRAINT = {
    "capacity": Constraint.CAPACITY,
    "max accounts": Constraint.MAX_ACCOUNTS,
    "balance": Constraint.BALANCE,
    "moves": Constraint.MOVES,
}


def run_lp(
    cost: FloatArray,
    a: sparse.csc_matrix,
    rlo: FloatArray,
    rhi: FloatArray,
    cup: FloatArray,
    time_limit: float,
) -> FloatArray | None:
    """Solve a continuous LP (columns ≥ 0, ≤ ``cup``); None when HiGHS found no feasible point."""
    integer = np.zeros(cost.shape[0], dtype=bool)
    return run_highs(cost, a, rlo, rhi, cup, integer, None, time_limit, 0, 1e-4)[1]


def solve_sub(
    pairs: Pairs,
    rows: Rows,
    m: int,
    choice: IntArray,
    free: IntArray,
    cols: IntArray,
    *,
    time_limit: float,
    seed: int = 0,
    gap: float = 1e-4,
    hard: bool = False,
    lp_first: bool = False,
    lp_round_on_slack: bool = False,
    mip_seconds: float = math.inf,
) -> SubResult:
    """Re-assign the modelled accounts at positions ``free`` using only the pairs ``cols`` (each
    free account's current pair is added). ``hard`` drops the slack columns (to prove
    infeasibility)."""
    n_mod = pairs.seg.shape[0]
    pos_of_pair = np.repeat(np.arange(n_mod), pairs.counts)
    is_free = np.zeros(n_mod, dtype=bool)
    is_free[free] = True
    cols = np.union1d(cols[is_free[pos_of_pair[cols]]], choice[free])
    fixed = choice[~is_free]
    fr = pairs.rep[fixed]
    fw = np.bincount(fr, weights=pairs.w[fixed], minlength=m)
    fc = np.bincount(fr, minlength=m).astype(np.float64)
    fp = np.bincount(fr, weights=pairs.p[fixed], minlength=m)
    fmov = float(pairs.moved[fixed].sum())
    touched = np.unique(pairs.rep[cols])
    k = touched.shape[0]
    rep_row = np.full(m, -1, dtype=np.int64)
    rep_row[touched] = np.arange(k)
    n_free = free.shape[0]
    row_of_pos = np.full(n_mod, -1, dtype=np.int64)
    row_of_pos[free] = np.arange(n_free)
    nc = cols.shape[0]
    rr, cc, vv = [row_of_pos[pos_of_pair[cols]]], [np.arange(nc)], [np.ones(nc)]
    rlo, rhi = [np.ones(n_free)], [np.ones(n_free)]
    names: list[tuple[str, int]] = []
    base = n_free
    cap_res = rows.cap[touched] - fw[touched]
    rr.append(base + rep_row[pairs.rep[cols]])
    cc.append(np.arange(nc))
    vv.append(pairs.w[cols])
    rlo.append(np.full(k, -np.inf))
    rhi.append(cap_res)
    names += [("capacity", int(r)) for r in touched]
    base += k
    fin = np.isfinite(rows.maxc[touched])
    if fin.any():
        rr.append(base + rep_row[pairs.rep[cols]])
        cc.append(np.arange(nc))
        vv.append(np.ones(nc))
        rlo.append(np.full(k, -np.inf))
        rhi.append(np.where(fin, rows.maxc[touched] - fc[touched], 1e30))
        names += [("max accounts", int(r)) for r in touched]
        base += k
    if math.isfinite(rows.hi):
        rr.append(base + rep_row[pairs.rep[cols]])
        cc.append(np.arange(nc))
        vv.append(pairs.p[cols])
        rlo.append(np.asarray(rows.lo - fp[touched], dtype=np.float64))
        rhi.append(np.asarray(rows.hi - fp[touched], dtype=np.float64))
        names += [("balance", int(r)) for r in touched]
        base += k
    if math.isfinite(rows.moves):
        mv = np.flatnonzero(pairs.moved[cols] > 0)
        rr.append(np.full(mv.shape[0], base))
        cc.append(mv)
        vv.append(np.ones(mv.shape[0]))
        rlo.append(np.array([-np.inf]))
        rhi.append(np.array([rows.moves - fmov]))
        names.append(("moves", -1))
        base += 1
    # Slack columns: one per coupling row, direction-signed; a ranged balance row gets two.
    scale_cost = 50.0 * float(np.abs(pairs.cost[cols]).max() + 1.0)
    mean_w = max(float(pairs.w[cols].mean()), 1e-9)
    mean_p = max(float(pairs.p[cols].mean()), 1e-9)
    s_rows, s_vals, s_cost = [], [], []
    for i, (name, _r) in enumerate(names):
        row = n_free + i
        unit = {"capacity": mean_w, "balance": mean_p}.get(name, 1.0)
        s_rows.append(row)
        s_vals.append(-1.0)
        s_cost.append(scale_cost / unit)
        if name == "balance":
            s_rows.append(row)
            s_vals.append(1.0)
            s_cost.append(scale_cost / unit)
    ns = len(s_rows)
    rr.append(np.asarray(s_rows, dtype=np.int64))
    cc.append(nc + np.arange(ns))
    vv.append(np.asarray(s_vals))
    a = sparse.csc_matrix((np.concatenate(vv), (np.concatenate(rr), np.concatenate(cc))), shape=(base, nc + ns))
    cost = np.concatenate([pairs.cost[cols], np.asarray(s_cost)])
    cup = np.concatenate([np.ones(nc), np.full(ns, 0.0 if hard else np.inf)])
    integer = np.concatenate([np.ones(nc, dtype=bool), np.zeros(ns, dtype=bool)])
    row_lo, row_hi = np.concatenate(rlo), np.concatenate(rhi)
    # Start: the incumbent, with the slack it needs.
    x0 = np.zeros(nc + ns)
    x0[np.searchsorted(cols, choice[free])] = 1.0
    act = a[:, :nc] @ x0[:nc]
    j = nc
    for i, (name, _r) in enumerate(names):
        v = act[n_free + i]
        lo_i, hi_i = row_lo[n_free + i], row_hi[n_free + i]
        x0[j] = max(v - hi_i, 0.0)
        if name == "balance":
            x0[j + 1] = max(lo_i - v, 0.0)
            j += 1
        j += 1
    start = None if hard and x0[nc:].sum() > 0 else x0
    if start is not None and lp_first:
        start = None  # the fixings below may exclude the incumbent; the caller keeps the better plan
    t_end = time.perf_counter() + time_limit
    if lp_first:
        # The LP vertex leaves about one fractional account per binding coupling row. It is solved
        # with the balance band shrunk a little so that rounding has room; the fractional
        # accounts (plus, if needed, the least-certain accounts of the reps they touch) form a small MIP.
        shr_lo, shr_hi = row_lo.copy(), row_hi.copy()
        if math.isfinite(rows.hi):
            bal = np.array([name == "balance" for name, _r in names])
            idx = n_free + np.flatnonzero(bal)
            # room for rounding: about two typical accounts, at most a quarter of the half-band
            delta = min(0.25 * (rows.hi - rows.lo) / 2, 2.0 * float(np.median(pairs.p[cols])))
            shr_lo[idx] += delta
            shr_hi[idx] -= delta
        lp_int = np.zeros(nc + ns, dtype=bool)
        _st, xl, _b = run_highs(cost, a, shr_lo, shr_hi, cup, lp_int, None, time_limit, seed, gap)
        if xl is not None:
            acc_row = row_of_pos[pos_of_pair[cols]]
            frac = (xl[:nc] > 1e-6) & (xl[:nc] < 1 - 1e-6)
            loose = np.zeros(n_free, dtype=bool)
            loose[acc_row[frac]] = True
            fixed_up = cup.copy()
            fixed_up[:nc][~loose[acc_row] & (xl[:nc] < 0.5)] = 0.0
            if float(xl[nc:].sum()) <= 1e-7:
                # Rounding only the fractional accounts, with no slack allowed, is tiny and
                # usually feasible thanks to the shrunk band.
                fixed_up[nc:] = 0.0
                st2, x2, _b2 = run_highs(
                    cost,
                    a,
                    row_lo,
                    row_hi,
                    fixed_up,
                    integer,
                    None,
                    max(0.05, min(10.0, t_end - time.perf_counter())),
                    seed,
                    gap,
                )
                if x2 is not None:
                    return _finish(
                        pairs,
                        choice,
                        cols,
                        pos_of_pair,
                        x2,
                        nc,
                        a,
                        names,
                        row_lo,
                        row_hi,
                        n_free,
                        mean_w,
                        mean_p,
                        st2,
                        -math.inf,
                    )
            if float(xl[nc:].sum()) > 1e-7 and lp_round_on_slack:
                # Still violated with these accounts free: return the LP's rounding (least
                # violation) and let the caller free more accounts around what is left.
                best = np.zeros(nc + ns)
                order = np.lexsort((-xl[:nc], acc_row))
                first = np.r_[True, acc_row[order][1:] != acc_row[order][:-1]]
                best[order[first]] = 1.0
                return _finish(
                    pairs,
                    choice,
                    cols,
                    pos_of_pair,
                    best,
                    nc,
                    a,
                    names,
                    row_lo,
                    row_hi,
                    n_free,
                    mean_w,
                    mean_p,
                    "lp-rounded",
                    -math.inf,
                )
            hot = np.zeros(m, dtype=bool)
            hot[pairs.rep[cols[frac]]] = True
            pick = np.flatnonzero((xl[:nc] > 0.5) & hot[pairs.rep[cols]] & ~loose[acc_row])
            budget = 15 * int(hot.sum())
            if pick.size > budget:
                pick = np.random.default_rng(seed).choice(pick, budget, replace=False)
            loose[acc_row[pick]] = True
            cup = cup.copy()
            cup[:nc][~loose[acc_row] & (xl[:nc] < 0.5)] = 0.0
    limit = max(0.05, min(mip_seconds, t_end - time.perf_counter()))
    status, x, bound = run_highs(cost, a, row_lo, row_hi, cup, integer, start, limit, seed, gap)
    if lp_first:
        bound = -math.inf  # the fixings are heuristic: no bound for the sub-model
    if x is None:
        return SubResult(choice.copy(), math.inf, (), status, bound, False)
    return _finish(
        pairs, choice, cols, pos_of_pair, x, nc, a, names, row_lo, row_hi, n_free, mean_w, mean_p, status, bound
    )


def _finish(
    pairs: Pairs,
    choice: IntArray,
    cols: IntArray,
    pos_of_pair: IntArray,
    x: FloatArray,
    nc: int,
    a: sparse.csc_matrix,
    names: list[tuple[str, int]],
    row_lo: FloatArray,
    row_hi: FloatArray,
    n_free: int,
    mean_w: float,
    mean_p: float,
    status: str,
    bound: float,
) -> SubResult:
    new = choice.copy()
    chosen = cols[x[:nc] > 0.5]
    new[pos_of_pair[chosen]] = chosen
    act = a[:, :nc] @ (x[:nc] > 0.5).astype(np.float64)
    violated: list[Violation] = []
    total = 0.0
    for i, (name, r) in enumerate(names):
        v = act[n_free + i]
        over = max(v - row_hi[n_free + i], 0.0)
        under = max(row_lo[n_free + i] - v, 0.0)
        tol = 1e-7 * max(1.0, abs(row_hi[n_free + i]) if math.isfinite(row_hi[n_free + i]) else 1.0)
        if over > tol or under > tol:
            unit = {"capacity": mean_w, "balance": mean_p}.get(name, 1.0)
            total += (over + under) / unit
            who = f"rep {r}" if r >= 0 else "plan"
            violated.append(
                Violation(
                    ViolationCode.ROW_OVER if over > 0 else ViolationCode.ROW_UNDER,
                    ROW_CONSTRAINT[name],
                    rep=int(r) if r >= 0 else None,
                    amount=float(over + under),
                    message=f"{name}: {who} {'over' if over > 0 else 'under'} by {over + under:.1f}",
                )
            )
    return SubResult(new, total, tuple(violated), status, bound, status == "Optimal")
