"""Schema pieces shared by every resource.

Request bodies are JSON, so their values are taken as JSON types, strictly: ``true`` is not the
number 1, ``0`` is not 1970-01-01 and ``"5"`` is not an id. Input schemas inherit
:class:`InputSchema` (an unknown or read-only field is an error, not silently dropped) and
declare their numbers, flags and dates with the strict types below. Query parameters arrive
as text; they keep ninja's conversion of text to numbers and flags, but dates there must be
ISO 8601 as well.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Strict

# A database id: bounded so an absurd number is a 422, not an overflow in the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# An id in a request body: a JSON integer, at most the largest one every JSON client reads exactly.
MAX_JSON_INT = 2**53 - 1
IdIn = Annotated[int, Strict(), Field(ge=1, le=MAX_JSON_INT)]

Int = Annotated[int, Strict()]  # a JSON integer: not true, not 1.0, not "1"
Float = Annotated[float, Strict()]  # a JSON number: not true, not "1.5"
Bool = Annotated[bool, Strict()]  # true or false: not 1, not "yes"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(_("Send a date as YYYY-MM-DD."))
    return value


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        raise ValueError(_("Send a date and time in ISO 8601, such as 2026-01-31T09:30:00+08:00."))
    return value


def _in_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(_("The date and time is out of range.")) from None


# A date: ISO 8601 text only (pydantic would also read a number as a Unix time).
Date = Annotated[dt.date, BeforeValidator(_iso_date)]

# A date and time sent in: ISO 8601 text only, kept in UTC, because an ISO 8601 offset may
# reach ±23:59 and PostgreSQL holds at most ±15:59 (the instant is the same).
DateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime), AfterValidator(_in_utc)]


class InputSchema(Schema):
    """A request body: a JSON object whose every field is one the schema declares.

    A field the client may not set (``id``, ``version``, ``deleted_at``, a typo) is a 422 naming
    it, so a client never believes it changed something it did not."""

    model_config = ConfigDict(extra="forbid")


class RecordOut(Schema):
    """Fields every business record carries; ``version`` is also sent as the ETag."""

    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
