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
    assert res.contiguous is True and all(connected(res.assignment, adj, t) for t in range(4))
    assert res.assignment[0] == 1 and res.assignment[35] == 2 and res.centres[2] == 35
    tot = np.stack([np.bincount(res.assignment, weights=attrs[:, a], minlength=4) for a in range(2)], 1)
    assert (np.abs(tot / (attrs.sum(0) / 4) - 1) <= 0.15 + 1e-9).all()
    assert res.max_deviation <= 0.15 + 1e-9
    assert 0 <= res.bound <= res.objective + 1e-9 and res.gap >= 0
    for t in range(4):  # each centre lies in its own territory
        assert res.assignment[res.centres[t]] == t


def test_deterministic_per_seed():
    lat, lon, attrs, adj = grid(5, seed=3)
    pr = TerritoryProblem(lat, lon, attrs, 3, tolerance=0.2, adjacency=adj)
    a = align_territories(pr, time_limit=60, seed=7, starts=2)
    b = align_territories(pr, time_limit=60, seed=7, starts=2)
    assert a.objective == b.objective and (a.assignment == b.assignment).all()


def test_impossible_balance_is_reported_not_hidden():
    lat, lon, attrs, _adj = grid(4)
    attrs = attrs.copy()
    attrs[0, 1] = 1e6  # one unit outweighs every territory's band
    res = align_territories(TerritoryProblem(lat, lon, attrs, 3, tolerance=0.05), time_limit=1)
    assert res.status == "violated" and not res.balanced
