"""Candidate sparsification: each account keeps its k cheapest eligible reps plus its owner.

The reps are found with a k-d tree on the unit sphere (3-D unit vectors: the chord distance is
monotone in the great-circle distance), so only each account's ``K`` nearest reps are costed instead
of all of them. The distance of the K-th nearest rep gives a valid floor on the cost of every rep
beyond it, which is what the full-problem certification needs (``kth_cost``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ..common.geo import EARTH_RADIUS_KM
from .problem import Arrays, AssignmentProblem, cost_block, eligible_block, pair_cost, pair_eligible

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
# relative safety margin on distance floors (float rounding of chord vs haversine)
FLOOR_MARGIN = 1e-7


@dataclass(frozen=True)
class Candidates:
    """Pairs sorted by account: ``account[e]``, ``rep[e]``, ``cost[e]``; ``start`` is CSR-like."""

    account: IntArray
    rep: IntArray
    cost: FloatArray
    start: IntArray
    n_eligible: IntArray  # eligible reps per account (full problem)
    # Every eligible rep that is not a candidate of account a costs at least kth_cost[a] (inf when
    # all its eligible reps are candidates). This lets the full-problem Lagrangian bound skip
    # scanning most accounts.
    kth_cost: FloatArray | None = None


def unit_vectors(lat: FloatArray, lon: FloatArray) -> FloatArray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def rep_tree(arr: Arrays) -> cKDTree:
    return cKDTree(unit_vectors(arr.rlat, arr.rlon))


def chord_to_km(chord: FloatArray) -> FloatArray:
    """Great-circle km for a chord of the unit sphere, lowered by a small safety margin."""
    theta = 2.0 * np.arcsin(np.clip(np.asarray(chord, dtype=np.float64) / 2.0, 0.0, 1.0))
    return np.asarray(EARTH_RADIUS_KM * theta * (1.0 - FLOOR_MARGIN), dtype=np.float64)


def nearest_reps(tree: cKDTree, arr: Arrays, idx: IntArray, kk: int) -> tuple[IntArray, FloatArray]:
    """The ``kk`` nearest reps of the accounts ``idx`` and a floor (km) on the distance of any other."""
    pts = unit_vectors(arr.alat[idx], arr.alon[idx])
    d, near = tree.query(pts, k=kk, workers=-1)
    near = np.asarray(near, dtype=np.int64).reshape(idx.shape[0], kk)
    d = np.asarray(d, dtype=np.float64).reshape(idx.shape[0], kk)
    return near, chord_to_km(d[:, -1])


def count_eligible(arr: Arrays) -> IntArray:
    """Eligible reps per account, grouped by skill mask (no accounts × reps matrix)."""
    if arr.elig is not None:
        return np.where(arr.locked, 1, np.diff(arr.elig.indptr)).astype(np.int64)
    masks, inv = np.unique(arr.askills, return_inverse=True)
    per_mask = np.array([int(((mk & ~arr.rskills) == 0).sum()) for mk in masks], dtype=np.int64)
    count = per_mask[inv.reshape(-1)]
    return np.where(arr.locked, 1, count).astype(np.int64)


def _rows_cost(problem: AssignmentProblem, arr: Arrays, idx: IntArray, reps: IntArray) -> FloatArray:
    """Cost of each account of ``idx`` with each rep of its row of ``reps`` (same formula as
    ``pair_cost``)."""
    acc = np.repeat(idx, reps.shape[1])
    return pair_cost(problem, arr, acc, reps.reshape(-1)).reshape(reps.shape)


def build_candidates(problem: AssignmentProblem, arr: Arrays, k: int, chunk: int = 50_000) -> Candidates:
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    k = min(k, m)
    kk = min(m, max(3 * k, k + 16))
    tree = rep_tree(arr)
    n_elig = count_eligible(arr)
    accs: list[IntArray] = []
    reps: list[IntArray] = []
    costs: list[FloatArray] = []
    kth = np.full(n, np.inf)
    rescan: list[IntArray] = []
    for s in range(0, n, chunk):
        idx = np.arange(s, min(s + chunk, n), dtype=np.int64)
        near, beyond_km = nearest_reps(tree, arr, idx, kk)
        cost = _rows_cost(problem, arr, idx, near)
        ok = pair_eligible(arr, idx[:, None], near)
        lk = arr.locked[idx]
        own = arr.owner[idx]
        ok[lk] = near[lk] == own[lk][:, None]
        masked = np.where(ok, cost, np.inf)
        kept = min(k, kk)
        part = (
            np.argpartition(masked, kept - 1, axis=1)[:, :kept] if kept < kk else np.tile(np.arange(kk), (len(idx), 1))
        )
        keep = np.zeros_like(ok)
        np.put_along_axis(keep, part, True, axis=1)
        keep &= ok
        n_ok = ok.sum(axis=1)
        # a non-candidate rep is either one of the kk nearest not kept (cost ≥ the dearest kept)
        # or beyond them (cost ≥ distance floor; it is a move when the account has an owner)
        inner = np.where(n_ok > kept, np.take_along_axis(masked, part, axis=1).max(axis=1), np.inf)
        beyond = problem.distance_weight * arr.workload[idx] * beyond_km
        beyond = beyond + problem.move_penalty * (own >= 0)
        if kk == m:
            beyond = np.full(idx.shape[0], np.inf)
        kth[idx] = np.where(lk, np.inf, np.minimum(inner, beyond))
        rows, cols = np.nonzero(keep)
        a_k, r_k, c_k = idx[rows], near[rows, cols], cost[rows, cols]
        # the owner, when eligible and not already kept
        has = (own >= 0) & ~(keep & (near == own[:, None])).any(axis=1)
        if has.any():
            h = idx[has]
            o = own[has]
            elig = lk[has] | pair_eligible(arr, h, o)
            h, o = h[elig], o[elig]
            a_k = np.concatenate([a_k, h])
            r_k = np.concatenate([r_k, o])
            c_k = np.concatenate([c_k, pair_cost(problem, arr, h, o)])
        accs.append(a_k)
        reps.append(r_k)
        costs.append(c_k)
        rescan.append(idx[(n_ok == 0) & (n_elig[idx] > 0) & ~lk])
    account = np.concatenate(accs)
    rep = np.concatenate(reps)
    cost_all = np.concatenate(costs)
    lost = np.concatenate(rescan)
    if lost.size:
        # no eligible rep among the nearest (rare skill far away): scan every rep for these
        a_x, r_x, c_x, kth_x = _scan(problem, arr, lost, k)
        kth[lost] = kth_x
        account = np.concatenate([account, a_x])
        rep = np.concatenate([rep, r_x])
        cost_all = np.concatenate([cost_all, c_x])
    key = np.unique(account * m + rep, return_index=True)[1]
    account, rep, cost_all = account[key], rep[key], cost_all[key]
    counts = np.bincount(account, minlength=n)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Candidates(account, rep, cost_all, start, n_elig, kth)


def _scan(
    problem: AssignmentProblem, arr: Arrays, accounts: IntArray, k: int, chunk: int = 2000
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Exact k cheapest eligible reps (plus owner) of a few accounts, over every rep."""
    m = arr.capacity.shape[0]
    accs, reps, costs, kths = [], [], [], []
    for s in range(0, accounts.shape[0], chunk):
        idx = accounts[s : s + chunk]
        cost = cost_block(problem, arr, idx)
        ok = eligible_block(arr, idx)
        masked = np.where(ok, cost, np.inf)
        part = np.argpartition(masked, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (len(idx), 1))
        kths.append(np.take_along_axis(masked, part, axis=1).max(axis=1) if k < m else np.full(len(idx), np.inf))
        keep = np.zeros_like(ok)
        np.put_along_axis(keep, part, True, axis=1)
        own = arr.owner[idx]
        has = own >= 0
        keep[np.nonzero(has)[0], own[has]] = True
        keep &= ok
        rows, cols = np.nonzero(keep)
        accs.append(idx[rows])
        reps.append(cols.astype(np.int64))
        costs.append(cost[rows, cols])
    return np.concatenate(accs), np.concatenate(reps), np.concatenate(costs), np.concatenate(kths)


