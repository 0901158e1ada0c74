"""Fixtures for the REST API tests: clients signed in as each role, and a populated world."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

API = "/api/v1"


class ApiClient:
    """A test client that speaks JSON and remembers who it is."""

    def __init__(self, user: Any = None, *, token: str | None = None, enforce_csrf: bool = False) -> None:
        self.user = user
        self.client = Client(enforce_csrf_checks=enforce_csrf)
        self.headers: dict[str, str] = {}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            self.client.force_login(user)

    def _url(self, path: str) -> str:
        return path if path.startswith(API) else f"{API}{path}"

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str):
        return self.client.get(self._url(path), params or {}, headers={**self.headers, **headers})

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]):
        return getattr(self.client, method)(
            self._url(path),
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def post(self, path: str, body: Any = None, **headers: str):
        return self._send("post", path, body, headers)

    def patch(self, path: str, body: Any = None, **headers: str):
        return self._send("patch", path, body, headers)

    def put(self, path: str, body: Any = None, **headers: str):
        return self._send("put", path, body, headers)

    def delete(self, path: str, **headers: str):
        return self.client.delete(self._url(path), headers={**self.headers, **headers})


@pytest.fixture
def client_for(db) -> Callable[..., ApiClient]:
    def make(user: Any = None, **kwargs: Any) -> ApiClient:
        return ApiClient(user, **kwargs)

    return make


def if_match(obj: Any) -> dict[str, str]:
    obj.refresh_from_db()
    return {"If-Match": f'"{obj.version}"'}


SECRET = "BETA-SECRET"  # every team-B business record carries it, so a leak shows up in any body


def make_side(owner: Any, pipeline: Any, tag: str) -> dict[str, Any]:
    """One of each owned record for ``owner``; names carry ``tag``."""
    import datetime as dt
    from decimal import Decimal

    from opensrm.core.services import record_create
    from opensrm.crm.models import Activity, Contact, Lead, Product
    from opensrm.crm.services import account_team_member_add, opportunity_line_add, order_create
    from tests.factories import make_account, make_opportunity

    account = make_account(owner, name=f"{tag} Account")
    contact = record_create(
        model=Contact,
        actor=owner,
        data={"account": account, "name": f"{tag} Contact", "email": "c@example.com"},
    )
    lead = record_create(model=Lead, actor=owner, data={"name": f"{tag} Lead", "company": f"{tag} Co"})
    opportunity = make_opportunity(account, owner, pipeline)
    product = Product.objects.filter(code="P-1").first() or record_create(
        model=Product, actor=_ops(), data={"code": "P-1", "name": "Widget", "unit_price": Decimal("10")}
    )
    line = opportunity_line_add(opportunity=opportunity, actor=owner, product=product, quantity=Decimal("2"))
    activity = record_create(
        model=Activity,
        actor=owner,
        data={
            "subject": f"{tag} Call",
            "account": account,
            "opportunity": opportunity,
            "due_at": dt.datetime(2027, 1, 5, 9, tzinfo=dt.UTC),
        },
    )
    order = order_create(
        actor=owner,
        data={"number": f"{tag}-ORD-{account.pk}", "account": account, "order_date": dt.date(2026, 5, 1)},
        lines=[{"product": product, "quantity": 3}],
    )
    member = account_team_member_add(account=account, user=owner, actor=owner, role="owner")
    return {
        "account": account,
        "contact": contact,
        "lead": lead,
        "opportunity": opportunity,
        "line": line,
        "activity": activity,
        "order": order,
        "product": product,
        "member": member,
    }


def _ops() -> Any:
    from opensrm.people.models import User

    return User.objects.get(username="ops")


@pytest.fixture
def world(org, pipeline) -> dict[str, Any]:
    """Team A's records (owned by rep_a) and team B's (owned by rep_b, marked with SECRET)."""
    return {"a": make_side(org.rep_a, pipeline, "Alpha"), "b": make_side(org.rep_b, pipeline, SECRET)}
