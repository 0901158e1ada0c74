"""R2: concurrent writers on one opportunity lose no update; If-Match decides who wins."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from opensrm.core.api.tokens import api_token_create
from opensrm.crm.models import Opportunity
from tests.api.conftest import ApiClient
from tests.factories import make_account, make_opportunity, make_org, make_pipeline

WRITERS = 20


def _needs_real_concurrency() -> None:
    if (connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:")) or (
        connection.vendor == "sqlite" and "mode=memory" in str(connection.settings_dict["NAME"])
    ):
        pytest.skip(
            "SQLite in-memory test databases are shared-cache: concurrent writers get table locks "
            "instead of waiting; run on PostgreSQL (DATABASE_URL) or a file database "
            "(OPENSRM_TEST_SQLITE)"
        )


def _run(workers: list[threading.Thread]) -> None:
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not any(w.is_alive() for w in workers)


@pytest.fixture
def contested(transactional_db):
    _needs_real_concurrency()
    org = make_org()
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, make_pipeline(), amount="0.00")
    _, secret = api_token_create(user=org.rep_a, name="load", scopes=["write"])
    return opp, secret


def _in_thread(fn):
    def target(*args):
        try:
            fn(*args)
        finally:
            connections.close_all()

    return target


def test_twenty_writers_with_the_same_version_one_wins(contested):
    opp, secret = contested
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []
    lock = threading.Lock()

    @_in_thread
    def write(i: int) -> None:
        client = ApiClient(token=secret)
        barrier.wait()
        response = client.patch(f"/opportunities/{opp.pk}", {"amount": f"{i + 1}.00"}, **{"If-Match": '"1"'})
        with lock:
            statuses.append(response.status_code)

    _run([threading.Thread(target=write, args=(i,)) for i in range(WRITERS)])
    assert sorted(statuses) == [200] + [412] * (WRITERS - 1)
    final = Opportunity.objects.get(pk=opp.pk)
    assert final.version == 2 and final.amount != Decimal("0.00")
    assert final.history.count() == 2  # created + the one winning update


def test_twenty_incrementing_writers_lose_no_update(contested):
    opp, secret = contested
    outcomes: list[tuple[int, int]] = []  # (successes, refusals) per writer
    lock = threading.Lock()

    @_in_thread
    def increment() -> None:
        client = ApiClient(token=secret)
        refused = 0
        for _ in range(200):
            current = client.get(f"/opportunities/{opp.pk}")
            amount = Decimal(current.json()["amount"]) + 1
            response = client.patch(
                f"/opportunities/{opp.pk}", {"amount": str(amount)}, **{"If-Match": current["ETag"]}
            )
            if response.status_code == 200:
                with lock:
                    outcomes.append((1, refused))
                return
            assert response.status_code == 412, response.content
            refused += 1
        with lock:
            outcomes.append((0, refused))

    _run([threading.Thread(target=increment) for _ in range(WRITERS)])
    successes = sum(s for s, _ in outcomes)
    final = Opportunity.objects.get(pk=opp.pk)
    assert successes == WRITERS
    assert final.amount == Decimal(WRITERS) and final.version == 1 + WRITERS


def test_a_write_without_if_match_is_428_and_changes_nothing(org, pipeline):
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    _, secret = api_token_create(user=org.rep_a, name="load", scopes=["write"])
    response = ApiClient(token=secret).patch(f"/opportunities/{opp.pk}", {"amount": "5.00"})
    assert response.status_code == 428 and response.json()["status"] == 428
    assert Opportunity.objects.get(pk=opp.pk).version == 1


def test_concurrent_default_pipelines_leave_exactly_one_default(transactional_db):
    _needs_real_concurrency()
    from opensrm.crm.models import Pipeline

    org = make_org()
    pipelines = [make_pipeline(f"P{i}") for i in range(6)]  # make_pipeline marks each one default
    Pipeline.objects.update(is_default=False)
    _, secret = api_token_create(user=org.ops, name="load", scopes=["write"])
    barrier = threading.Barrier(len(pipelines))
    statuses: list[int] = []
    lock = threading.Lock()

    @_in_thread
    def make_default(pk: int) -> None:
        client = ApiClient(token=secret)
        barrier.wait()
        response = client.patch(f"/pipelines/{pk}", {"is_default": True}, **{"If-Match": '"1"'})
        with lock:
            statuses.append(response.status_code)

    _run([threading.Thread(target=make_default, args=(p.pk,)) for p in pipelines])
    assert 200 in statuses and set(statuses) <= {200, 412}
    assert Pipeline.objects.filter(is_default=True).count() == 1
