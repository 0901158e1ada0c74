"""Product-scale synthetic rep ↔ account instances (clustered geography, skills, owners)."""

from __future__ import annotations

import numpy as np

from opensrm.engines.allocation import AssignmentProblem


def synthetic_problem(
    n_accounts: int,
    n_reps: int,
    *,
    seed: int = 0,
    n_cities: int = 40,
    n_skills: int = 4,
    tolerance: float = 0.05,
    move_fraction: float = 0.25,
    candidates: int = 12,
) -> AssignmentProblem:
    """Accounts clustered around cities (lognormal potential, workload ~ potential), reps placed
    near cities in proportion to account counts, ~10 % of accounts need a specialist skill held by
    ~30 % of reps, everyone has a current owner, 2 % locked, max moves = move_fraction × n."""
    rng = np.random.default_rng(seed)
    city_lat = rng.uniform(22.0, 45.0, n_cities)
    city_lon = rng.uniform(100.0, 122.0, n_cities)
    city_w = rng.dirichlet(np.full(n_cities, 2.0))
    acc_city = rng.choice(n_cities, n_accounts, p=city_w)
    alat = city_lat[acc_city] + rng.normal(0, 0.6, n_accounts)
    alon = city_lon[acc_city] + rng.normal(0, 0.6, n_accounts)
    potential = rng.lognormal(10.0, 0.8, n_accounts)
    workload = 2.0 + 6.0 * potential / potential.mean() * rng.uniform(0.7, 1.3, n_accounts)
    rep_city = rng.choice(n_cities, n_reps, p=city_w)
    rlat = city_lat[rep_city] + rng.normal(0, 0.4, n_reps)
    rlon = city_lon[rep_city] + rng.normal(0, 0.4, n_reps)
    rskills = np.zeros(n_reps, dtype=np.int64)
    for s in range(n_skills):
        rskills |= (rng.random(n_reps) < 0.3).astype(np.int64) << s
    askills = np.zeros(n_accounts, dtype=np.int64)
    special = rng.random(n_accounts) < 0.10
    askills[special] = np.int64(1) << rng.integers(0, n_skills, special.sum())
    capacity = np.full(n_reps, workload.sum() / n_reps * 1.25)
    # current owner: nearest eligible rep among a few random ones (a plausible, imperfect plan)
    owner = np.empty(n_accounts, dtype=np.int64)
    for start in range(0, n_accounts, 5000):
        sl = slice(start, min(start + 5000, n_accounts))
        d = (alat[sl, None] - rlat[None, :]) ** 2 + (alon[sl, None] - rlon[None, :]) ** 2
        d = d + rng.exponential(1.0, d.shape)
        d[(askills[sl, None] & ~rskills[None, :]) != 0] = np.inf
        owner[sl] = np.argmin(d, axis=1)
    locked = rng.random(n_accounts) < 0.02
    return AssignmentProblem(
        account_workload=workload,
        account_potential=potential,
        account_lat=alat,
        account_lon=alon,
        rep_capacity=capacity,
        rep_lat=rlat,
        rep_lon=rlon,
        account_skills=askills,
        rep_skills=rskills,
        current_owner=owner,
        locked=locked,
        rep_max_accounts=np.full(n_reps, int(2.0 * n_accounts / n_reps)),
        balance_tolerance=tolerance,
        max_moves=int(move_fraction * n_accounts),
        distance_weight=1.0,
        skill_fit_weight=5.0,
        move_penalty=20.0,
        candidates=candidates,
    )
