"""Shared helpers for the application benchmarks: an isolated database, bulk data, statistics.

Benchmarks never touch the developer's database: each run points OpenSRM at a fresh
temporary var/ directory (SQLite) or at a throw-away PostgreSQL database.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def setup_django(database_url: str | None = None) -> Path:
    """Configure Django on a fresh temporary database and migrate it. Returns the var dir."""
    var = Path(tempfile.mkdtemp(prefix="opensrm-bench-"))
    os.environ["OPENSRM_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
    os.environ.setdefault("OPENSRM_HUEY", "immediate")
    os.environ["OPENSRM_FAST_PASSWORD_HASHER"] = "1"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return var


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call over ``repeat`` calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def machine_line() -> str:
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} cores, {platform.machine()}"


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "mean": statistics.fmean(values)}
