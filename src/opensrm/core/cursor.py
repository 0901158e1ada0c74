"""The one keyset cursor: the API lists, the pages' lists and the history read pages with it.

A page ends at a row; the cursor names that row's sort key and id. The next page is "the rows
after (key, id)" in the same order: one query whatever the page's position, ties on the key
broken by id (no row skipped or repeated), rows written meanwhile do not shift the pages read.

NULL sort keys sit at one end, stated explicitly (``nulls_last``), never left to the database
(SQLite puts NULLs first in ascending order, PostgreSQL last): :meth:`Keyset.order_by` and
:meth:`Keyset.after` agree on where they are, so every row comes exactly once.

A client can send any text as a cursor: :func:`decode_cursor` checks it as strictly as any
other input and answers a 422 ``ValidationFailed`` naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import F, Model, OrderBy, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed

MAX_ID = 2**63 - 1  # a database id: BigAutoField


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={"cursor": [_("This cursor is not valid.")]})


def encode_cursor(payload: dict[str, Any]) -> str:
    """``payload`` (JSON; dates, decimals and the like as text) as an opaque URL-safe token."""
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, keys: frozenset[str]) -> dict[str, Any]:
    """The JSON object inside ``cursor``, which must have exactly ``keys``."""
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


def cursor_value(model: type[Model], key: str, value: Any) -> Any:
    """The sort key ``value`` of a cursor as the field ``key`` of ``model`` holds it (``None``
    stays ``None``), or ``bad_cursor``: only what :func:`encode_cursor` writes for that field is
    accepted."""
    if value is None:
        return None
    field = model._meta.get_field(key)
    if not isinstance(field, models.Field):  # a relation seen from its other side
        raise ImproperlyConfigured(f"{model.__name__}.{key} is not a field a list can be sorted by")
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


@dataclass(frozen=True)
class Keyset:
    """An order on ``key`` (then the primary key, in the same direction) and the filter for "the
    rows after a given row" in it. ``key`` may be the primary key itself (``"id"``/``"pk"``)."""

    key: str
    descending: bool = False
    nulls_last: bool = True

    @property
    def on_pk(self) -> bool:
        return self.key in ("id", "pk")

    def reversed(self) -> Keyset:
        """The same order read backwards (for "the page before"): NULLs change ends too."""
        return Keyset(self.key, not self.descending, not self.nulls_last)

    def order_by(self) -> list[OrderBy | str]:
        pk = "-pk" if self.descending else "pk"
        if self.on_pk:
            return [pk]
        expr = F(self.key)
        if self.nulls_last:
            ordered = expr.desc(nulls_last=True) if self.descending else expr.asc(nulls_last=True)
        else:
            ordered = expr.desc(nulls_first=True) if self.descending else expr.asc(nulls_first=True)
        return [ordered, pk]

    def after(self, value: Any, pk: Any) -> Q:
        """The rows that come after the row whose key is ``value`` and primary key ``pk``."""
        op = "lt" if self.descending else "gt"
        beyond_pk = Q(**{f"pk__{op}": pk})
        if self.on_pk:
            return beyond_pk
        is_null = Q(**{f"{self.key}__isnull": True})
        if value is None:
            tie = is_null & beyond_pk
            # NULLs last: only NULLs further on remain; NULLs first: every non-NULL row follows.
            return tie if self.nulls_last else tie | ~is_null
        later = Q(**{f"{self.key}__{op}": value}) | (Q(**{self.key: value}) & beyond_pk)
        return later | is_null if self.nulls_last else later
