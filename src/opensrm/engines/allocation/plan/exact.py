"""The exact rep ↔ account model: one HiGHS MIP over every eligible pair, for small problems.

``solve`` searches large problems with Lagrangian bounds and sub-MIPs; a problem small enough for
one MIP over all its eligible (account, rep) pairs can be solved exactly here instead, when the
search found no plan in time (a proof of feasibility is worth more than the seconds). The same
model answers what to relax when no plan exists: the tightest balance band at a cap on moves
(:func:`least_band`), the fewest moves within the band (:func:`relaxation`), and which family
blocks a plan (:func:`explain_infeasible`, relaxing one family at a time).

Variables x[a, r] ∈ {0, 1} for the eligible pairs (a locked account: its owner only). Rows: each
assignable account once, capacity, max accounts, the balance band and the moves cap, as in
:class:`AssignmentProblem`; the cost is the problem's (or a given accounts × reps matrix).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..common.highs import solve_highs
from ..common.outcome import BoundScope, Constraint, Status, Violation, ViolationCode
from .infeasibility import diagnose_arrays
from .problem import Arrays, AssignmentProblem, cost_block, eligible_block, validate
from .result import PlanResult
from .solver import _failed, _result

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

BAND_STEPS = 1000  # the band is found in tenths of a per cent (an integer, so one MIP holds it)
PROBE_SECONDS = 5.0  # each relaxed feasibility probe of explain_infeasible


@dataclass(frozen=True)
class ExactModel:
    """The pairs (``acc[k]``, ``rep[k]``) with their cost, and what every plan must meet."""

    arr: Arrays
    acc: IntArray
    rep: IntArray
    cost: FloatArray
    assignable: BoolArray  # per account: has an eligible rep (and fits one)
    unassignable: dict[int, Violation]
    stay: FloatArray  # per pair: 1 when the rep is the account's owner
    owned: int  # accounts with an owner
    mean: float  # potential per rep: assignable potential / reps

    @property
    def n_pairs(self) -> int:
        return int(self.acc.shape[0])


@dataclass(frozen=True)
class Band:
    """The plan with the tightest potential band found at a cap on moves."""

    tolerance: float  # max |potential of a rep / mean − 1|
    exact: bool  # HiGHS proved no tighter band exists
    assignment: IntArray
    moves: int


@dataclass(frozen=True)
class Relaxation:
    """How far the balance band and the moves cap must be relaxed for a plan to exist (None: no
    plan found in the time); ``*_exact``: HiGHS proved it is the least."""

    tolerance: float | None = None
    tolerance_exact: bool = False
    max_moves: int | None = None
    max_moves_exact: bool = False


def build_exact_model(problem: AssignmentProblem, cost: FloatArray | None = None, chunk: int = 4000) -> ExactModel:
    """The eligible pairs of ``problem`` and their cost (``cost``: accounts × reps, else the
    problem's own). Accounts no rep can take are left out (``unassignable``)."""
    arr = validate(problem)
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    _, unassignable = diagnose_arrays(arr)
    assignable = np.ones(n, dtype=bool)
    assignable[list(unassignable)] = False
    accs, reps, costs = [], [], []
    for s in range(0, n, chunk):
        idx = np.arange(s, min(s + chunk, n), dtype=np.int64)
        ok = eligible_block(arr, idx) & assignable[idx][:, None]
        rows, cols = np.nonzero(ok)
        block = cost_block(problem, arr, idx) if cost is None else np.asarray(cost, dtype=np.float64)[idx]
        accs.append(idx[rows])
        reps.append(cols.astype(np.int64))
        costs.append(block[rows, cols])
    acc, rep = np.concatenate(accs), np.concatenate(reps)
    return ExactModel(
        arr=arr,
        acc=acc,
        rep=rep,
        cost=np.concatenate(costs).astype(np.float64),
        assignable=assignable,
        unassignable=unassignable,
        stay=(arr.owner[acc] == rep).astype(np.float64),
        owned=int((arr.owner >= 0).sum()),
        mean=float(arr.potential[assignable].sum()) / m,
    )


def _rows(
    model: ExactModel, *, tol: float | None, max_moves: int | None, band: bool = False
) -> tuple[sparse.csc_matrix, FloatArray, FloatArray]:
    """The constraint rows over the pair columns (plus, with ``band``, one last column u: the
    band in 1/BAND_STEPS, mean·(1 − u/S) ≤ potential of a rep ≤ mean·(1 + u/S))."""
    arr, k = model.arr, model.n_pairs
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    cols = np.arange(k)
    blocks: list[sparse.csr_matrix] = []
    lows: list[FloatArray] = []
    highs: list[FloatArray] = []

    def add(rows: IntArray, values: FloatArray, count: int, lo: FloatArray, hi: FloatArray) -> None:
        blocks.append(sparse.csr_matrix((values, (rows, cols)), shape=(count, k)))
        lows.append(np.asarray(lo, dtype=np.float64))
        highs.append(np.asarray(hi, dtype=np.float64))

    served = np.flatnonzero(model.assignable)
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[served] = np.arange(served.size)
    add(row_of[model.acc], np.ones(k), served.size, np.ones(served.size), np.ones(served.size))
    add(model.rep, arr.workload[model.acc], m, np.full(m, -np.inf), arr.capacity)
    finite = np.isfinite(arr.max_accounts)
    if finite.any():
        limited = np.flatnonzero(finite)
        sel = finite[model.rep]
        pos = np.full(m, -1, dtype=np.int64)
        pos[limited] = np.arange(limited.size)
        blocks.append(
            sparse.csr_matrix((np.ones(int(sel.sum())), (pos[model.rep[sel]], cols[sel])), shape=(limited.size, k))
        )
        lows.append(np.full(limited.size, -np.inf))
        highs.append(arr.max_accounts[limited])
    pot = sparse.csr_matrix((arr.potential[model.acc], (model.rep, cols)), shape=(m, k))
    if band:
        width = sparse.csr_matrix(np.full((m, 1), -model.mean / BAND_STEPS))
        blocks = [sparse.hstack([b, sparse.csr_matrix((b.shape[0], 1))]).tocsr() for b in blocks]
        blocks += [sparse.hstack([pot, width]).tocsr(), sparse.hstack([pot, -width]).tocsr()]
        lows += [np.full(m, -np.inf), np.full(m, model.mean)]
        highs += [np.full(m, model.mean), np.full(m, np.inf)]
    elif tol is not None and m > 1:
        blocks.append(pot)
        lows.append(np.full(m, model.mean * (1 - tol)))
        highs.append(np.full(m, model.mean * (1 + tol)))
    if max_moves is not None and model.owned:
        stay = sparse.csr_matrix(model.stay[None, :])
        blocks.append(sparse.hstack([stay, sparse.csr_matrix((1, 1))]).tocsr() if band else stay)
        lows.append(np.array([model.owned - max_moves], dtype=np.float64))
        highs.append(np.array([np.inf]))
    return sparse.vstack(blocks).tocsc(), np.concatenate(lows), np.concatenate(highs)


def _assignment(model: ExactModel, x: FloatArray) -> IntArray:
    n = model.arr.workload.shape[0]
    out = np.full(n, -1, dtype=np.int64)
    chosen = x[: model.n_pairs] > 0.5
    out[model.acc[chosen]] = model.rep[chosen]
    return out


def _moves(arr: Arrays, assignment: IntArray) -> int:
    return int(((arr.owner >= 0) & (assignment >= 0) & (assignment != arr.owner)).sum())


def solve_exact(
    problem: AssignmentProblem,
    *,
    time_limit: float = 60.0,
    mip_gap: float = 1e-6,
    cost: FloatArray | None = None,
    seed: int = 0,
) -> PlanResult:
    """Solve the plan as one MIP over every eligible pair (for small problems; the size is the
    number of eligible pairs). Same result type as :func:`solve`, bound certified for the full
    problem; status "infeasible" carries :func:`explain_infeasible`'s violations."""
    t0 = time.perf_counter()
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    model = build_exact_model(problem, cost)
    arr, n = model.arr, model.arr.workload.shape[0]
    reasons, _ = diagnose_arrays(arr)
    if reasons:
        return _failed(Status.INFEASIBLE, n, t0, reasons[0].message, tuple(reasons), model.unassignable)
    a, lo, hi = _rows(model, tol=arr.tol, max_moves=arr.max_moves)
    out = solve_highs(
        model.cost,
        a,
        lo,
        hi,
        np.zeros(model.n_pairs),
        np.ones(model.n_pairs),
        integer=True,
        time_limit=time_limit,
        seed=seed,
        options={"mip_rel_gap": mip_gap},
    )
    diag = {"exact_pairs": float(model.n_pairs), "exact_seconds": time.perf_counter() - t0}
    if out.x is None:
        if out.status == "Infeasible":
            why = explain_infeasible(problem, model=model)
            return _failed(Status.INFEASIBLE, n, t0, why[0].message, why, model.unassignable, diagnostics=diag)
        return _failed(
            Status.TIME_LIMIT,
            n,
            t0,
            f"the exact model found no plan within the time limit ({out.status})",
            (),
            model.unassignable,
            diagnostics=diag,
        )
    assignment = _assignment(model, out.x)
    objective = float(model.cost[out.x[: model.n_pairs] > 0.5].sum())
    bound = min(float(out.bound), objective) if math.isfinite(out.bound) else -math.inf
    result = _result(arr, assignment, objective, bound, t0, diag, model.unassignable, BoundScope.FULL_ELIGIBLE, 1)
    status = Status.OPTIMAL if out.status == "Optimal" else Status.FEASIBLE
    return dataclasses.replace(
        result, status=status, message=f"{status}; exact model, bound certified for the {BoundScope.FULL_ELIGIBLE}"
    )


def explain_infeasible(
    problem: AssignmentProblem, *, model: ExactModel | None = None, time_limit: float = PROBE_SECONDS
) -> tuple[Violation, ...]:
    """Why the exact model has no plan: the cheap checks first, else the family whose removal
    lets a plan exist (the balance band, then the moves cap), else capacity, skills and locks."""
    model = model or build_exact_model(problem)
    arr = model.arr
    reasons, _ = diagnose_arrays(arr)
    if reasons:
        return tuple(reasons)
    probes = (
        (
            None,
            arr.max_moves,
            Violation(
                ViolationCode.BALANCE_BAND_TOO_TIGHT,
                Constraint.BALANCE,
                limit=arr.tol,
                message="balance: potential cannot be balanced within the tolerance",
            ),
        ),
        (
            arr.tol,
            None,
            Violation(
                ViolationCode.MOVES_CAP_TOO_TIGHT,
                Constraint.MOVES,
                limit=None if arr.max_moves is None else float(arr.max_moves),
                message="moves: the cap on moves is too tight",
            ),
        ),
    )
    zero = np.zeros(model.n_pairs)
    for tol, max_moves, why in probes:
        if (tol, max_moves) == (arr.tol, arr.max_moves):
            continue
        a, lo, hi = _rows(model, tol=tol, max_moves=max_moves)
        out = solve_highs(zero, a, lo, hi, zero, np.ones(model.n_pairs), integer=True, time_limit=time_limit)
        if out.x is not None:
            return (why,)
    m = arr.capacity.shape[0]
    return (
        Violation(
            ViolationCode.CAPACITY_SKILLS_LOCKS,
            Constraint.COMBINED,
            reps=tuple(range(m)),
            message="capacity, skills and locks cannot be met together",
        ),
    )


def least_band(
    problem: AssignmentProblem,
    *,
    max_moves: int | None,
    time_limit: float,
    model: ExactModel | None = None,
    start: IntArray | None = None,
) -> Band | None:
    """The plan with the tightest potential band at this cap on moves (capacity, skills and locks
    kept); None when HiGHS found no plan in time. ``start`` (an assignment meeting the cap)
    warm-starts the search; ``model`` (from :func:`build_exact_model`) saves rebuilding it."""
    model = model or build_exact_model(problem)
    arr = model.arr
    m = arr.capacity.shape[0]
    if m < 2 or model.mean <= 0:
        return None
    a, lo, hi = _rows(model, tol=None, max_moves=max_moves, band=True)
    k = model.n_pairs
    cost = np.zeros(k + 1)
    cost[-1] = 1.0
    x0 = None
    if start is not None:
        key = {(int(acc), int(rep)): i for i, (acc, rep) in enumerate(zip(model.acc, model.rep, strict=True))}
        x0 = np.zeros(k + 1)
        for acc in np.flatnonzero(start >= 0):
            i = key.get((int(acc), int(start[acc])))
            if i is not None:
                x0[i] = 1.0
        ok = start >= 0
        pot = np.bincount(start[ok], weights=arr.potential[ok], minlength=m)
        x0[-1] = math.ceil(float(np.abs(pot / model.mean - 1).max()) * BAND_STEPS) + 1
    out = solve_highs(
        cost,
        a,
        lo,
        hi,
        np.zeros(k + 1),
        np.r_[np.ones(k), float(BAND_STEPS * 100)],
        integer=True,
        time_limit=max(1.0, float(time_limit)),
        start=x0,
        options={"mip_rel_gap": 1e-4},
    )
    if out.x is None:
        return None
    assignment = _assignment(model, np.round(out.x))
    ok = assignment >= 0
    potential = np.bincount(assignment[ok], weights=arr.potential[ok], minlength=m)
    return Band(
        tolerance=float(np.abs(potential / model.mean - 1).max()),
        exact=out.status == "Optimal",
        assignment=assignment,
        moves=_moves(arr, assignment),
    )


def relaxation(problem: AssignmentProblem, *, time_limit: float, model: ExactModel | None = None) -> Relaxation:
    """The least widening of the balance band (at the moves cap) and the fewest moves (within the
    band) for which a plan exists, each found by a MIP that minimises it over capacity, skills and
    locks. Each value belongs to a plan HiGHS found, so it is enough; ``*_exact`` says HiGHS also
    proved it is the least."""
    model = model or build_exact_model(problem)
    arr = model.arr
    band = least_band(problem, max_moves=arr.max_moves, time_limit=time_limit, model=model)
    found = Relaxation() if band is None else Relaxation(tolerance=band.tolerance, tolerance_exact=band.exact)
    if arr.max_moves is None or not model.owned:
        return found
    a, lo, hi = _rows(model, tol=arr.tol, max_moves=None)
    out = solve_highs(
        -model.stay,  # the most accounts kept: the fewest moves
        a,
        lo,
        hi,
        np.zeros(model.n_pairs),
        np.ones(model.n_pairs),
        integer=True,
        time_limit=max(1.0, float(time_limit)),
        options={"mip_rel_gap": 1e-4},
    )
    if out.x is None:
        return found
    kept = round(float(model.stay @ np.round(out.x)))
    return dataclasses.replace(found, max_moves=model.owned - kept, max_moves_exact=out.status == "Optimal")


__all__ = [
    "Band",
    "ExactModel",
    "Relaxation",
    "build_exact_model",
    "explain_infeasible",
    "least_band",
    "relaxation",
    "solve_exact",
]
