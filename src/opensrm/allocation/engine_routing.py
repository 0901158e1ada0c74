"""Lead routing through the allocation engine: a batch of leads as a transportation LP, one lead
at once by the best expected value. Like :mod:`opensrm.allocation.engine_adapter`, the only
place that knows the engine's routing names and shapes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from opensrm.engines import allocation as _engine
from opensrm.allocation.engine_adapter import BoolArray, FloatArray, IntArray, haversine_km


@dataclass(frozen=True)
class RoutingInput:
    """Leads × reps: ``value[j]`` is lead ``j``'s expected value, ``slots[i]`` how many more leads
    rep ``i`` may take."""

    value: FloatArray  # (n,)
    lead_latlon: FloatArray  # (n, 2)
    rep_latlon: FloatArray  # (m, 2)
    eligible: BoolArray  # (m, n)
    slots: FloatArray  # (m,)
    fairness: float = 1.5  # no rep gets more than fairness × the even share of the batch


@dataclass(frozen=True)
class RoutingOutcome:
    status: str
    assignment: IntArray
    objective: float | None
    seconds: float
    message: str
    distance_km: FloatArray
    round_robin_objective: float | None = None


def _lead_problem(inp: RoutingInput, distance: FloatArray) -> Any:
    """Expected value = lead value × a distance discount (a lead 500 km away is worth half)."""
    _m, n = inp.eligible.shape
    reachable = max(1, int((inp.slots >= 1).sum()))
    return _engine.LeadRoutingProblem(
        value=np.maximum(inp.value, 1.0),
        win_probability=(1.0 / (1.0 + distance / 500.0)).T,
        capacity=np.floor(np.maximum(inp.slots, 0)).astype(np.int64),
        eligible=inp.eligible.T,
        max_share=min(1.0, math.ceil(inp.fairness * n / reachable) / n),
    )


def route_batch(inp: RoutingInput, *, time_limit: float, seed: int) -> RoutingOutcome:
    """Route a batch of leads: maximise expected value under remaining slots, skills and fairness."""
    del seed  # the routing LP is deterministic
    m, n = inp.eligible.shape
    distance = haversine_km(inp.rep_latlon, inp.lead_latlon)
    if m == 0 or n == 0:
        return RoutingOutcome(
            "infeasible" if n else "optimal",
            np.full(n, -1, dtype=np.int64),
            0.0,
            0.0,
            "no reps" if n else "no leads",
            distance,
        )
    problem = _lead_problem(inp, distance)
    result = _engine.route_leads(problem, time_limit=time_limit)
    baseline = _engine.round_robin(problem)
    return RoutingOutcome(
        result.status,
        np.asarray(result.assignment, dtype=np.int64),
        float(result.expected_value),
        float(result.seconds),
        result.message,
        distance,
        float(baseline.expected_value),
    )


def route_one(inp: RoutingInput) -> int:
    """The rep (index) for a single new lead, or -1 when no eligible rep has room; ties go to the
    rep with the most room left."""
    m, n = inp.eligible.shape
    if m == 0 or n != 1:
        return -1
    distance = haversine_km(inp.rep_latlon, inp.lead_latlon)
    value = max(float(inp.value[0]), 1.0) / (1.0 + distance[:, 0] / 500.0)
    room = np.floor(np.maximum(inp.slots, 0)).astype(np.int64)
    return int(
        _engine.route_single_lead(
            expected_value=value,
            eligible=inp.eligible[:, 0],
            remaining_capacity=room,
            assigned_today=room.max() - room,
        )
    )
