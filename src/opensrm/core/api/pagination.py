"""Cursor pagination.

A cursor is an opaque base64 token for the last row of a page: the ordering, that row's sort
key and its id. The next page is "rows after (key, id)" in the same order, so a page costs
one query whatever its size or position, ties on the key are broken by id (no row is
skipped or repeated), and rows inserted meanwhile do not shift the pages already read.
Rows whose key is null come last in either direction.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from opensrm.core.errors import ValidationFailed

T = TypeVar("T")


class PageParams(Schema):
    cursor: str | None = Field(None, description="The `next_cursor` of the previous page.")
    limit: int = Field(settings.OPENSRM["API_PAGE_SIZE"], ge=1, le=settings.OPENSRM["API_MAX_PAGE_SIZE"])


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to read the next page; null on the last."
    )
    next: str | None = Field(None, description="The URL of the next page; null on the last.")


def _encode(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(payload, dict) or not {"o", "v", "id"} <= payload.keys():
        raise _bad_cursor()
    return payload


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        _("Some fields are not valid."), field_errors={"cursor": [_("This cursor is not valid.")]}
    )


def _after(model: type[Model], key: str, descending: bool, value: Any, last_id: Any) -> Q:
    if key == "id":
        return Q(id__lt=last_id) if descending else Q(id__gt=last_id)
    if value is None:
        tie = Q(**{f"{key}__isnull": True})
        return tie & (Q(id__lt=last_id) if descending else Q(id__gt=last_id))
    try:
        value = model._meta.get_field(key).to_python(value)
    except Exception as exc:
        raise _bad_cursor() from exc
    op = "lt" if descending else "gt"
    return (
        Q(**{f"{key}__{op}": value})
        | Q(**{key: value}, **{f"id__{op}": last_id})
        | Q(**{f"{key}__isnull": True})
    )


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    ordering: str,
    allowed: tuple[str, ...],
    page: PageParams,
) -> dict[str, Any]:
    """One page of ``queryset`` in ``ordering`` (a name from ``allowed``, ``-`` for descending)."""
    key = ordering.lstrip("-")
    if key not in allowed:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"ordering": [_("Choose from: %s") % ", ".join(f"{k}, -{k}" for k in allowed)]},
        )
    descending = ordering.startswith("-")
    if key == "id":
        order_by = ["-id" if descending else "id"]
    else:
        expr = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
        order_by = [expr, "-id" if descending else "id"]
    qs = queryset.order_by(*order_by)
    if page.cursor:
        state = _decode(page.cursor)
        if state["o"] != ordering:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"cursor": [_("This cursor belongs to another ordering.")]},
            )
        qs = qs.filter(_after(queryset.model, key, descending, state["v"], state["id"]))
    rows = list(qs[: page.limit + 1])
    next_cursor = None
    next_url = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        value = getattr(last, key)
        next_cursor = _encode({"o": ordering, "v": None if value is None else value, "id": last.pk})
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    return {"items": rows, "next_cursor": next_cursor, "next": next_url}
