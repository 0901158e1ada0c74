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
import datetime as dt
import json
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Schema

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


MAX_ID = 2**63 - 1  # a database id: BigAutoField


def encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, keys: frozenset[str]) -> dict[str, Any]:
    """The JSON object inside ``cursor``, which must have exactly ``keys``.

    A client can send any text as a cursor, so what comes out is checked as strictly as any
    other input: everything this module and the history pages do with it must be safe."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise bad_cursor() from exc
    if not isinstance(payload, dict) or payload.keys() != keys:
        raise bad_cursor()
    return payload


def cursor_id(value: Any) -> int:
    """A row id read from a cursor."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        raise bad_cursor()
    return value


def cursor_datetime(value: Any) -> dt.datetime:
    """An aware date and time read from a cursor, in UTC (the database must be able to hold it)."""
    if not isinstance(value, str):
        raise bad_cursor()
    try:
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(value)
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise bad_cursor() from exc


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        _("Some fields are not valid."), field_errors={"cursor": [_("This cursor is not valid.")]}
    )


def _key_value(model: type[Model], key: str, value: Any) -> Any:
    """The sort key ``value`` of a cursor as the field ``key`` holds it, or 422 if it cannot be
    one: only what :func:`encode_cursor` writes for that field is accepted."""
    field = model._meta.get_field(key)
    if isinstance(field, models.DateTimeField):
        return cursor_datetime(value)
    if isinstance(field, models.AutoField | models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_ID:
            raise bad_cursor()
        return value
    if isinstance(field, models.FloatField):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise bad_cursor()
        return float(value)
    if not isinstance(value, str):  # text, and what json writes as text: dates, decimals
        raise bad_cursor()
    try:
        parsed = field.to_python(value)
    except (ValidationError, ValueError, TypeError, ArithmeticError) as exc:
        raise bad_cursor() from exc
    if isinstance(parsed, Decimal) and not parsed.is_finite():
        raise bad_cursor()
    return parsed


def _after(model: type[Model], key: str, descending: bool, value: Any, last_id: int) -> Q:
    if key == "id":
        if value is None or cursor_id(value) != last_id:  # the key is the id itself
            raise bad_cursor()
        return Q(id__lt=last_id) if descending else Q(id__gt=last_id)
    if value is None:
        tie = Q(**{f"{key}__isnull": True})
        return tie & (Q(id__lt=last_id) if descending else Q(id__gt=last_id))
    value = _key_value(model, key, value)
    op = "lt" if descending else "gt"
    return (
        Q(**{f"{key}__{op}": value})
        | Q(**{key: value}, **{f"id__{op}": last_id})
        | Q(**{f"{key}__isnull": True})
    )


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
    descending = ordering.startswith("-")
    key = ordering.removeprefix("-")
    if key == "id":
        order_by = ["-id" if descending else "id"]
    else:
        expr = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
        order_by = [expr, "-id" if descending else "id"]
    qs = queryset.order_by(*order_by)
    if page.cursor:
        state = decode_cursor(page.cursor, _CURSOR_KEYS)
        if state["o"] != ordering:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"cursor": [_("This cursor belongs to another ordering.")]},
            )
        qs = qs.filter(_after(queryset.model, key, descending, state["v"], cursor_id(state["id"])))
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
