"""Former home of the HiGHS wrapper, now :mod:`opensrm.engines.allocation.common.highs`."""

from .common.highs import HighsOutcome, build_highs, read_outcome, run_highs, solve_highs

__all__ = ["HighsOutcome", "build_highs", "read_outcome", "run_highs", "solve_highs"]
