"""Allocation engines, one sub-package per problem, each with a small public API and result type:

- ``plan``: the rep ↔ account plan (``solve_plan`` = ``solve`` → ``PlanResult``), its exact model,
  diagnosis, explanations and balance-vs-moves front;
- ``gap``: the generalised assignment problem (``solve_assignment`` → ``GapResult``);
- ``pmedian``: the p-median problem (``solve_p_median`` → ``PMedianResult``);
- ``territory``: territory alignment (``align_territories`` → ``TerritoryResult``);
- ``routing``: lead routing (``route_leads`` → ``LeadRoutingResult``);
- ``common``: what they share (status, bound scope and violation codes, ``haversine_km``, HiGHS).

Everything public is re-exported here; apps import from ``opensrm.engines.allocation`` only.
"""

from .common import AssignmentResult, BoundScope, Constraint, Status, Violation, ViolationCode, haversine_km
from .gap import GapResult, solve_assignment
from .plan import (
    AssignmentProblem,
    Band,
    ExactModel,
    Explanation,
    ParetoPoint,
    PlanResult,
    Relaxation,
    build_exact_model,
    diagnose_infeasibility,
    diagnose_violations,
    explain_assignment,
    explain_infeasible,
    least_band,
    pareto_balance_moves,
    relaxation,
    solve,
    solve_exact,
    solve_plan,
)
from .pmedian import PMedianResult, shortest_path_distances, solve_p_median
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
    "GapResult",
    "LeadRoutingProblem",
    "LeadRoutingResult",
    "PMedianResult",
    "ParetoPoint",
    "PlanResult",
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
    "solve_plan",
]
