"""Territory alignment: geographic units into p balanced, compact, optionally contiguous territories."""

from .align import TerritoryProblem, TerritoryResult, align_territories

__all__ = ["TerritoryProblem", "TerritoryResult", "align_territories"]
