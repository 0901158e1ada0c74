"""Lead routing: a batch of leads to reps by expected value, single-lead routing, a round-robin baseline."""

from .route import LeadRoutingProblem, LeadRoutingResult, RoutingMethod, round_robin, route_leads, route_single_lead

__all__ = [
    "LeadRoutingProblem",
    "LeadRoutingResult",
    "RoutingMethod",
    "round_robin",
    "route_leads",
    "route_single_lead",
]
