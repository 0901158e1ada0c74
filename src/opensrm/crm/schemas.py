"""API shapes for CRM records. ``*In`` creates, ``*Patch`` changes (every field optional)."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from opensrm.core.api.schemas import Id, RecordOut
from opensrm.crm.models import (
    AccountStatus,
    ActivityKind,
    Currency,
    ForecastCategory,
    Industry,
    LeadStatus,
    OrderStatus,
    Tier,
)

Money = Annotated[Decimal, Field(max_digits=16, decimal_places=2)]
Since = Annotated[dt.datetime | None, FilterLookup("updated_at__gte")]


class OpenLeadStatus(StrEnum):
    """A lead becomes ``converted`` only through the convert endpoint."""

    NEW = LeadStatus.NEW.value
    WORKING = LeadStatus.WORKING.value
    QUALIFIED = LeadStatus.QUALIFIED.value
    DISQUALIFIED = LeadStatus.DISQUALIFIED.value


# --- territories ----------------------------------------------------------------------------
class TerritoryOut(RecordOut):
    name: str
    code: str
    parent_id: Id | None
    path: str
    owner_id: Id | None


class TerritoryIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    code: str = Field(..., min_length=1, max_length=40)
    parent_id: Id | None = None
    owner_id: Id | None = None


class TerritoryPatch(Schema):
    name: str = Field(None, min_length=1, max_length=120)
    code: str = Field(None, min_length=1, max_length=40)
    parent_id: Id | None = None
    owner_id: Id | None = None


class TerritoryFilters(FilterSchema):
    parent: Annotated[Id | None, FilterLookup("parent_id")] = None
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    updated_since: Since = None


# --- accounts -------------------------------------------------------------------------------
class AccountOut(RecordOut):
    name: str
    industry: Industry
    employees: int | None
    annual_revenue: Decimal | None
    country: str
    province: str
    city: str
    address: str
    lat: float | None
    lon: float | None
    website: str
    phone: str
    status: AccountStatus
    tier: str
    owner_id: Id | None
    territory_id: Id | None
    tags: list[Any]
    custom: dict[str, Any]


class AccountIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    industry: Industry = Industry.OTHER
    employees: int | None = Field(None, ge=0, le=2147483647)
    annual_revenue: Money | None = None
    country: str = Field("CN", min_length=2, max_length=2)
    province: str = Field("", max_length=60)
    city: str = Field("", max_length=60)
    address: str = Field("", max_length=255)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    website: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    status: AccountStatus = AccountStatus.PROSPECT
    tier: str = Field("", pattern="^[ABCD]?$")
    owner_id: Id | None = None
    territory_id: Id | None = None
    tags: list[str] = []
    custom: dict[str, Any] = {}


class AccountPatch(Schema):
    name: str = Field(None, min_length=1, max_length=200)
    industry: Industry = None  # type: ignore[assignment]
    employees: int | None = Field(None, ge=0, le=2147483647)
    annual_revenue: Money | None = None
    country: str = Field(None, min_length=2, max_length=2)
    province: str = Field(None, max_length=60)
    city: str = Field(None, max_length=60)
    address: str = Field(None, max_length=255)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    website: str = Field(None, max_length=200)
    phone: str = Field(None, max_length=40)
    status: AccountStatus = None  # type: ignore[assignment]
    tier: str = Field(None, pattern="^[ABCD]?$")
    owner_id: Id | None = None
    territory_id: Id | None = None
    tags: list[str] = None  # type: ignore[assignment]
    custom: dict[str, Any] = None  # type: ignore[assignment]


class AccountFilters(FilterSchema):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    status: Annotated[AccountStatus | None, FilterLookup("status")] = None
    industry: Annotated[Industry | None, FilterLookup("industry")] = None
    tier: Annotated[Tier | None, FilterLookup("tier")] = None
    city: Annotated[str | None, FilterLookup("city")] = None
    province: Annotated[str | None, FilterLookup("province")] = None
    territory: Annotated[Id | None, FilterLookup("territory_id")] = None
    updated_since: Since = None


class MemberOut(Schema):
    user_id: Id
    role: str
    created_at: dt.datetime


class MemberIn(Schema):
    user_id: Id
    role: str = Field("", max_length=60)


# --- contacts -------------------------------------------------------------------------------
class ContactOut(RecordOut):
    account_id: Id | None
    name: str
    title: str
    email: str
    phone: str
    wechat: str
    language: str
    is_primary: bool
    owner_id: Id | None
    custom: dict[str, Any]


class ContactIn(Schema):
    account_id: Id | None = None
    name: str = Field(..., min_length=1, max_length=120)
    title: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    wechat: str = Field("", max_length=60)
    language: str = Field("", max_length=10)
    is_primary: bool = False
    owner_id: Id | None = None
    custom: dict[str, Any] = {}


class ContactPatch(Schema):
    account_id: Id | None = None
    name: str = Field(None, min_length=1, max_length=120)
    title: str = Field(None, max_length=120)
    email: str = Field(None, max_length=254)
    phone: str = Field(None, max_length=40)
    wechat: str = Field(None, max_length=60)
    language: str = Field(None, max_length=10)
    is_primary: bool = None  # type: ignore[assignment]
    owner_id: Id | None = None
    custom: dict[str, Any] = None  # type: ignore[assignment]


class ContactFilters(FilterSchema):
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    is_primary: Annotated[bool | None, FilterLookup("is_primary")] = None
    updated_since: Since = None


# --- leads ----------------------------------------------------------------------------------
class LeadOut(RecordOut):
    name: str
    company: str
    title: str
    email: str
    phone: str
    source: str
    industry: Industry
    country: str
    province: str
    city: str
    lat: float | None
    lon: float | None
    estimated_value: Decimal | None
    status: LeadStatus
    owner_id: Id | None
    converted_at: dt.datetime | None
    converted_account_id: Id | None
    converted_contact_id: Id | None
    converted_opportunity_id: Id | None
    custom: dict[str, Any]


class LeadIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    company: str = Field(..., min_length=1, max_length=200)
    title: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    source: str = Field("", max_length=60)
    industry: Industry = Industry.OTHER
    country: str = Field("CN", min_length=2, max_length=2)
    province: str = Field("", max_length=60)
    city: str = Field("", max_length=60)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    estimated_value: Money | None = None
    status: OpenLeadStatus = OpenLeadStatus.NEW
    owner_id: Id | None = None
    custom: dict[str, Any] = {}


class LeadPatch(Schema):
    name: str = Field(None, min_length=1, max_length=120)
    company: str = Field(None, min_length=1, max_length=200)
    title: str = Field(None, max_length=120)
    email: str = Field(None, max_length=254)
    phone: str = Field(None, max_length=40)
    source: str = Field(None, max_length=60)
    industry: Industry = None  # type: ignore[assignment]
    country: str = Field(None, min_length=2, max_length=2)
    province: str = Field(None, max_length=60)
    city: str = Field(None, max_length=60)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    estimated_value: Money | None = None
    status: OpenLeadStatus = None  # type: ignore[assignment]
    owner_id: Id | None = None
    custom: dict[str, Any] = None  # type: ignore[assignment]


class LeadFilters(FilterSchema):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    status: Annotated[LeadStatus | None, FilterLookup("status")] = None
    industry: Annotated[Industry | None, FilterLookup("industry")] = None
    city: Annotated[str | None, FilterLookup("city")] = None
    source: Annotated[str | None, FilterLookup("source")] = None
    updated_since: Since = None


class LeadConvertIn(Schema):
    account_id: Id | None = Field(
        None, description="Attach to this existing account instead of creating one."
    )
    create_opportunity: bool = True
    opportunity_name: str = Field("", max_length=200)
    amount: Money | None = Field(None, ge=0)
    expected_close_date: dt.date | None = None
    pipeline_id: Id | None = None


class LeadConvertOut(Schema):
    lead: LeadOut
    account_id: Id
    contact_id: Id
    opportunity_id: Id | None


# --- pipelines and stages -------------------------------------------------------------------
class StageOut(RecordOut):
    pipeline_id: Id
    name: str
    order: int
    probability: int
    forecast_category: ForecastCategory
    is_won: bool
    is_lost: bool


class StageIn(Schema):
    pipeline_id: Id
    name: str = Field(..., min_length=1, max_length=120)
    order: int = Field(..., ge=0, le=32767)
    probability: int = Field(10, ge=0, le=100)
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    is_won: bool = False
    is_lost: bool = False


class StagePatch(Schema):
    name: str = Field(None, min_length=1, max_length=120)
    order: int = Field(None, ge=0, le=32767)
    probability: int = Field(None, ge=0, le=100)
    forecast_category: ForecastCategory = None  # type: ignore[assignment]
    is_won: bool = None  # type: ignore[assignment]
    is_lost: bool = None  # type: ignore[assignment]


class StageFilters(FilterSchema):
    pipeline: Annotated[Id | None, FilterLookup("pipeline_id")] = None
    updated_since: Since = None


class PipelineOut(RecordOut):
    name: str
    is_default: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class PipelineIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    is_default: bool = False


class PipelinePatch(Schema):
    name: str = Field(None, min_length=1, max_length=120)
    is_default: bool = None  # type: ignore[assignment]


class PipelineFilters(FilterSchema):
    is_default: Annotated[bool | None, FilterLookup("is_default")] = None
    updated_since: Since = None


# --- opportunities --------------------------------------------------------------------------
class OpportunityOut(RecordOut):
    account_id: Id
    name: str
    pipeline_id: Id
    stage_id: Id
    amount: Decimal
    currency: Currency
    expected_close_date: dt.date
    closed_at: dt.datetime | None
    owner_id: Id | None
    source: str
    lost_reason: str
    competitors: str
    custom: dict[str, Any]


class OpportunityIn(Schema):
    account_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    pipeline_id: Id | None = None
    stage_id: Id | None = None
    amount: Money = Field(Decimal("0"), ge=0)
    currency: Currency = Currency.CNY
    expected_close_date: dt.date
    owner_id: Id | None = None
    source: str = Field("", max_length=60)
    lost_reason: str = Field("", max_length=255)
    competitors: str = Field("", max_length=255)
    custom: dict[str, Any] = {}


class OpportunityPatch(Schema):
    name: str = Field(None, min_length=1, max_length=200)
    stage_id: Id = None  # type: ignore[assignment]
    amount: Money = Field(None, ge=0)
    currency: Currency = None  # type: ignore[assignment]
    expected_close_date: dt.date = None  # type: ignore[assignment]
    owner_id: Id | None = None
    source: str = Field(None, max_length=60)
    lost_reason: str = Field(None, max_length=255)
    competitors: str = Field(None, max_length=255)
    custom: dict[str, Any] = None  # type: ignore[assignment]


class OpportunityFilters(FilterSchema):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    pipeline: Annotated[Id | None, FilterLookup("pipeline_id")] = None
    stage: Annotated[Id | None, FilterLookup("stage_id")] = None
    currency: Annotated[Currency | None, FilterLookup("currency")] = None
    closing_from: Annotated[dt.date | None, FilterLookup("expected_close_date__gte")] = None
    closing_to: Annotated[dt.date | None, FilterLookup("expected_close_date__lte")] = None
    is_open: Annotated[bool | None, FilterLookup("closed_at__isnull")] = None
    updated_since: Since = None


class MoveStageIn(Schema):
    stage_id: Id
    lost_reason: str = Field("", max_length=255)


class StageChangeOut(Schema):
    id: int
    from_stage_id: Id | None
    to_stage_id: Id
    amount: Decimal
    changed_at: dt.datetime
    changed_by_id: Id | None


class OpportunityLineOut(Schema):
    id: int
    product_id: Id
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    amount: Decimal


class OpportunityLineIn(Schema):
    product_id: Id
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=12, decimal_places=2)
    unit_price: Money | None = Field(None, ge=0)
    discount_pct: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2)


# --- activities -----------------------------------------------------------------------------
class ActivityOut(RecordOut):
    kind: ActivityKind
    subject: str
    account_id: Id | None
    contact_id: Id | None
    opportunity_id: Id | None
    lead_id: Id | None
    owner_id: Id | None
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    duration_minutes: int
    outcome: str
    notes: str


class ActivityIn(Schema):
    kind: ActivityKind = ActivityKind.CALL
    subject: str = Field(..., min_length=1, max_length=200)
    account_id: Id | None = None
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    lead_id: Id | None = None
    owner_id: Id | None = None
    due_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    duration_minutes: int = Field(0, ge=0, le=100000)
    outcome: str = Field("", max_length=255)
    notes: str = ""


class ActivityPatch(Schema):
    kind: ActivityKind = None  # type: ignore[assignment]
    subject: str = Field(None, min_length=1, max_length=200)
    account_id: Id | None = None
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    lead_id: Id | None = None
    owner_id: Id | None = None
    due_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    duration_minutes: int = Field(None, ge=0, le=100000)
    outcome: str = Field(None, max_length=255)
    notes: str = None  # type: ignore[assignment]


class ActivityFilters(FilterSchema):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    kind: Annotated[ActivityKind | None, FilterLookup("kind")] = None
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    contact: Annotated[Id | None, FilterLookup("contact_id")] = None
    opportunity: Annotated[Id | None, FilterLookup("opportunity_id")] = None
    lead: Annotated[Id | None, FilterLookup("lead_id")] = None
    due_from: Annotated[dt.datetime | None, FilterLookup("due_at__gte")] = None
    due_to: Annotated[dt.datetime | None, FilterLookup("due_at__lte")] = None
    is_open: Annotated[bool | None, FilterLookup("done_at__isnull")] = None
    updated_since: Since = None


# --- products -------------------------------------------------------------------------------
class ProductOut(RecordOut):
    code: str
    name: str
    product_line: str
    unit_price: Decimal
    currency: Currency
    active: bool


class ProductIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    product_line: str = Field("", max_length=60)
    unit_price: Money = Field(Decimal("0"), ge=0)
    currency: Currency = Currency.CNY
    active: bool = True


class ProductPatch(Schema):
    code: str = Field(None, min_length=1, max_length=40)
    name: str = Field(None, min_length=1, max_length=200)
    product_line: str = Field(None, max_length=60)
    unit_price: Money = Field(None, ge=0)
    currency: Currency = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]


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


class OrderLineIn(Schema):
    product_id: Id
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


class OrderIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    account_id: Id
    opportunity_id: Id | None = None
    owner_id: Id | None = None
    order_date: dt.date
    currency: Currency = Currency.CNY
    lines: list[OrderLineIn] = Field(..., min_length=1)


class OrderPatch(Schema):
    number: str = Field(None, min_length=1, max_length=40)
    opportunity_id: Id | None = None
    owner_id: Id | None = None
    order_date: dt.date = None  # type: ignore[assignment]


class OrderFilters(FilterSchema):
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    opportunity: Annotated[Id | None, FilterLookup("opportunity_id")] = None
    status: Annotated[OrderStatus | None, FilterLookup("status")] = None
    date_from: Annotated[dt.date | None, FilterLookup("order_date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("order_date__lte")] = None
    updated_since: Since = None


# --- search ---------------------------------------------------------------------------------
class SearchHit(Schema):
    type: str
    id: int
    label: str
    detail: str


class SearchOut(Schema):
    items: list[SearchHit]
