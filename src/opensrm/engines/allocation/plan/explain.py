"""Explain one account's assignment: why this rep, and what the runner-up would cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.geo import haversine_km
from ..common.result import AssignmentResult
from .problem import AssignmentProblem, cost_block, eligible_block, validate


@dataclass(frozen=True)
class Explanation:
    account: int
    rep: int
    cost: float
    distance_km: float
    skills_ok: bool
    rep_potential_share: float  # rep potential / mean rep potential after the plan
    runner_up: int  # cheapest other eligible rep (-1 none)
    runner_up_extra_cost: float
    runner_up_distance_km: float
    text: str


def explain_assignment(problem: AssignmentProblem, result: AssignmentResult, account_index: int) -> Explanation:
    arr = validate(problem)
    n = arr.workload.shape[0]
    if not 0 <= account_index < n:
        raise ValueError(f"account_index must be in 0..{n - 1}, got {account_index}")
    if result.assignment.shape != (n,):
        raise ValueError("result does not belong to this problem (assignment length differs)")
    rep = int(result.assignment[account_index])
    if rep < 0:
        why = result.unassignable.get(account_index, "the plan left it unassigned")
        return Explanation(
            account_index,
            -1,
            float("nan"),
            float("nan"),
            False,
            float("nan"),
            -1,
            float("nan"),
            float("nan"),
            f"account {account_index} is unassigned: {why}",
        )
    idx = np.array([account_index], dtype=np.int64)
    cost = cost_block(problem, arr, idx)[0]
    ok = eligible_block(arr, idx)[0]
    dist = haversine_km(arr.alat[idx], arr.alon[idx], arr.rlat, arr.rlon)
    other = np.where(ok, cost, np.inf)
    other[rep] = np.inf
    ru = int(np.argmin(other)) if np.isfinite(other).any() else -1
    pot = result.rep_potential
    share = float(pot[rep] / pot.mean()) if pot is not None and pot.mean() > 0 else float("nan")
    extra = float(other[ru] - cost[rep]) if ru >= 0 else float("nan")
    text = (
        f"account {account_index} → rep {rep}: {dist[rep]:.1f} km, cost {cost[rep]:.1f}, skills "
        f"{'met' if ok[rep] else 'NOT met'}, rep potential at {share:.0%} of the mean. "
    )
    if ru >= 0:
        text += (
            f"Runner-up rep {ru} ({dist[ru]:.1f} km) would cost {extra:+.1f}"
            + ("; it was not chosen for balance/capacity reasons" if extra < 0 else "")
            + "."
        )
    else:
        text += "No other eligible rep."
    return Explanation(
        account_index,
        rep,
        float(cost[rep]),
        float(dist[rep]),
        bool(ok[rep]),
        share,
        ru,
        extra,
        float(dist[ru]) if ru >= 0 else float("nan"),
        text,
    )
