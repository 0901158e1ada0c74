"""Candidate sparsification: each account keeps its k cheapest eligible reps plus its owner."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .problem import Arrays, AssignmentProblem, cost_block, eligible_block, pair_cost

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Candidates:
    """Pairs sorted by account: ``account[e]``, ``rep[e]``, ``cost[e]``; ``start`` is CSR-like."""

    account: IntArray
    rep: IntArray
    cost: FloatArray
    start: IntArray
    n_eligible: IntArray  # eligible reps per account (full problem)
    # Every eligible rep that is not a candidate of account a costs at least kth_cost[a] (the
    # dearest of its k cheapest; inf when all its eligible reps are candidates). This lets the
    # full-problem Lagrangian bound skip scanning most accounts.
    kth_cost: FloatArray | None = None


def build_candidates(problem: AssignmentProblem, arr: Arrays, k: int, chunk: int = 2000) -> Candidates:
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    k = min(k, m)
    accs: list[IntArray] = []
    reps: list[IntArray] = []
    costs: list[FloatArray] = []
    n_elig = np.zeros(n, dtype=np.int64)
    kth = np.full(n, np.inf)
    for s in range(0, n, chunk):
        idx = np.arange(s, min(s + chunk, n), dtype=np.int64)
        cost = cost_block(problem, arr, idx)
        ok = eligible_block(arr, idx)
        n_elig[idx] = ok.sum(axis=1)
        masked = np.where(ok, cost, np.inf)
        part = np.argpartition(masked, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (len(idx), 1))
        if k < m:
            kth[idx] = np.take_along_axis(masked, part, axis=1).max(axis=1)
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
    account = np.concatenate(accs)
    counts = np.bincount(account, minlength=n)
    start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Candidates(account, np.concatenate(reps), np.concatenate(costs), start, n_elig, kth)


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
