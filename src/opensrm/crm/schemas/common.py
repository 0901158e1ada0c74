"""Types shared by the CRM schemas."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup

Money = Annotated[Decimal, Field(max_digits=16, decimal_places=2)]
Since = Annotated[dt.datetime | None, FilterLookup("updated_at__gte")]
