"""The exact model: optimal on small problems, its infeasibility diagnosis and relaxations."""

import dataclasses
import itertools

import numpy as np
import pytest

from opensrm.engines.allocation import AssignmentProblem, Status, ViolationCode, solve
from opensrm.engines.allocation.plan.exact import (
    build_exact_model,
    explain_infeasible,
    least_band,
    relaxation,
    solve_exact,
)
from opensrm.engines.allocation.plan.problem import cost_block, validate


def tiny(seed, n=7, m=3, tol=0.3, cap=9.0, **kw):
    rng = np.random.default_rng(seed)
    elig = rng.random((n, m)) < 0.8
    elig[np.arange(n), rng.integers(0, m, n)] = True
    return AssignmentProblem(
        account_workload=rng.uniform(1, 3, n),
        account_potential=rng.uniform(50, 150, n),
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, cap),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        current_owner=rng.integers(0, m, n),
        balance_tolerance=tol,
        move_penalty=3.0,
        eligible=elig,
        **kw,
    )


def brute_force(pr):
    arr = validate(pr)
    n, m = pr.n_accounts, pr.n_reps
    cost = cost_block(pr, arr, np.arange(n))
    mean = arr.potential.sum() / m
    best = np.inf
    for combo in itertools.product(range(m), repeat=n):
        a = np.array(combo)
        if not pr.eligible[np.arange(n), a].all():
            continue
        if (np.bincount(a, weights=arr.workload, minlength=m) > arr.capacity + 1e-9).any():
            continue
        pot = np.bincount(a, weights=arr.potential, minlength=m)
        if (np.abs(pot - mean) > pr.balance_tolerance * mean + 1e-9).any():
            continue
        if pr.max_moves is not None and int((a != arr.owner).sum()) > pr.max_moves:
            continue
        best = min(best, float(cost[np.arange(n), a].sum()))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_exact_matches_brute_force_and_the_search(seed):
    pr = tiny(seed, max_moves=4)
    best = brute_force(pr)
    res = solve_exact(pr, time_limit=10)
    if not np.isfinite(best):
        assert res.status == Status.INFEASIBLE
        assert res.violations
        return
    assert res.status == Status.OPTIMAL
    assert res.objective == pytest.approx(best, rel=1e-6)
    assert res.bound <= res.objective + 1e-9
    assert res.bound_scope == "full problem (all eligible reps)"
    assert pr.eligible[np.arange(pr.n_accounts), res.assignment].all()
    assert solve(pr, time_limit=10).objective == pytest.approx(best, rel=1e-6)


def coupled(max_moves=1, tol=0.1):
    # the balance band (200 ± 20 per rep) needs two accounts on each rep: two moves
    return AssignmentProblem(
        account_workload=np.ones(4),
        account_potential=np.full(4, 100.0),
        account_lat=np.zeros(4),
        account_lon=np.zeros(4),
        rep_capacity=np.array([10.0, 10.0]),
        rep_lat=np.zeros(2),
        rep_lon=np.zeros(2),
        current_owner=np.zeros(4, dtype=np.int64),
        balance_tolerance=tol,
        max_moves=max_moves,
        eligible=np.ones((4, 2), dtype=bool),
    )


def test_infeasible_names_the_family_to_relax():
    res = solve_exact(coupled(), time_limit=5)
    assert res.status == "infeasible"
    (why,) = res.violations
    assert why.code == ViolationCode.BALANCE_BAND_TOO_TIGHT
    assert why.constraint == "balance"
    assert res.infeasibility == (why.message,)


def test_capacity_skills_locks_when_no_relaxation_helps():
    # two hours each, three hours per rep: one account per rep, three accounts (bin packing)
    pr = dataclasses.replace(
        coupled(),
        account_workload=np.full(3, 2.0),
        account_potential=np.full(3, 100.0),
        account_lat=np.zeros(3),
        account_lon=np.zeros(3),
        current_owner=np.zeros(3, dtype=np.int64),
        rep_capacity=np.array([3.0, 3.0]),
        eligible=np.ones((3, 2), dtype=bool),
    )
    (why,) = explain_infeasible(pr)
    assert why.code == ViolationCode.CAPACITY_SKILLS_LOCKS
    assert why.reps == (0, 1)
    assert solve_exact(pr, time_limit=5).violations == (why,)


def test_skill_group_over_capacity_is_found_by_the_checks():
    elig = np.zeros((6, 3), dtype=bool)
    elig[:4, :2] = True  # four accounts only reps 0 and 1 may take
    elig[4:, 2] = True
    pr = dataclasses.replace(
        coupled(max_moves=None, tol=None),
        account_workload=np.full(6, 3.0),
        account_potential=np.full(6, 1.0),
        account_lat=np.zeros(6),
        account_lon=np.zeros(6),
        current_owner=None,
        rep_capacity=np.array([5.0, 5.0, 10.0]),
        rep_lat=np.zeros(3),
        rep_lon=np.zeros(3),
        eligible=elig,
    )
    res = solve_exact(pr, time_limit=5)
    (why,) = res.violations
    assert why.code == ViolationCode.SKILL_GROUP_CAPACITY
    assert (why.reps, why.accounts, why.amount, why.limit) == ((0, 1), (0, 1, 2, 3), 12.0, 10.0)
    assert solve(pr, time_limit=5).violations[0].code == ViolationCode.SKILL_GROUP_CAPACITY


def test_relaxation_gives_the_band_and_the_moves_that_allow_a_plan():
    pr = coupled()
    found = relaxation(pr, time_limit=5)
    # one move: 300 / 100 per rep around the mean of 200, ±50 %
    assert found.tolerance == pytest.approx(0.5)
    assert found.tolerance_exact
    assert found.max_moves == 2
    assert found.max_moves_exact
    band = least_band(pr, max_moves=2, time_limit=5, model=build_exact_model(pr), start=np.array([0, 0, 1, 1]))
    assert band is not None
    assert band.tolerance == pytest.approx(0.0)
    assert band.moves == 2
