"""Fast repair of the product plan's coupling rows by potential flows between reps.

The Lagrangian choice is far from balanced at scale (most reps outside the band), and a region
with more reps than its accounts support can only be balanced by accounts going to reps that are
not among their nearest (not candidates). So a small LP over the REPS decides how much potential
flows from each rep to another: the arcs are the accounts' candidate pairs plus, for every rep, its
nearest reps (any of its non-locked accounts may go there); each (source, target, move class) arc is
split into tranches of the source's accounts ordered by cost increase per unit of potential. Rows
keep every rep's potential inside a slightly shrunk band and its workload and count within limits,
and one row holds the moves cap; transit through reps is allowed, so a surplus region pushes
potential through its neighbours. The flows are then realised account by account (cheapest first
per arc), the rounding error (about one account per arc) falling inside the shrunk band. A few
rounds remove nearly all violation; the penalised sub-MIPs finish the rest.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .candidates import Candidates, add_pairs, unit_vectors
from .fix import State, fix
from .lagrange import Pairs, Rows, locate, make_pairs
from .problem import Arrays, AssignmentProblem, pair_cost, pair_eligible
from .submip import run_lp

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
TRANCHES = np.array([4, 16, 64, 256])  # rank limits of an arc's accounts, cheapest first


def _alternatives(
    problem: AssignmentProblem,
    arr: Arrays,
    acc: IntArray,
    cur: IntArray,
    near: IntArray,
    links: IntArray,
    active: NDArray[np.bool_],
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """(account position, target rep, cost change, move change) of every way to move an account
    on an ``active`` rep: to its current rep's nearest reps, along the reversed cluster links
    ``links`` (from rep ``links[i]`` to rep i), or back to its owner (skills permitting, not
    locked)."""
    m = arr.capacity.shape[0]
    free = np.flatnonzero(~arr.locked[acc] & active[cur])
    kn = near.shape[1]
    own = arr.owner[acc[free]]
    back = free[(own >= 0) & (own != cur[free])]
    # reversed links: every account of rep links[i] may go to rep i
    order = free[np.argsort(cur[free], kind="stable")]
    count = np.bincount(cur[free], minlength=m)
    start = np.r_[0, np.cumsum(count)[:-1]]
    li = np.flatnonzero(links >= 0)
    lc = count[links[li]]
    idx = np.repeat(start[links[li]], lc) + np.arange(lc.sum()) - np.repeat(np.cumsum(lc) - lc, lc)
    pos = np.r_[np.repeat(free, kn), back, order[idx]]
    rep = np.r_[near[cur[free]].reshape(-1), arr.owner[acc[back]], np.repeat(li, lc)]
    a = acc[pos]
    ok = pair_eligible(arr, a, rep) & (rep != cur[pos])
    # the owner may also be one of the nearest reps: keep one copy
    dup = np.zeros(pos.size, dtype=bool)
    dup[: free.size * kn] = (rep[: free.size * kn] == np.repeat(arr.owner[acc[free]], kn)) & np.repeat(
        (own >= 0) & (own != cur[free]), kn
    )
    pos, rep, a = pos[ok & ~dup], rep[ok & ~dup], a[ok & ~dup]
    delta = pair_cost(problem, arr, a, rep) - pair_cost(problem, arr, a, cur[pos])
    o = arr.owner[a]
    d_mov = ((o >= 0) & (o != rep)).astype(np.int64) - ((o >= 0) & (o != cur[pos])).astype(np.int64)
    return pos, rep, delta, d_mov


def flow_round(
    problem: AssignmentProblem,
    arr: Arrays,
    st: State,
    near: IntArray,
    links: IntArray,
    *,
    time_limit: float,
    shrink: float,
) -> tuple[IntArray, IntArray]:
    """One LP over rep-to-rep potential flows; returns the (account position, rep) moves that
    realise it."""
    m, rows = arr.capacity.shape[0], st.rows
    lp, lw, lc, moves = st.lp, st.lw, st.lc, st.moves
    active = np.zeros(m, dtype=bool)
    if math.isfinite(rows.hi):
        active |= (lp > rows.hi - shrink) | (lp < rows.lo + shrink)
    active |= (lw > rows.cap) | (lc > rows.maxc)
    if math.isfinite(rows.moves) and moves > rows.moves:
        active[:] = True
    for _ in range(2):  # and the reps two hops away, through which potential can pass
        active[near[active].reshape(-1)] = True
    pos, dst, delta, d_mov = _alternatives(problem, arr, st.acc, st.rep, near, links, active)
    empty = np.zeros(0, dtype=np.int64)
    if pos.size == 0:
        return empty, empty
    acc = st.acc[pos]
    p = np.maximum(arr.potential[acc], 1e-9)
    unit = np.maximum(delta, 0.0) / p
    arc = (st.rep[pos] * m + dst) * 3 + d_mov + 1
    order = np.lexsort((unit, arc))
    pos, dst, d_mov, arc, acc = pos[order], dst[order], d_mov[order], arc[order], acc[order]
    delta, p = delta[order], p[order]
    first = np.r_[0, np.flatnonzero(arc[1:] != arc[:-1]) + 1]
    rank = np.arange(arc.size) - np.repeat(first, np.diff(np.r_[first, arc.size]))
    tranche = np.searchsorted(TRANCHES, rank, side="right")
    keep = tranche < TRANCHES.size
    pos, dst, d_mov, arc, acc, tranche = pos[keep], dst[keep], d_mov[keep], arc[keep], acc[keep], tranche[keep]
    delta, p = delta[keep], p[keep]
    key = arc * TRANCHES.size + tranche
    col_start = np.r_[0, np.flatnonzero(key[1:] != key[:-1]) + 1]
    cols = key[col_start]
    nc = cols.shape[0]
    col_of = np.repeat(np.arange(nc), np.diff(np.r_[col_start, key.size]))
    cap_p = np.bincount(col_of, weights=p, minlength=nc)
    cost = np.bincount(col_of, weights=np.maximum(delta, 0.0), minlength=nc) / cap_p
    rho_w = np.bincount(col_of, weights=arr.workload[acc], minlength=nc) / cap_p
    rho_c = np.bincount(col_of, minlength=nc) / cap_p
    rho_m = np.bincount(col_of, weights=d_mov.astype(np.float64), minlength=nc) / cap_p
    c_arc = cols // TRANCHES.size // 3
    c_src, c_dst = c_arc // m, c_arc % m
    # rows: potential (m), workload (m), count (m), moves (1); every row elastic (penalised)
    n_rows = 3 * m + 1
    ar = np.arange(nc)
    ridx = [c_dst, c_src, m + c_dst, m + c_src, 2 * m + c_dst, 2 * m + c_src, np.full(nc, 3 * m)]
    rval = [np.ones(nc), -np.ones(nc), rho_w, -rho_w, rho_c, -rho_c, rho_m]
    cidx = [ar] * 7
    mean_p, mean_w = st.sp, st.sw
    big = 1e3 * (float(np.max(cost)) + 1.0)
    unit_row = np.r_[np.full(m, mean_p), np.full(m, mean_w), np.ones(m + 1)]
    ridx.append(np.r_[np.arange(n_rows), np.arange(n_rows)])
    rval.append(np.r_[np.ones(n_rows), -np.ones(n_rows)])
    cidx.append(nc + np.arange(2 * n_rows))
    a = sparse.csc_matrix(
        (np.concatenate(rval), (np.concatenate(ridx), np.concatenate(cidx))), shape=(n_rows, nc + 2 * n_rows)
    )
    fin = math.isfinite(rows.hi)
    # a little room kept under the moves cap for rounding, never asking for fewer moves than now
    mv_margin = min(0.001 * st.acc.shape[0], max(0.0, rows.moves - moves))
    mv_room = rows.moves - moves - mv_margin if math.isfinite(rows.moves) else 1e30
    row_lo = np.r_[(rows.lo + shrink - lp) if fin else np.full(m, -1e30), np.full(2 * m + 1, -1e30)]
    row_hi = np.r_[
        (rows.hi - shrink - lp) if fin else np.full(m, 1e30),
        rows.cap - lw,
        np.where(np.isfinite(rows.maxc), rows.maxc - 1 - lc, 1e30),
        [mv_room],
    ]
    c = np.r_[cost, big * mean_p / np.r_[unit_row, unit_row]]
    x = run_lp(c, a, row_lo, np.minimum(row_hi, 1e30), np.r_[cap_p, np.full(2 * n_rows, np.inf)], time_limit)
    if x is None:
        return empty, empty
    flow = x[:nc]
    # realise column by column: columns that undo moves first, then neutral ones, then those adding
    # moves (within the budget left under the cap, so the cap holds whatever the rounding); largest
    # flow first; accounts cheapest first, each account once
    taken = np.zeros(st.acc.shape[0], dtype=bool)
    bounds = np.r_[col_start, key.size]
    out_pos: list[IntArray] = []
    out_rep: list[IntArray] = []
    budget = rows.moves - moves if math.isfinite(rows.moves) else math.inf
    cls = cols // TRANCHES.size % 3
    used = np.flatnonzero(flow > 1e-6 * mean_p)
    for j in used[np.lexsort((-flow[used], cls[used]))]:
        s, t = bounds[j], bounds[j + 1]
        cand = np.arange(s, t)[~taken[pos[s:t]]]
        if cand.size == 0:
            continue
        before = np.cumsum(p[cand]) - p[cand]
        sel = cand[before + 0.5 * p[cand] <= flow[j]]
        if cls[j] == 2:
            sel = sel[: max(0, int(budget))]
        budget -= float(d_mov[sel].sum())
        taken[pos[sel]] = True
        out_pos.append(pos[sel])
        out_rep.append(dst[sel])
    if not out_pos:
        return empty, empty
    return np.concatenate(out_pos), np.concatenate(out_rep)


def balance(
    problem: AssignmentProblem,
    arr: Arrays,
    cand: Candidates,
    pairs: Pairs,
    rows: Rows,
    choice: IntArray,
    *,
    deadline: float,
    rounds: int = 40,
    neighbours: int = 8,
) -> tuple[Candidates, Pairs, IntArray, int]:
    """Flow rounds until the coupling rows hold or stop improving, then single moves; the
    non-candidate pairs used become candidates. Returns (candidates, pairs, choice, rounds run)."""
    m = arr.capacity.shape[0]
    st = State(arr, pairs, rows, pairs.rep[choice])
    viol, _ = st.total()
    near, links = rep_neighbours(arr, neighbours)
    half = (rows.hi - rows.lo) / 2 if math.isfinite(rows.hi) else 0.0
    done = 0
    for done in range(1, rounds + 1):  # noqa: B007 - count returned
        if viol <= 0.05 * m or time.perf_counter() > deadline:
            break  # (a small rest is left to the single moves)
        shrink = min(0.3 * half, 4.0 * st.sp)
        pos, rep = flow_round(
            problem, arr, st, near, links, time_limit=max(1.0, deadline - time.perf_counter()), shrink=shrink
        )
        if pos.size == 0:
            break
        new_rep = st.rep.copy()
        new_rep[pos] = rep
        new_st = State(arr, pairs, rows, new_rep)
        new_viol, _ = new_st.total()
        if new_viol >= viol:
            break  # the rounding now spoils as much as it mends: single moves finish
        st, viol = new_st, new_viol
    rep_now = st.rep
    if viol > 0:
        fix_end = min(deadline, time.perf_counter() + 60.0)
        rep_now, _ = fix(problem, arr, pairs, rows, rep_now, near[:, :neighbours], deadline=fix_end)
    changed = np.flatnonzero(rep_now != pairs.rep[choice])
    if changed.size == 0:
        return cand, pairs, choice, done
    cand = add_pairs(problem, arr, cand, pairs.accounts[changed], rep_now[changed])
    pairs = make_pairs(arr, cand, pairs.accounts)
    return cand, pairs, locate(pairs, pairs.accounts, rep_now, m), done


def rep_neighbours(arr: Arrays, k: int) -> tuple[IntArray, IntArray]:
    """Each rep's ``k`` nearest reps plus its nearest rep outside its cluster (connected component
    of the k-nearest graph), and that link reversed (``links[i]``: the rep whose accounts may go to
    rep i; -1 none): the ways potential enters and leaves a cluster with too many or too few reps."""
    m = arr.capacity.shape[0]
    kn = min(k + 1, m)
    pts = unit_vectors(arr.rlat, arr.rlon)
    tree = cKDTree(pts)
    near = np.asarray(tree.query(pts, k=kn)[1]).reshape(m, kn).astype(np.int64)[:, 1:]
    links = np.full(m, -1, dtype=np.int64)
    if near.shape[1] == 0:
        return near, links
    src = np.repeat(np.arange(m), near.shape[1])
    graph = sparse.csr_matrix((np.ones(near.size), (src, near.reshape(-1))), shape=(m, m))
    n_comp, label = connected_components(graph, directed=False)
    if n_comp == 1:
        return near, links
    extra = np.empty(m, dtype=np.int64)
    for c in range(n_comp):
        inside = np.flatnonzero(label == c)
        outside = np.flatnonzero(label != c)
        j = np.asarray(cKDTree(pts[outside]).query(pts[inside], k=1)[1]).reshape(-1)
        extra[inside] = outside[j]
    return np.column_stack([near, extra]), extra
