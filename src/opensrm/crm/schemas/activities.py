"""API shapes for activities (calls, visits, meetings, tasks)."""

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema

from opensrm.core.api.schemas import DateTime, Id, IdIn, InputSchema, Int, RecordOut
from opensrm.crm.models import ActivityKind
from opensrm.crm.schemas.common import Since


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


class ActivityIn(InputSchema):
    kind: ActivityKind = ActivityKind.CALL
    subject: str = Field(..., min_length=1, max_length=200)
    account_id: IdIn | None = None
    contact_id: IdIn | None = None
    opportunity_id: IdIn | None = None
    lead_id: IdIn | None = None
    owner_id: IdIn | None = None
    due_at: DateTime | None = None
    done_at: DateTime | None = None
    duration_minutes: Int = Field(0, ge=0, le=100000)
    outcome: str = Field("", max_length=255)
    notes: str = ""


class ActivityPatch(InputSchema):
    kind: ActivityKind = None  # type: ignore[assignment]  # may be omitted; null is refused
    subject: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    account_id: IdIn | None = None
    contact_id: IdIn | None = None
    opportunity_id: IdIn | None = None
    lead_id: IdIn | None = None
    owner_id: IdIn | None = None
    due_at: DateTime | None = None
    done_at: DateTime | None = None
    duration_minutes: Int = Field(None, ge=0, le=100000)  # type: ignore[assignment]  # may be omitted; null is refused
    outcome: str = Field(None, max_length=255)  # type: ignore[assignment]  # may be omitted; null is refused
    notes: str = None  # type: ignore[assignment]  # may be omitted; null is refused


class ActivityFilters(FilterSchema):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    kind: Annotated[ActivityKind | None, FilterLookup("kind")] = None
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    contact: Annotated[Id | None, FilterLookup("contact_id")] = None
    opportunity: Annotated[Id | None, FilterLookup("opportunity_id")] = None
    lead: Annotated[Id | None, FilterLookup("lead_id")] = None
    due_from: Annotated[DateTime | None, FilterLookup("due_at__gte")] = None
    due_to: Annotated[DateTime | None, FilterLookup("due_at__lte")] = None
    is_open: Annotated[bool | None, FilterLookup("done_at__isnull")] = None
    updated_since: Since = None
