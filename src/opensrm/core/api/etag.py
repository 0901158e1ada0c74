"""Optimistic concurrency over HTTP: ``ETag`` out, ``If-Match`` in.

The ETag is the record's ``version``. Unsafe requests on a versioned record must say which
version they change: none is 428, a stale or unreadable one is 412.
"""

from __future__ import annotations

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
