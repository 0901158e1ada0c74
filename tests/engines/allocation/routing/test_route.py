"""Lead routing: LP optimum equals brute force; single-lead ties; beats round robin."""

import itertools

import numpy as np
import pytest

from opensrm.engines.allocation import LeadRoutingProblem, round_robin, route_leads, route_single_lead


def brute(ev, ok, cap):
    n_l, n_r = ev.shape
    best = 0.0
    for combo in itertools.product(range(-1, n_r), repeat=n_l):
        counts = np.zeros(n_r)
        val = 0.0
        good = True
        for lead, r in enumerate(combo):
            if r < 0:
                continue
            if not ok[lead, r]:
                good = False
                break
            counts[r] += 1
            val += ev[lead, r]
        if good and (counts <= cap).all():
            best = max(best, val)
    return best


@pytest.mark.parametrize("seed", range(3))
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    value = rng.uniform(100, 1000, 6)
    prob = rng.uniform(0, 1, (6, 3))
    eligible = rng.random((6, 3)) < 0.8
    cap = np.array([2, 2, 1])
    res = route_leads(LeadRoutingProblem(value, prob, cap, eligible=eligible))
    assert res.expected_value == pytest.approx(brute(value[:, None] * prob, eligible, cap))
    assert res.expected_value >= round_robin(LeadRoutingProblem(value, prob, cap, eligible=eligible)).expected_value


def test_sla_excludes_slow_reps():
    prob = np.array([[0.9, 0.1]])
    res = route_leads(
        LeadRoutingProblem(
            np.array([100.0]),
            prob,
            np.array([5, 5]),
            response_hours=np.array([10.0, 1.0]),
            sla_hours=np.array([4.0]),
        )
    )
    assert res.assignment.tolist() == [1]


def test_single_lead_tie_goes_to_less_loaded():
    r = route_single_lead(
        np.array([5.0, 5.0, 1.0]), np.array([True, True, True]), np.array([1, 1, 1]), np.array([3, 1, 0])
    )
    assert r == 1
    assert route_single_lead(np.array([5.0]), np.array([True]), np.array([0]), np.array([0])) == -1
