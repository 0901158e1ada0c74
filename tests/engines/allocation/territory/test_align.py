"""Territory alignment on small grids: balance, contiguity, locks, pinned centres, determinism."""

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from opensrm.engines.allocation import TerritoryProblem, align_territories


def grid(g=6, seed=0):
    ii, jj = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
    rng = np.random.default_rng(seed)
    attrs = np.column_stack([rng.uniform(1, 3, g * g), rng.uniform(50, 150, g * g)])
    adj = [(i * g + j, i * g + j + 1) for i in range(g) for j in range(g - 1)]
    adj += [(i * g + j, (i + 1) * g + j) for i in range(g - 1) for j in range(g)]
    return 30 + ii.ravel() * 0.1, 120 + jj.ravel() * 0.1, attrs, adj


def connected(assign, adj, t):
    members = np.flatnonzero(assign == t)
    e = np.array(adj)
    n = assign.size
    a = sparse.csr_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    return connected_components(a[members][:, members], directed=False)[0] == 1


@pytest.mark.parametrize("seed", range(2))
def test_balanced_contiguous_locked(seed):
    lat, lon, attrs, adj = grid(seed=seed)
    locked = np.full(36, -1)
    locked[0], locked[35] = 1, 2
    pinned = np.array([-1, -1, 35, -1])
    res = align_territories(
        TerritoryProblem(lat, lon, attrs, 4, tolerance=0.15, adjacency=adj, locked=locked, pinned_centres=pinned),
        time_limit=3,
        seed=seed,
    )
    assert res.status == "feasible"
    assert res.contiguous is True
    assert all(connected(res.assignment, adj, t) for t in range(4))
    assert res.assignment[0] == 1
    assert res.assignment[35] == 2
    assert res.centres[2] == 35
    tot = np.stack([np.bincount(res.assignment, weights=attrs[:, a], minlength=4) for a in range(2)], 1)
    assert (np.abs(tot / (attrs.sum(0) / 4) - 1) <= 0.15 + 1e-9).all()
    assert res.max_deviation <= 0.15 + 1e-9
    assert 0 <= res.bound <= res.objective + 1e-9
    assert res.gap >= 0
    for t in range(4):  # each centre lies in its own territory
        assert res.assignment[res.centres[t]] == t


def test_deterministic_per_seed():
    lat, lon, attrs, adj = grid(5, seed=3)
    pr = TerritoryProblem(lat, lon, attrs, 3, tolerance=0.2, adjacency=adj)
    a = align_territories(pr, time_limit=60, seed=7, starts=2)
    b = align_territories(pr, time_limit=60, seed=7, starts=2)
    assert a.objective == b.objective
    assert (a.assignment == b.assignment).all()


def test_impossible_balance_is_reported_not_hidden():
    lat, lon, attrs, _adj = grid(4)
    attrs = attrs.copy()
    attrs[0, 1] = 1e6  # one unit outweighs every territory's band
    res = align_territories(TerritoryProblem(lat, lon, attrs, 3, tolerance=0.05), time_limit=1)
    assert res.status == "violated"
    assert not res.balanced


def brute_force_balanced(lat, lon, attrs, p, tol):
    """Optimum of the balanced problem by enumeration: every labelling of units into p non-empty
    territories within the band, each territory served from its best member unit."""
    import itertools

    from opensrm.engines.allocation.common.geo import haversine_km

    n = lat.size
    w = attrs[:, 0]
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    mean = attrs.sum(0) / p
    best = np.inf
    for labels in itertools.product(range(p), repeat=n):
        lab = np.array(labels)
        if len(set(labels)) < p:
            continue
        tot = np.stack([np.bincount(lab, weights=attrs[:, a], minlength=p) for a in range(attrs.shape[1])], 1)
        if (np.abs(tot / mean - 1) > tol + 1e-9).any():
            continue
        cost = 0.0
        for t in range(p):
            members = np.flatnonzero(lab == t)
            cost += min(float((w[members] * dist[members, c]).sum()) for c in members)
        best = min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(4))
def test_bound_is_below_the_brute_force_optimum_and_the_plan_above_it(seed):
    rng = np.random.default_rng(seed)
    n, p, tol = 7, 2, 0.2
    lat, lon = 30 + rng.uniform(0, 1, n), 120 + rng.uniform(0, 1, n)
    attrs = np.column_stack([rng.uniform(1, 3, n), rng.uniform(50, 150, n)])
    from opensrm.engines.allocation.common.geo import haversine_km
    from opensrm.engines.allocation.territory.bound import balanced_lp_bound

    optimum = brute_force_balanced(lat, lon, attrs, p, tol)
    res = align_territories(TerritoryProblem(lat, lon, attrs, p, tolerance=tol), time_limit=5, seed=seed)
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    mean = attrs.sum(0) / p
    lp = balanced_lp_bound(
        attrs[:, 0][:, None] * dist, attrs, p, mean * (1 - tol), mean * (1 + tol), np.full(p, -1), 5.0
    )
    assert np.isfinite(optimum)
    assert np.isfinite(lp)
    assert lp <= optimum + 1e-6  # the LP bound on its own, before the engine caps it at its plan
    assert res.bound <= optimum + 1e-6
    assert res.status == "feasible"  # a plan on every seed; the balance band is wide enough
    assert optimum - 1e-6 <= res.objective < np.inf


def test_balance_lp_bound_is_tighter_than_the_p_median_bound_when_balance_binds():
    from opensrm.engines.allocation import solve_p_median
    from opensrm.engines.allocation.common.geo import haversine_km

    # a heavy cluster in one corner: the unbalanced optimum puts one centre there, balance forbids it
    lat, lon, attrs, _adj = grid(6, seed=1)
    attrs = attrs.copy()
    attrs[:6, 0] *= 8
    problem = TerritoryProblem(lat, lon, attrs, 4, tolerance=0.1)
    res = align_territories(problem, time_limit=10, seed=0)
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    pm = solve_p_median(attrs[:, 0][:, None] * dist, 4, time_limit=5)
    assert res.bound_scope.startswith("balanced p-median LP")
    assert res.bound > pm.objective + 1e-6  # above even the p-median optimum, not just its bound
    assert res.bound <= res.objective + 1e-9
