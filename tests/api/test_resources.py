"""The standard endpoints of every resource: list, create, read, update, delete, and their errors."""

from __future__ import annotations

from typing import Any

import pytest

from opensrm.crm.models import (
    Account,
    Activity,
    Contact,
    Lead,
    Opportunity,
    Order,
    Pipeline,
    Product,
    Stage,
    Territory,
)
from opensrm.people.models import RepProfile, Team, User
from tests.api.conftest import if_match

OWNED = {
    "accounts": {
        "model": Account,
        "create": lambda w, o: {"name": "New Co", "city": "Suzhou", "tier": "A"},
        "patch": {"city": "Ningbo"},
        "bad": lambda w, o: {"name": "", "lat": 200, "industry": "space"},
        "bad_fields": {"name", "lat", "industry"},
    },
    "contacts": {
        "model": Contact,
        "create": lambda w, o: {"name": "Wang Fang", "account_id": w["a"]["account"].pk},
        "patch": {"title": "CTO"},
        "bad": lambda w, o: {"name": "", "account_id": w["b"]["account"].pk},
        "bad_fields": {"name"},
    },
    "leads": {
        "model": Lead,
        "create": lambda w, o: {"name": "Zhao Lei", "company": "Zhao Trading"},
        "patch": {"status": "working"},
        "bad": lambda w, o: {"name": "Zhao", "company": "", "status": "converted"},
        "bad_fields": {"company", "status"},
    },
    "opportunities": {
        "model": Opportunity,
        "create": lambda w, o: {
            "name": "Big deal",
            "account_id": w["a"]["account"].pk,
            "pipeline_id": w["a"]["opportunity"].pipeline_id,
            "expected_close_date": "2027-06-30",
            "amount": "1200.50",
        },
        "patch": {"amount": "99.00"},
        "bad": lambda w, o: {
            "name": "Deal",
            "account_id": w["a"]["account"].pk,
            "expected_close_date": "soon",
            "amount": "-3",
        },
        "bad_fields": {"expected_close_date", "amount"},
    },
    "activities": {
        "model": Activity,
        "create": lambda w, o: {
            "subject": "Visit plant",
            "kind": "visit",
            "account_id": w["a"]["account"].pk,
            "due_at": "2027-02-01T09:00:00Z",
        },
        "patch": {"outcome": "Signed NDA"},
        "bad": lambda w, o: {"subject": "", "duration_minutes": -5},
        "bad_fields": {"subject", "duration_minutes"},
    },
    "orders": {
        "model": Order,
        "create": lambda w, o: {
            "number": "SO-100",
            "account_id": w["a"]["account"].pk,
            "order_date": "2026-06-01",
            "lines": [{"product_id": w["a"]["product"].pk, "quantity": "2"}],
        },
        "patch": {"number": "SO-101"},
        "bad": lambda w, o: {
            "number": "SO-102",
            "account_id": w["a"]["account"].pk,
            "order_date": "2026-06-01",
            "lines": [],
        },
        "bad_fields": {"lines"},
    },
}

REFERENCE = {
    "territories": {
        "model": Territory,
        "create": lambda w, o: {"name": "South", "code": "S-1"},
        "patch": {"name": "South China"},
        "bad": lambda w, o: {"name": "", "code": ""},
        "bad_fields": {"name", "code"},
    },
    "products": {
        "model": Product,
        "create": lambda w, o: {"code": "P-9", "name": "Gadget", "unit_price": "5.50"},
        "patch": {"active": False},
        "bad": lambda w, o: {"code": "P-10", "name": "Gadget", "unit_price": "-1", "currency": "XXX"},
        "bad_fields": {"unit_price", "currency"},
    },
    "pipelines": {
        "model": Pipeline,
        "create": lambda w, o: {"name": "Renewals"},
        "patch": {"name": "Renewals FY27"},
        "bad": lambda w, o: {"name": ""},
        "bad_fields": {"name"},
    },
    "stages": {
        "model": Stage,
        "create": lambda w, o: {"pipeline_id": w["a"]["opportunity"].pipeline_id, "name": "Demo", "order": 6},
        "patch": {"probability": 55},
        "bad": lambda w, o: {
            "pipeline_id": w["a"]["opportunity"].pipeline_id,
            "name": "Demo",
            "order": 6,
            "probability": 150,
        },
        "bad_fields": {"probability"},
    },
    "teams": {
        "model": Team,
        "create": lambda w, o: {"name": "West", "parent_id": o.root.pk},
        "patch": {"name": "West China"},
        "bad": lambda w, o: {"name": "", "parent_id": 999999},
        "bad_fields": {"name"},
    },
    "rep-profiles": {
        "model": RepProfile,
        "create": lambda w, o: {"user_id": o.rep_a1.pk, "home_city": "Wuxi", "industries": ["retail"]},
        "patch": {"home_city": "Changzhou"},
        "bad": lambda w, o: {"user_id": o.rep_a1.pk, "home_lat": 100, "weekly_capacity_hours": "-1"},
        "bad_fields": {"home_lat", "weekly_capacity_hours"},
    },
}
ALL = {**OWNED, **REFERENCE}


