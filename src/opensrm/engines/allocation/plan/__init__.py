"""The rep ↔ account plan: balance, capacity, skills (masks or an eligibility matrix) and continuity.

``solve_plan`` (also exported as ``solve``) searches with Lagrangian bounds and sub-MIPs;
``solve_exact`` solves a small problem as one MIP; ``diagnose_violations`` and
``explain_infeasible`` say why no plan exists; ``explain_assignment`` why an account went to its
rep; ``pareto_balance_moves`` trades balance against moves.
"""

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
from .infeasibility import diagnose_infeasibility, diagnose_violations
from .pareto import ParetoPoint, pareto_balance_moves
from .problem import AssignmentProblem
from .result import PlanResult
from .solver import failure_message, solve

solve_plan = solve

__all__ = [
    "AssignmentProblem",
    "Band",
    "ExactModel",
    "Explanation",
    "ParetoPoint",
    "PlanResult",
    "Relaxation",
    "build_exact_model",
    "diagnose_infeasibility",
    "diagnose_violations",
    "explain_assignment",
    "explain_infeasible",
    "failure_message",
    "least_band",
    "pareto_balance_moves",
    "relaxation",
    "solve",
    "solve_exact",
    "solve_plan",
]
