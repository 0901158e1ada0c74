"""Sparse MIP of the product assignment problem over candidate pairs, and its full-problem bound."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from .candidates import Candidates
from .problem import Arrays, AssignmentProblem, cost_block, eligible_block

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SparseModel:
    matrix: sparse.csc_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    n_assign_rows: int
    accounts: IntArray  # account of each assignment row
    coupling: tuple[str, ...]  # name of each coupling row block, in order
    balance_band: tuple[float, float]


def build_model(arr: Arrays, cand: Candidates, accounts: IntArray) -> SparseModel:
    """Rows: one assignment row per account in ``accounts``, then capacity, max-count, balance and
    moves rows (only those that are active). Columns: the candidate pairs, in order."""
    m = arr.capacity.shape[0]
    n_e = cand.account.shape[0]
    row_of_account = np.full(arr.workload.shape[0], -1, dtype=np.int64)
    row_of_account[accounts] = np.arange(accounts.shape[0])
    cols = np.arange(n_e)
    rows = [row_of_account[cand.account]]
    vals = [np.ones(n_e)]
    colidx = [cols]
    lower = [np.ones(accounts.shape[0])]
    upper = [np.ones(accounts.shape[0])]
    names: list[str] = []
    base = accounts.shape[0]
    rows.append(base + cand.rep)
    vals.append(arr.workload[cand.account])
    colidx.append(cols)
    lower.append(np.full(m, -np.inf))
    upper.append(arr.capacity)
    names.append("capacity")
    base += m
    if np.isfinite(arr.max_accounts).any():
        rows.append(base + cand.rep)
        vals.append(np.ones(n_e))
        colidx.append(cols)
        lower.append(np.full(m, -np.inf))
        upper.append(np.where(np.isfinite(arr.max_accounts), arr.max_accounts, 1e30))
        names.append("max_accounts")
        base += m
    band = (-np.inf, np.inf)
    if arr.tol is not None:
        mean = float(arr.potential[accounts].sum()) / m
        band = (mean * (1 - arr.tol), mean * (1 + arr.tol))
        rows.append(base + cand.rep)
        vals.append(arr.potential[cand.account])
        colidx.append(cols)
        lower.append(np.full(m, band[0]))
        upper.append(np.full(m, band[1]))
        names.append("balance")
        base += m
    if arr.max_moves is not None:
        own = arr.owner[cand.account]
        moved = (own >= 0) & (own != cand.rep)
        rows.append(np.full(int(moved.sum()), base))
        vals.append(np.ones(int(moved.sum())))
        colidx.append(cols[moved])
        lower.append(np.array([-np.inf]))
        upper.append(np.array([float(arr.max_moves)]))
        names.append("moves")
        base += 1
    matrix = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(colidx))), shape=(base, n_e)
    )
    return SparseModel(
        matrix, np.concatenate(lower), np.concatenate(upper), accounts.shape[0], accounts, tuple(names), band
    )


def full_lagrangian_bound(
    problem: AssignmentProblem,
    arr: Arrays,
    model: SparseModel,
    row_dual: FloatArray,
    chunk: int = 2000,
    add_per_account: int = 0,
) -> tuple[float, IntArray, IntArray]:
    """Lagrangian bound of the FULL (all eligible reps) problem from the candidate LP's duals.

    The coupling rows are dualised with the LP's multipliers (signs clipped to valid ones); each
    account then takes its cheapest reduced cost over every eligible rep. By weak duality this is a
    lower bound for the unrestricted problem; it equals the candidate LP bound when no
    non-candidate pair has a lower reduced cost than the account's LP choice.

    Also returns up to ``add_per_account`` (account, rep) pairs per account whose reduced cost
    (including the account's assignment dual) is negative: columns to add (column generation).
    """
    m = arr.capacity.shape[0]
    base = model.n_assign_rows
    coef_w = np.zeros(m)
    coef_c = np.zeros(m)
    coef_p = np.zeros(m)
    coef_move = 0.0
    constant = 0.0
    for name in model.coupling:
        lo = model.row_lower[base : base + (1 if name == "moves" else m)]
        hi = model.row_upper[base : base + (1 if name == "moves" else m)]
        y = row_dual[base : base + (1 if name == "moves" else m)].copy()
        if name == "balance":
            constant += float(np.where(y > 0, y * lo, y * hi).sum())
        else:
            y = np.minimum(y, 0.0)
            constant += float((y * np.where(np.isfinite(hi), hi, 0.0)).sum())
            y = np.where(np.isfinite(hi), y, 0.0)
        if name == "capacity":
            coef_w = y
        elif name == "max_accounts":
            coef_c = y
        elif name == "balance":
            coef_p = y
        else:
            coef_move = float(y[0])
        base += 1 if name == "moves" else m
    total = constant
    accounts = model.accounts
    assign_dual = row_dual[: model.n_assign_rows]
    new_a: list[IntArray] = []
    new_r: list[IntArray] = []
    for s in range(0, accounts.shape[0], chunk):
        idx = accounts[s : s + chunk]
        red = cost_block(problem, arr, idx)
        red = red - arr.workload[idx][:, None] * coef_w[None, :] - coef_c[None, :]
        red = red - arr.potential[idx][:, None] * coef_p[None, :]
        if coef_move != 0.0:
            own = arr.owner[idx][:, None]
            red = red - coef_move * ((own >= 0) & (own != np.arange(m)[None, :]))
        red = np.where(eligible_block(arr, idx), red, np.inf)
        total += float(red.min(axis=1).sum())
        if add_per_account > 0:
            neg = red - assign_dual[s : s + chunk][:, None]
            k = min(add_per_account, m)
            part = (
                np.argpartition(neg, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (len(idx), 1))
            )
            vals = np.take_along_axis(neg, part, axis=1)
            rr, cc = np.nonzero(vals < -1e-7 * max(1.0, float(np.abs(assign_dual).mean())))
            new_a.append(idx[rr])
            new_r.append(part[rr, cc].astype(np.int64))
    empty = np.zeros(0, dtype=np.int64)
    return (total, np.concatenate(new_a) if new_a else empty, np.concatenate(new_r) if new_r else empty)
