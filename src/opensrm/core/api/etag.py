"""Optimistic concurrency over HTTP: ``ETag`` out, ``If-Match`` in.

The ETag is the record's ``version``. Unsafe requests on a versioned record must say which
version they change: none is 428, a stale or unreadable one is 412.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from opensrm.core.errors import VersionMismatch, VersionRequired


def etag_for(obj: Model) -> str:
    return f'"{obj.version}"'  # type: ignore[attr-defined]


def set_etag(response: HttpResponse, obj: Model) -> None:
    if getattr(obj, "version", None) is not None:
        response["ETag"] = etag_for(obj)


def required_version(request: HttpRequest) -> int:
    """The version named by ``If-Match``; raises 428 when absent and 412 when unreadable."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise VersionRequired(
            _("Send the If-Match header with the record's ETag, so concurrent changes are not lost.")
        )
    value = header.removeprefix("W/").strip().strip('"')
    if not value.isdigit():
        raise VersionMismatch(
            _("If-Match does not name a version of this record: read it again and use its ETag.")
        )
    return int(value)


def openapi(*, if_match: bool = False, etag: tuple[int, ...] = ()) -> dict[str, Any]:
    """``openapi_extra`` for an operation: it needs ``If-Match``, and/or answers ``ETag`` with
    the statuses ``etag``; :func:`document_versions` turns the marks into OpenAPI."""
    extra: dict[str, Any] = {}
    if if_match:
        extra[_IF_MATCH_MARK] = True
    if etag:
        extra[_ETAG_MARK] = list(etag)
    return extra


_IF_MATCH_MARK = "x-opensrm-if-match"
_ETAG_MARK = "x-opensrm-etag"


def document_versions(schema: dict[str, Any]) -> None:
    """Declare ``If-Match`` (a required header) and ``ETag`` (a response header) where marked."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if operation.pop(_IF_MATCH_MARK, False):
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-Match",
                        "required": True,
                        "description": 'The record\'s ETag as read, such as "3": the change applies only '
                        "to that version (412 if it changed since, 428 if the header is missing).",
                        "schema": {"type": "string", "pattern": r'^(W/)?"[0-9]{1,18}"$'},
                    }
                )
            for status in operation.pop(_ETAG_MARK, []):
                responses = operation.get("responses", {})
                response = responses.get(status) or responses.get(str(status))
                if response is not None:
                    response.setdefault("headers", {})["ETag"] = {
                        "description": "The record's version: send it back as If-Match to change it.",
                        "required": True,
                        "schema": {"type": "string", "pattern": r'^"[0-9]+"$'},
                    }
