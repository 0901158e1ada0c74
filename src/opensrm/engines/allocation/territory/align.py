"""Territory alignment: group geographic units into p balanced, compact, optionally contiguous
territories.

Location-allocation: centres (seeded, pinned ones kept) → a balanced assignment MIP with HiGHS
(each unit to one of its nearest centres, every attribute of every territory within
``mean × (1 ± tolerance)``, penalised slack so it always answers) → each centre moves to its
territory's weighted medoid → repeat until stable. Contiguity (given an adjacency list) is then
repaired by moving units of detached fragments to an adjacent territory. Multistart by seed; the
best plan (feasible first, then objective) wins. The bound is the better of the p-median relaxation
(balance, contiguity, locks and pins dropped) and, up to 400 units, the LP relaxation of the balanced
p-median (``territory_bound``; contiguity and locks dropped); ``bound_scope`` says which.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..common.geo import haversine_km
from ..common.highs import run_highs
from ..common.outcome import BoundScope, Constraint, Status, Violation, ViolationCode
from ..pmedian import solve_p_median
from .bound import balanced_lp_bound

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class TerritoryProblem:
    """``attributes[i, a]``: attribute a (workload, potential, …) of unit i; balanced per territory
    within ``tolerance[a]`` (relative). Compactness = Σ weight[i] × km(unit i, its centre); weight
    defaults to the first attribute. ``locked[i]`` = territory index or -1; ``pinned_centres[t]`` =
    unit index or -1 (a pinned centre is also locked to its territory)."""

    lat: FloatArray
    lon: FloatArray
    attributes: FloatArray
    p: int
    tolerance: FloatArray | float = 0.1
    weight: FloatArray | None = None
    adjacency: list[tuple[int, int]] | None = None
    locked: IntArray | None = None
    pinned_centres: IntArray | None = None
    candidates: int = 8


@dataclass(frozen=True)
class TerritoryResult:
    """``status`` is "feasible" (every constraint met) or "violated" (the best plan found misses
    balance or contiguity; ``violations`` name each territory and attribute at fault). ``starts``:
    the seeded runs made."""

    status: Status
    assignment: IntArray  # unit → territory
    centres: IntArray  # territory → unit
    objective: float
    bound: float
    gap: float
    balance: FloatArray  # territory × attribute, value / mean
    max_deviation: float  # max |balance − 1|
    balanced: bool
    contiguous: bool | None  # None without adjacency
    seconds: float
    message: str
    bound_scope: BoundScope = BoundScope.PMEDIAN_RELAXATION
    violations: tuple[Violation, ...] = ()
    starts: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "bound_scope", BoundScope(self.bound_scope))


def _medoids(dist: FloatArray, w: FloatArray, assign: IntArray, p: int, pinned: IntArray) -> IntArray:
    centres = np.empty(p, dtype=np.int64)
    for t in range(p):
        members = np.flatnonzero(assign == t)
        if pinned[t] >= 0 or members.size == 0:
            centres[t] = pinned[t] if pinned[t] >= 0 else -1
            continue
        cost = (w[members][:, None] * dist[np.ix_(members, members)]).sum(axis=0)
        centres[t] = members[int(np.argmin(cost))]
    return centres


def _assign(
    dist: FloatArray,
    w: FloatArray,
    attrs: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    centres: IntArray,
    locked: IntArray,
    k: int,
    time_limit: float,
    seed: int,
    previous: IntArray | None = None,
) -> IntArray:
    """Balanced assignment of units to the given centres (each unit to one of its ``k`` nearest,
    or to its territory in ``previous``); ``previous`` is also the MIP's start, so the result is
    never worse than it (balance slack priced first)."""
    n, p = dist.shape[0], centres.shape[0]
    cost = w[:, None] * dist[:, centres]
    k = min(k, p)
    near = np.argsort(cost, axis=1)[:, :k]
    allowed = np.zeros((n, p), dtype=bool)
    np.put_along_axis(allowed, near, True, axis=1)
    if previous is not None:
        allowed[np.arange(n), previous] = True
    lk = locked >= 0
    allowed[lk] = False
    allowed[np.flatnonzero(lk), locked[lk]] = True
    ui, ti = np.nonzero(allowed)
    nc, na = ui.size, attrs.shape[1]
    rows = [ui]
    vals = [np.ones(nc)]
    cols = [np.arange(nc)]
    for a in range(na):
        rows.append(n + a * p + ti)
        vals.append(attrs[ui, a])
        cols.append(np.arange(nc))
    nr = n + na * p
    # two slack columns per balance row, priced above any reassignment
    s_row = np.repeat(np.arange(n, nr), 2)
    s_val = np.tile([1.0, -1.0], na * p)
    penalty = 100.0 * float(cost[ui, ti].max() + 1.0) / np.repeat(np.maximum(attrs.mean(axis=0), 1e-9), 2 * p)
    rows.append(s_row)
    vals.append(s_val)
    cols.append(nc + np.arange(2 * na * p))
    mat = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nr, nc + 2 * na * p)
    )
    c = np.concatenate([cost[ui, ti], penalty])
    rlo = np.concatenate([np.ones(n), np.repeat(lo, p)])
    rhi = np.concatenate([np.ones(n), np.repeat(hi, p)])
    cup = np.concatenate([np.ones(nc), np.full(2 * na * p, np.inf)])
    integer = np.concatenate([np.ones(nc, dtype=bool), np.zeros(2 * na * p, dtype=bool)])
    start = None
    if previous is not None:
        first = np.where(lk, locked, previous)
        start = np.zeros(nc + 2 * na * p)
        start[:nc] = (ti == first[ui]).astype(np.float64)
        value = np.stack([np.bincount(first, weights=attrs[:, a], minlength=p) for a in range(na)]).ravel()
        slack = np.zeros((na * p, 2))
        slack[:, 0] = np.maximum(np.repeat(lo, p) - value, 0.0)
        slack[:, 1] = np.maximum(value - np.repeat(hi, p), 0.0)
        start[nc:] = slack.ravel()
    _st, x, _b = run_highs(c, mat, rlo, rhi, cup, integer, start, time_limit, seed, 1e-4)
    assign = np.argmin(cost, axis=1).astype(np.int64) if previous is None else previous.copy()
    assign[lk] = locked[lk]
    if x is not None:
        on = x[:nc] > 0.5
        assign[ui[on]] = ti[on]
    return np.asarray(assign, dtype=np.int64)


def _repair_contiguity(
    graph: sparse.csr_matrix, assign: IntArray, centres: IntArray, locked: IntArray, cost: FloatArray
) -> IntArray:
    """Move units of fragments not holding their territory's centre to an adjacent territory."""
    assign = assign.copy()
    p = centres.shape[0]
    for _ in range(4 * p):
        changed = False
        for t in range(p):
            members = np.flatnonzero(assign == t)
            if members.size == 0:
                continue
            sub = graph[members][:, members]
            ncomp, label = connected_components(sub, directed=False)
            if ncomp <= 1:
                continue
            home = (
                label[np.flatnonzero(members == centres[t])[0]]
                if centres[t] in members
                else np.bincount(label).argmax()
            )
            for unit in members[label != home]:
                if locked[unit] >= 0:
                    continue
                nb = graph.indices[graph.indptr[unit] : graph.indptr[unit + 1]]
                options = np.unique(assign[nb])
                options = options[options != t]
                if options.size:
                    assign[unit] = options[np.argmin(cost[unit, centres[options]])]
                    changed = True
        if not changed:
            break
    return assign