def add_pairs(problem: AssignmentProblem, arr: Arrays, cand: Candidates, acc: IntArray, rep: IntArray) -> Candidates:
    """Return candidates plus the given (account, rep) pairs, re-sorted by account, no duplicates."""
    m = arr.capacity.shape[0]
    key_old = cand.account * m + cand.rep
    key_new = np.setdiff1d(acc * m + rep, key_old)
    if key_new.size == 0:
        return cand
    a_new, r_new = key_new // m, key_new % m
    c_new = pair_cost(problem, arr, a_new, r_new)
    account = np.concatenate([cand.account, a_new])
    reps = np.concatenate([cand.rep, r_new])
    cost = np.concatenate([cand.cost, c_new])
    order = np.argsort(account, kind="stable")
    counts = np.bincount(account, minlength=arr.workload.shape[0])
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Candidates(account[order], reps[order], cost[order], start, cand.n_eligible, cand.kth_cost)


def restrict(cand: Candidates, keep: NDArray[np.bool_], n: int) -> Candidates:
    """The candidate pairs where ``keep`` holds (order preserved)."""
    acc = cand.account[keep]
    counts = np.bincount(acc, minlength=n)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Candidates(acc, cand.rep[keep], cand.cost[keep], start, cand.n_eligible, cand.kth_cost)
