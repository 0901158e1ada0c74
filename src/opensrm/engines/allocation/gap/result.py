"""The GAP's result type."""

from __future__ import annotations

from dataclasses import dataclass

from ..common.result import AssignmentResult


@dataclass(frozen=True)
class GapResult(AssignmentResult):
    """A GAP solution: ``assignment[j]`` is the agent of job ``j``; the plan statistics stay empty."""


__all__ = ["GapResult"]
