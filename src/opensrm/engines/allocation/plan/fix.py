"""Last-mile repair of the product plan: single account moves, each strictly reducing violation.

After the flow rounds (or when the sub-MIPs stall) a few reps sit just outside their band. For the
worst violated rep every single move out of it (to a candidate rep or a nearby rep) and into it
(from a nearby rep) is scored by the change of the total violation — the rep's and the other rep's
rows and the moves cap — and the cheapest move among the best reducers is made. Total violation
strictly decreases, so the loop ends; moves to non-candidate reps become candidate pairs.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray

from .lagrange import Pairs, Rows
from .problem import Arrays, AssignmentProblem, pair_cost, pair_eligible

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class State:
    """Loads of a plan given as one rep per modelled account, and its (scaled) violation."""

    def __init__(self, arr: Arrays, pairs: Pairs, rows: Rows, rep: IntArray) -> None:
        m = arr.capacity.shape[0]
        self.arr, self.rows = arr, rows
        self.acc = pairs.accounts
        self.rep = rep.copy()
        self.lp: FloatArray = np.bincount(self.rep, weights=arr.potential[self.acc], minlength=m).astype(np.float64)
        self.lw: FloatArray = np.bincount(self.rep, weights=arr.workload[self.acc], minlength=m).astype(np.float64)
        self.lc: FloatArray = np.bincount(self.rep, minlength=m).astype(np.float64)
        own = arr.owner[self.acc]
        self.moves = float(((own >= 0) & (own != self.rep)).sum())
        self.sw = max(float(pairs.w.mean()), 1e-9)
        self.sp = max(float(pairs.p.mean()), 1e-9)

    def rep_viol(self, r: IntArray, lp: FloatArray, lw: FloatArray, lc: FloatArray) -> FloatArray:
        rows = self.rows
        tol_w = 1e-7 * np.maximum(1.0, rows.cap[r])
        v = np.maximum(lw - rows.cap[r] - tol_w, 0.0) / self.sw + np.maximum(lc - rows.maxc[r], 0.0)
        if math.isfinite(rows.hi):
            tol_p = 1e-7 * max(1.0, rows.hi)
            v = v + (np.maximum(lp - rows.hi - tol_p, 0.0) + np.maximum(rows.lo - lp - tol_p, 0.0)) / self.sp
        return np.asarray(v, dtype=np.float64)

    def total(self) -> tuple[float, FloatArray]:
        m = self.lp.shape[0]
        v = self.rep_viol(np.arange(m), self.lp, self.lw, self.lc)
        return float(v.sum()) + float(self._mv(self.moves)), v

    def _mv(self, moves: float | FloatArray) -> FloatArray:
        return np.asarray(np.maximum(np.asarray(moves) - self.rows.moves, 0.0), dtype=np.float64)

    def delta(self, pos: IntArray, dst: IntArray) -> FloatArray:
        """Change of the total violation if each account position ``pos`` moved to ``dst``."""
        arr = self.arr
        a, src = self.acc[pos], self.rep[pos]
        p, w = arr.potential[a], arr.workload[a]
        before = self.rep_viol(src, self.lp[src], self.lw[src], self.lc[src])
        before = before + self.rep_viol(dst, self.lp[dst], self.lw[dst], self.lc[dst])
        after = self.rep_viol(src, self.lp[src] - p, self.lw[src] - w, self.lc[src] - 1)
        after = after + self.rep_viol(dst, self.lp[dst] + p, self.lw[dst] + w, self.lc[dst] + 1)
        own = arr.owner[a]
        d_mov = ((own >= 0) & (own != dst)).astype(np.float64) - ((own >= 0) & (own != src))
        return np.asarray(after - before + self._mv(self.moves + d_mov) - self._mv(self.moves), dtype=np.float64)

    def apply(self, pos: int, dst: int) -> None:
        arr, a, src = self.arr, int(self.acc[pos]), int(self.rep[pos])
        p, w = arr.potential[a], arr.workload[a]
        self.lp[src] -= p
        self.lw[src] -= w
        self.lc[src] -= 1
        self.lp[dst] += p
        self.lw[dst] += w
        self.lc[dst] += 1
        own = int(arr.owner[a])
        self.moves += float(own >= 0 and own != dst) - float(own >= 0 and own != src)
        self.rep[pos] = dst


def fix(
    problem: AssignmentProblem,
    arr: Arrays,
    pairs: Pairs,
    rows: Rows,
    rep: IntArray,
    near: IntArray,
    *,
    deadline: float,
    max_moves: int = 20_000,
) -> tuple[IntArray, int]:
    """Single strictly improving moves until no rep is violated (or none helps); ``rep`` is the
    rep of each modelled account. Returns (new reps, moves made)."""
    m = arr.capacity.shape[0]
    st = State(arr, pairs, rows, rep)
    free = ~arr.locked[st.acc]
    by_rep_order = np.argsort(st.rep, kind="stable")
    snap = st.rep[by_rep_order]
    made, refreshed = 0, 0
    total, v = st.total()
    tried = np.zeros(m, dtype=bool)
    while total > 0 and made < max_moves and time.perf_counter() < deadline:
        if (v > 0).any():
            cand_r = np.flatnonzero((v > 0) & ~tried)
            if cand_r.size == 0:
                break
            r = int(cand_r[np.argmax(v[cand_r])])
        else:
            r = -1  # only the moves cap: every rep may help
        if made - refreshed >= 200:
            # accounts moved since the snapshot are missed until the next one
            by_rep_order = np.argsort(st.rep, kind="stable")
            snap, refreshed = st.rep[by_rep_order], made
        if r >= 0:
            around = np.r_[r, near[r]]
            lo_i = np.asarray(np.searchsorted(snap, around), dtype=np.int64)
            hi_i = np.asarray(np.searchsorted(snap, around, side="right"), dtype=np.int64)
            pos = np.concatenate([by_rep_order[int(lo_i[i]) : int(hi_i[i])] for i in range(around.size)])
            pos = pos[(st.rep[pos] == np.repeat(around, hi_i - lo_i)) & free[pos]]
        else:
            own = arr.owner[st.acc]
            pos = np.flatnonzero(free & (own >= 0) & (own != st.rep))
        if pos.size == 0:
            tried[max(r, 0)] = True
            continue
        # targets: from r to its candidate reps and neighbours; from the neighbours into r
        out = pos[st.rep[pos] == r] if r >= 0 else pos
        counts = pairs.counts[out]
        cp = np.repeat(pairs.seg[out], counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        tp = [np.repeat(out, counts), np.repeat(out, near.shape[1]) if r >= 0 else np.zeros(0, np.int64)]
        tr = [pairs.rep[cp], np.tile(near[r], out.size) if r >= 0 else np.zeros(0, np.int64)]
        if r >= 0:
            into = pos[st.rep[pos] != r]
            tp.append(into)
            tr.append(np.full(into.size, r, dtype=np.int64))
        mp, mr = np.concatenate(tp), np.concatenate(tr)
        a = st.acc[mp]
        ok = (mr != st.rep[mp]) & pair_eligible(arr, a, mr)
        mp, mr, a = mp[ok], mr[ok], a[ok]
        if mp.size == 0:
            tried[max(r, 0)] = True
            continue
        dv = st.delta(mp, mr)
        best = float(dv.min())
        if best >= -1e-12:
            if r < 0:
                break
            tried[r] = True
            continue
        good = np.flatnonzero(dv <= 0.5 * best)
        dc = pair_cost(problem, arr, a[good], mr[good]) - pair_cost(problem, arr, a[good], st.rep[mp[good]])
        j = good[int(np.argmin(dc))]
        st.apply(int(mp[j]), int(mr[j]))
        made += 1
        tried[:] = False
        total, v = st.total()
    return st.rep, made