def _writer(org: Any, name: str) -> User:
    return org.rep_a if name in OWNED else org.ops


@pytest.mark.parametrize("name", sorted(ALL))
def test_lifecycle(name, org, world, client_for):
    spec = ALL[name]
    c = client_for(_writer(org, name))
    created = c.post(f"/{name}", spec["create"](world, org))
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert created["ETag"] == '"1"'
    assert created["Location"].endswith(f"/{name}/{pk}")

    got = c.get(f"/{name}/{pk}")
    assert got.status_code == 200
    assert got["ETag"] == '"1"'
    assert got.json() == body
    assert pk in [item["id"] for item in c.get(f"/{name}", {"limit": 500}).json()["items"]]

    field, value = next(iter(spec["patch"].items()))
    assert c.patch(f"/{name}/{pk}", spec["patch"]).status_code == 428
    assert c.patch(f"/{name}/{pk}", spec["patch"], **{"If-Match": '"7"'}).status_code == 412
    assert c.patch(f"/{name}/{pk}", spec["patch"], **{"If-Match": "garbage"}).status_code == 412
    obj = spec["model"].objects.get(pk=pk)
    assert obj.version == 1  # refused changes left the record alone
    patched = c.patch(f"/{name}/{pk}", spec["patch"], **{"If-Match": '"1"'})
    assert patched.status_code == 200, patched.content
    assert patched["ETag"] == '"2"'
    assert patched.json()[field] == value
    assert patched.json()["version"] == 2
    events = c.get(f"/{name}/{pk}/history").json()["items"]
    assert [e["type"] for e in events] == ["updated", "created"]
    assert events[0]["actor"] == _writer(org, name).username
    change = next(ch for ch in events[0]["changes"] if ch["field"] == field)
    assert change["new"] == value
    assert change["old"] != value

    assert c.delete(f"/{name}/{pk}").status_code == 428
    assert c.delete(f"/{name}/{pk}", **{"If-Match": '"1"'}).status_code == 412
    assert spec["model"].objects.filter(pk=pk).exists()
    assert c.delete(f"/{name}/{pk}", **{"If-Match": '"2"'}).status_code == 204
    assert c.get(f"/{name}/{pk}").status_code == 404
    assert not spec["model"].objects.filter(pk=pk).exists()
    assert spec["model"].all_objects.filter(pk=pk, deleted_at__isnull=False).exists()


@pytest.mark.parametrize("name", sorted(ALL))
def test_bad_input_is_422_with_field_errors_and_saves_nothing(name, org, world, client_for):
    spec = ALL[name]
    c = client_for(_writer(org, name))
    before = spec["model"].all_objects.count()
    response = c.post(f"/{name}", spec["bad"](world, org))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert spec["bad_fields"] <= set(response.json()["errors"]), response.json()
    assert spec["model"].all_objects.count() == before


@pytest.mark.parametrize("name", sorted(OWNED))
def test_records_of_another_team_are_404_for_every_method(name, org, world, client_for):
    hidden = world["b"][
        {
            "accounts": "account",
            "contacts": "contact",
            "leads": "lead",
            "opportunities": "opportunity",
            "activities": "activity",
            "orders": "order",
        }[name]
    ]
    for user in (org.rep_a, org.manager_a):
        c = client_for(user)
        assert c.get(f"/{name}/{hidden.pk}").status_code == 404
        assert c.get(f"/{name}/{hidden.pk}/history").status_code == 404
        assert c.patch(f"/{name}/{hidden.pk}", OWNED[name]["patch"], **if_match(hidden)).status_code == 404
        assert c.delete(f"/{name}/{hidden.pk}", **if_match(hidden)).status_code == 404
    hidden.refresh_from_db()
    assert hidden.version == type(hidden).objects.get(pk=hidden.pk).version
    assert hidden.deleted_at is None
    assert client_for(org.manager_b).get(f"/{name}/{hidden.pk}").status_code == 200


