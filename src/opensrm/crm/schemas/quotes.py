"""API shapes for price lists and quotes."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from opensrm.core.api.schemas import Bool, Date, Id, IdIn, InputSchema, RecordOut
from opensrm.crm.models import Currency, QuoteLanguage, QuoteStatus
from opensrm.crm.schemas.common import Money, Since

Quantity = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


# --- price lists ----------------------------------------------------------------------------
class PriceListItemOut(Schema):
    product_id: Id
    unit_price: Decimal


class PriceListOut(RecordOut):
    name: str
    currency: Currency
    active: bool
    valid_from: dt.date | None
    valid_until: dt.date | None
    items: list[PriceListItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())


class PriceListIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    currency: Currency = Currency.CNY
    active: Bool = True
    valid_from: Date | None = None
    valid_until: Date | None = None


class PriceListPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    currency: Currency = None  # type: ignore[assignment]  # may be omitted; null is refused
    active: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused
    valid_from: Date | None = None
    valid_until: Date | None = None


class PriceListFilters(FilterSchema):
    active: Annotated[bool | None, FilterLookup("active")] = None
    currency: Annotated[Currency | None, FilterLookup("currency")] = None
    updated_since: Since = None


class PriceListItemIn(InputSchema):
    product_id: IdIn
    unit_price: Money = Field(..., ge=0)


# --- quotes ---------------------------------------------------------------------------------
class QuoteLineOut(Schema):
    id: int
    product_id: Id
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    amount: Decimal


class QuoteLineIn(InputSchema):
    product_id: IdIn
    description: str = Field("", max_length=255)
    quantity: Quantity = Decimal("1")
    unit_price: Money | None = Field(None, ge=0, description="Empty: the price list's price, else the list price")
    discount_pct: Percent = Decimal("0")


class QuoteOut(RecordOut):
    number: str
    opportunity_id: Id
    account_id: Id
    contact_id: Id | None
    owner_id: Id | None
    price_list_id: Id | None
    status: QuoteStatus
    currency: Currency
    language: QuoteLanguage
    valid_until: dt.date
    notes: str
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    max_discount_pct: Decimal
    needs_approval: bool
    approved_by_id: Id | None
    approved_at: dt.datetime | None
    sent_at: dt.datetime | None
    sent_to: str
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class QuoteIn(InputSchema):
    opportunity_id: IdIn
    contact_id: IdIn | None = None
    price_list_id: IdIn | None = None
    language: QuoteLanguage = QuoteLanguage.ZH
    valid_until: Date | None = Field(None, description="Default: 30 days from today")
    notes: str = Field("", max_length=4000)
    lines: list[QuoteLineIn] | None = Field(
        None, max_length=200, description="Default: the opportunity's product lines"
    )


class QuotePatch(InputSchema):
    contact_id: IdIn | None = None
    language: QuoteLanguage = None  # type: ignore[assignment]  # may be omitted; null is refused
    valid_until: Date = None  # type: ignore[assignment]  # may be omitted; null is refused
    notes: str = Field(None, max_length=4000)  # type: ignore[assignment]  # may be omitted; null is refused
    lines: list[QuoteLineIn] = Field(None, max_length=200, description="Replaces every line")  # type: ignore[arg-type]  # may be omitted; null is refused


class QuoteSendIn(InputSchema):
    to: str = Field(..., min_length=3, max_length=254, description="E-mail address")
    message: str = Field("", max_length=4000)


class QuoteFilters(FilterSchema):
    opportunity: Annotated[Id | None, FilterLookup("opportunity_id")] = None
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    status: Annotated[QuoteStatus | None, FilterLookup("status")] = None
    updated_since: Since = None
