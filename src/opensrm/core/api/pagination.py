"""Cursor pagination of the API lists (the cursor itself: ``opensrm.core.cursor``).

A cursor is an opaque base64 token for the last row of a page: the ordering, that row's sort
key and its id. The next page is "rows after (key, id)" in the same order, so a page costs
one query whatever its size or position, ties on the key are broken by id (no row is
skipped or repeated), and rows inserted meanwhile do not shift the pages already read.
Rows whose key is null come last in either direction.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from opensrm.core.cursor import Keyset, bad_cursor, cursor_id, cursor_value, decode_cursor, encode_cursor
from opensrm.core.errors import ValidationFailed

T = TypeVar("T")
_CURSOR_KEYS = frozenset({"o", "v", "id"})


class PageParams(Schema):
    cursor: str | None = Field(None, description="The `next_cursor` of the previous page.")
    limit: int = Field(settings.OPENSRM["API_PAGE_SIZE"], ge=1, le=settings.OPENSRM["API_MAX_PAGE_SIZE"])


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to read the next page; null on the last."
    )
    next: str | None = Field(None, description="The URL of the next page; null on the last.")


def ordering_choices(allowed: tuple[str, ...]) -> list[str]:
    """Every value ``ordering`` may take: each key, ascending and descending."""
    return [choice for key in allowed for choice in (key, f"-{key}")]


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    ordering: str,
    allowed: tuple[str, ...],
    page: PageParams,
) -> dict[str, Any]:
    """One page of ``queryset`` in ``ordering`` (a name from ``allowed``, ``-`` for descending)."""
    if ordering not in ordering_choices(allowed):
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"ordering": [_("Choose from: %s") % ", ".join(ordering_choices(allowed))]},
        )
    key = ordering.removeprefix("-")
    keyset = Keyset(key, descending=ordering.startswith("-"))
    qs = queryset.order_by(*keyset.order_by())
    if page.cursor:
        state = decode_cursor(page.cursor, _CURSOR_KEYS)
        if state["o"] != ordering:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"cursor": [_("This cursor belongs to another ordering.")]},
            )
        last_id = cursor_id(state["id"])
        if keyset.on_pk and (state["v"] is None or cursor_id(state["v"]) != last_id):
            raise bad_cursor()  # the key is the id itself
        qs = qs.filter(keyset.after(cursor_value(queryset.model, key, state["v"]), last_id))
    rows = list(qs[: page.limit + 1])
    next_cursor = None
    next_url = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        value = getattr(last, key)
        next_cursor = encode_cursor({"o": ordering, "v": None if value is None else value, "id": last.pk})
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    return {"items": rows, "next_cursor": next_cursor, "next": next_url}
