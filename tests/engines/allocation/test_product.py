"""Product assignment: invariants, infeasibility explanations, explanations of a choice."""

import dataclasses

import numpy as np
import pytest

from opensrm.engines.allocation import (
    AssignmentProblem,
    diagnose_infeasibility,
    explain_assignment,
    solve,
)


def small_problem(seed=0, n=60, m=4, tol=0.2):
    rng = np.random.default_rng(seed)
    return AssignmentProblem(
        account_workload=rng.uniform(1, 3, n),
        account_potential=rng.uniform(50, 150, n),
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, 200.0),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        account_skills=np.where(rng.random(n) < 0.1, 1, 0),
        rep_skills=np.array([1, 0, 1, 0][:m]),
        current_owner=rng.integers(0, m, n) * 0 + np.arange(n) % m,
        balance_tolerance=tol,
        max_moves=n,
        move_penalty=1.0,
        candidates=4,
    )


@pytest.mark.parametrize("seed", range(3))
def test_invariants(seed):
    pr = small_problem(seed)
    owner = np.asarray(pr.current_owner).copy()
    owner[np.asarray(pr.account_skills) == 1] = 0  # owners eligible
    pr = dataclasses.replace(pr, current_owner=owner)
    res = solve(pr, time_limit=10, seed=seed)
    assert res.status in ("optimal", "feasible")
    asg = res.assignment
    assert (asg >= 0).all()
    assert ((np.asarray(pr.account_skills)[:] & ~np.asarray(pr.rep_skills)[asg]) == 0).all()
    pot = np.bincount(asg, weights=pr.account_potential, minlength=4)
    mean = pr.account_potential.sum() / 4
    assert (np.abs(pot / mean - 1) <= 0.2 + 1e-6).all()
    assert (np.bincount(asg, weights=pr.account_workload, minlength=4) <= 200 + 1e-6).all()
    assert res.bound <= res.objective + 1e-6
    assert res.gap >= 0
    text = explain_assignment(pr, res, 0).text
    assert "rep" in text


def test_unassignable_account_is_reported():
    pr = small_problem()
    skills = np.asarray(pr.account_skills).copy()
    skills[5] = 4  # nobody has skill bit 2
    res = solve(
        dataclasses.replace(pr, account_skills=skills, current_owner=None, max_moves=None), time_limit=10
    )
    assert 5 in res.unassignable
    assert res.assignment[5] == -1


def test_total_capacity_infeasible_is_explained():
    pr = dataclasses.replace(small_problem(), rep_capacity=np.full(4, 10.0))
    res = solve(pr, time_limit=5)
    assert res.status == "infeasible"
    assert any("total workload" in r for r in res.infeasibility)
    assert any("capacity" in r for r in diagnose_infeasibility(pr))


def test_locked_accounts_overfill_owner():
    pr = small_problem()
    locked = np.zeros(60, dtype=bool)
    locked[np.asarray(pr.current_owner) == 0] = True
    pr = dataclasses.replace(pr, locked=locked, rep_capacity=np.array([20.0, 200, 200, 200]))
    reasons = diagnose_infeasibility(pr)
    assert any("rep 0" in r for r in reasons)


def test_validation_names_field():
    pr = small_problem()
    with pytest.raises(ValueError, match="account_lat"):
        solve(dataclasses.replace(pr, account_lat=np.zeros(3)), time_limit=1)
