"""What a client meets at the edges of the API (an unknown path, an oversized body) and what the
OpenAPI schema tells it about writing: If-Match, ETag, orderings, cursors."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from opensrm.config.api import api
from tests.factories import make_account


@pytest.fixture
def ops(org, client_for):
    return client_for(org.ops)


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/accounts/1/nope", "/api/v2/accounts"])
def test_an_unknown_api_path_is_a_problem_404(method, path, ops):
    response = getattr(ops.client, method)(path, headers=ops.headers)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404


def test_a_page_that_does_not_exist_is_still_html(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/problem")


def test_a_body_over_the_limit_is_413_naming_the_limit(ops):
    response = ops.post("/accounts", {"name": "A", "address": "x" * (10 * 1024 * 1024)})

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["limit"] == 2_621_440
    assert "2621440" in body["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_the_body_limit_is_a_setting(org, ops):
    account = make_account(org.rep_a, name="Acme")
    response = ops.patch(f"/accounts/{account.pk}", {"address": "x" * 2000}, **{"If-Match": '"1"'})
    assert response.status_code == 413
    assert response.json()["limit"] == 1000
    assert ops.post("/accounts", {"name": "Small"}).status_code == 201


@pytest.fixture(scope="module")
def openapi():
    return api.get_openapi_schema(path_prefix="/api/v1")


def _operation(openapi, method, path):
    return openapi["paths"][path][method]


def _header(operation, name):
    return next((p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == name), None)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/accounts/{id}"),
        ("delete", "/api/v1/accounts/{id}"),
        ("patch", "/api/v1/orders/{id}"),
        ("post", "/api/v1/leads/{id}/convert"),
        ("post", "/api/v1/opportunities/{id}/move-stage"),
        ("post", "/api/v1/orders/{id}/cancel"),
        ("patch", "/api/v1/allocation/scenarios/{id}"),
        ("delete", "/api/v1/allocation/scenarios/{id}"),
    ],
)
def test_if_match_is_a_required_header_where_the_api_requires_it(openapi, method, path):
    header = _header(_operation(openapi, method, path), "If-Match")
    assert header is not None
    assert header["required"] is True


def test_if_match_is_not_declared_where_it_is_not_needed(openapi):
    assert _header(_operation(openapi, "post", "/api/v1/accounts"), "If-Match") is None
    assert _header(_operation(openapi, "post", "/api/v1/accounts/{id}/team"), "If-Match") is None


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/accounts/{id}", "200"),
        ("post", "/api/v1/accounts", "201"),
        ("patch", "/api/v1/accounts/{id}", "200"),
        ("post", "/api/v1/orders/{id}/cancel", "200"),
        ("get", "/api/v1/allocation/scenarios/{id}", "200"),
    ],
)
def test_the_etag_header_is_documented(openapi, method, path, status):
    responses = {str(k): v for k, v in _operation(openapi, method, path)["responses"].items()}
    assert "ETag" in responses[status]["headers"]


def _resolve(openapi, schema):
    schema = next((s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), schema)
    if "$ref" in schema:
        return openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_ordering_is_an_enum_per_list_and_cursor_is_described(openapi):
    params = {p["name"]: p for p in _operation(openapi, "get", "/api/v1/accounts")["parameters"]}
    assert set(_resolve(openapi, params["ordering"]["schema"])["enum"]) == {
        "id", "-id", "name", "-name", "updated_at", "-updated_at", "created_at", "-created_at",
        "annual_revenue", "-annual_revenue",
    }
    contacts = {p["name"]: p for p in _operation(openapi, "get", "/api/v1/contacts")["parameters"]}
    assert "annual_revenue" not in _resolve(openapi, contacts["ordering"]["schema"])["enum"]
    assert "next_cursor" in params["cursor"]["description"]


def test_the_documented_if_match_is_what_the_api_accepts(org, ops, openapi):
    """A client that sends the ETag it read, as the schema describes it, changes the record."""
    import re

    pattern = _header(_operation(openapi, "patch", "/api/v1/accounts/{id}"), "If-Match")["schema"]["pattern"]
    account = make_account(org.rep_a, name="Acme")
    etag = ops.get(f"/accounts/{account.pk}")["ETag"]
    assert re.match(pattern, etag)
    assert ops.patch(f"/accounts/{account.pk}", {"city": "Ningbo"}, **{"If-Match": etag}).status_code == 200
    assert ops.patch(f"/accounts/{account.pk}", {"city": "Ningbo"}).status_code == 428
