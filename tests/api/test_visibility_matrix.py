"""R1: the visibility matrix, generated from the OpenAPI schema.

Every operation of the API is called by a team-A rep and a team-A manager against team-B
objects. Records of team B must answer 404 (never 403, never their data); reference data is
readable by everyone and changed by nobody but admin and sales ops (403). Lists, search,
history and the recycle bin must never contain a team-B record. A new endpoint fails this
test until it is added to ``EXPECTED``; an app that mounts its own router contributes its
rows from ``tests/<app>/api_visibility.py`` (``EXPECTED`` and ``targets(org, world, pipeline)``
returning the team-B object for each path prefix, and optionally ``snapshot()`` returning the
state of its own records, which must not change either). Request bodies may name ``{rep_a}``,
``{rep_b}``, ``{team_b}``, ``{account}``, ``{product}``, ``{stage}`` and ``{pipeline}``.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from opensrm.config.api import api
from opensrm.core.api.tokens import api_token_create
from opensrm.core.services import record_create, record_delete
from opensrm.crm.models import (
    Account,
    Activity,
    Contact,
    Lead,
    Opportunity,
    OpportunityLine,
    Order,
    Territory,
)
from opensrm.crm.services import territory_create
from opensrm.people.models import RepProfile, User
from tests.api.conftest import SECRET, make_side

PRIVATE = ("accounts", "contacts", "leads", "opportunities", "activities", "orders")
PREFIX = "/api/v1"

# "METHOD path": (status for a team-A rep or manager, request body). For paths with {id}, the
# id is a team-B object (or a shared reference object) of the path's resource.
EXPECTED: dict[str, tuple[int, Any]] = {
    "GET /me": (200, None),
    "GET /search": (200, None),
    "GET /recycle-bin": (200, None),
    "POST /recycle-bin/{type}/{id}/restore": (404, None),
    "GET /recycle-bin/{type}/{id}": (404, None),
    "DELETE /recycle-bin/{type}/{id}": (404, None),
    "GET /tokens": (200, None),
    "POST /tokens": (201, {"name": "mine"}),
    "DELETE /tokens/{id}": (404, None),
    "GET /users": (200, None),
    "POST /users": (403, {"username": "intruder"}),
    "GET /users/{id}": (200, None),
    "PATCH /users/{id}": (403, {"display_name": "Taken", "role": "admin", "team_id": "{team_b}"}),
    "GET /users/{id}/history": (200, None),
    "POST /accounts": (422, {"name": "Mine", "owner_id": "{rep_b}"}),
    "POST /contacts": (422, {"name": "Mine", "account_id": "{account}"}),
    "POST /leads": (422, {"name": "Mine", "company": "Mine", "owner_id": "{rep_b}"}),
    "POST /opportunities": (
        422,
        {"name": "Mine", "account_id": "{account}", "expected_close_date": "2027-01-01"},
    ),
    "POST /activities": (422, {"subject": "Mine", "account_id": "{account}"}),
    "POST /orders": (
        422,
        {
            "number": "MINE-1",
            "account_id": "{account}",
            "order_date": "2026-01-01",
            "lines": [{"product_id": "{product}"}],
        },
    ),
    "GET /accounts/{id}/team": (404, None),
    "POST /accounts/{id}/team": (404, {"user_id": "{rep_a}"}),
    "DELETE /accounts/{id}/team/{user_id}": (404, None),
    "POST /leads/{id}/convert": (404, {}),
    "POST /opportunities/{id}/move-stage": (404, {"stage_id": "{stage}"}),
    "GET /opportunities/{id}/stage-history": (404, None),
    "GET /opportunities/{id}/lines": (404, None),
    "POST /opportunities/{id}/lines": (404, {"product_id": "{product}"}),
    "DELETE /opportunities/{id}/lines/{line_id}": (404, None),
    "POST /orders/{id}/cancel": (404, None),
}
PATCHES = {
    "accounts": {"name": "Taken"},
    "contacts": {"name": "Taken"},
    "leads": {"name": "Taken"},
    "opportunities": {"amount": "1.00"},
    "activities": {"subject": "Taken"},
    "orders": {"number": "T-1"},
    "teams": {"name": "Taken"},
    "rep-profiles": {"home_city": "Taken"},
    "territories": {"name": "Taken"},
    "pipelines": {"name": "Taken"},
    "stages": {"name": "Taken"},
    "products": {"name": "Taken"},
}
CREATES = {
    "teams": {"name": "Mine"},
    "rep-profiles": {"user_id": "{rep_a}"},
    "territories": {"name": "Mine", "code": "MINE"},
    "pipelines": {"name": "Mine"},
    "stages": {"pipeline_id": "{pipeline}", "name": "Mine", "order": 9},
    "products": {"code": "M", "name": "M"},
}
for _res in PRIVATE:
    EXPECTED |= {
        f"GET /{_res}": (200, None),
        f"GET /{_res}/{{id}}": (404, None),
        f"PATCH /{_res}/{{id}}": (404, PATCHES[_res]),
        f"DELETE /{_res}/{{id}}": (404, None),
        f"GET /{_res}/{{id}}/history": (404, None),
    }
for _res in CREATES:
    EXPECTED |= {
        f"GET /{_res}": (200, None),
        f"POST /{_res}": (403, CREATES[_res]),
        f"GET /{_res}/{{id}}": (200, None),
        f"PATCH /{_res}/{{id}}": (403, PATCHES[_res]),
        f"DELETE /{_res}/{{id}}": (403, None),
        f"GET /{_res}/{{id}}/history": (200, None),
    }


def _contributors() -> list[Any]:
    tests_dir = Path(__file__).resolve().parents[1]
    return [
        importlib.import_module(f"tests.{f.parent.name}.api_visibility")
        for f in sorted(tests_dir.glob("*/api_visibility.py"))
    ]


def _expected() -> dict[str, tuple[int, Any]]:
    table = dict(EXPECTED)
    for module in _contributors():
        table |= module.EXPECTED
    return table


def _prefix(path: str) -> str:
    """``/accounts/{id}/team/{user_id}`` → ``/accounts``: the resource whose id fills ``{id}``."""
    return path.split("/{")[0]


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path.removeprefix(PREFIX)) for path, ops in schema["paths"].items() for method in ops
    ]


@pytest.fixture
def team_b(org, world, pipeline) -> dict[str, Any]:
    b = world["b"]
    deleted = make_side(org.rep_b, pipeline, f"{SECRET} Deleted")
    record_delete(instance=deleted["account"], actor=org.rep_b, expected_version=deleted["account"].version)
    record_delete(instance=deleted["lead"], actor=org.rep_b, expected_version=deleted["lead"].version)
    token, _ = api_token_create(user=org.rep_b, name=f"{SECRET} token", scopes=["read"])
    territory = territory_create(actor=org.ops, data={"name": "North", "code": "N", "owner": org.rep_b})
    profile = record_create(model=RepProfile, actor=org.ops, data={"user": org.rep_b, "home_city": "Beijing"})
    ids = {
        "/accounts": b["account"],
        "/contacts": b["contact"],
        "/leads": b["lead"],
        "/opportunities": b["opportunity"],
        "/activities": b["activity"],
        "/orders": b["order"],
        "/teams": org.team_b,
        "/users": org.rep_b,
        "/rep-profiles": profile,
        "/territories": territory,
        "/pipelines": pipeline,
        "/stages": pipeline.stages.first(),
        "/products": b["product"],
        "/tokens": token,
        "/recycle-bin": deleted["account"],
    }
    for module in _contributors():
        ids |= module.targets(org, world, pipeline)
    return {"ids": ids, "line": b["line"], "deleted": deleted}


def _fill(body: Any, values: dict[str, Any]) -> Any:
    text = json.dumps(body)
    for key, value in values.items():
        text = text.replace(f'"{{{key}}}"', str(value))
    return json.loads(text)


def _snapshot() -> dict[str, list[tuple[int, int, Any]]]:
    models = (Account, Contact, Lead, Opportunity, Activity, Order, Territory, RepProfile)
    state = {m.__name__: sorted(m.all_objects.values_list("id", "version", "deleted_at")) for m in models}
    state["User"] = sorted(User.objects.values_list("id", "role", "team_id", "display_name", "is_active"))
    state["OpportunityLine"] = sorted(OpportunityLine.objects.values_list("id", "quantity", "opportunity_id"))
    for module in _contributors():
        if hasattr(module, "snapshot"):
            state |= module.snapshot()
    return state


def test_the_matrix_covers_every_operation(db):
    operations = {f"{m} {p}" for m, p in _operations()}
    expected = _expected()
    missing = sorted(operations - expected.keys())
    assert not missing, f"add these operations to the visibility matrix: {missing}"
    assert not expected.keys() - operations, "the matrix lists operations the API no longer has"


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_team_a_never_sees_team_b(who, org, world, team_b, pipeline, client_for):
    expected = _expected()
    operations = [(m, p) for m, p in _operations() if f"{m} {p}" in expected]
    c = client_for(getattr(org, who))
    values = {
        "rep_a": org.rep_a.pk,
        "rep_b": org.rep_b.pk,
        "team_b": org.team_b.pk,
        "account": world["b"]["account"].pk,
        "product": world["b"]["product"].pk,
        "stage": pipeline.stages.last().pk,
        "pipeline": pipeline.pk,
    }
    before = _snapshot()
    for method, path in operations:
        status, body = expected[f"{method} {path}"]
        target = team_b["ids"].get(_prefix(path))
        url = path.replace("{type}", "account").replace("{user_id}", str(org.rep_b.pk))
        url = url.replace("{line_id}", str(team_b["line"].pk)).replace("{product_id}", str(values["product"]))
        if "{id}" in url:
            assert target is not None, f"no team-B object for {path}"
            url = url.replace("{id}", str(target.pk))
        version = getattr(target, "version", None)
        headers = {"If-Match": f'"{version}"'} if method in {"PATCH", "DELETE"} and version else {}
        params = {}
        if method == "GET" and "{id}" not in path:
            params = (
                {"q": SECRET} if path == "/search" else {"type": "account"} if path == "/recycle-bin" else {}
            )
        if method == "GET":
            response = c.get(url, params, **headers)
        elif method == "DELETE":
            response = c.delete(url, **headers)
        else:
            response = getattr(c, method.lower())(
                url, _fill(body, values) if body is not None else None, **headers
            )
        assert response.status_code == status, (method, path, response.content)
        if status >= 400:
            assert response["Content-Type"] == "application/problem+json", (method, path)
        assert SECRET not in response.content.decode(), (method, path, response.content)

    for kind in ("account", "contact", "lead", "opportunity", "activity", "order"):
        listed = c.get("/recycle-bin", {"type": kind})
        assert listed.status_code == 200, kind
        assert SECRET not in listed.content.decode(), kind
    for resource in PRIVATE:
        for params in ({}, {"q": SECRET}, {"owner": org.rep_b.pk}, {"limit": 500}):
            assert SECRET not in c.get(f"/{resource}", params).content.decode(), (resource, params)
        own = world["a"][
            {
                "accounts": "account",
                "contacts": "contact",
                "leads": "lead",
                "opportunities": "opportunity",
                "activities": "activity",
                "orders": "order",
            }[resource]
        ]
        assert SECRET not in c.get(f"/{resource}/{own.pk}/history").content.decode()
    assert c.get("/search", {"q": "BETA"}).json()["items"] == []
    assert _snapshot() == before, "a team-B record was changed"
