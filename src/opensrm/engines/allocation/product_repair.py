"""Round an LP plan to one rep per account and repair balance, capacity, count and moves violations.

Each step scores every candidate move (account → another candidate rep) by how much it reduces the
total scaled violation, breaking ties by added cost, and applies the best; it stops when the plan is
feasible or no single move helps.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from .candidates import Candidates
from .problem import Arrays

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _excess(value: FloatArray, lo: FloatArray | float, hi: FloatArray | float) -> FloatArray:
    return np.asarray(np.maximum(value - hi, 0.0) + np.maximum(lo - value, 0.0), dtype=np.float64)


def repair_plan(
    arr: Arrays,
    cand: Candidates,
    choice: IntArray,
    band: tuple[float, float],
    *,
    deadline: float,
    max_steps: int = 100000,
) -> tuple[IntArray, float]:
    """``choice[a]`` is the index of account a's chosen candidate pair (-1 for excluded accounts).

    Returns (repaired choice, remaining violation; 0 means feasible)."""
    m = arr.capacity.shape[0]
    acc, rep = cand.account, cand.rep
    w, pot = arr.workload[acc], arr.potential[acc]
    moved_pair = ((arr.owner[acc] >= 0) & (arr.owner[acc] != rep)).astype(np.float64)
    lo, hi = band
    sp = max(float(np.mean(arr.potential)), 1e-9)
    sw = max(float(np.mean(arr.workload)), 1e-9)
    cap, maxc = arr.capacity, arr.max_accounts
    mm = np.inf if arr.max_moves is None else float(arr.max_moves)
    ch = choice.copy()
    active = ch >= 0
    cur_pair = ch[acc]  # pair index currently chosen by each pair's account
    for _ in range(max_steps):
        if time.perf_counter() > deadline:
            break
        sel = ch[active]
        ra = rep[sel]
        load_c = np.bincount(ra, minlength=m).astype(np.float64)
        load_w: FloatArray = np.bincount(ra, weights=w[sel], minlength=m).astype(np.float64)
        load_p: FloatArray = np.bincount(ra, weights=pot[sel], minlength=m).astype(np.float64)
        moves = float(moved_pair[sel].sum())

        def viol(r: IntArray, lw: FloatArray, lp: FloatArray, lc: FloatArray) -> FloatArray:
            return (
                _excess(lp, lo, hi) / sp + np.maximum(lw - cap[r], 0.0) / sw + np.maximum(lc - maxc[r], 0.0)
            )

        v_rep = viol(np.arange(m), load_w, load_p, load_c)
        v_moves = max(moves - mm, 0.0)
        total = float(v_rep.sum()) + v_moves
        if total <= 1e-9:
            return ch, 0.0
        cur_pair = ch[acc]
        src = rep[cur_pair]
        dst = rep
        valid = (cur_pair >= 0) & (dst != src) & ~arr.locked[acc]
        # violation change at source and destination reps
        v_src_new = viol(src, load_w[src] - w, load_p[src] - pot, load_c[src] - 1)
        v_dst_new = viol(dst, load_w[dst] + w, load_p[dst] + pot, load_c[dst] + 1)
        d_moves = moved_pair - moved_pair[cur_pair]
        dv = (
            (v_src_new - v_rep[src])
            + (v_dst_new - v_rep[dst])
            + (np.maximum(moves + d_moves - mm, 0.0) - v_moves)
        )
        dcost = cand.cost - cand.cost[cur_pair]
        score = np.where(valid & (dv < -1e-12), dv + 1e-12 * dcost, np.inf)
        e = int(np.argmin(score))
        if not np.isfinite(score[e]):
            return ch, total
        ch[acc[e]] = e
    sel = ch[active]
    return ch, float("nan") if sel.size == 0 else -1.0
