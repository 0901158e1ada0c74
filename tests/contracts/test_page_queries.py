"""Query counts are pinned and do not grow with the data (no N+1 on any page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opensrm.core.services import record_update
from tests.records import make_records

pytestmark = pytest.mark.django_db

# Session, user, the user's team (header), then the page's own reads. Pinned so a regression
# shows up as a diff. Each test warms up once: the first request after sign-in also writes the
# session's last-seen time.
# session, user, team, the kept column choice, rows, capped match count, owners for the bulk bar,
# saved views
LIST_QUERIES = 8
# the active custom field definitions of a tagged record type (its list filters and columns)
CUSTOM_FIELDS = 1
EXPECTED = {
    "account_list": LIST_QUERIES + CUSTOM_FIELDS,
    "contact_list": LIST_QUERIES + CUSTOM_FIELDS,
    "lead_list": LIST_QUERIES + CUSTOM_FIELDS,
    "opportunity_list": LIST_QUERIES + CUSTOM_FIELDS + 1,  # the stages the bulk bar offers
    "activity_list": LIST_QUERIES,
    "home": 8,  # with the exchange rates valid today
    "board": 7 + 5,  # the exchange rates, plus one per stage of the pipeline (5 here)
    "calendar": 4,
    "search": 7,
    "recycle_bin": 8,
}


def _grow(org, pipeline, n: int) -> None:
    for i in range(n):
        records = make_records(org.rep_a, pipeline, suffix=f"-{i}")
        record_update(
            instance=records.account, actor=org.rep_a, data={"city": f"City {i}"}, expected_version=None
        )


def _count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_page_query_count_is_pinned_and_constant(client, org, pipeline, name, django_assert_num_queries):
    client.force_login(org.rep_a)
    params = {"q": "Acme"} if name == "search" else {}
    _grow(org, pipeline, 2)
    client.get(reverse("web:notifications"))
    with django_assert_num_queries(EXPECTED[name]):
        client.get(reverse(f"web:{name}"), params)
    _grow(org, pipeline, 25)
    assert _count(client, reverse(f"web:{name}"), **params) == EXPECTED[name]


@pytest.mark.parametrize("kind", ["account", "contact", "lead", "opportunity", "activity"])
def test_detail_query_count_is_constant(client, org, pipeline, kind):
    from opensrm.core.services import record_create
    from opensrm.crm.models import Activity

    client.force_login(org.rep_a)
    records = make_records(org.rep_a, pipeline)
    obj = getattr(records, kind)
    url = reverse(f"web:{kind}_detail", args=[obj.pk])
    client.get(url)
    small = _count(client, url)
    for i in range(15):
        obj = type(obj).objects.get(pk=obj.pk)
        field = "subject" if kind == "activity" else "name"
        record_update(
            instance=obj, actor=org.rep_a, data={field: f"{getattr(obj, field)}!"}, expected_version=None
        )
        link = {
            "account": records.account,
            "contact": records.contact,
            "lead": records.lead,
            "opportunity": records.opportunity,
        }.get(kind, records.account)
        record_create(
            model=Activity,
            actor=org.rep_a,
            data={
                "subject": f"Visit {i}",
                f"{kind if kind != 'activity' else 'account'}": link,
                "owner": org.rep_a,
            },
        )
    assert _count(client, url) == small


def test_list_query_count_does_not_depend_on_the_page_or_filters(client, org, pipeline):
    client.force_login(org.rep_a)
    _grow(org, pipeline, 60)
    client.get(reverse("web:notifications"))
    first = client.get(reverse("web:account_list"), {"sort": "name"})
    cursor = first.context["page"].next_cursor
    expected = LIST_QUERIES + CUSTOM_FIELDS
    assert _count(client, reverse("web:account_list"), sort="name", after=cursor) == expected
    assert _count(client, reverse("web:account_list"), q="Acme", status="prospect", owner="me") == expected


def test_manager_home_query_count_is_constant(client, org, pipeline):
    from django.core.cache import cache

    client.force_login(org.manager_a)
    _grow(org, pipeline, 2)
    client.get(reverse("web:home"))
    cache.clear()  # a team's figures are cached for a minute: count the uncached page
    small = _count(client, reverse("web:home"))
    cached = _count(client, reverse("web:home"))
    _grow(org, pipeline, 20)
    make_records(org.rep_a1, pipeline)
    assert _count(client, reverse("web:home")) == cached
    cache.clear()
    assert _count(client, reverse("web:home")) == small
    assert cached < small
