"""The plan's result type."""

from __future__ import annotations

from dataclasses import dataclass

from ..common.result import AssignmentResult


@dataclass(frozen=True)
class PlanResult(AssignmentResult):
    """A rep ↔ account plan: an :class:`AssignmentResult` with the per-rep statistics, ``moves``,
    ``unassignable`` / ``unassignable_reasons``, ``violations`` and ``bound_scope`` filled."""


__all__ = ["PlanResult"]
