"""Territory alignment benchmark: random units over eastern China, balanced on workload and potential.

    .venv/bin/python -m benchmarks.allocation.territory [--time-limit S]

Writes benchmarks/results/allocation-territory.md. Units are scattered in clusters (cities are not
uniform), workload and potential are skewed (gamma), so balance binds; the bound is the engine's
(balanced p-median LP up to 400 units, the p-median bound beyond).
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from opensrm.engines.allocation import TerritoryProblem, align_territories

RESULTS = Path(__file__).resolve().parents[1] / "results" / "allocation-territory.md"
CASES = ((100, 8, 0.10), (300, 12, 0.10), (1000, 20, 0.10))


def instance(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    hubs = np.column_stack([rng.uniform(22, 40, 12), rng.uniform(104, 122, 12)])
    which = rng.integers(0, 12, n)
    lat = hubs[which, 0] + rng.normal(0, 0.8, n)
    lon = hubs[which, 1] + rng.normal(0, 0.8, n)
    attrs = np.column_stack([rng.gamma(2.0, 10.0, n), rng.gamma(1.5, 1_000_000.0, n)])
    return lat, lon, attrs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=30.0)
    args = ap.parse_args()
    rows = []
    for n, p, tol in CASES:
        lat, lon, attrs = instance(n, seed=n)
        t = time.perf_counter()
        res = align_territories(TerritoryProblem(lat, lon, attrs, p, tolerance=tol), time_limit=args.time_limit)
        wall = time.perf_counter() - t
        rows.append(
            f"| {n} × {p} | ±{tol:.0%} | {args.time_limit:.0f} | {res.status} | {res.objective:,.0f} | "
            f"{res.bound:,.0f} | {100 * res.gap:.2f} % | {100 * res.max_deviation:.2f} % | {wall:.1f} | "
            f"{res.bound_scope} |"
        )
        print(rows[-1], flush=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.write_text(
        "# Allocation: territory alignment benchmark\n\n"
        f"`.venv/bin/python -m benchmarks.allocation.territory --time-limit {args.time_limit:.0f}` "
        f"(generated {stamp}, {platform.machine()}, 2 cores). Objective = Σ workload × km to the territory "
        "centre; gap against the engine's certified bound.\n\n"
        "| units × territories | balance | limit s | status | objective | bound | gap | max deviation | s | bound |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )


if __name__ == "__main__":
    main()