def _contiguous(graph: sparse.csr_matrix, assign: IntArray, p: int) -> bool:
    for t in range(p):
        members = np.flatnonzero(assign == t)
        if members.size and connected_components(graph[members][:, members], directed=False)[0] > 1:
            return False
    return True


def align_territories(
    problem: TerritoryProblem, *, time_limit: float = 30.0, seed: int = 0, starts: int = 8
) -> TerritoryResult:
    """Best of ``starts`` seeded location-allocation runs (fewer if the time limit comes first)."""
    t0 = time.perf_counter()
    lat, lon = np.asarray(problem.lat, dtype=np.float64), np.asarray(problem.lon, dtype=np.float64)
    n, p = lat.shape[0], int(problem.p)
    attrs = np.asarray(problem.attributes, dtype=np.float64).reshape(n, -1)
    if lon.shape != (n,) or not 1 <= p <= n or (attrs < 0).any() or not np.isfinite(attrs).all():
        raise ValueError("lat/lon need one entry per unit, attributes must be finite and ≥ 0, 1 ≤ p ≤ units")
    tol = np.broadcast_to(np.asarray(problem.tolerance, dtype=np.float64), (attrs.shape[1],))
    w = attrs[:, 0] if problem.weight is None else np.asarray(problem.weight, dtype=np.float64)
    locked = np.full(n, -1, np.int64) if problem.locked is None else np.asarray(problem.locked, np.int64).copy()
    pinned = (
        np.full(p, -1, np.int64) if problem.pinned_centres is None else np.asarray(problem.pinned_centres, np.int64)
    )
    if locked.shape != (n,) or pinned.shape != (p,) or (locked >= p).any() or (pinned >= n).any():
        raise ValueError(
            "locked needs one territory (or -1) per unit and pinned_centres one unit (or -1) per territory"
        )
    for t in np.flatnonzero(pinned >= 0):
        locked[pinned[t]] = t
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    mean = attrs.sum(axis=0) / p
    lo, hi = mean * (1 - tol), mean * (1 + tol)
    graph = None
    if problem.adjacency is not None:
        e = np.asarray(problem.adjacency, dtype=np.int64).reshape(-1, 2)
        graph = sparse.csr_matrix(
            (np.ones(2 * len(e)), (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n, n)
        )
    pm = solve_p_median(w[:, None] * dist, p, time_limit=max(0.2, 0.2 * time_limit), seed=seed)
    lp_bound = balanced_lp_bound(w[:, None] * dist, attrs, p, lo, hi, pinned, max(0.0, 0.25 * time_limit))
    bound = max(float(pm.bound), lp_bound)
    scope = BoundScope.BALANCED_LP_RELAXATION if lp_bound > float(pm.bound) else BoundScope.PMEDIAN_RELAXATION
    best: tuple[tuple[int, float], IntArray, IntArray] | None = None
    rng = np.random.default_rng(seed)
    n_starts, starts = starts, 0
    # the last 10 % of the time is kept for a balance repair over every centre
    while time.perf_counter() < t0 + 0.85 * time_limit and starts < n_starts:
        starts += 1
        centres = pinned.copy()
        free = np.flatnonzero(centres < 0)
        # first start from the p-median medians, the others from seeded random units
        fill = [int(c) for c in pm.medians if c not in centres][: free.size] if starts == 1 else []
        pool = np.setdiff1d(np.arange(n), np.r_[centres[centres >= 0], fill])
        fill += list(rng.choice(pool, free.size - len(fill), replace=False))
        centres[free] = fill
        previous: IntArray | None = None
        for _ in range(10):
            left = t0 + time_limit - time.perf_counter()
            limit = max(0.1, min(5.0, left / 3))
            assign = _assign(dist, w, attrs, lo, hi, centres, locked, problem.candidates, limit, seed, previous)
            previous = assign
            new = _medoids(dist, w, assign, p, pinned)
            new = np.where(new < 0, centres, new)
            if (new == centres).all() or left < 0.1:
                break
            centres = new
        if graph is not None:
            assign = _repair_contiguity(graph, assign, centres, locked, w[:, None] * dist)
        obj = float((w * dist[np.arange(n), centres[assign]]).sum())
        dev = float(np.abs(_balance(attrs, assign, p, mean) - 1).max())
        bad = int(dev > tol.max() + 1e-9) + int(graph is not None and not _contiguous(graph, assign, p))
        key = (bad, obj)
        if best is None or key < best[0]:
            best = (key, assign, centres)
    assert best is not None
    (bad, obj), assign, centres = best
    dev = float(np.abs(_balance(attrs, assign, p, mean) - 1).max())
    if dev > tol.max() + 1e-9 and problem.candidates < p:
        # the nearest-centres restriction can make balance impossible: allow every centre
        left = max(0.5, t0 + time_limit - time.perf_counter())
        fixed = _assign(dist, w, attrs, lo, hi, centres, locked, p, left, seed, assign)
        if graph is not None:
            fixed = _repair_contiguity(graph, fixed, centres, locked, w[:, None] * dist)
        if float(np.abs(_balance(attrs, fixed, p, mean) - 1).max()) < dev:
            assign = fixed
            obj = float((w * dist[np.arange(n), centres[assign]]).sum())
    bal = _balance(attrs, assign, p, mean)
    balanced = bool((np.abs(bal - 1) <= tol[None, :] + 1e-9).all())
    contiguous = None if graph is None else _contiguous(graph, assign, p)
    ok = balanced and contiguous is not False
    bound = min(bound, obj)
    gap = (obj - bound) / obj if obj > 0 else 0.0
    return TerritoryResult(
        status=Status.FEASIBLE if ok else Status.VIOLATED,
        assignment=assign,
        centres=centres,
        objective=obj,
        bound=bound,
        gap=gap,
        balance=bal,
        max_deviation=float(np.abs(bal - 1).max()),
        balanced=balanced,
        contiguous=contiguous,
        seconds=time.perf_counter() - t0,
        message=f"{starts} starts; " + ("all constraints met" if ok else "balance or contiguity not met"),
        bound_scope=scope,
        violations=_violations(bal, tol, graph, assign, p),
        starts=starts,
    )


def _violations(
    bal: FloatArray, tol: FloatArray, graph: sparse.csr_matrix | None, assign: IntArray, p: int
) -> tuple[Violation, ...]:
    """Each territory and attribute outside its tolerance, then each territory in several pieces."""
    out = [
        Violation(
            ViolationCode.TERRITORY_UNBALANCED,
            Constraint.BALANCE,
            territory=int(t),
            attribute=int(a),
            amount=float(bal[t, a]),
            limit=float(tol[a]),
            message=f"balance: territory {t} has {bal[t, a]:.3f} × the mean of attribute {a} (tolerance ±{tol[a]:.3f})",
        )
        for t, a in zip(*np.nonzero(np.abs(bal - 1) > tol[None, :] + 1e-9), strict=True)
    ]
    for t in range(p):
        members = np.flatnonzero(assign == t)
        if graph is None:
            break
        pieces = int(connected_components(graph[members][:, members], directed=False)[0]) if members.size else 0
        if pieces > 1:
            out.append(
                Violation(
                    ViolationCode.TERRITORY_NOT_CONTIGUOUS,
                    Constraint.CONTIGUITY,
                    territory=t,
                    amount=float(pieces),
                    message=f"contiguity: territory {t} is in {pieces} pieces",
                )
            )
    return tuple(out)


def _balance(attrs: FloatArray, assign: IntArray, p: int, mean: FloatArray) -> FloatArray:
    tot = np.stack([np.bincount(assign, weights=attrs[:, a], minlength=p) for a in range(attrs.shape[1])], axis=1)
    return np.asarray(tot / np.where(mean > 0, mean, 1.0)[None, :], dtype=np.float64)


__all__ = ["TerritoryProblem", "TerritoryResult", "align_territories"]
