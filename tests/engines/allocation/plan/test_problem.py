"""Eligibility as a boolean (sparse) matrix gives the same plans as the equivalent skill masks."""

import dataclasses

import numpy as np
import pytest
from scipy import sparse

from opensrm.engines.allocation import AssignmentProblem, diagnose_violations, solve


def masked(seed=0, n=80, m=5):
    rng = np.random.default_rng(seed)
    return AssignmentProblem(
        account_workload=rng.uniform(1, 3, n),
        account_potential=rng.uniform(50, 150, n),
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, 200.0),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        account_skills=np.where(rng.random(n) < 0.2, 1, 0),
        rep_skills=np.array([1, 0, 1, 0, 1][:m]),
        current_owner=np.arange(n) % m,
        balance_tolerance=0.2,
        max_moves=n,
        move_penalty=1.0,
        candidates=3,
    )


def as_matrix(pr):
    need, has = np.asarray(pr.account_skills), np.asarray(pr.rep_skills)
    return (need[:, None] & ~has[None, :]) == 0


@pytest.mark.parametrize("kind", ["dense", "sparse"])
@pytest.mark.parametrize("seed", range(2))
def test_matrix_matches_masks(seed, kind):
    pr = masked(seed)
    owner = np.asarray(pr.current_owner).copy()
    owner[np.asarray(pr.account_skills) == 1] = 0
    pr = dataclasses.replace(pr, current_owner=owner)
    elig = as_matrix(pr)
    by_matrix = dataclasses.replace(
        pr, account_skills=None, rep_skills=None, eligible=sparse.csr_array(elig) if kind == "sparse" else elig
    )
    a, b = solve(pr, time_limit=10, seed=seed), solve(by_matrix, time_limit=10, seed=seed)
    assert a.status == b.status
    assert a.status in ("optimal", "feasible")
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    assert (a.assignment == b.assignment).all()
    assert elig[np.arange(pr.n_accounts), b.assignment].all()


def test_matrix_beyond_62_patterns_is_respected():
    # every account its own pattern: masks could not express this
    n, m = 70, 6
    rng = np.random.default_rng(3)
    elig = rng.random((n, m)) < 0.6
    elig[np.arange(n), np.arange(n) % m] = True
    pr = AssignmentProblem(
        account_workload=np.ones(n),
        account_potential=np.full(n, 10.0),
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, 20.0),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        balance_tolerance=None,
        eligible=elig,
    )
    res = solve(pr, time_limit=10)
    assert res.status in ("optimal", "feasible")
    assert elig[np.arange(n), res.assignment].all()


def test_account_without_eligible_rep_is_unassignable():
    pr = masked()
    elig = np.ones((pr.n_accounts, pr.n_reps), dtype=bool)
    elig[7] = False
    res = solve(dataclasses.replace(pr, eligible=elig, max_moves=None, current_owner=None), time_limit=10)
    assert res.assignment[7] == -1
    assert 7 in res.unassignable
    assert [v.account for v in diagnose_violations(dataclasses.replace(pr, eligible=elig))] == [7]


def test_matrix_shape_is_checked():
    with pytest.raises(ValueError, match="eligible must have shape"):
        solve(dataclasses.replace(masked(), eligible=np.ones((3, 3), dtype=bool)), time_limit=1)
