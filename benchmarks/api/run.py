"""API list endpoints with 100,000 accounts: server time p50/p95 and query counts.

    python -m benchmarks.api.run [--accounts 100000] [--requests 200] [--database-url URL]

Requests go through Django's test client in-process (server time, no network), signed in as
sales ops (sees all), a manager (team subtree) and a rep (own accounts). Target (TARGETS.md):
p95 ≤ 50 ms for one client; query count independent of page size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from benchmarks.common import RESULTS, machine_line, setup_django, summary, timed


def build(n_accounts: int, n_reps: int = 100, seed: int = 7) -> dict[str, object]:
    from opensrm.crm.models import Account, Contact, Opportunity, Pipeline, Stage
    from opensrm.people.models import Role
    from opensrm.people.services import team_create, user_create

    rng = random.Random(seed)
    root = team_create(actor=None, name="HQ")
    teams = [team_create(actor=None, name=f"Team {i}", parent=root) for i in range(10)]
    ops = user_create(username="ops", password="x", role=Role.SALES_OPS, team=root)
    managers = [
        user_create(username=f"mgr{i}", password="x", role=Role.MANAGER, team=t) for i, t in enumerate(teams)
    ]
    reps = [
        user_create(username=f"rep{i}", password="x", role=Role.REP, team=teams[i % 10])
        for i in range(n_reps)
    ]
    cities = ["Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Wuhan", "Xi'an", "Nanjing"]
    industries = ["manufacturing", "retail", "finance", "technology", "energy", "logistics"]
    batch = []
    for i in range(n_accounts):
        batch.append(
            Account(
                name=f"Account {i:06d} {rng.choice(cities)}",
                industry=rng.choice(industries),
                city=rng.choice(cities),
                employees=rng.randint(5, 50000),
                annual_revenue=Decimal(rng.randint(10**5, 10**9)),
                status=rng.choice(["prospect", "customer", "churned"]),
                tier=rng.choice("ABCD"),
                owner=reps[i % n_reps],
                lat=30 + rng.random(),
                lon=120 + rng.random(),
            )
        )
    Account.objects.bulk_create(batch, batch_size=5000)
    pipeline = Pipeline.objects.create(name="Standard", is_default=True)
    stage = Stage.objects.create(pipeline=pipeline, name="Qualify", order=1, probability=10)
    account_ids = list(Account.objects.values_list("id", flat=True)[: n_accounts // 5])
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                account_id=a,
                name=f"Deal {a}",
                pipeline=pipeline,
                stage=stage,
                amount=Decimal(1000),
                expected_close_date=dt.date(2027, 1, 1),
                owner=reps[a % n_reps],
            )
            for a in account_ids
        ],
        batch_size=5000,
    )
    Contact.objects.bulk_create(
        [Contact(account_id=a, name=f"Contact {a}", owner=reps[a % n_reps]) for a in account_ids],
        batch_size=5000,
    )
    return {"ops": ops, "manager": managers[0], "rep": reps[0]}


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    t0 = time.perf_counter()
    users = build(args.accounts)
    build_s = time.perf_counter() - t0
    cases = [
        ("ops", "/api/v1/accounts?limit=50"),
        ("ops", "/api/v1/accounts?limit=50&ordering=name"),
        ("ops", "/api/v1/accounts?limit=50&q=Shanghai"),
        ("ops", "/api/v1/accounts?limit=50&industry=finance&status=customer"),
        ("manager", "/api/v1/accounts?limit=50"),
        ("rep", "/api/v1/accounts?limit=50"),
        ("ops", "/api/v1/opportunities?limit=50"),
        ("manager", "/api/v1/opportunities?limit=50"),
        ("ops", "/api/v1/contacts?limit=50"),
    ]
    rows = []
    worst_p95 = 0.0
    for who, url in cases:
        client = Client()
        client.force_login(users[who])
        times = timed(lambda c=client, u=url: c.get(u), args.requests)
        stats = summary(times)
        worst_p95 = max(worst_p95, stats["p95"])
        q5 = count_queries(client, url.replace("limit=50", "limit=5"))
        q50 = count_queries(client, url)
        q500 = count_queries(client, url.replace("limit=50", "limit=500"))
        rows.append((who, url, stats["p50"], stats["p95"], q5, q50, q500))
        print(
            f"{who:8s} {url:60s} p50 {stats['p50']:6.1f} ms  p95 {stats['p95']:6.1f} ms  queries {q5}/{q50}/{q500}"
        )
    # A deep walk: follow the cursor 50 pages in.
    client = Client()
    client.force_login(users["ops"])
    url = "/api/v1/accounts?limit=50&ordering=name"
    deep = []
    for _ in range(50):
        t = time.perf_counter()
        body = client.get(url).json()
        deep.append((time.perf_counter() - t) * 1000)
        url = body["next"]
    deep_stats = summary(deep)
    constant = all(r[4] == r[5] == r[6] for r in rows)
    vendor = connection.vendor
    lines = [
        "# API list endpoints",
        "",
        f"Command: `python -m benchmarks.api.run --accounts {args.accounts} --requests {args.requests}`"
        + (" --database-url …" if args.database_url else ""),
        f"Machine: {machine_line()}; database: {vendor}; measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        f"Data: {args.accounts:,} accounts, {args.accounts // 5:,} opportunities and contacts, 100 reps in 10 teams "
        f"(built in {build_s:.1f} s). Server time through Django's test client, {args.requests} requests per row.",
        "",
        "| user | request | p50 ms | p95 ms | queries (limit 5 / 50 / 500) |",
        "|---|---|---:|---:|---|",
        *[f"| {w} | `{u}` | {p50:.1f} | {p95:.1f} | {a} / {b} / {c} |" for w, u, p50, p95, a, b, c in rows],
        "",
        f"Cursor walk, 50 pages deep by name: p50 {deep_stats['p50']:.1f} ms, p95 {deep_stats['p95']:.1f} ms.",
        "",
        f"Target p95 ≤ 50 ms: {'met' if worst_p95 <= 50 else 'NOT met'} (worst p95 {worst_p95:.1f} ms). "
        f"Query count independent of page size: {'yes' if constant else 'NO'}.",
    ]
    RESULTS.mkdir(exist_ok=True)
    name = "api.md" if vendor == "sqlite" else f"api-{vendor}.md"
    (RESULTS / name).write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
