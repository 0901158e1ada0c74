"""Product plan at scale: k-d tree candidates and their floor, certified bound, flow balancing."""

import math

import numpy as np
import pytest

from opensrm.engines.allocation import AssignmentProblem, solve
from opensrm.engines.allocation.plan.balance import balance
from opensrm.engines.allocation.plan.candidates import build_candidates
from opensrm.engines.allocation.plan.lagrange import Multipliers, certify, make_pairs, make_rows
from opensrm.engines.allocation.plan.problem import cost_block, eligible_block, validate
from opensrm.engines.allocation.plan.search import violation


def clustered(seed=0, n=6000, m=40, cities=5, tol=0.05, candidates=4):
    """Accounts and reps around a few cities, reps NOT in proportion to accounts: balancing needs
    accounts to go to reps of another city (not among their nearest)."""
    rng = np.random.default_rng(seed)
    c_lat, c_lon = rng.uniform(22, 40, cities), rng.uniform(100, 120, cities)
    a_city = rng.choice(cities, n, p=rng.dirichlet(np.full(cities, 3.0)))
    r_city = rng.choice(cities, m)
    potential = rng.lognormal(3.0, 0.6, n)
    owner = rng.integers(0, m, n)
    skills_r = np.where(rng.random(m) < 0.5, 1, 0)
    skills_r[0] = 1
    skills_a = np.where(rng.random(n) < 0.05, 1, 0)
    owner[skills_a == 1] = 0
    return AssignmentProblem(
        account_workload=1.0 + potential / potential.mean(),
        account_potential=potential,
        account_lat=c_lat[a_city] + rng.normal(0, 0.3, n),
        account_lon=c_lon[a_city] + rng.normal(0, 0.3, n),
        rep_capacity=np.full(m, 2.0 * n / m * 1.5),
        rep_lat=c_lat[r_city] + rng.normal(0, 0.2, m),
        rep_lon=c_lon[r_city] + rng.normal(0, 0.2, m),
        account_skills=skills_a,
        rep_skills=skills_r,
        current_owner=owner,
        locked=rng.random(n) < 0.02,
        balance_tolerance=tol,
        max_moves=int(0.8 * n),
        move_penalty=2.0,
        skill_fit_weight=1.0,
        candidates=candidates,
    )


def test_candidate_floor_and_owner():
    pr = clustered(1, n=2000, m=60)
    arr = validate(pr)
    cand = build_candidates(pr, arr, pr.candidates)
    idx = np.arange(pr.n_accounts)
    cost, ok = cost_block(pr, arr, idx), eligible_block(arr, idx)
    is_cand = np.zeros_like(ok)
    is_cand[cand.account, cand.rep] = True
    assert (ok | ~is_cand).all()  # candidates are eligible
    assert (cand.n_eligible == ok.sum(axis=1)).all()
    other = np.where(ok & ~is_cand, cost, np.inf).min(axis=1)
    fin = np.isfinite(other)
    assert (other[fin] >= cand.kth_cost[fin] - 1e-9 * np.maximum(1, other[fin])).all()
    assert np.isfinite(cand.kth_cost).mean() > 0.5  # the floor is informative, not all inf
    own = arr.owner
    assert is_cand[idx, own][ok[idx, own]].all()  # an eligible owner is always a candidate


@pytest.mark.parametrize(("near", "budget"), [(128, 20_000), (6, 0), (6, 50)])
def test_certify_is_a_lower_bound_of_the_full_lagrangian(near, budget):
    pr = clustered(2, n=1500, m=50)
    arr = validate(pr)
    acc = np.arange(pr.n_accounts)
    cand = build_candidates(pr, arr, pr.candidates)
    pairs, rows = make_pairs(arr, cand, acc), make_rows(arr, acc)
    rng = np.random.default_rng(0)
    m = pr.n_reps
    u = Multipliers(rng.uniform(0, 3, m), rng.uniform(0, 2, m), rng.normal(0, 0.5, m), 0.7)
    value, _a, _r, _n = certify(pr, arr, cand, pairs, rows, u, near=near, scan_budget=budget)
    full = cost_block(pr, arr, acc) + arr.workload[:, None] * u.lam + u.mu + arr.potential[:, None] * u.beta
    moved = (arr.owner[:, None] >= 0) & (arr.owner[:, None] != np.arange(m))
    full = np.where(eligible_block(arr, acc), full + u.nu * moved, np.inf)
    const = -(u.lam @ rows.cap) - np.where(u.beta > 0, u.beta * rows.hi, u.beta * rows.lo).sum() - u.nu * rows.moves
    exact = float(full.min(axis=1).sum() + const)
    assert value <= exact + 1e-6 * abs(exact)
    if budget >= pr.n_accounts:
        assert value == pytest.approx(exact, rel=1e-9)


def test_balance_reaches_every_band_from_the_nearest_reps():
    pr = clustered(3)
    arr = validate(pr)
    acc = np.arange(pr.n_accounts)
    cand = build_candidates(pr, arr, pr.candidates)
    pairs, rows = make_pairs(arr, cand, acc), make_rows(arr, acc)
    first = np.minimum.reduceat(pairs.cost, pairs.seg)
    choice = np.flatnonzero(pairs.cost <= np.repeat(first, pairs.counts))
    choice = choice[np.r_[True, pairs.acc[choice][1:] != pairs.acc[choice][:-1]]]
    before, _ = violation(pairs, rows, pr.n_reps, choice)
    assert before > 0
    cand, pairs, choice, _rounds = balance(pr, arr, cand, pairs, rows, choice, deadline=math.inf)
    after, _ = violation(pairs, rows, pr.n_reps, choice)
    assert after == 0
    asg = pairs.rep[choice]
    assert ((arr.askills & ~arr.rskills[asg]) == 0).all()
    assert (asg[arr.locked] == arr.owner[arr.locked]).all()


def test_multi_region_plan_is_feasible_with_a_valid_bound():
    pr = clustered(4)
    res = solve(pr, time_limit=12, seed=0, group_size=10)
    assert res.status in ("feasible", "optimal")
    assert res.diagnostics["rep_groups"] > 1
    asg = res.assignment
    m = pr.n_reps
    pot = np.bincount(asg, weights=pr.account_potential, minlength=m)
    mean = pr.account_potential.sum() / m
    assert (np.abs(pot / mean - 1) <= pr.balance_tolerance + 1e-7).all()
    assert (np.bincount(asg, weights=pr.account_workload, minlength=m) <= pr.rep_capacity + 1e-6).all()
    assert ((pr.account_skills & ~pr.rep_skills[asg]) == 0).all()
    assert (asg[pr.locked] == pr.current_owner[pr.locked]).all()
    assert int((asg != pr.current_owner).sum()) <= pr.max_moves
    assert res.bound <= res.objective + 1e-6
    assert res.bound_scope.startswith("full problem")
