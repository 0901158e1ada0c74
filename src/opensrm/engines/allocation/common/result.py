"""The assignment result shared by the GAP and the plan (each subclasses it), and the relative gap."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .outcome import BoundScope, Status, Violation

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def relative_gap(objective: float, bound: float) -> float:
    """(objective - bound) / |objective|, 0 when both are 0, inf when unknown."""
    if not np.isfinite(objective) or not np.isfinite(bound):
        return float("inf")
    diff = max(objective - bound, 0.0)
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return float(diff / max(abs(objective), 1e-12))


@dataclass(frozen=True)
class AssignmentResult:
    """Outcome of a generalised assignment solve.

    ``assignment[j]`` is the agent of job ``j`` (-1 when unassigned). ``bound`` is a valid lower
    bound on the optimal cost, so ``bound <= objective`` always; ``gap`` is
    ``(objective - bound) / |objective|``. ``status`` is one of "optimal", "feasible",
    "infeasible", "time_limit" (no feasible point found in time).

    The product ``solve`` also fills the per-rep statistics, ``moves`` (accounts whose owner
    changed), ``unassignable`` (account → reason), ``infeasibility`` (explanations when status is
    "infeasible") and ``bound_scope`` (which problem the bound is certified for).

    Structured, for callers that must not read English: ``violations`` (why there is no plan, or
    the rows the best plan found still breaks; the first is the headline) and
    ``unassignable_reasons`` (one :class:`Violation` per account no rep can take). ``status`` and
    ``bound_scope`` are :class:`Status` and :class:`BoundScope` (strings, so comparing with the
    old literals keeps working).
    """

    status: Status
    assignment: IntArray
    objective: float
    bound: float
    gap: float
    seconds: float
    iterations: int
    message: str
    diagnostics: dict[str, float] = field(default_factory=dict)
    rep_workload: FloatArray | None = None
    rep_potential: FloatArray | None = None
    rep_count: IntArray | None = None
    rep_distance_km: FloatArray | None = None
    moves: int = 0
    unassignable: dict[int, str] = field(default_factory=dict)
    infeasibility: tuple[str, ...] = ()
    bound_scope: BoundScope = BoundScope.FULL_PROBLEM
    violations: tuple[Violation, ...] = ()
    unassignable_reasons: tuple[Violation, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "bound_scope", BoundScope(self.bound_scope))
