"""Schema pieces shared by every resource."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

# A database id: bounded so an absurd number is a 422, not an overflow in the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class RecordOut(Schema):
    """Fields every business record carries; ``version`` is also sent as the ETag."""

    id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
