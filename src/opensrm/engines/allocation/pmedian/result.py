"""The p-median result type."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..common.outcome import Status

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class PMedianResult:
    """Outcome of a p-median solve: chosen medians, client → median, cost, bound and gap."""

    status: Status
    medians: IntArray
    assignment: IntArray
    objective: float
    bound: float
    gap: float
    seconds: float
    iterations: int
    message: str
    diagnostics: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
