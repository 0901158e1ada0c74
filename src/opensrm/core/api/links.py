"""OpenAPI links: how the answer of one operation feeds the next.

A created, read or changed record answers with its ``id`` in the body and its version in the
``ETag`` header; the operations on that record (``GET``, ``PATCH``, ``DELETE`` and the actions
under ``/{id}/…``) take the id in the path and, when they change it, the version as
``If-Match``. Declaring that as links lets a generated client (and a stateful test) chain
"create → read → change → delete" without guessing.

Links are derived from the paths, so a new resource gets them without being listed here: an
operation on ``/x`` or ``/x/{id}`` that answers a record (an object with an ``id``) links to every
operation on ``/x/{id}`` and ``/x/{id}/<action>`` whose only path parameter is ``id``.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")
_RECORD_PATH = re.compile(r"^(?P<base>.+?)/\{id\}(?P<rest>/[^{}]*)?$")


def _record_schema(response: dict[str, Any], schema: dict[str, Any]) -> str | None:
    """The name of the record schema ``response`` answers with (an object with an ``id``)."""
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    if not ref.startswith("#/components/schemas/"):
        return None
    name = ref.rsplit("/", 1)[1]
    body = schema.get("components", {}).get("schemas", {}).get(name, {})
    return name if body.get("type") == "object" and "id" in body.get("properties", {}) else None


def _link_name(method: str, path: str, base: str) -> str:
    rest = path[len(base) :].strip("/").replace("{id}", "").strip("/")
    words = [method] + [w for w in re.split(r"[/_-]+", rest) if w]
    return "".join(w[:1].upper() + w[1:] for w in words)


def document_links(schema: dict[str, Any]) -> None:
    """Add ``links`` to each successful answer that returns a record of a collection: the
    record the collection's ``GET /x/{id}`` answers, so the id in the body is the one the
    linked operations take."""
    paths: dict[str, dict[str, Any]] = schema.get("paths", {})
    targets: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    record_of: dict[str, str] = {}  # collection path -> the record schema its GET /{id} answers
    for path, operations in paths.items():
        match = _RECORD_PATH.match(path)
        if match is None or "{" in match.group("base") or "{" in (match.group("rest") or ""):
            continue
        base = match.group("base")
        for method in _METHODS:
            operation = operations.get(method)
            if operation is not None and operation.get("operationId"):
                targets.setdefault(base, []).append((method, path, operation))
        read = operations.get("get")
        name = (
            _record_schema(read.get("responses", {}).get(200) or read.get("responses", {}).get("200") or {}, schema)
            if read
            else None
        )
        if name and not match.group("rest"):
            record_of[base] = name
    for path, operations in paths.items():
        match = _RECORD_PATH.match(path)
        base = match.group("base") if match else path
        if base not in record_of:
            continue
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            for status, response in operation.get("responses", {}).items():
                if not str(status).startswith("2") or _record_schema(response, schema) != record_of[base]:
                    continue
                links = {}
                for target_method, target_path, target in targets.get(base, []):
                    parameters: dict[str, str] = {"path.id": "$response.body#/id"}
                    wants_version = any(
                        p.get("in") == "header" and p.get("name") == "If-Match" for p in target.get("parameters", [])
                    )
                    if wants_version and "ETag" in response.get("headers", {}):
                        parameters["header.If-Match"] = "$response.header.ETag"
                    links[_link_name(target_method, target_path, base)] = {
                        "operationId": target["operationId"],
                        "parameters": parameters,
                    }
                if links:
                    response["links"] = links
