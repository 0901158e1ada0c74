"""Request bodies are JSON taken strictly: no coercion of flags into numbers, numbers into dates,
and no field the schema does not declare. Each refusal is a 422 naming the field."""

from __future__ import annotations

import pytest

from tests.api.conftest import if_match
from tests.factories import make_account


@pytest.fixture
def ops(org, client_for):
    return client_for(org.ops)


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "employees": True}, "employees"),
        ({"name": "A", "employees": 1.5}, "employees"),
        ({"name": "A", "employees": "12"}, "employees"),
        ({"name": "A", "lat": True}, "lat"),
        ({"name": "A", "lat": "31.2"}, "lat"),
        ({"name": "A", "owner_id": True}, "owner_id"),
        ({"name": "A", "owner_id": "1"}, "owner_id"),
        ({"name": "A", "annual_revenue": -1}, "annual_revenue"),
        ({"name": "A", "annual_revenue": "-0.01"}, "annual_revenue"),
        ({"name": "A", "employees": -1}, "employees"),
        ({"name": "A", "bogus": 1}, "bogus"),
        ({"name": "A", "id": 5}, "id"),
        ({"name": "A", "version": 3}, "version"),
        ({"name": "A", "deleted_at": None}, "deleted_at"),
    ],
)
def test_an_account_body_is_read_strictly(body, field, ops):
    assert list(_errors(ops.post("/accounts", body))) == [field]


def test_a_huge_headcount_is_refused_without_naming_a_database_limit(ops):
    errors = _errors(ops.post("/accounts", {"name": "A", "employees": 10**12}))
    assert list(errors) == ["employees"]
    assert "2147483647" not in errors["employees"][0]
    assert "9223372036854775807" not in errors["employees"][0]


def test_an_unknown_field_is_named_with_a_clear_message(ops):
    response = ops.post("/accounts", {"name": "A", "bogus": 1}, **{"Accept-Language": "en"})
    assert _errors(response) == {"bogus": ["This field is unknown or read-only: it cannot be set."]}


def test_a_date_must_be_iso_text(org, ops, world):
    body = {"number": "N-9", "account_id": world["a"]["account"].pk, "order_date": 0,
            "lines": [{"product_id": world["a"]["product"].pk, "quantity": 1}]}
    assert list(_errors(ops.post("/orders", body))) == ["order_date"]
    assert list(_errors(ops.post("/orders", {**body, "order_date": "0"}))) == ["order_date"]
    assert ops.post("/orders", {**body, "order_date": "2026-05-02"}).status_code == 201


def test_a_nested_line_is_read_strictly(ops, world):
    body = {"number": "N-8", "account_id": world["a"]["account"].pk, "order_date": "2026-05-02",
            "lines": [{"product_id": world["a"]["product"].pk, "quantity": 1, "colour": "red"}]}
    assert list(_errors(ops.post("/orders", body))) == ["lines[0].colour"]


def test_an_activity_time_must_be_iso_text(ops):
    assert list(_errors(ops.post("/activities", {"subject": "Call", "due_at": 1700000000}))) == ["due_at"]
    created = ops.post("/activities", {"subject": "Call", "due_at": "2027-01-05T09:00:00+08:00"})
    assert created.status_code == 201
    assert created.json()["due_at"].startswith("2027-01-05T01:00:00")


def test_a_patch_body_must_be_an_object_of_known_fields(org, ops):
    account = make_account(org.rep_a, name="Acme")
    for body in ([], [{"name": "B"}], "text", 3):
        assert _errors(ops.patch(f"/accounts/{account.pk}", body, **if_match(account)))
    for body in ({"bogus": 1}, {"version": 9}, {"is_primary": True}):
        assert list(_errors(ops.patch(f"/accounts/{account.pk}", body, **if_match(account)))) == list(body)
    account.refresh_from_db()
    assert account.version == 1
    assert account.name == "Acme"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/accounts", {"updated_since": "0.5"}, "updated_since"),
        ("/accounts", {"updated_since": "1700000000"}, "updated_since"),
        ("/opportunities", {"closing_from": "0"}, "closing_from"),
        ("/accounts", {"ordering": "--id"}, "ordering"),
        ("/accounts", {"ordering": "-bogus"}, "ordering"),
        ("/accounts", {"limit": "1.5"}, "limit"),
        ("/leads", {"source": ["web", "fair"]}, "source"),
        ("/accounts", {"ordering": ["name", "-id"]}, "ordering"),
        ("/allocation/scenarios", {"kind": "bogus"}, "kind"),
        ("/allocation/scenarios", {"status": "bogus"}, "status"),
    ],
)
def test_query_parameters_are_typed_strictly(path, params, field, ops):
    assert list(_errors(ops.get(path, params))) == [field]


def test_iso_query_dates_still_work(ops):
    assert ops.get("/accounts", {"updated_since": "2026-01-01T00:00:00+08:00"}).status_code == 200
    assert ops.get("/opportunities", {"closing_from": "2026-01-01"}).status_code == 200
