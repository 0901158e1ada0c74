"""Demo company benchmark: generate and load a company, per table, on a fresh database.

    .venv/bin/python -m benchmarks.demo.run [--size medium] [--seed 42] [--compare 5000]

Runs on a throw-away SQLite database (or ``--database-url``) with the production password
hasher, exactly as ``opensrm demo-data`` does, and writes benchmarks/results/demo.md. It
also times the write path against django-simple-history's ``bulk_create_with_history`` on
the same activity rows (rolled back), which is why the loader has its own bulk writer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results" / "demo.md"
TARGET_SECONDS = {"medium": 60.0}


def _setup(database_url: str | None) -> None:
    os.environ["OPENSRM_VAR_DIR"] = tempfile.mkdtemp(prefix="opensrm-bench-demo-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
    os.environ.setdefault("OPENSRM_HUEY", "immediate")
    os.environ.pop("OPENSRM_FAST_PASSWORD_HASHER", None)  # measure the real hasher, as the CLI runs it
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _compare_write_paths(n: int) -> tuple[float, float]:
    """Seconds to write ``n`` activities with history: bulk_create_with_history vs the loader's writer."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from opensrm.crm.models import Account, Activity
    from opensrm.demo.bulk import table_max_id, write_table
    from opensrm.people.models import User

    admin = User.objects.get(username="admin")
    account_ids = list(Account.objects.values_list("pk", "owner_id")[:n])
    rows = [account_ids[i % len(account_ids)] for i in range(n)]
    now = timezone.now()

    with transaction.atomic():
        t0 = time.perf_counter()
        objs = [
            Activity(
                kind="call",
                subject="Benchmark call",
                account_id=a,
                owner_id=o,
                due_at=now,
                done_at=now,
                duration_minutes=20,
            )
            for a, o in rows
        ]
        bulk_create_with_history(objs, Activity, batch_size=2_000, default_user=admin, default_date=now)
        orm = time.perf_counter() - t0
        transaction.set_rollback(True)

    with transaction.atomic():
        t0 = time.perf_counter()
        moment = np.full(n, np.datetime64(now.replace(tzinfo=None), "s"))
        data = {
            "kind": ["call"] * n,
            "subject": ["Benchmark call"] * n,
            "account_id": np.array([a for a, _ in rows]),
            "owner_id": np.array([o for _, o in rows]),
            "due_at": moment,
            "done_at": moment,
            "duration_minutes": np.full(n, 20),
            "created_at": moment,
            "updated_at": moment,
        }
        start = table_max_id(Activity)
        write_table(
            Activity, data, ids=np.arange(start + 1, start + n + 1), offsets={}, targets={}, actor_id=admin.pk
        )
        raw = time.perf_counter() - t0
        transaction.set_rollback(True)
    return orm, raw


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--compare", type=int, default=5_000, help="activities for the write-path comparison")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    _setup(args.database_url)

    from django.db import connection

    from benchmarks.common import machine_line
    from opensrm.demo.generate import SIZES, DemoConfig, generate_company
    from opensrm.demo.load import load_company

    preset = SIZES[args.size]
    config = DemoConfig(
        accounts=preset.accounts,
        reps=preset.reps,
        years=preset.years,
        seed=args.seed,
        as_of=dt.date.fromisoformat(args.as_of),
    )
    load_before = os.getloadavg()[0]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    company = generate_company(config)
    gen_wall, gen_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    wall1, cpu1 = time.perf_counter(), time.process_time()
    report = load_company(company)
    load_wall, load_cpu = time.perf_counter() - wall1, time.process_time() - cpu1
    total = gen_wall + load_wall
    orm, raw = _compare_write_paths(args.compare)

    lines = [
        "# Demo company generation",
        "",
        f"Command: `.venv/bin/python -m benchmarks.demo.run --size {args.size} --seed {args.seed} "
        f"--as-of {args.as_of}` (the same work as `opensrm demo-data --accounts {config.accounts} "
        f"--reps {config.reps} --years {config.years} --seed {args.seed} --as-of {args.as_of}`).",
        "",
        f"Machine: {machine_line()}; database: {connection.vendor}; load average before the run: "
        f"{load_before:.2f}.",
        "",
        f"Size `{args.size}`: {config.accounts:,} accounts, {config.reps} reps, {config.years} years.",
        "",
        "| Step | Wall seconds | CPU seconds |",
        "|---|---:|---:|",
        f"| generate (pure, numpy) | {gen_wall:.1f} | {gen_cpu:.1f} |",
        f"| load (database, with history) | {load_wall:.1f} | {load_cpu:.1f} |",
        f"| **total** | **{total:.1f}** | **{gen_cpu + load_cpu:.1f}** |",
        "",
    ]
    target = TARGET_SECONDS.get(args.size)
    if target is not None:
        verdict = "met" if total <= target else "NOT met"
        lines += [f"Target: ≤ {target:.0f} s — {verdict}.", ""]
    lines += [
        "| Table | Rows | History rows | Seconds | Rows/s (incl. history) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, n in report.rows.items():
        written = n + report.history_rows[name]
        secs = report.seconds[name]
        rate = written / secs if secs > 0 else float("inf")
        lines.append(f"| {name} | {n:,} | {report.history_rows[name]:,} | {secs:.2f} | {rate:,.0f} |")
    table_seconds = sum(report.seconds.values())
    lines += [
        f"| **all** | **{sum(report.rows.values()):,}** | **{sum(report.history_rows.values()):,}** | "
        f"{table_seconds:.2f} | {report.total_rows / max(table_seconds, 1e-9):,.0f} |",
        "",
        "Load seconds outside the tables (hashing the four demo passwords with the production hasher, "
        f"commits, sequence reset): {load_wall - table_seconds:.1f}.",
        "",
        f"## Write path: {args.compare:,} activities with their history rows",
        "",
        "| Path | Seconds | Rows/s (records) |",
        "|---|---:|---:|",
        f"| `bulk_create_with_history` (ORM) | {orm:.2f} | {args.compare / orm:,.0f} |",
        f"| `opensrm.demo.bulk.write_table` | {raw:.2f} | {args.compare / raw:,.0f} |",
        "",
        f"The loader's writer is {orm / raw:.1f}× faster on the same rows.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
