"""A cursor is opaque, so whatever a client sends as one is its input: a tampered or malformed
cursor is a 422 naming ``cursor``, never a server error."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opensrm.core.services import record_update
from tests.factories import make_account


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.fixture
def ops(org, client_for):
    for index in range(3):
        make_account(org.rep_a, name=f"Acme {index}")
    return client_for(org.ops)


TAMPERED = [
    {"o": "-id", "v": None, "id": "abc"},
    {"o": "-id", "v": None, "id": None},
    {"o": "-id", "v": None, "id": [1]},
    {"o": "-id", "v": None, "id": {"x": 1}},
    {"o": "-id", "v": None, "id": True},
    {"o": "-id", "v": None, "id": 1.5},
    {"o": "-id", "v": None, "id": 2**70},
    {"o": "-id", "v": "abc", "id": 3},
    {"o": "name", "v": ["a"], "id": 3},
    {"o": "name", "v": {"a": 1}, "id": 3},
    {"o": "name", "v": 5, "id": 3},
    {"o": "-updated_at", "v": "yesterday", "id": 3},
    {"o": "-updated_at", "v": 17, "id": 3},
    {"o": "-updated_at", "v": "0001-01-01T00:00:00+05:00", "id": 3},
    {"o": "-updated_at", "v": "9999-12-31T23:59:59-05:00", "id": 3},
    {"o": "-updated_at", "v": "2026-01-01T00:00:00", "id": 3},
    {"o": "annual_revenue", "v": "lots", "id": 3},
    {"o": "annual_revenue", "v": True, "id": 3},
    {"o": ["-id"], "v": None, "id": 3},
    {"o": "-id", "v": None, "id": 3, "extra": 1},
    [1, 2, 3],
    "text",
    None,
]


@pytest.mark.parametrize("path", ["/accounts", "/contacts"])
@pytest.mark.parametrize("payload", TAMPERED, ids=[json.dumps(p) for p in TAMPERED])
def test_a_tampered_cursor_is_a_422_naming_cursor(path, payload, ops):
    ordering = payload["o"] if isinstance(payload, dict) and isinstance(payload.get("o"), str) else "-id"
    if path == "/contacts" and ordering.lstrip("-") == "annual_revenue":
        ordering = "-id"
    response = ops.get(path, {"ordering": ordering, "cursor": _cursor(payload)})

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_the_api_wrote_still_reads_the_next_page(ops):
    for ordering in ("-id", "name", "-updated_at", "annual_revenue"):
        first = ops.get("/accounts", {"ordering": ordering, "limit": 1}).json()
        second = ops.get("/accounts", {"ordering": ordering, "limit": 1, "cursor": first["next_cursor"]})
        assert second.status_code == 200, (ordering, second.content)
        assert second.json()["items"][0]["id"] != first["items"][0]["id"]


@pytest.fixture
def renamed(org):
    account = make_account(org.rep_a, name="Old")
    for name in ("One", "Two", "Three"):
        account = record_update(instance=account, actor=org.ops, data={"name": name}, expected_version=account.version)
    return account


@pytest.mark.parametrize(
    "payload",
    [
        {"at": "0001-01-01T00:00:00+05:00", "id": 1},
        {"at": "9999-12-31T23:59:59-05:00", "id": 1},
        {"at": "2026-01-01T00:00:00+00:00", "id": 2**70},
        {"at": "2026-01-01T00:00:00+00:00", "id": -1},
        {"at": 5, "id": 1},
        {"at": "2026-01-01T00:00:00+00:00", "id": 1, "x": 1},
    ],
)
def test_a_tampered_history_cursor_is_a_422(payload, org, renamed, client_for):
    response = client_for(org.ops).get(f"/accounts/{renamed.pk}/history", {"cursor": _cursor(payload)})

    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == ["cursor"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
_FIELDS = st.sampled_from(["id", "name", "updated_at", "created_at", "annual_revenue"])
_PAYLOADS = (
    st.fixed_dictionaries(
        {"o": st.builds(lambda d, k: f"{d}{k}", st.sampled_from(["", "-"]), _FIELDS) | _JSON, "v": _JSON, "id": _JSON}
    )
    | st.fixed_dictionaries({"at": _JSON | st.datetimes().map(lambda d: d.isoformat() + "+05:00"), "id": _JSON})
    | _JSON
)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(payload=_PAYLOADS, raw=st.binary(max_size=40))
def test_no_cursor_is_a_server_error(payload, raw, org, renamed, client_for):
    c = client_for(org.ops)
    ordering = payload.get("o") if isinstance(payload, dict) else None
    params = {"ordering": ordering} if isinstance(ordering, str) and ordering.lstrip("-") in {"id", "name"} else {}
    for path, query in (
        ("/accounts", params),
        ("/contacts", params),
        (f"/accounts/{renamed.pk}/history", {}),
    ):
        for cursor in (_cursor(payload), base64.urlsafe_b64encode(raw).decode()):
            response = c.get(path, {**query, "cursor": cursor})
            assert response.status_code in (200, 422), (path, cursor, response.content)
