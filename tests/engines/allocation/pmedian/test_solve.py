"""solve_p_median against brute force; shortest paths with repeated edges."""

import itertools

import numpy as np
import pytest

from opensrm.engines.allocation import shortest_path_distances, solve_p_median


def brute_force(d, p):
    return min(d[:, list(s)].min(axis=1).sum() for s in itertools.combinations(range(d.shape[1]), p))


@pytest.mark.parametrize("seed", range(3))
def test_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 100, (12, 2))
    d = np.round(np.linalg.norm(pts[:, None] - pts[None], axis=2))
    res = solve_p_median(d, 3, time_limit=3, seed=seed)
    assert res.objective == pytest.approx(brute_force(d, 3))
    assert res.bound <= res.objective + 1e-6
    assert len(set(res.medians.tolist())) == 3
    assert set(res.assignment.tolist()) <= set(res.medians.tolist())


def test_last_edge_occurrence_counts():
    d = shortest_path_distances(3, [(0, 1, 10), (1, 2, 1), (1, 0, 2)])
    assert d[0, 1] == 2
    assert d[0, 2] == 3


def test_validation():
    with pytest.raises(ValueError, match="p must be"):
        solve_p_median(np.zeros((3, 3)), 4)
    with pytest.raises(ValueError, match="finite"):
        solve_p_median(np.full((2, 2), np.inf), 1)
