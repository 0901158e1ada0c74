"""The typed seam: statuses and bound scopes as enums, violations as codes with their numbers."""

import dataclasses

import numpy as np
import pytest

from opensrm.engines.allocation import (
    AssignmentProblem,
    BoundScope,
    Constraint,
    LeadRoutingProblem,
    RoutingMethod,
    Status,
    TerritoryProblem,
    ViolationCode,
    align_territories,
    diagnose_infeasibility,
    diagnose_violations,
    round_robin,
    route_leads,
    solve,
    solve_assignment,
)


def problem(n=40, m=4, **kw):
    rng = np.random.default_rng(0)
    base = {
        "account_workload": rng.uniform(1, 3, n),
        "account_potential": rng.uniform(50, 150, n),
        "account_lat": rng.uniform(30, 31, n),
        "account_lon": rng.uniform(120, 121, n),
        "rep_capacity": np.full(m, 200.0),
        "rep_lat": rng.uniform(30, 31, m),
        "rep_lon": rng.uniform(120, 121, m),
        "current_owner": np.arange(n) % m,
        "balance_tolerance": 0.3,
    }
    return AssignmentProblem(**{**base, **kw})


def test_status_and_scope_are_enums_that_compare_as_the_old_strings():
    res = solve(problem(), time_limit=10)
    assert isinstance(res.status, Status)
    assert res.status in ("optimal", "feasible")
    assert isinstance(res.bound_scope, BoundScope)
    assert res.bound_scope == "full problem (all eligible reps)" == BoundScope.FULL_ELIGIBLE
    assert str(res.status) == res.status.value
    assert res.violations == ()
    assert res.unassignable_reasons == ()


def test_total_capacity_violation_carries_the_amounts():
    pr = problem(rep_capacity=np.full(4, 10.0))
    res = solve(pr, time_limit=5)
    assert res.status == Status.INFEASIBLE
    first = res.violations[0]
    assert first.code == ViolationCode.TOTAL_WORKLOAD
    assert first.constraint == Constraint.CAPACITY
    assert first.rep is None
    assert first.account is None
    assert first.amount == float(np.sum(pr.account_workload))
    assert first.limit == 40.0
    assert res.message == first.message
    assert res.infeasibility[0] == first.message


def test_locked_overfill_names_the_rep_and_its_capacity():
    pr = problem()
    locked = np.asarray(pr.current_owner) == 0
    pr = dataclasses.replace(pr, locked=locked, rep_capacity=np.array([5.0, 200, 200, 200]))
    found = [v for v in diagnose_violations(pr) if v.code == ViolationCode.REP_FORCED_WORKLOAD]
    assert [(v.rep, v.limit) for v in found] == [(0, 5.0)]
    assert found[0].amount == pytest.approx(float(np.asarray(pr.account_workload)[locked].sum()))
    assert diagnose_infeasibility(pr) == [v.message for v in diagnose_violations(pr)]


def test_unassignable_accounts_get_a_code_and_keep_the_text():
    pr = problem(account_skills=np.where(np.arange(40) == 5, 4, 0), rep_skills=np.zeros(4, dtype=np.int64))
    res = solve(pr, time_limit=10)
    (why,) = res.unassignable_reasons
    assert (why.code, why.account, why.blocking) == (ViolationCode.ACCOUNT_NO_SKILLED_REP, 5, False)
    assert res.unassignable == {5: why.message}
    assert diagnose_infeasibility(pr) == [f"unassignable: {why.message}"]


def test_balance_account_above_band():
    pot = np.full(40, 100.0)
    pot[3] = 10_000.0
    res = solve(problem(account_potential=pot), time_limit=5)
    assert res.status == "infeasible"
    hit = [v for v in res.violations if v.code == ViolationCode.ACCOUNT_POTENTIAL_ABOVE_BAND]
    assert [(v.account, v.amount) for v in hit] == [(3, 10_000.0)]
    assert hit[0].limit == (pot.sum() / 4) * 1.3


def test_coupling_found_by_the_solver_gives_row_codes_then_the_headline():
    pr = AssignmentProblem(
        account_workload=np.ones(4),
        account_potential=np.full(4, 100.0),
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
    row, head = res.violations
    assert (row.code, row.constraint, row.rep, row.amount) == (ViolationCode.ROW_OVER, Constraint.MOVES, None, 1.0)
    assert head.code == ViolationCode.NO_PLAN
    assert res.infeasibility == tuple(v.message for v in res.violations)


def test_gap_job_over_capacity_names_each_job():
    cost = np.ones((2, 3))
    weight = np.array([[1.0, 9.0, 1.0], [1.0, 8.0, 1.0]])
    res = solve_assignment(cost, weight, np.array([5.0, 5.0]), time_limit=2)
    assert res.status == "infeasible"
    (v,) = res.violations
    assert (v.code, v.account, v.amount, v.limit) == (ViolationCode.JOB_OVER_CAPACITY, 1, 8.0, 5.0)


def test_territory_violations_name_territory_and_attribute():
    g = 4
    ii, jj = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
    attrs = np.column_stack([np.ones(g * g), np.full(g * g, 100.0)])
    attrs[0, 1] = 1e6
    res = align_territories(
        TerritoryProblem(30 + ii.ravel() * 0.1, 120 + jj.ravel() * 0.1, attrs, 3, tolerance=0.05), time_limit=1
    )
    assert res.status == Status.VIOLATED
    assert res.starts >= 1
    assert isinstance(res.bound_scope, BoundScope)
    unbalanced = [v for v in res.violations if v.code == ViolationCode.TERRITORY_UNBALANCED]
    assert unbalanced
    assert all(v.attribute is not None and v.limit == 0.05 for v in unbalanced)
    heavy = res.assignment[0]
    assert any(v.territory == heavy and v.attribute == 1 and v.amount > 1.05 for v in unbalanced)


def test_routing_method_and_status():
    rng = np.random.default_rng(0)
    pr = LeadRoutingProblem(
        value=rng.uniform(1, 10, 20), win_probability=rng.uniform(0, 1, (20, 3)), capacity=np.full(3, 10)
    )
    lp, rr = route_leads(pr), round_robin(pr)
    assert (lp.status, lp.method) == (Status.OPTIMAL, RoutingMethod.TRANSPORTATION_LP)
    assert (rr.status, rr.method) == (Status.FEASIBLE, RoutingMethod.ROUND_ROBIN)
