"""The generalised assignment problem (GAP): jobs to agents at least cost within capacities."""

from .result import GapResult
from .solve import solve_assignment

__all__ = ["GapResult", "solve_assignment"]
