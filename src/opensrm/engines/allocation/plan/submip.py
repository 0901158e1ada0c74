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


@dataclass(frozen=True)
class SubModel:
    """One sub-MIP: a column per pair of a free account (``cols``, then one penalised slack column
    per coupling row direction), a row per free account, then the coupling rows ``names`` of the
    reps the pairs touch (capacity, max accounts, balance) and the plan's moves row."""

    choice: IntArray
    free: IntArray
    cols: IntArray
    pos_of_pair: IntArray  # modelled account of each pair
    row_of_pos: IntArray  # row of each free account (-1: fixed)
    n_free: int
    nc: int  # pair columns (the slack columns follow)
    a: sparse.csc_matrix
    names: list[tuple[str, int]]  # (row family, rep or -1) of each coupling row
    row_lo: FloatArray
    row_hi: FloatArray
    cost: FloatArray
    cup: FloatArray
    integer: NDArray[np.bool_]
    mean_w: float
    mean_p: float


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
    infeasibility). Phases: build the model → the incumbent as a start → (``lp_first``) the LP
    and its rounding → the MIP → read back the plan and the rows it still breaks."""
    model = build_sub(pairs, rows, m, choice, free, cols, hard=hard)
    start = incumbent_start(model, hard=hard)
    if start is not None and lp_first:
        start = None  # the fixings below may exclude the incumbent; the caller keeps the better plan
    t_end = time.perf_counter() + time_limit
    cup = model.cup
    if lp_first:
        done, cup = lp_then_round(
            pairs,
            rows,
            m,
            model,
            time_limit=time_limit,
            t_end=t_end,
            seed=seed,
            gap=gap,
            round_on_slack=lp_round_on_slack,
        )
        if done is not None:
            return done
    limit = max(0.05, min(mip_seconds, t_end - time.perf_counter()))
    status, x, bound = run_highs(
        model.cost, model.a, model.row_lo, model.row_hi, cup, model.integer, start, limit, seed, gap
    )
    if lp_first:
        bound = -math.inf  # the fixings are heuristic: no bound for the sub-model
    if x is None:
        return SubResult(choice.copy(), math.inf, (), status, bound, False)
    return finish_sub(pairs, model, x, status, bound)


def build_sub(
    pairs: Pairs, rows: Rows, m: int, choice: IntArray, free: IntArray, cols: IntArray, *, hard: bool
) -> SubModel:
    """The sub-model: pair columns of the free accounts, their rows, the coupling rows with the
    fixed accounts' share taken off, and the slack columns (bounded by 0 when ``hard``)."""
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
    return SubModel(
        choice=choice,
        free=free,
        cols=cols,
        pos_of_pair=pos_of_pair,
        row_of_pos=row_of_pos,
        n_free=n_free,
        nc=nc,
        a=a,
        names=names,
        row_lo=np.concatenate(rlo),
        row_hi=np.concatenate(rhi),
        cost=np.concatenate([pairs.cost[cols], np.asarray(s_cost)]),
        cup=np.concatenate([np.ones(nc), np.full(ns, 0.0 if hard else np.inf)]),
        integer=np.concatenate([np.ones(nc, dtype=bool), np.zeros(ns, dtype=bool)]),
        mean_w=mean_w,
        mean_p=mean_p,
    )


def incumbent_start(model: SubModel, *, hard: bool) -> FloatArray | None:
    """The incumbent with the slack it needs (None when ``hard`` and it needs some)."""
    nc, n_free = model.nc, model.n_free
    x0 = np.zeros(model.cost.shape[0])
    x0[np.searchsorted(model.cols, model.choice[model.free])] = 1.0
    act = model.a[:, :nc] @ x0[:nc]
    j = nc
    for i, (name, _r) in enumerate(model.names):
        v = act[n_free + i]
        lo_i, hi_i = model.row_lo[n_free + i], model.row_hi[n_free + i]
        x0[j] = max(v - hi_i, 0.0)
        if name == "balance":
            x0[j + 1] = max(lo_i - v, 0.0)
            j += 1
        j += 1
    return None if hard and x0[nc:].sum() > 0 else x0


