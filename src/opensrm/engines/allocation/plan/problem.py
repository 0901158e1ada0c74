"""The product's rep ↔ account assignment problem (typed input, validated once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..common.geo import haversine_km

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class AssignmentProblem:
    """Accounts (n) to reps (m).

    Eligibility: rep r may serve account a iff every skill bit the account requires is one the
    rep has (``account_skills[a] & ~rep_skills[r] == 0``), or, when ``eligible`` is given (an
    accounts × reps boolean matrix, dense or ``scipy.sparse``; non-zero = may serve), iff
    ``eligible[a, r]``: the matrix then decides eligibility and the masks (if any) only price the
    skill-fit term. Locked accounts keep their current owner. Potential per rep must lie within
    ``mean × (1 ± balance_tolerance)`` where mean is the total potential of assignable accounts
    divided by the number of reps (``None`` disables it).

    Cost of giving account a to rep r:
        distance_weight × workload[a] × haversine_km(rep r home, account a)
        + skill_fit_weight × (number of rep skills the account does not need)
        + move_penalty × [a has a current owner and r is not it]

    The plan uses only the ``candidates`` cheapest eligible reps of each account (plus its current
    owner); ``solve(full_bound=True)`` (the default) still certifies the bound for the full problem
    over every eligible rep, and ``bound_scope`` on the result says which problem it covers.
    """

    account_workload: FloatArray
    account_potential: FloatArray
    account_lat: FloatArray
    account_lon: FloatArray
    rep_capacity: FloatArray
    rep_lat: FloatArray
    rep_lon: FloatArray
    account_skills: IntArray | None = None
    rep_skills: IntArray | None = None
    current_owner: IntArray | None = None
    locked: BoolArray | None = None
    rep_max_accounts: IntArray | None = None
    balance_tolerance: float | None = 0.05
    max_moves: int | None = None
    distance_weight: float = 1.0
    skill_fit_weight: float = 0.0
    move_penalty: float = 0.0
    candidates: int = 8
    eligible: BoolArray | sparse.spmatrix | sparse.sparray | None = None

    @property
    def n_accounts(self) -> int:
        return int(np.asarray(self.account_workload).shape[0])

    @property
    def n_reps(self) -> int:
        return int(np.asarray(self.rep_capacity).shape[0])


@dataclass(frozen=True)
class Arrays:
    """Validated, defaulted arrays of a problem (private kernels assume these)."""

    workload: FloatArray
    potential: FloatArray
    alat: FloatArray
    alon: FloatArray
    capacity: FloatArray
    rlat: FloatArray
    rlon: FloatArray
    askills: IntArray
    rskills: IntArray
    owner: IntArray
    locked: BoolArray
    max_accounts: FloatArray
    tol: float | None
    max_moves: int | None
    # the eligibility matrix when given (accounts × reps, CSR, sorted) and its keys a·m + r, sorted
    elig: sparse.csr_matrix | None = None
    elig_keys: IntArray | None = None


def _vec(name: str, value: object, size: int, dtype: type) -> Any:
    arr: Any = np.asarray(value, dtype=dtype)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def validate(problem: AssignmentProblem) -> Arrays:
    n, m = problem.n_accounts, problem.n_reps
    if n < 1 or m < 1:
        raise ValueError("need at least one account and one rep")
    workload = _vec("account_workload", problem.account_workload, n, np.float64)
    potential = _vec("account_potential", problem.account_potential, n, np.float64)
    alat = _vec("account_lat", problem.account_lat, n, np.float64)
    alon = _vec("account_lon", problem.account_lon, n, np.float64)
    capacity = _vec("rep_capacity", problem.rep_capacity, m, np.float64)
    rlat = _vec("rep_lat", problem.rep_lat, m, np.float64)
    rlon = _vec("rep_lon", problem.rep_lon, m, np.float64)
    if (workload < 0).any() or (potential < 0).any() or (capacity < 0).any():
        raise ValueError("account_workload, account_potential and rep_capacity must be non-negative")
    if (np.abs(alat) > 90).any() or (np.abs(rlat) > 90).any():
        raise ValueError("latitudes must lie in [-90, 90]")
    askills = (
        np.zeros(n, np.int64)
        if problem.account_skills is None
        else _vec("account_skills", problem.account_skills, n, np.int64)
    )
    rskills = (
        np.zeros(m, np.int64) if problem.rep_skills is None else _vec("rep_skills", problem.rep_skills, m, np.int64)
    )
    owner = (
        np.full(n, -1, np.int64)
        if problem.current_owner is None
        else _vec("current_owner", problem.current_owner, n, np.int64)
    )
    if ((owner < -1) | (owner >= m)).any():
        raise ValueError("current_owner must be -1 or a rep index")
    locked = np.zeros(n, bool) if problem.locked is None else _vec("locked", problem.locked, n, np.bool_)
    if (locked & (owner < 0)).any():
        raise ValueError("locked accounts must have a current_owner")
    max_acc = (
        np.full(m, np.inf)
        if problem.rep_max_accounts is None
        else _vec("rep_max_accounts", problem.rep_max_accounts, m, np.float64)
    )
    tol = problem.balance_tolerance
    if tol is not None and not tol >= 0:
        raise ValueError("balance_tolerance must be non-negative or None")
    if problem.max_moves is not None and problem.max_moves < 0:
        raise ValueError("max_moves must be non-negative or None")
    if problem.candidates < 1:
        raise ValueError("candidates must be at least 1")
    if min(problem.distance_weight, problem.skill_fit_weight, problem.move_penalty) < 0:
        raise ValueError("distance_weight, skill_fit_weight and move_penalty must be non-negative")
    elig, keys = _eligibility(problem.eligible, n, m)
    return Arrays(
        workload,
        potential,
        alat,
        alon,
        capacity,
        rlat,
        rlon,
        askills,
        rskills,
        owner,
        locked,
        max_acc,
        tol,
        problem.max_moves,
        elig,
        keys,
    )


def _eligibility(value: object, n: int, m: int) -> tuple[sparse.csr_matrix | None, IntArray | None]:
    if value is None:
        return None, None
    mat = sparse.csr_matrix(value if sparse.issparse(value) else np.asarray(value), dtype=bool)
    if mat.shape != (n, m):
        raise ValueError(f"eligible must have shape ({n}, {m}) (accounts × reps), got {mat.shape}")
    mat.eliminate_zeros()
    mat.sort_indices()
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(mat.indptr))
    return mat, rows * m + mat.indices.astype(np.int64)


def pair_eligible(arr: Arrays, acc: IntArray, rep: IntArray) -> BoolArray:
    """Whether rep ``rep`` may serve account ``acc``, elementwise (broadcasting; locks not applied)."""
    if arr.elig_keys is None:
        return np.asarray((arr.askills[acc] & ~arr.rskills[rep]) == 0, dtype=np.bool_)
    a, r = np.broadcast_arrays(np.asarray(acc, dtype=np.int64), np.asarray(rep, dtype=np.int64))
    key = a * arr.capacity.shape[0] + r
    keys = arr.elig_keys
    pos = np.minimum(np.searchsorted(keys, key), max(keys.shape[0] - 1, 0))
    return np.asarray(keys[pos] == key, dtype=np.bool_) if keys.size else np.zeros(key.shape, dtype=np.bool_)


def eligible_block(arr: Arrays, accounts: IntArray) -> BoolArray:
    """accounts × reps eligibility (locked accounts: only their owner)."""
    ok: BoolArray
    if arr.elig is not None:
        ok = np.asarray(arr.elig[accounts].toarray(), dtype=np.bool_)
    else:
        ok = (arr.askills[accounts][:, None] & ~arr.rskills[None, :]) == 0
    lk = arr.locked[accounts]
    if lk.any():
        ok[lk] = False
        ok[np.nonzero(lk)[0], arr.owner[accounts][lk]] = True
    return ok


def cost_block(problem: AssignmentProblem, arr: Arrays, accounts: IntArray) -> FloatArray:
    """accounts × reps cost (eligibility not applied): :func:`pair_cost` of every pair."""
    m = arr.capacity.shape[0]
    acc = np.repeat(np.asarray(accounts, dtype=np.int64), m)
    rep = np.tile(np.arange(m, dtype=np.int64), np.asarray(accounts).shape[0])
    return pair_cost(problem, arr, acc, rep).reshape(-1, m)


def _popcount(x: IntArray) -> FloatArray:
    v = x.astype(np.uint64)
    count = np.zeros(v.shape, dtype=np.float64)
    while v.any():
        count += (v & np.uint64(1)).astype(np.float64)
        v = v >> np.uint64(1)
    return count


def pair_cost(problem: AssignmentProblem, arr: Arrays, acc: IntArray, rep: IntArray) -> FloatArray:
    """Cost of individual (account, rep) pairs: the one cost formula (see :class:`AssignmentProblem`)."""
    dist = haversine_km(arr.alat[acc], arr.alon[acc], arr.rlat[rep], arr.rlon[rep])
    cost = problem.distance_weight * arr.workload[acc] * dist
    if problem.skill_fit_weight > 0:
        cost = cost + problem.skill_fit_weight * _popcount(arr.rskills[rep] & ~arr.askills[acc])
    if problem.move_penalty > 0:
        own = arr.owner[acc]
        cost = cost + problem.move_penalty * ((own >= 0) & (own != rep))
    return np.asarray(cost, dtype=np.float64)
