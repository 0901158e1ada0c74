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
    ex = explain_assignment(pr, res, 0)
    assert ex.rep == asg[0]
    assert ex.skills_ok
    assert ex.rep_potential_share == pytest.approx(pot[asg[0]] / mean)
    assert ex.text.startswith(f"account 0 → rep {asg[0]}: {ex.distance_km:.1f} km, cost {ex.cost:.1f}, skills met, ")
    assert f"rep potential at {pot[asg[0]] / mean:.0%} of the mean." in ex.text


def test_unassignable_account_is_reported():
    pr = small_problem()
    skills = np.asarray(pr.account_skills).copy()
    skills[5] = 4  # nobody has skill bit 2
    res = solve(dataclasses.replace(pr, account_skills=skills, current_owner=None, max_moves=None), time_limit=10)
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


# --- brute force, invariants, explanations --------------------------------------------------
import itertools  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from opensrm.engines.allocation.plan.problem import cost_block, validate  # noqa: E402


def tiny(seed, n=7, m=3, tol=0.3, cap=9.0):
    rng = np.random.default_rng(seed)
    return AssignmentProblem(
        account_workload=rng.uniform(1, 3, n),
        account_potential=rng.uniform(50, 150, n),
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, cap),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        account_skills=np.where(rng.random(n) < 0.2, 1, 0),
        rep_skills=np.array([1, 0, 0]),
        current_owner=rng.integers(0, m, n),
        balance_tolerance=tol,
        move_penalty=3.0,
        candidates=2,
    )


def brute_force(pr):
    arr = validate(pr)
    n, m = pr.n_accounts, pr.n_reps
    cost = cost_block(pr, arr, np.arange(n))
    mean = arr.potential.sum() / m
    best = np.inf
    for combo in itertools.product(range(m), repeat=n):
        a = np.array(combo)
        if ((arr.askills & ~arr.rskills[a]) != 0).any():
            continue
        if (np.bincount(a, weights=arr.workload, minlength=m) > arr.capacity + 1e-9).any():
            continue
        pot = np.bincount(a, weights=arr.potential, minlength=m)
        if (np.abs(pot - mean) > pr.balance_tolerance * mean + 1e-9).any():
            continue
        best = min(best, float(cost[np.arange(n), a].sum()))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_matches_brute_force(seed):
    pr = tiny(seed)
    opt = brute_force(pr)
    res = solve(pr, time_limit=10, seed=0)
    assert np.isfinite(opt)  # these draws are feasible; infeasible data has its own tests
    assert res.status in ("optimal", "feasible")
    assert res.objective == pytest.approx(opt, rel=1e-6)
    assert res.bound <= opt + 1e-6
    # candidates=2 < 3 reps, yet the bound is certified for the full problem
    assert res.bound_scope.startswith("full problem")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), per_rep=st.integers(3, 8), m=st.integers(2, 5), tol=st.sampled_from([0.1, 0.3]))
