"""Schema pieces shared by every resource."""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

# A database id: bounded so an absurd number is a 422, not an overflow in the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _in_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(_("The date and time is out of range.")) from None


# A date and time sent in: kept in UTC, because an ISO 8601 offset may reach ±23:59 and
# PostgreSQL holds at most ±15:59 (the instant is the same).
DateTime = Annotated[dt.datetime, AfterValidator(_in_utc)]


class RecordOut(Schema):
    """Fields every business record carries; ``version`` is also sent as the ETag."""

    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
