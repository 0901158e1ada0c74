"""solve_assignment against brute force, on infeasible data, and on an instance in the OR-Library format."""

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from opensrm.engines.allocation import solve_assignment
from opensrm.engines.allocation.gap.bounds import gap_model, lp_bound, reduced_cost_bounds
from opensrm.engines.allocation.gap.heuristics import is_feasible, regret_greedy, repair, total_cost
from opensrm.engines.allocation.gap.search import deep_descent, default_accept, perturbed_search
from opensrm.engines.allocation.gap.solve import _fix_by_reduced_cost

DATA = Path(__file__).parents[3] / "data"


def brute_force(c, a, b):
    m, n = c.shape
    best = np.inf
    for combo in itertools.product(range(m), repeat=n):
        asg = np.array(combo)
        load = np.bincount(asg, weights=a[asg, np.arange(n)], minlength=m)
        if (load <= b + 1e-9).all():
            best = min(best, c[asg, np.arange(n)].sum())
    return best


def random_instance(seed, m=3, n=7):
    rng = np.random.default_rng(seed)
    c = rng.integers(1, 30, (m, n)).astype(float)
    a = rng.integers(1, 10, (m, n)).astype(float)
    b = np.full(m, a.sum() / m * 0.6)
    return c, a, b


@pytest.mark.parametrize("seed", range(4))
def test_matches_brute_force(seed):
    c, a, b = random_instance(seed)
    expected = brute_force(c, a, b)
    res = solve_assignment(c, a, b, time_limit=5, seed=seed)
    assert np.isfinite(expected)  # these draws are feasible; infeasible data has its own tests
    assert res.objective == pytest.approx(expected)
    assert res.bound <= res.objective + 1e-6
    assert res.status == "optimal"


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_invariants(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 5)), int(rng.integers(5, 20))
    c = rng.integers(1, 50, (m, n)).astype(float)
    a = rng.integers(1, 20, (m, n)).astype(float)
    b = np.full(m, a.sum() / m * 0.8)
    # each agent holds 80 % of a mean agent's load of every job: always feasible, small enough
    # for the engine to prove its optimum within the limit
    res = solve_assignment(c, a, b, time_limit=2, seed=0)
    assert res.status == "optimal"
    assert res.gap >= 0
    asg = res.assignment
    assert (asg >= 0).all()
    load = np.bincount(asg, weights=a[asg, np.arange(n)], minlength=m)
    assert (load <= b + 1e-9).all()
    assert res.objective == pytest.approx(c[asg, np.arange(n)].sum())
    assert res.objective == pytest.approx(textbook_optimum(c, a, b))
    assert res.bound <= res.objective + 1e-6


def test_infeasible_job_too_big():
    c = np.ones((2, 3))
    a = np.array([[1.0, 1.0, 9.0], [1.0, 1.0, 9.0]])
    res = solve_assignment(c, a, np.array([5.0, 5.0]), time_limit=2)
    assert res.status == "infeasible"
    assert "2" in res.message


def test_infeasible_total_capacity():
    c = np.ones((2, 4))
    a = np.full((2, 4), 3.0)
    res = solve_assignment(c, a, np.array([4.0, 4.0]), time_limit=2)
    assert res.status == "infeasible"


def test_validation_names_field():
    with pytest.raises(ValueError, match="capacity"):
        solve_assignment(np.ones((2, 3)), np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="weight"):
        solve_assignment(np.ones((2, 3)), np.ones((3, 2)), np.ones(2))


def test_deterministic_per_seed():
    c, a, b = random_instance(7, m=4, n=15)
    r1 = solve_assignment(c, a, b, time_limit=1, seed=3)
    r2 = solve_assignment(c, a, b, time_limit=1, seed=3)
    assert r1.objective == r2.objective


