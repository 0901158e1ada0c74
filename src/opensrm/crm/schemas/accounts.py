"""API shapes for territories, accounts (and their teams) and contacts."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from opensrm.core.api.schemas import Bool, Float, Id, IdIn, InputSchema, Int, RecordOut
from opensrm.crm.models import AccountStatus, Industry, Tier
from opensrm.crm.schemas.common import Money, Since, TaggedFilters


# --- territories ----------------------------------------------------------------------------
class TerritoryOut(RecordOut):
    name: str
    code: str
    parent_id: Id | None
    path: str
    owner_id: Id | None


class TerritoryIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    code: str = Field(..., min_length=1, max_length=40)
    parent_id: IdIn | None = None
    owner_id: IdIn | None = None


class TerritoryPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    code: str = Field(None, min_length=1, max_length=40)  # type: ignore[assignment]  # may be omitted; null is refused
    parent_id: IdIn | None = None
    owner_id: IdIn | None = None


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


class AccountIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    industry: Industry = Industry.OTHER
    employees: Int | None = Field(None, ge=0, le=10_000_000)
    annual_revenue: Money | None = None
    country: str = Field("CN", min_length=2, max_length=2)
    province: str = Field("", max_length=60)
    city: str = Field("", max_length=60)
    address: str = Field("", max_length=255)
    lat: Float | None = Field(None, ge=-90, le=90)
    lon: Float | None = Field(None, ge=-180, le=180)
    website: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    status: AccountStatus = AccountStatus.PROSPECT
    tier: str = Field("", pattern="^[ABCD]?$")
    owner_id: IdIn | None = None
    territory_id: IdIn | None = None
    tags: list[str] = []
    custom: dict[str, Any] = {}


class AccountPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    industry: Industry = None  # type: ignore[assignment]  # may be omitted; null is refused
    employees: Int | None = Field(None, ge=0, le=10_000_000)
    annual_revenue: Money | None = None
    country: str = Field(None, min_length=2, max_length=2)  # type: ignore[assignment]  # may be omitted; null is refused
    province: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    city: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    address: str = Field(None, max_length=255)  # type: ignore[assignment]  # may be omitted; null is refused
    lat: Float | None = Field(None, ge=-90, le=90)
    lon: Float | None = Field(None, ge=-180, le=180)
    website: str = Field(None, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    phone: str = Field(None, max_length=40)  # type: ignore[assignment]  # may be omitted; null is refused
    status: AccountStatus = None  # type: ignore[assignment]  # may be omitted; null is refused
    tier: str = Field(None, pattern="^[ABCD]?$")  # type: ignore[assignment]  # may be omitted; null is refused
    owner_id: IdIn | None = None
    territory_id: IdIn | None = None
    tags: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused
    custom: dict[str, Any] = None  # type: ignore[assignment]  # may be omitted; null is refused


class AccountFilters(TaggedFilters):
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


class MemberIn(InputSchema):
    user_id: IdIn
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
    tags: list[Any]
    custom: dict[str, Any]


class ContactIn(InputSchema):
    account_id: IdIn | None = None
    name: str = Field(..., min_length=1, max_length=120)
    title: str = Field("", max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    wechat: str = Field("", max_length=60)
    language: str = Field("", max_length=10)
    is_primary: Bool = False
    owner_id: IdIn | None = None
    tags: list[str] = []
    custom: dict[str, Any] = {}


class ContactPatch(InputSchema):
    account_id: IdIn | None = None
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    title: str = Field(None, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    email: str = Field(None, max_length=254)  # type: ignore[assignment]  # may be omitted; null is refused
    phone: str = Field(None, max_length=40)  # type: ignore[assignment]  # may be omitted; null is refused
    wechat: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    language: str = Field(None, max_length=10)  # type: ignore[assignment]  # may be omitted; null is refused
    is_primary: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused
    owner_id: IdIn | None = None
    tags: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused
    custom: dict[str, Any] = None  # type: ignore[assignment]  # may be omitted; null is refused


class ContactFilters(TaggedFilters):
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    is_primary: Annotated[bool | None, FilterLookup("is_primary")] = None
    updated_since: Since = None
