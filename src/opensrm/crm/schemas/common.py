"""Types shared by the CRM schemas."""

from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup

from opensrm.core.api.schemas import DateTime

# No amount of money a client sends is negative: revenue, values, prices (planning sums them).
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Since = Annotated[DateTime | None, FilterLookup("updated_at__gte")]
