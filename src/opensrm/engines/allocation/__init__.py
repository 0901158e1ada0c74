"""Allocation engine: GAP, p-median, rep ↔ account plans, territories, lead routing, explanations."""

from .common.geo import haversine_km
from .common.outcome import BoundScope, Constraint, Status, Violation, ViolationCode
from .exact import (
    Band,
    ExactModel,
    Relaxation,
    build_exact_model,
    explain_infeasible,
    least_band,
    relaxation,
    solve_exact,
)
from .explain import Explanation, explain_assignment
from .gap import solve_assignment
from .infeasibility import diagnose_infeasibility, diagnose_violations
from .pareto import ParetoPoint, pareto_balance_moves
from .pmedian import shortest_path_distances, solve_p_median
from .problem import AssignmentProblem
from .product import solve
from .result import AssignmentResult, PMedianResult
from .routing import (
    LeadRoutingProblem,
    LeadRoutingResult,
    RoutingMethod,
    round_robin,
    route_leads,
    route_single_lead,
)
from .territory import TerritoryProblem, TerritoryResult, align_territories

__all__ = [
    "AssignmentProblem",
    "AssignmentResult",
    "Band",
    "BoundScope",
    "Constraint",
    "ExactModel",
    "Explanation",
    "LeadRoutingProblem",
    "LeadRoutingResult",
    "PMedianResult",
    "ParetoPoint",
    "Relaxation",
    "RoutingMethod",
    "Status",
    "TerritoryProblem",
    "TerritoryResult",
    "Violation",
    "ViolationCode",
    "align_territories",
    "build_exact_model",
    "diagnose_infeasibility",
    "diagnose_violations",
    "explain_assignment",
    "explain_infeasible",
    "haversine_km",
    "least_band",
    "pareto_balance_moves",
    "relaxation",
    "round_robin",
    "route_leads",
    "route_single_lead",
    "shortest_path_distances",
    "solve",
    "solve_assignment",
    "solve_exact",
    "solve_p_median",
]
