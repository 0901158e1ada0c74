"""Load on loopback: locust, headless, against a server this benchmark starts.

    python -m benchmarks.load.run [--users 50] [--seconds 300] [--databases sqlite,postgres]
                                  [--accounts 2000] [--reps 20] [--pg-url postgres://...]

For each database a fresh one is made (a temporary var/ for SQLite, a throw-away PostgreSQL
database), migrated, and filled with a small demo company (``opensrm demo-data``); then
``opensrm serve`` listens on 127.0.0.1 on a free port and locust runs ``--users`` simulated
reps for ``--seconds`` (reads 65 %, writes 25 %, pages 10 %; see locustfile.py). Requests go
to 127.0.0.1 only. The report (benchmarks/results/load.md) gives the error rate and
p50/p95/p99 per class, the tools and versions, the load average, and the targets of
TARGETS.md (errors < 0.1 %, p95 < 500 ms reads, < 1 s writes) as pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import RESULTS, machine_line, percentile

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TARGET_P95_MS = {"read": 500.0, "write": 1000.0}
TARGET_ERRORS = 0.001


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _version(module: str) -> str:
    from importlib.metadata import version

    try:
        return version(module)
    except Exception:
        return "?"


def _pg_database(base_url: str) -> tuple[str, str]:
    """A fresh database beside the one in ``base_url``; returns (its url, its name)."""
    import psycopg

    name = f"opensrm_load_{os.getpid()}"
    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}", name


def _pg_drop(base_url: str, name: str) -> None:
    import psycopg

    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 900) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before answering (see its log)")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # loopback only
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {url} within {seconds:.0f} s")


def run_one(database: str, args: argparse.Namespace, work: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "OPENSRM_HOME": str(ROOT),
        "PYTHONPATH": str(ROOT),
        "OPENSRM_VAR_DIR": str(work / f"var-{database}"),
        "DJANGO_SETTINGS_MODULE": "opensrm.config.settings",
        "OPENSRM_SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "OPENSRM_ALLOWED_HOSTS": "127.0.0.1",
        "OPENSRM_LANGUAGE": "en",
        # Collected (and compressed) once for both databases: the first start pays for it.
        "OPENSRM_STATIC_ROOT": str(work / "static"),
    }
    env.pop("DATABASE_URL", None)
    pg_name = None
    if database == "postgres":
        env["DATABASE_URL"], pg_name = _pg_database(args.pg_url)
    opensrm = str(BIN / "opensrm")
    server = None
    try:
        subprocess.run([opensrm, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
        t0 = time.perf_counter()
        subprocess.run(
            [opensrm, "demo-data", "--accounts", str(args.accounts), "--reps", str(args.reps), "--years", "1"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        demo_s = time.perf_counter() - t0
        users_file = work / f"users-{database}.json"
        subprocess.run(
            [sys.executable, "-m", "benchmarks.load.prepare", str(users_file), "--users", str(args.users)],
            env=env,
            check=True,
            cwd=ROOT,
        )
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [opensrm, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(args.threads)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(work / f"server-{database}.log", "w"),  # noqa: SIM115 - lives as long as the server
        )
        _wait_until_up(f"{host}/healthz", server)
        samples_file = work / f"samples-{database}.json"
        load_before = os.getloadavg()
        t0 = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 10)),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                host,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env={**env, "LOAD_USERS_FILE": str(users_file), "LOAD_SAMPLES_FILE": str(samples_file)},
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - t0
        load_after = os.getloadavg()
        samples = json.loads(samples_file.read_text())
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if pg_name:
            _pg_drop(args.pg_url, pg_name)
    classes: dict[str, dict[str, object]] = {}
    for kind in ("read", "write", "page"):
        mine = [s for s in samples if s[0] == kind]
        times = [s[1] for s in mine]
        errors = sum(1 for s in mine if not s[2])
        classes[kind] = {
            "requests": len(mine),
            "errors": errors,
            "error_rate": errors / len(mine) if mine else float("nan"),
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "refused_412": sum(1 for s in mine if s[3] == 412),
            "statuses": sorted({s[3] for s in mine if not s[2]}),
        }
    total = len(samples)
    errors = sum(1 for s in samples if not s[2])
    return {
        "database": database,
        "demo_s": demo_s,
        "wall_s": wall,
        "rps": total / wall if wall else 0.0,
        "requests": total,
        "errors": errors,
        "error_rate": errors / total if total else float("nan"),
        "classes": classes,
        "load_before": load_before,
        "load_after": load_after,
    }


def _mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def report(results: list[dict[str, object]], args: argparse.Namespace) -> str:
    tools = (
        f"locust {_version('locust')}, waitress {_version('waitress')} ({args.threads} threads, "
        f"`opensrm serve`), Django {_version('django')}, psycopg {_version('psycopg')}, "
        f"SQLite {__import__('sqlite3').sqlite_version}, {platform.python_implementation()} {platform.python_version()}"
    )
    lines = [
        "# Load on loopback",
        "",
        f"Command: `python -m benchmarks.load.run --users {args.users} --seconds {args.seconds} "
        f"--databases {','.join(r['database'] for r in results)} --accounts {args.accounts} --reps {args.reps}`",
        f"Machine: {machine_line()}; measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        f"Tools: {tools}.",
        f"Data: demo company, {args.accounts:,} accounts, {args.reps} reps, 1 year of history. "
        f"{args.users} simulated users (one demo rep each, API token and session), waiting 0.5–1.5 s between "
        "requests; reads 65 % (account and opportunity lists, one account, search), writes 25 % "
        "(PATCH an account with If-Match, POST an activity), pages 10 % (home, accounts, board). "
        "A 412 to a PATCH (another user changed the record first) is a correct answer, not an error.",
        "Target (TARGETS.md, 50 users on PostgreSQL, 5 min): errors < 0.1 %, p95 < 500 ms reads, < 1 s writes.",
        "",
        "| database | class | requests | errors | error rate | p50 ms | p95 ms | p99 ms | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    for r in results:
        for kind, c in r["classes"].items():  # type: ignore[union-attr]
            target = TARGET_P95_MS.get(kind)
            ok_p95 = target is None or c["p95"] < target
            ok_err = c["error_rate"] < TARGET_ERRORS if c["requests"] else False
            verdict = f"p95 {_mark(ok_p95)}" if target else "p95 —"
            verdict += f", errors {_mark(ok_err)}"
            verdicts.append(ok_p95 and ok_err)
            statuses = f" (status {', '.join(map(str, c['statuses']))})" if c["statuses"] else ""
            lines.append(
                f"| {r['database']} | {kind} | {c['requests']:,} | {c['errors']}{statuses} | "
                f"{100 * c['error_rate']:.2f} % | {c['p50']:.0f} | {c['p95']:.0f} | {c['p99']:.0f} | {verdict} |"
            )
    lines.append("")
    for r in results:
        lb, la = r["load_before"], r["load_after"]
        lines.append(
            f"{r['database']}: {r['requests']:,} requests in {r['wall_s']:.0f} s ({r['rps']:.1f}/s), "
            f"overall error rate {100 * r['error_rate']:.2f} % ({_mark(r['error_rate'] < TARGET_ERRORS)}); "
            f"load average (1/5/15 min) {lb[0]:.2f}/{lb[1]:.2f}/{lb[2]:.2f} before, "
            f"{la[0]:.2f}/{la[1]:.2f}/{la[2]:.2f} after; demo company built in {r['demo_s']:.0f} s."
        )
    lines += [
        "",
        "The server, locust and the database share the same cores, so the figures include their "
        "competition for CPU; a load average above the core count means other work was running too.",
        "",
        f"All targets: {'met' if all(verdicts) else 'NOT met'}."
        + (
            ""
            if args.seconds >= 300 and args.users >= 50
            else " (A short check run, not the target's 50 users × 5 min.)"
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--pg-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/opensrm")
    )
    parser.add_argument("--output", default="load.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="opensrm-load-"))
    results = [run_one(db.strip(), args, work) for db in args.databases.split(",") if db.strip()]
    text = report(results, args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
