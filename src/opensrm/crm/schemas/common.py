"""Types shared by the CRM schemas."""

from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup

from opensrm.core.api.schemas import DateTime

Money = Annotated[Decimal, Field(max_digits=16, decimal_places=2)]
Since = Annotated[DateTime | None, FilterLookup("updated_at__gte")]