def lp_then_round(
    pairs: Pairs,
    rows: Rows,
    m: int,
    model: SubModel,
    *,
    time_limit: float,
    t_end: float,
    seed: int,
    gap: float,
    round_on_slack: bool,
) -> tuple[SubResult | None, FloatArray]:
    """The LP vertex leaves about one fractional account per binding coupling row. It is solved
    with the balance band shrunk a little so that rounding has room; the fractional accounts (plus,
    if needed, the least-certain accounts of the reps they touch) form a small MIP. Returns a
    finished result (the rounding succeeded, or ``round_on_slack`` and the LP still needs slack),
    or None and the column bounds that fix every other account for the MIP."""
    nc, n_free, cost, a, cup = model.nc, model.n_free, model.cost, model.a, model.cup
    row_lo, row_hi = model.row_lo, model.row_hi
    shr_lo, shr_hi = row_lo.copy(), row_hi.copy()
    if math.isfinite(rows.hi):
        bal = np.array([name == "balance" for name, _r in model.names])
        idx = n_free + np.flatnonzero(bal)
        # room for rounding: about two typical accounts, at most a quarter of the half-band
        delta = min(0.25 * (rows.hi - rows.lo) / 2, 2.0 * float(np.median(pairs.p[model.cols])))
        shr_lo[idx] += delta
        shr_hi[idx] -= delta
    lp_int = np.zeros(cost.shape[0], dtype=bool)
    _st, xl, _b = run_highs(cost, a, shr_lo, shr_hi, cup, lp_int, None, time_limit, seed, gap)
    if xl is None:
        return None, cup
    acc_row = model.row_of_pos[model.pos_of_pair[model.cols]]
    frac = (xl[:nc] > 1e-6) & (xl[:nc] < 1 - 1e-6)
    loose = np.zeros(n_free, dtype=bool)
    loose[acc_row[frac]] = True
    fixed_up = cup.copy()
    fixed_up[:nc][~loose[acc_row] & (xl[:nc] < 0.5)] = 0.0
    if float(xl[nc:].sum()) <= 1e-7:
        # Rounding only the fractional accounts, with no slack allowed, is tiny and usually
        # feasible thanks to the shrunk band.
        fixed_up[nc:] = 0.0
        limit = max(0.05, min(10.0, t_end - time.perf_counter()))
        st2, x2, _b2 = run_highs(cost, a, row_lo, row_hi, fixed_up, model.integer, None, limit, seed, gap)
        if x2 is not None:
            return finish_sub(pairs, model, x2, st2, -math.inf), cup
    if float(xl[nc:].sum()) > 1e-7 and round_on_slack:
        # Still violated with these accounts free: return the LP's rounding (least violation)
        # and let the caller free more accounts around what is left.
        best = np.zeros(cost.shape[0])
        order = np.lexsort((-xl[:nc], acc_row))
        first = np.r_[True, acc_row[order][1:] != acc_row[order][:-1]]
        best[order[first]] = 1.0
        return finish_sub(pairs, model, best, "lp-rounded", -math.inf), cup
    hot = np.zeros(m, dtype=bool)
    hot[pairs.rep[model.cols[frac]]] = True
    pick = np.flatnonzero((xl[:nc] > 0.5) & hot[pairs.rep[model.cols]] & ~loose[acc_row])
    budget = 15 * int(hot.sum())
    if pick.size > budget:
        pick = np.random.default_rng(seed).choice(pick, budget, replace=False)
    loose[acc_row[pick]] = True
    cup = cup.copy()
    cup[:nc][~loose[acc_row] & (xl[:nc] < 0.5)] = 0.0
    return None, cup


def finish_sub(pairs: Pairs, model: SubModel, x: FloatArray, status: str, bound: float) -> SubResult:
    """The plan of ``x`` and the coupling rows it still breaks (with their scaled total)."""
    nc, n_free = model.nc, model.n_free
    new = model.choice.copy()
    chosen = model.cols[x[:nc] > 0.5]
    new[model.pos_of_pair[chosen]] = chosen
    act = model.a[:, :nc] @ (x[:nc] > 0.5).astype(np.float64)
    violated: list[Violation] = []
    total = 0.0
    for i, (name, r) in enumerate(model.names):
        v = act[n_free + i]
        hi = model.row_hi[n_free + i]
        over = max(v - hi, 0.0)
        under = max(model.row_lo[n_free + i] - v, 0.0)
        tol = 1e-7 * max(1.0, abs(hi) if math.isfinite(hi) else 1.0)
        if over > tol or under > tol:
            unit = {"capacity": model.mean_w, "balance": model.mean_p}.get(name, 1.0)
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
