"""Every list endpoint costs a fixed number of queries, whatever the page size (no N+1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opensrm.config.api import api
from opensrm.core.api.tokens import api_token_create
from opensrm.core.services import record_create, record_delete
from opensrm.crm.models import Account, Pipeline, PriceList, PriceListItem, Product, Stage
from opensrm.crm.services import territory_create
from opensrm.crm.services.quotes import quote_create
from opensrm.people.models import RepProfile, Role
from opensrm.people.services import team_create, user_create
from tests.api.conftest import make_side

N = 12  # more than the small page, fewer than the large one

# path: (query parameters, queries). The count covers the session, the user and the page (plus
# one per prefetched relation), and is the same for 5 rows as for 50.
LISTS = {
    "/accounts": ({}, 3),
    "/contacts": ({}, 3),
    "/leads": ({}, 3),
    "/opportunities": ({}, 3),
    "/activities": ({}, 3),
    "/orders": ({}, 4),
    "/products": ({}, 3),
    "/territories": ({}, 3),
    "/pipelines": ({}, 4),
    "/stages": ({}, 3),
    "/teams": ({}, 3),
    "/users": ({}, 3),
    "/rep-profiles": ({}, 3),
    "/recycle-bin": ({"type": "account"}, 3),
    "/search": ({"q": "Side"}, 6),
    "/tokens": ({}, 3),
    "/quotes": ({}, 4),
    "/price-lists": ({}, 4),
}


@pytest.fixture(scope="module")
def _lists_world(django_db_setup, django_db_blocker):
    """The organisation and N records of every list, built once for the module (the build was
    most of each case's time): each test runs in a savepoint of this transaction and rolls back
    to it, and the transaction is rolled back at the end."""
    from django.db import transaction

    from tests.factories import make_org, make_pipeline

    with django_db_blocker.unblock(), transaction.atomic():
        org = make_org()
        _build_lists(org, make_pipeline())
        yield org
        transaction.set_rollback(True)


@pytest.fixture
def org(db, _lists_world):
    """Every test of this module uses the module's organisation (a second make_org would clash
    with its user names)."""
    return _lists_world


@pytest.fixture
def many(org):
    """N records in every list of the module's organisation."""
    return org


def _build_lists(org, pipeline) -> None:
    for i in range(N):
        side = make_side(org.rep_a, pipeline, f"Side {i}")
        product = record_create(
            model=Product,
            actor=org.ops,
            data={"code": f"P-{i + 100}", "name": f"Product {i}", "unit_price": Decimal("1")},
        )
        quote_create(actor=org.rep_a, opportunity=side["opportunity"], lines=[{"product": product, "quantity": 1}])
        price_list = PriceList.objects.create(name=f"Price list {i}")
        PriceListItem.objects.create(price_list=price_list, product=product, unit_price=Decimal("2"))
        territory_create(actor=org.ops, data={"name": f"Territory {i}", "code": f"T{i}"})
        extra = Pipeline.objects.create(name=f"Pipeline {i}")
        Stage.objects.create(pipeline=extra, name="Open", order=1)
        Stage.objects.create(pipeline=extra, name="Won", order=2, is_won=True)
        team_create(actor=org.ops, name=f"Team {i}", parent=org.team_a)
        user = user_create(username=f"user{i}", password=None, role=Role.REP, team=org.team_a)
        record_create(model=RepProfile, actor=org.ops, data={"user": user, "home_city": "Hefei"})
        gone = record_create(model=Account, actor=org.rep_a, data={"name": f"Side gone {i}"})
        record_delete(instance=gone, actor=org.rep_a, expected_version=gone.version)
        api_token_create(user=org.rep_a, name=f"token {i}", scopes=["read"])
        assert side["account"].pk


def test_every_list_endpoint_is_pinned(db):
    paths = api.get_openapi_schema()["paths"]
    lists = {p.removeprefix("/api/v1") for p, ops in paths.items() if "{" not in p and "get" in ops}
    # Allocation mounts its own router under /allocation; its list is pinned below.
    assert {p for p in lists if not p.startswith("/allocation/")} - {"/me"} == set(LISTS)


@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_query_count_does_not_grow_with_page_size(
    path, org, many, client_for, django_assert_num_queries
):
    params, queries = LISTS[path]
    c = client_for(org.rep_a)
    c.get("/me")  # the first request of a session also records when it was last seen
    sizes = {}
    for limit in (5, 50):
        with django_assert_num_queries(queries):
            response = c.get(path, {**params, "limit": limit} if path != "/tokens" else params)
        assert response.status_code == 200, response.content
        body = response.json()
        sizes[limit] = len(body if isinstance(body, list) else body["items"])
    assert sizes[50] > sizes[5] or path == "/tokens"


def test_allocation_scenario_list_query_count_does_not_grow_with_page_size(
    org, client_for, django_assert_num_queries
):
    from opensrm.allocation.services import plan_create

    for i in range(N):
        plan_create(actor=org.manager_a, data={"name": f"Plan {i}"})
    c = client_for(org.manager_a)
    c.get("/me")
    for limit in (5, 50):
        # session, user, the manager's team (for the visibility rule), the page
        with django_assert_num_queries(4):
            response = c.get("/allocation/scenarios", {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, N)