@pytest.mark.parametrize("name", sorted(ALL))
def test_viewer_reads_but_cannot_write(name, org, world, client_for):
    spec = ALL[name]
    owner = client_for(_writer(org, name))
    pk = owner.post(f"/{name}", spec["create"](world, org)).json()["id"]
    viewer = client_for(org.viewer)
    count = spec["model"].objects.count()
    assert viewer.get(f"/{name}/{pk}").status_code == 200
    assert viewer.post(f"/{name}", spec["create"](world, org)).status_code == 403
    assert viewer.patch(f"/{name}/{pk}", spec["patch"], **{"If-Match": '"1"'}).status_code == 403
    assert viewer.delete(f"/{name}/{pk}", **{"If-Match": '"1"'}).status_code == 403
    assert spec["model"].objects.count() == count
    assert spec["model"].objects.get(pk=pk).version == 1


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_reps_and_managers_read_reference_data_but_cannot_change_it(name, org, world, client_for):
    spec = REFERENCE[name]
    pk = client_for(org.ops).post(f"/{name}", spec["create"](world, org)).json()["id"]
    count = spec["model"].objects.count()
    for user in (org.rep_a, org.manager_a):
        c = client_for(user)
        assert c.get(f"/{name}/{pk}").status_code == 200
        forbidden = c.post(f"/{name}", spec["create"](world, org))
        assert forbidden.status_code == 403
        assert forbidden.json()["status"] == 403
        assert c.patch(f"/{name}/{pk}", spec["patch"], **{"If-Match": '"1"'}).status_code == 403
        assert c.delete(f"/{name}/{pk}", **{"If-Match": '"1"'}).status_code == 403
    assert spec["model"].objects.count() == count
    assert spec["model"].objects.get(pk=pk).version == 1


def test_users_are_read_by_all_and_created_by_admin_and_ops_only(org, client_for):
    rep = client_for(org.rep_a)
    listed = rep.get("/users", {"role": "manager"}).json()["items"]
    assert {u["username"] for u in listed} == {"manager_a", "manager_b"}
    assert rep.get(f"/users/{org.rep_b.pk}").json()["team_id"] == org.team_b.pk
    assert rep.post("/users", {"username": "newbie", "role": "rep"}).status_code == 403
    assert client_for(org.viewer).post("/users", {"username": "newbie"}).status_code == 403
    assert not User.objects.filter(username="newbie").exists()
    ops = client_for(org.ops)
    created = ops.post(
        "/users",
        {"username": "newbie", "role": "rep", "team_id": org.team_a.pk, "password": "a-Long-pass-99"},
    )
    assert created.status_code == 201
    assert created.json()["team_id"] == org.team_a.pk
    assert User.objects.get(username="newbie").check_password("a-Long-pass-99")
    taken = ops.post("/users", {"username": "newbie"})
    assert taken.status_code == 422
    assert "username" in taken.json()["errors"]
    assert ops.post("/users", {"username": "bad name!"}).status_code == 422
    assert User.objects.filter(username__startswith="newbie").count() == 1
    assert rep.get("/me").json()["username"] == "rep_a"


def test_list_filters_search_and_ordering(org, world, client_for):
    c = client_for(org.manager_b)
    assert [a["name"] for a in c.get("/accounts", {"q": "beta-secret"}).json()["items"]] == [
        "BETA-SECRET Account"
    ]
    assert c.get("/accounts", {"city": "Beijing"}).json()["items"] == []
    assert len(c.get("/accounts", {"owner": org.rep_b.pk, "status": "prospect"}).json()["items"]) == 1
    ops = client_for(org.ops)
    names = [a["name"] for a in ops.get("/accounts", {"ordering": "name"}).json()["items"]]
    assert names == sorted(names)
    assert len(names) == 2
    bad = ops.get("/accounts", {"ordering": "password"})
    assert bad.status_code == 422
    assert "ordering" in bad.json()["errors"]
    assert ops.get("/accounts", {"status": "bogus"}).status_code == 422
    assert ops.get("/accounts", {"limit": 501}).status_code == 422
    assert ops.get("/accounts", {"limit": 0}).status_code == 422
    assert ops.get("/accounts", {"cursor": "!!not-base64"}).status_code == 422
    due = ops.get(
        "/activities", {"due_from": "2027-01-01T00:00:00Z", "due_to": "2027-01-31T00:00:00Z"}
    ).json()
    assert len(due["items"]) == 2
    assert ops.get("/activities", {"due_from": "2027-02-01T00:00:00Z"}).json()["items"] == []
    assert ops.get("/opportunities", {"updated_since": "2099-01-01T00:00:00Z"}).json()["items"] == []
    stage = world["a"]["opportunity"].stage_id
    assert (
        len(ops.get("/opportunities", {"stage": stage, "account": world["a"]["account"].pk}).json()["items"])
        == 1
    )
