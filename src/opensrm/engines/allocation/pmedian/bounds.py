"""Lagrangian bound for the p-median problem (assignment constraints relaxed).

L(λ) = Σ_u λ_u + (sum of the p smallest ρ_f), ρ_f = Σ_u min(0, d_uf − λ_u); every L(λ) is a
valid lower bound. Multipliers follow subgradient steps (Polyak step with the best known cost).
The open sets of the subproblem are handed back as primal candidates (Lagrangian heuristic).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def lagrangian_value(distance: FloatArray, p: int, lam: FloatArray) -> tuple[float, IntArray, FloatArray]:
    """Return (L(λ), open facilities, subgradient)."""
    reduced = np.minimum(distance - lam[:, None], 0.0)
    rho = reduced.sum(axis=0)
    opened = np.argpartition(rho, p - 1)[:p] if p < rho.size else np.arange(rho.size)
    value = float(lam.sum() + rho[opened].sum())
    served = (distance[:, opened] < lam[:, None]).sum(axis=1)
    return value, opened.astype(np.int64), 1.0 - served


def lagrangian_bound(
    distance: FloatArray,
    p: int,
    *,
    upper: float,
    start: FloatArray,
    deadline: float,
    max_iter: int = 3000,
    on_open: Callable[[IntArray], float] | None = None,
    heuristic_every: int = 25,
) -> tuple[float, FloatArray, int]:
    """Subgradient ascent; ``on_open`` may evaluate an open set and return an improved upper cost."""
    lam = start.astype(np.float64).copy()
    best = -np.inf
    best_lam = lam.copy()
    theta = 2.0
    stall = 0
    it = 0
    for it in range(1, max_iter + 1):
        if time.perf_counter() > deadline:
            break
        value, opened, grad = lagrangian_value(distance, p, lam)
        if it == 1 or value > best + 1e-9 * max(1.0, abs(best)):
            best, best_lam, stall = value, lam.copy(), 0
        else:
            stall += 1
            if stall >= 30:
                theta *= 0.5
                stall = 0
        if on_open is not None and it % heuristic_every == 0:
            upper = min(upper, on_open(opened))
        norm = float(grad @ grad)
        if norm < 1e-12 or upper - best <= 1e-9 * max(1.0, abs(upper)) or theta < 1e-4:
            break
        lam = lam + theta * (upper - value) / norm * grad
    return float(best), best_lam, it