def read_or_library_gap(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = np.array(path.read_text().split(), dtype=float)
    m, n = int(v[0]), int(v[1])
    c = v[2 : 2 + m * n].reshape(m, n)
    a = v[2 + m * n : 2 + 2 * m * n].reshape(m, n)
    b = v[2 + 2 * m * n : 2 + 2 * m * n + m]
    assert len(v) == 2 + 2 * m * n + m, path
    return c, a, b


def textbook_optimum(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """The minimum by scipy's MILP on the textbook model: an independent reference."""
    m, n = c.shape
    col = np.arange(m * n).reshape(m, n)
    each_job_once = sparse.csr_array((np.ones(m * n), (np.tile(np.arange(n), m), col.ravel())), shape=(n, m * n))
    capacity = sparse.csr_array((a.ravel(), (np.repeat(np.arange(m), n), col.ravel())), shape=(m, m * n))
    out = milp(
        c.ravel(),
        integrality=np.ones(m * n),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(each_job_once, 1, 1), LinearConstraint(capacity, -np.inf, b)],
    )
    assert out.status == 0, out.message
    return float(out.fun)


def test_or_library_format_instance_solved_to_its_optimum():
    """A gap1-sized instance in the OR-Library format (tests/data/gap/README.md), minimum 258."""
    c, a, b = read_or_library_gap(DATA / "gap" / "gap-5x15")
    assert c.shape == (5, 15)
    assert b.tolist() == [39, 33, 30, 25, 30]
    assert textbook_optimum(c, a, b) == 258
    res = solve_assignment(c, a, b, time_limit=10, seed=0)
    assert res.status == "optimal"
    assert res.objective == 258
    asg = res.assignment
    assert c[asg, np.arange(15)].sum() == 258
    assert (np.bincount(asg, weights=a[asg, np.arange(15)], minlength=5) <= b).all()


def feasible_assignments(c, a, b):
    m, n = c.shape
    for combo in itertools.product(range(m), repeat=n):
        asg = np.array(combo)
        load = np.bincount(asg, weights=a[asg, np.arange(n)], minlength=m)
        if (load <= b + 1e-9).all():
            yield asg, float(c[asg, np.arange(n)].sum())


@pytest.mark.parametrize("seed", range(6))
def test_reduced_cost_fixing_keeps_every_better_solution(seed):
    c, a, b = random_instance(100 + seed, m=3, n=7)
    m, n = c.shape
    model = gap_model(c, a, b)
    lp = lp_bound(model, (m, n), 5.0)
    sols = list(feasible_assignments(c, a, b))
    assert sols  # these draws are feasible: the checks below run on every seed
    opt = min(v for _, v in sols)
    dual_bound, pair_bound = reduced_cost_bounds(c, a, b, lp.job_dual, lp.capacity_dual)
    assert dual_bound <= opt + 1e-6
    # every feasible assignment costs at least the pair bound of each pair it uses
    for asg, value in sols:
        assert value >= pair_bound[asg, np.arange(n)].max() - 1e-6
    for slack in (0.0, 1.0, 3.0, 10.0):
        incumbent = opt + slack
        upper, share = _fix_by_reduced_cost(c, a, b, model.col_upper, (lp.job_dual, lp.capacity_dual), incumbent, True)
        fixed = (upper == 0).reshape(m, n) & (model.col_upper == 1).reshape(m, n)
        for asg, value in sols:
            if value < incumbent - 1e-9:
                assert not fixed[asg, np.arange(n)].any()
        if slack == 0.0:
            assert share > 0  # something is fixed once the incumbent is optimal on these draws


def test_reduced_cost_fixing_is_valid_for_arbitrary_duals():
    c, a, b = random_instance(5, m=3, n=6)
    rng = np.random.default_rng(0)
    sols = list(feasible_assignments(c, a, b))
    for _ in range(5):
        u = rng.normal(10, 5, c.shape[1])
        v = -np.abs(rng.normal(0, 1, c.shape[0]))
        bound, pair_bound = reduced_cost_bounds(c, a, b, u, v)
        for asg, value in sols:
            assert value >= bound - 1e-6
            assert value >= pair_bound[asg, np.arange(c.shape[1])].max() - 1e-6


@pytest.mark.parametrize("seed", range(3))
def test_local_search_keeps_feasibility_and_never_worsens(seed):
    rng = np.random.default_rng(seed)
    m, n = 5, 40
    c = rng.integers(10, 50, (m, n)).astype(float)
    a = rng.integers(5, 25, (m, n)).astype(float)
    b = np.full(m, 0.8 * a.sum() / m)
    start = repair(c, a, b, regret_greedy(c, a, b))
    assert is_feasible(a, b, start)  # greedy and repair find a start on these draws
    deadline = time.perf_counter() + 1.0
    out = deep_descent(c, a, b, start, deadline=deadline + 5)
    assert is_feasible(a, b, out)
    assert total_cost(c, out) <= total_cost(c, start)
    best, best_cost, _ = perturbed_search(c, a, b, out, deadline=deadline, rng=rng)
    assert is_feasible(a, b, best)
    assert best_cost == pytest.approx(total_cost(c, best))
    assert best_cost <= total_cost(c, out)


def test_perturbed_search_noise_is_capped_by_noise_jobs():
    """With a near-zero noise ceiling the search cannot leave its local optimum's plateau; the
    default ceiling escapes it. Without the cap the noise would grow by 1.3 after every unchanged
    descent and both runs would escape alike.
    """
    rng = np.random.default_rng(0)
    m, n = 5, 40
    a = rng.integers(1, 101, size=(m, n)).astype(float)
    c = 111 - a + rng.integers(-10, 11, size=(m, n))  # OR-Library type D
    b = 0.8 * a.sum(axis=1) / m
    start = repair(c, a, b, regret_greedy(c, a, b))
    assert is_feasible(a, b, start)
    local = deep_descent(c, a, b, start, deadline=time.perf_counter() + 5)
    capped_asg, capped, iters = perturbed_search(
        c, a, b, local, deadline=time.perf_counter() + 1.0, rng=np.random.default_rng(0), noise_jobs=1e-12
    )
    free_asg, free, _ = perturbed_search(
        c, a, b, local, deadline=time.perf_counter() + 1.0, rng=np.random.default_rng(0)
    )
    assert is_feasible(a, b, capped_asg)
    assert is_feasible(a, b, free_asg)
    assert iters > 20
    # tie-breaks among equal-cost moves may still shift the plateau a little
    assert capped <= total_cost(c, local)
    assert free < capped - 0.01 * capped


def test_default_acceptance_is_relative_with_a_per_job_floor():
    """A relative 5·10⁻⁴ on 200+ jobs; on fewer jobs at least a tenth of a mean job cost.
    Expected values by hand: a tenth of a mean job cost on n jobs is 0.1/n of the total."""
    by_hand = {
        0: 0.1,  # no jobs: as one job
        1: 0.1,
        10: 0.01,
        50: 0.002,
        100: 0.001,
        150: 0.1 / 150,
        200: 5e-4,  # the two rules meet
        400: 5e-4,
        1600: 5e-4,
    }
    for n, expected in by_hand.items():
        assert default_accept(n) == pytest.approx(expected, rel=1e-12), n
    # in cost units on 100 jobs of mean cost 60 (total 6000): a tenth of a job, 6.0, not 3.0
    assert default_accept(100) * 6000.0 == pytest.approx(6.0)
    # on 1600 jobs (total 96000): 5·10⁻⁴ of the total, 48.0, above a tenth of a job (6.0)
    assert default_accept(1600) * 96000.0 == pytest.approx(48.0)


def test_perturbed_search_uses_the_default_acceptance_for_its_size(monkeypatch):
    """Without ``accept`` the search asks ``default_accept`` for its number of jobs; with it, not."""
    import opensrm.engines.allocation.gap.search as gap_search

    asked: list[int] = []

    def spy(n: int) -> float:
        asked.append(n)
        return default_accept(n)

    monkeypatch.setattr(gap_search, "default_accept", spy)
    c, a, b = random_instance(7, m=3, n=12)
    start = repair(c, a, b, regret_greedy(c, a, b))
    assert is_feasible(a, b, start)  # greedy and repair find a start on these draws
    rng = np.random.default_rng(0)
    gap_search.perturbed_search(c, a, b, start, deadline=time.perf_counter() + 0.05, rng=rng)
    assert asked == [12]
    gap_search.perturbed_search(c, a, b, start, deadline=time.perf_counter() + 0.05, rng=rng, accept=1e-3)
    assert asked == [12]


@pytest.mark.parametrize("seed", range(3))
def test_sequential_mode_matches_brute_force(seed):
    c, a, b = random_instance(200 + seed, m=3, n=7)
    expected = brute_force(c, a, b)
    res = solve_assignment(c, a, b, time_limit=3, seed=seed, concurrent=False)
    assert np.isfinite(expected)  # these draws are feasible; infeasible data has its own tests
    assert res.objective == pytest.approx(expected)
    assert res.bound <= res.objective + 1e-6
    assert res.status == "optimal"
