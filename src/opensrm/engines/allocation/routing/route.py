"""Lead routing: a batch of leads to reps maximising expected value, and single-lead routing.

The batch model is a transportation LP (each lead to at most one eligible rep, rep capacity in
leads, optional per-rep minimum and maximum share); its constraint matrix is totally unimodular,
so HiGHS's vertex solution is integral.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ..common.highs import solve_highs
from ..common.outcome import Constraint, Status, Violation, ViolationCode

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class LeadRoutingProblem:
    """``value[l]`` × ``win_probability[l, r]`` is the expected value of giving lead l to rep r.

    A pair is allowed when ``eligible[l, r]`` and ``response_hours[r] <= sla_hours[l]``. Each rep
    takes at most ``capacity[r]`` leads, at most ``max_share`` of the batch and at least
    ``min_per_rep`` leads (when enough leads are routable).
    """

    value: FloatArray
    win_probability: FloatArray
    capacity: IntArray
    eligible: BoolArray | None = None
    response_hours: FloatArray | None = None
    sla_hours: FloatArray | None = None
    max_share: float | None = None
    min_per_rep: int = 0


class RoutingMethod(StrEnum):
    TRANSPORTATION_LP = "transportation_lp"
    ROUND_ROBIN = "round_robin"  # the baseline


@dataclass(frozen=True)
class LeadRoutingResult:
    status: Status
    assignment: IntArray  # lead -> rep, -1 unrouted
    expected_value: float
    bound: float
    seconds: float
    message: str
    method: RoutingMethod = RoutingMethod.TRANSPORTATION_LP
    violations: tuple[Violation, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))


def _allowed(problem: LeadRoutingProblem) -> tuple[FloatArray, BoolArray]:
    p = np.asarray(problem.win_probability, dtype=np.float64)
    v = np.asarray(problem.value, dtype=np.float64)
    if p.ndim != 2 or v.shape != (p.shape[0],):
        raise ValueError(f"value must have one entry per row of win_probability {p.shape}, got {v.shape}")
    n_l, n_r = p.shape
    cap = np.asarray(problem.capacity)
    if cap.shape != (n_r,):
        raise ValueError(f"capacity must have shape ({n_r},), got {cap.shape}")
    if ((p < 0) | (p > 1)).any() or not np.isfinite(v).all():
        raise ValueError("win_probability must lie in [0, 1] and value must be finite")
    ok = np.ones((n_l, n_r), dtype=bool)
    if problem.eligible is not None:
        e = np.asarray(problem.eligible, dtype=bool)
        if e.shape != p.shape:
            raise ValueError(f"eligible must have shape {p.shape}, got {e.shape}")
        ok &= e
    if problem.response_hours is not None and problem.sla_hours is not None:
        rh = np.asarray(problem.response_hours, dtype=np.float64)
        sla = np.asarray(problem.sla_hours, dtype=np.float64)
        if rh.shape != (n_r,) or sla.shape != (n_l,):
            raise ValueError("response_hours must have one entry per rep and sla_hours one per lead")
        ok &= rh[None, :] <= sla[:, None]
    return v[:, None] * p, ok


def route_leads(problem: LeadRoutingProblem, *, time_limit: float = 30.0) -> LeadRoutingResult:
    t0 = time.perf_counter()
    ev, ok = _allowed(problem)
    n_l, n_r = ev.shape
    li, ri = np.nonzero(ok & (ev >= 0))
    n_e = li.size
    cap = np.asarray(problem.capacity, dtype=np.float64)
    upper = cap.copy()
    if problem.max_share is not None:
        upper = np.minimum(upper, np.floor(problem.max_share * n_l))
    lower = np.minimum(np.full(n_r, float(problem.min_per_rep)), upper)
    routable = ok.any(axis=1).sum()
    if lower.sum() > routable:
        lower[:] = 0.0
    rows = np.concatenate([li, n_l + ri])
    cols = np.concatenate([np.arange(n_e), np.arange(n_e)])
    matrix = sparse.csc_matrix((np.ones(2 * n_e), (rows, cols)), shape=(n_l + n_r, n_e))
    row_lo = np.concatenate([np.zeros(n_l), lower])
    row_hi = np.concatenate([np.ones(n_l), upper])
    out = solve_highs(
        -ev[li, ri], matrix, row_lo, row_hi, np.zeros(n_e), np.ones(n_e), integer=False, time_limit=time_limit
    )
    assignment = np.full(n_l, -1, dtype=np.int64)
    if out.x is None:
        proved = out.status == "Infeasible"
        return LeadRoutingResult(
            Status.INFEASIBLE if proved else Status.TIME_LIMIT,
            assignment,
            0.0,
            float("inf"),
            time.perf_counter() - t0,
            out.status,
            violations=(
                (Violation(ViolationCode.SOLVER_INFEASIBLE, Constraint.COMBINED, message=out.status),) if proved else ()
            ),
        )
    chosen = out.x > 0.5
    assignment[li[chosen]] = ri[chosen]
    value = float(ev[li[chosen], ri[chosen]].sum())
    return LeadRoutingResult(
        Status.OPTIMAL,
        assignment,
        value,
        -out.bound,
        time.perf_counter() - t0,
        "transportation LP solved to optimality (integral vertex)",
    )


def route_single_lead(
    expected_value: FloatArray,
    eligible: BoolArray,
    remaining_capacity: IntArray,
    assigned_today: IntArray,
) -> int:
    """Best eligible rep with capacity for one lead; ties go to the rep with fewer leads today, then
    the lower index. Returns -1 when no rep can take it."""
    ev = np.asarray(expected_value, dtype=np.float64)
    ok = np.asarray(eligible, dtype=bool) & (np.asarray(remaining_capacity) > 0)
    if not ok.any():
        return -1
    best = ev[ok].max()
    tied = np.nonzero(ok & (ev >= best - 1e-12 * max(1.0, abs(best))))[0]
    load = np.asarray(assigned_today)[tied]
    return int(tied[np.argmin(load)])


def round_robin(problem: LeadRoutingProblem) -> LeadRoutingResult:
    """Baseline: leads in order, each to the next rep in turn that is allowed and has capacity."""
    t0 = time.perf_counter()
    ev, ok = _allowed(problem)
    n_l, n_r = ev.shape
    left = np.asarray(problem.capacity, dtype=np.int64).copy()
    assignment = np.full(n_l, -1, dtype=np.int64)
    pointer = 0
    for lead in range(n_l):
        for step in range(n_r):
            r = (pointer + step) % n_r
            if ok[lead, r] and left[r] > 0:
                assignment[lead] = r
                left[r] -= 1
                pointer = r + 1
                break
    sel = assignment >= 0
    value = float(ev[np.nonzero(sel)[0], assignment[sel]].sum())
    return LeadRoutingResult(
        Status.FEASIBLE,
        assignment,
        value,
        float("inf"),
        time.perf_counter() - t0,
        "round robin",
        method=RoutingMethod.ROUND_ROBIN,
    )
