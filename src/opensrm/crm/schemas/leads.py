"""API shapes for leads and their conversion."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, FilterLookup, Schema

from opensrm.core.api.schemas import Bool, Date, Float, Id, IdIn, InputSchema, RecordOut
from opensrm.crm.models import Industry, LeadStatus
from opensrm.crm.schemas.common import Money, Since, TaggedFilters


class OpenLeadStatus(StrEnum):
    """A lead becomes ``converted`` only through the convert endpoint."""

    NEW = LeadStatus.NEW.value
    WORKING = LeadStatus.WORKING.value
    QUALIFIED = LeadStatus.QUALIFIED.value
    DISQUALIFIED = LeadStatus.DISQUALIFIED.value


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
    tags: list[Any]
    custom: dict[str, Any]


class LeadIn(InputSchema):
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
    lat: Float | None = Field(None, ge=-90, le=90)
    lon: Float | None = Field(None, ge=-180, le=180)
    estimated_value: Money | None = None
    status: OpenLeadStatus = OpenLeadStatus.NEW
    owner_id: IdIn | None = None
    tags: list[str] = []
    custom: dict[str, Any] = {}


class LeadPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    company: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    title: str = Field(None, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    email: str = Field(None, max_length=254)  # type: ignore[assignment]  # may be omitted; null is refused
    phone: str = Field(None, max_length=40)  # type: ignore[assignment]  # may be omitted; null is refused
    source: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    industry: Industry = None  # type: ignore[assignment]  # may be omitted; null is refused
    country: str = Field(None, min_length=2, max_length=2)  # type: ignore[assignment]  # may be omitted; null is refused
    province: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    city: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    lat: Float | None = Field(None, ge=-90, le=90)
    lon: Float | None = Field(None, ge=-180, le=180)
    estimated_value: Money | None = None
    status: OpenLeadStatus = None  # type: ignore[assignment]  # may be omitted; null is refused
    owner_id: IdIn | None = None
    tags: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused
    custom: dict[str, Any] = None  # type: ignore[assignment]  # may be omitted; null is refused


class LeadFilters(TaggedFilters):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    status: Annotated[LeadStatus | None, FilterLookup("status")] = None
    industry: Annotated[Industry | None, FilterLookup("industry")] = None
    city: Annotated[str | None, FilterLookup("city")] = None
    source: Annotated[str | None, FilterLookup("source")] = None
    updated_since: Since = None


class LeadConvertIn(InputSchema):
    account_id: IdIn | None = Field(
        None, description="Attach to this existing account instead of creating one."
    )
    create_opportunity: Bool = True
    opportunity_name: str = Field("", max_length=200)
    amount: Money | None = Field(None, ge=0)
    expected_close_date: Date | None = None
    pipeline_id: IdIn | None = None


class LeadConvertOut(Schema):
    lead: LeadOut
    account_id: Id
    contact_id: Id
    opportunity_id: Id | None
