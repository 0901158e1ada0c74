"""Pareto front of balance against moves: monotone, and every point a feasible plan."""

import itertools

import numpy as np

from opensrm.engines.allocation import AssignmentProblem, pareto_balance_moves


def problem():
    rng = np.random.default_rng(3)
    n, m = 24, 3
    return AssignmentProblem(
        account_workload=rng.uniform(1, 3, n),
        account_potential=rng.uniform(50, 150, n),
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, 40.0),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        current_owner=np.r_[np.zeros(14, int), np.ones(6, int), np.full(4, 2)],  # unbalanced today
        balance_tolerance=0.5,
        move_penalty=1.0,
    )


def test_front_is_monotone_and_feasible():
    pr = problem()
    points = pareto_balance_moves(pr, max_moves_grid=[0, 2, 5, 10, 24], time_limit=20, seed=0)
    assert [p.max_moves for p in points] == sorted(p.max_moves for p in points)
    devs = [p.balance_deviation for p in points]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(devs))
    assert devs[-1] < devs[0]  # allowing moves does buy balance here
    owner = np.asarray(pr.current_owner)
    for p in points:
        asg = p.assignment
        assert (asg >= 0).all()
        moves = int((asg != owner).sum())
        assert moves == p.moves <= p.max_moves
        assert (np.bincount(asg, weights=pr.account_workload, minlength=3) <= 40 + 1e-6).all()
        pot = np.bincount(asg, weights=pr.account_potential, minlength=3)
        assert np.abs(pot / pot.mean() - 1).max() == np.float64(p.balance_deviation)
        assert p.balance_deviation <= p.tolerance + 1e-6