def test_random_invariants(seed, per_rep, m, tol):
    """Random problems that are feasible by construction (a planted plan meets every constraint),
    so the solve must succeed and its plan must keep every constraint."""
    rng = np.random.default_rng(seed)
    n = per_rep * m
    planted = np.repeat(np.arange(m), per_rep)
    # each rep's planted accounts carry the same total potential: the planted plan is balanced
    potential = rng.uniform(50, 150, n)
    potential *= 100.0 * per_rep / np.bincount(planted, weights=potential, minlength=m)[planted]
    locked = (planted == 0) & (rng.random(n) < 0.5)  # locked to their owner, rep 0, as planted
    rep_skills = np.where(np.arange(m) % 2 == 0, 2, 0)
    account_skills = np.where((rep_skills[planted] == 2) & (rng.random(n) < 0.3), 2, 0)
    capacity = 3.0 * per_rep  # workloads are at most 3: the planted plan fits
    pr = AssignmentProblem(
        account_workload=rng.uniform(1, 3, n),
        account_potential=potential,
        account_lat=rng.uniform(30, 31, n),
        account_lon=rng.uniform(120, 121, n),
        rep_capacity=np.full(m, capacity),
        rep_lat=rng.uniform(30, 31, m),
        rep_lon=rng.uniform(120, 121, m),
        account_skills=account_skills,
        rep_skills=rep_skills,
        current_owner=np.zeros(n, dtype=np.int64),  # rep 0 has skill bit 2: owner always eligible
        locked=locked,
        balance_tolerance=tol,
        max_moves=n,
        move_penalty=1.0,
        candidates=m,  # every rep a candidate: fewer can exclude the planted plan's pairs
    )
    res = solve(pr, time_limit=5, seed=seed)
    assert res.status in ("optimal", "feasible"), res.infeasibility
    assert res.bound <= res.objective + 1e-6
    asg = res.assignment
    assert len(res.unassignable) == 0
    assert (asg >= 0).all()
    assert ((account_skills & ~rep_skills[asg]) == 0).all()
    assert (asg[locked] == 0).all()
    assert (np.bincount(asg, weights=pr.account_workload, minlength=m) <= capacity + 1e-6).all()
    pot = np.bincount(asg, weights=potential, minlength=m)
    mean = potential.sum() / m
    assert (np.abs(pot - mean) <= tol * mean + 1e-6).all()
    assert res.gap >= 0


def test_deterministic_per_seed():
    pr = small_problem(1)
    owner = np.asarray(pr.current_owner).copy()
    owner[np.asarray(pr.account_skills) == 1] = 0
    pr = dataclasses.replace(pr, current_owner=owner)
    a = solve(pr, time_limit=10, seed=5)
    b = solve(pr, time_limit=10, seed=5)
    assert a.objective == b.objective
    assert (a.assignment == b.assignment).all()


def test_explanation_runner_up_is_consistent():
    pr = tiny(0, tol=None)
    res = solve(pr, time_limit=10)
    arr = validate(pr)
    cost = cost_block(pr, arr, np.arange(pr.n_accounts))
    for a in range(pr.n_accounts):
        ex = explain_assignment(pr, res, a)
        assert ex.rep == res.assignment[a]
        assert ex.cost == pytest.approx(cost[a, ex.rep])
        if ex.runner_up >= 0:
            assert ex.runner_up != ex.rep
            assert ex.runner_up_extra_cost == pytest.approx(cost[a, ex.runner_up] - cost[a, ex.rep])
            # without balance the plan is per-account optimal: the runner-up cannot be cheaper
            assert ex.runner_up_extra_cost >= -1e-9


def test_infeasible_balance_names_constraint_and_rep():
    pr = tiny(0)
    pot = np.asarray(pr.account_potential).copy()
    pot[3] = 10_000.0  # one account above the balance band's upper end
    res = solve(dataclasses.replace(pr, account_potential=pot), time_limit=5)
    assert res.status == "infeasible"
    assert any("balance" in r and "account 3" in r for r in res.infeasibility)


def test_infeasible_coupling_found_by_the_solver_names_rep():
    # Each constraint alone is satisfiable; together they are not (found by the MIP, not the checks).
    pr = AssignmentProblem(
        account_workload=np.array([1.0, 1.0, 1.0, 1.0]),
        account_potential=np.array([100.0, 100.0, 100.0, 100.0]),
        account_lat=np.zeros(4),
        account_lon=np.zeros(4),
        rep_capacity=np.array([10.0, 10.0]),
        rep_lat=np.zeros(2),
        rep_lon=np.zeros(2),
        current_owner=np.zeros(4, dtype=np.int64),
        balance_tolerance=0.1,
        max_moves=1,
    )
    res = solve(pr, time_limit=5)
    assert res.status == "infeasible"
    # the balance band (200 ± 20 per rep) needs two accounts on each rep: two moves, one allowed
    assert res.infeasibility == ("moves: plan over by 1.0", "infeasible: no plan satisfies every constraint")
