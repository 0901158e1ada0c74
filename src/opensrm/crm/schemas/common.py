"""Types shared by the CRM schemas."""

from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema

from opensrm.core.api.schemas import DateTime
from opensrm.crm.customfields import tag_q

# No amount of money a client sends is negative: revenue, values, prices (planning sums them).
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Since = Annotated[DateTime | None, FilterLookup("updated_at__gte")]


class TaggedFilters(FilterSchema):
    """``tag=``: records carrying that whole tag, case-insensitive ("VIP" does not match "VIP-old")."""

    tag: str | None = Field(None, max_length=40, description="Records carrying this whole tag (case-insensitive)")

    def filter_tag(self, value: str | None) -> Q:
        return tag_q(value) if value and value.strip() else Q()
