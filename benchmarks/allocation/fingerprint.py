"""Fingerprint of the allocation engine's results, to show that a restructure changes no result.

    .venv/bin/python -m benchmarks.allocation.fingerprint [--compare FILE] [--output FILE]

Runs every public entry point (GAP, p-median, the rep ↔ account plan, territory alignment, lead
routing, the balance-vs-moves front) on small instances with limits far above what they need, so
each run ends by its own stopping rule (proved optimal, gap reached, iteration cap) and not by the
clock. Prints one JSON line per case (status, objective, bound, assignment digest) and writes them
to ``--output`` (default benchmarks/results/allocation-fingerprint.json). With ``--compare`` the
run is checked against an earlier file: objectives equal to 1e-6 relative, statuses equal; exit 1
on any difference, and the cases that differ are listed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.allocation.run import load_gap, load_pmed
from benchmarks.allocation.synthetic import synthetic_problem
from benchmarks.allocation.territory import instance as territory_instance
from opensrm.engines.allocation import (
    LeadRoutingProblem,
    TerritoryProblem,
    align_territories,
    pareto_balance_moves,
    route_leads,
    solve,
    solve_assignment,
    solve_p_median,
)

DEFAULT = Path(__file__).resolve().parents[1] / "results" / "allocation-fingerprint.json"


def _digest(a: Any) -> str:
    arr = np.ascontiguousarray(np.asarray(a, dtype=np.int64))
    return hashlib.sha256(arr.tobytes()).hexdigest()[:16]


def _row(name: str, res: Any, vector: str = "assignment") -> dict[str, Any]:
    return {
        "case": name,
        "status": str(getattr(res, "status", "")),
        "objective": float(getattr(res, "objective", None) or getattr(res, "expected_value", 0.0)),
        "bound": float(getattr(res, "bound", float("nan"))),
        "digest": _digest(getattr(res, vector)),
    }


def _gap(name: str) -> dict[str, Any]:
    c, a, b = load_gap(name)
    return _row(f"gap {name}", solve_assignment(c, a, b, time_limit=120.0, seed=0))


def _pmed(name: str) -> dict[str, Any]:
    d, p = load_pmed(name)
    return _row(f"p-median {name}", solve_p_median(d, p, time_limit=120.0, seed=0), "medians")


def _plan(n: int, m: int, seed: int) -> dict[str, Any]:
    res = solve(synthetic_problem(n, m, seed=seed), time_limit=300.0, seed=0, mip_gap=0.0)
    return _row(f"plan {n}x{m} seed {seed}", res)


def _territory(n: int, p: int) -> dict[str, Any]:
    lat, lon, attrs = territory_instance(n, seed=n)
    res = align_territories(TerritoryProblem(lat, lon, attrs, p, tolerance=0.10), time_limit=300.0)
    return _row(f"territory {n}x{p}", res)


def _routing(n_leads: int, n_reps: int) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    value = rng.lognormal(8, 1, n_leads)
    fit = rng.uniform(0.05, 0.4, (n_leads, n_reps))
    eligible = rng.random((n_leads, n_reps)) < 0.8
    capacity = rng.integers(max(n_leads // n_reps // 2, 1), 2 * n_leads // n_reps + 1, n_reps)
    res = route_leads(LeadRoutingProblem(value, fit, capacity, eligible=eligible, max_share=0.2))
    return _row(f"routing {n_leads}x{n_reps}", res)


def _pareto() -> dict[str, Any]:
    pts = pareto_balance_moves(synthetic_problem(300, 10, seed=5), time_limit=120.0, seed=0)
    objs = [round(float(p.objective), 6) for p in pts]
    return {"case": "pareto 300x10", "status": str(len(pts)), "objective": float(sum(objs)), "bound": 0.0,
            "digest": hashlib.sha256(json.dumps(objs).encode()).hexdigest()[:16]}


CASES: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("gap c05100", lambda: _gap("c05100")),
    ("gap d05100", lambda: _gap("d05100")),
    ("p-median pmed1", lambda: _pmed("pmed1")),
    ("p-median pmed2", lambda: _pmed("pmed2")),
    ("plan 200x8 seed 1", lambda: _plan(200, 8, 1)),
    ("plan 400x12 seed 2", lambda: _plan(400, 12, 2)),
    ("territory 100x8", lambda: _territory(100, 8)),
    ("routing 300x15", lambda: _routing(300, 15)),
    ("pareto 300x10", _pareto),
]


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["status"] != b["status"]:
        return False
    x, y = a["objective"], b["objective"]
    return bool(abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y)))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--output", type=Path, default=DEFAULT)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    rows = []
    for name, run in CASES:
        if args.only and name not in args.only:
            continue
        rows.append(run())
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    args.output.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    if args.compare is None:
        return 0
    before = {r["case"]: r for r in json.loads(args.compare.read_text())}
    differ = [r["case"] for r in rows if r["case"] in before and not _same(r, before[r["case"]])]
    print("differ:", ", ".join(differ) if differ else "none")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
