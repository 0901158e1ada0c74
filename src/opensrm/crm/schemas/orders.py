"""API shapes for products and orders."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from opensrm.core.api.schemas import Bool, Date, Id, IdIn, InputSchema, RecordOut
from opensrm.crm.models import Currency, OrderStatus
from opensrm.crm.schemas.common import Money, Since


# --- products -------------------------------------------------------------------------------
class ProductOut(RecordOut):
    code: str
    name: str
    product_line: str
    unit_price: Decimal
    currency: Currency
    active: bool


class ProductIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    product_line: str = Field("", max_length=60)
    unit_price: Money = Field(Decimal("0"), ge=0)
    currency: Currency = Currency.CNY
    active: Bool = True


class ProductPatch(InputSchema):
    code: str = Field(None, min_length=1, max_length=40)  # type: ignore[assignment]  # may be omitted; null is refused
    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    product_line: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    unit_price: Money = Field(None, ge=0)  # type: ignore[assignment]  # may be omitted; null is refused
    currency: Currency = None  # type: ignore[assignment]  # may be omitted; null is refused
    active: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused


class ProductFilters(FilterSchema):
    product_line: Annotated[str | None, FilterLookup("product_line")] = None
    currency: Annotated[Currency | None, FilterLookup("currency")] = None
    active: Annotated[bool | None, FilterLookup("active")] = None
    updated_since: Since = None


# --- orders ---------------------------------------------------------------------------------
class OrderLineOut(Schema):
    id: int
    product_id: Id
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class OrderLineIn(InputSchema):
    product_id: IdIn
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=12, decimal_places=2)
    unit_price: Money | None = Field(None, ge=0)


class OrderOut(RecordOut):
    number: str
    account_id: Id
    opportunity_id: Id | None
    owner_id: Id | None
    status: OrderStatus
    order_date: dt.date
    currency: Currency
    total: Decimal
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class OrderIn(InputSchema):
    number: str = Field(..., min_length=1, max_length=40)
    account_id: IdIn
    opportunity_id: IdIn | None = None
    owner_id: IdIn | None = None
    order_date: Date
    currency: Currency = Currency.CNY
    lines: list[OrderLineIn] = Field(..., min_length=1)


class OrderPatch(InputSchema):
    number: str = Field(None, min_length=1, max_length=40)  # type: ignore[assignment]  # may be omitted; null is refused
    opportunity_id: IdIn | None = None
    owner_id: IdIn | None = None
    order_date: Date = None  # type: ignore[assignment]  # may be omitted; null is refused


class OrderFilters(FilterSchema):
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    opportunity: Annotated[Id | None, FilterLookup("opportunity_id")] = None
    status: Annotated[OrderStatus | None, FilterLookup("status")] = None
    date_from: Annotated[Date | None, FilterLookup("order_date__gte")] = None
    date_to: Annotated[Date | None, FilterLookup("order_date__lte")] = None
    updated_since: Since = None
