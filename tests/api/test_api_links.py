"""The API's OpenAPI links: published, correct, and followed end to end.

The schema links every answer that returns a record to the operations on that record (read,
change with ``If-Match`` taken from the answer's ``ETag``, delete, actions): see
``opensrm.core.api.links``. A generated client can chain "create -> read -> change -> delete"
from them alone. These tests check the links the schema publishes, then follow them on real
records, exactly as written, and check each answer against the schema.

The walk is deterministic on purpose: a generated state machine over these links (schemathesis'
stateful mode) draws its next step from what the database answered before, which hypothesis
cannot replay faithfully when it shrinks, so its failures could not be reproduced.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from opensrm.config.api import api

API = "/api/v1"
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=API))


def _response(paths: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    responses = paths[f"{API}{path}"][method]["responses"]
    return responses.get(status) or responses[str(status)]


def test_record_answers_link_to_the_operations_on_that_record():
    paths = api.get_openapi_schema(path_prefix=API)["paths"]  # as published, before schemathesis infers more
    created = _response(paths, "/accounts", "post", 201)["links"]
    assert created["Patch"] == {
        "operationId": paths[f"{API}/accounts/{{id}}"]["patch"]["operationId"],
        "parameters": {"path.id": "$response.body#/id", "header.If-Match": "$response.header.ETag"},
    }
    assert {"Get", "Delete", "GetHistory"} <= created.keys()
    # An answer that is not the collection's record (an opportunity line) links to nothing of
    # the opportunity: its id is the line's.
    assert "links" not in _response(paths, "/opportunities/{id}/lines", "post", 201)
    # An action answering the record carries the links on: submit -> approve -> send.
    submitted = _response(paths, "/quotes/{id}/submit", "post", 200)["links"]
    assert {"PostApprove", "PostSend", "Get"} <= submitted.keys()


# One valid body per resource the walk below creates.
CREATE = {
    "accounts": {"name": "Linked Co", "city": "Suzhou"},
    "leads": {"name": "Li Lei", "company": "Linked Lead Co"},
    "territories": {"name": "Linked", "code": "LINKED"},
    "teams": {"name": "Linked team"},
}


def _resolve(expression: str, response: Any) -> Any:
    if expression.startswith("$response.body#/"):
        return response.json()[expression.removeprefix("$response.body#/")]
    if expression.startswith("$response.header."):
        return response.headers[expression.removeprefix("$response.header.")]
    raise AssertionError(f"a link expression the walk does not know: {expression}")


def _operation(operation_id: str) -> Any:
    found = schema.find_operation_by_id(operation_id)
    return found.ok() if hasattr(found, "ok") else found


def test_following_each_published_link_reaches_the_created_record(db):
    """For each resource: create a record, then follow every ``GET`` and ``PATCH`` link of the
    answer, and at the end its ``DELETE`` link, exactly as the link says (id from the body,
    If-Match from the ETag of the answer before): each answer succeeds and conforms to the
    schema."""
    from django.test import Client

    from opensrm.core.api.tokens import api_token_create
    from tests.factories import make_org

    org = make_org()
    _, secret = api_token_create(user=org.ops, name="links", scopes=["write"])
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    for resource in sorted(CREATE):
        _walk(client, resource)


def _walk(client: Any, resource: str) -> None:
    created = client.post(f"{API}/{resource}", CREATE[resource], content_type="application/json")
    assert created.status_code == 201, created.content
    links = _response(api.get_openapi_schema(path_prefix=API)["paths"], f"/{resource}", "post", 201)["links"]
    followed = []
    last = created
    for name, link in sorted(links.items(), key=lambda item: item[0].startswith("Delete")):
        operation = _operation(link["operationId"])
        if operation.method.upper() not in {"GET", "PATCH", "DELETE"} or operation.path.count("{") != 1:
            continue
        source = created if operation.method.upper() == "GET" else last
        values = {key: _resolve(expression, source) for key, expression in link["parameters"].items()}
        path = operation.path.replace("{id}", str(values["path.id"]))
        headers = {"If-Match": values["header.If-Match"]} if "header.If-Match" in values else {}
        method = getattr(client, operation.method.lower())
        answer = (
            method(path, {}, content_type="application/json", headers=headers)
            if operation.method.upper() == "PATCH"
            else method(path, headers=headers)
        )
        assert 200 <= answer.status_code < 300, (
            f"{name}: {operation.method} {path} -> {answer.status_code} {answer.content[:300]}"
        )
        if answer.status_code != 204:  # an empty answer has no body or content type to check
            operation.validate_response(_as_schemathesis_response(answer, operation, path))
        followed.append(name)
        if operation.method.upper() == "PATCH":
            last = answer
    assert {"Get", "Patch", "Delete"} <= set(followed), followed
    assert client.get(f"{API}/{resource}/{created.json()['id']}").status_code == 404  # deleted at the end


def _as_schemathesis_response(answer: Any, operation: Any, path: str) -> Any:
    import datetime as dt

    import requests
    from schemathesis.core.transport import Response

    return Response(
        status_code=answer.status_code,
        headers={name.lower(): [value] for name, value in answer.headers.items()},
        content=answer.content,
        request=requests.Request(operation.method.upper(), f"http://testserver{path}").prepare(),
        elapsed=dt.timedelta(0).total_seconds(),
        message="",
        encoding="utf-8",
        http_version="1.1",
        verify=False,
    )
