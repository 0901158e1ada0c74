"""The p-median problem: choose p medians minimising the client-to-nearest-median distance."""

from .result import PMedianResult
from .solve import shortest_path_distances, solve_p_median

__all__ = ["PMedianResult", "shortest_path_distances", "solve_p_median"]
