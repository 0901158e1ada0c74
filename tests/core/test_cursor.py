"""The one keyset cursor (core.cursor) with NULL sort keys: paging forwards and backwards
through a list whose sort key is NULL on some rows shows every row exactly once, in the order
the queryset itself gives, on whichever database runs the tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import QueryDict

from opensrm.core.cursor import Keyset, bad_cursor, cursor_value, decode_cursor, encode_cursor
from opensrm.core.errors import ValidationFailed
from opensrm.crm.models import Account
from opensrm.web.listing import ListSpec, paginate
from tests.factories import make_account

pytestmark = pytest.mark.django_db

# Ties on the key, NULLs among them, ids not in key order.
REVENUES = [None, Decimal("5"), None, Decimal("1"), Decimal("5"), None, Decimal("3"), Decimal("1"), None]


@pytest.fixture
def accounts(org):
    return [make_account(org.rep_a, name=f"A{i}", annual_revenue=r) for i, r in enumerate(REVENUES)]


def _forward(keyset: Keyset, size: int) -> list[int]:
    qs = Account.objects.all()
    seen: list[int] = []
    after = None
    while True:
        page_qs = qs.filter(keyset.after(*after)) if after else qs
        rows = list(page_qs.order_by(*keyset.order_by())[:size])
        seen += [r.pk for r in rows]
        if len(rows) < size:
            return seen
        after = (rows[-1].annual_revenue, rows[-1].pk)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("nulls_last", [True, False])
@pytest.mark.parametrize("size", [1, 2, 4])
def test_paging_shows_every_row_once_in_the_querysets_order(accounts, descending, nulls_last, size):
    keyset = Keyset("annual_revenue", descending=descending, nulls_last=nulls_last)
    whole = list(Account.objects.order_by(*keyset.order_by()).values_list("pk", flat=True))
    assert _forward(keyset, size) == whole
    nulls = {a.pk for a in accounts if a.annual_revenue is None}
    ends = whole[-len(nulls) :] if nulls_last else whole[: len(nulls)]
    assert set(ends) == nulls


def test_reading_backwards_is_the_same_order_reversed(accounts):
    keyset = Keyset("annual_revenue", descending=True)
    back = keyset.reversed()
    assert _forward(back, 2) == list(reversed(_forward(keyset, 3)))


@pytest.mark.parametrize("sort", ["annual_revenue", "-annual_revenue"])
def test_list_pages_show_every_row_once_with_null_sort_values(accounts, sort):
    spec = ListSpec(columns=[], filters=[], search=[], default_sort=sort)
    qs = Account.objects.all()
    seen: list[int] = []
    params = QueryDict(mutable=True)
    params["sort"] = sort
    pages = []
    while True:
        page = paginate(qs, spec, params, page_size=2)
        pages.append(page)
        seen += [r.pk for r in page.rows]
        if page.next_cursor is None:
            break
        params["after"] = page.next_cursor
    assert sorted(seen) == sorted(a.pk for a in accounts)
    assert len(seen) == len(set(seen))
    # and back from the last page through "before" to the first
    page = pages[-1]
    back = [r.pk for r in page.rows]
    while page.prev_cursor is not None:
        params = QueryDict(mutable=True)
        params["sort"] = sort
        params["before"] = page.prev_cursor
        page = paginate(qs, spec, params, page_size=2)
        back = [r.pk for r in page.rows] + back
    assert back == seen


def test_api_list_pages_with_null_sort_values(accounts, org, client):
    client.force_login(org.admin)
    seen: list[int] = []
    url = "/api/v1/accounts?ordering=-annual_revenue&limit=2"
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert sorted(seen) == sorted(a.pk for a in accounts)
    assert len(seen) == len(set(seen))


def test_a_tampered_cursor_is_refused():
    with pytest.raises(ValidationFailed):
        decode_cursor("not-base64!", frozenset({"v", "id"}))
    with pytest.raises(ValidationFailed):
        decode_cursor(encode_cursor({"v": 1}), frozenset({"v", "id"}))
    with pytest.raises(ValidationFailed):
        cursor_value(Account, "annual_revenue", "NaN")
    assert cursor_value(Account, "annual_revenue", None) is None
    assert set(bad_cursor().field_errors) == {"cursor"}
