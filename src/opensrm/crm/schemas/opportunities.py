"""API shapes for pipelines, stages, opportunities and their product lines."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from opensrm.core.api.schemas import Bool, Date, Id, IdIn, InputSchema, Int, RecordOut
from opensrm.crm.models import Currency, ForecastCategory
from opensrm.crm.schemas.common import Money, Since, TaggedFilters

# --- pipelines and stages -------------------------------------------------------------------
NAMES_DOC = (
    'Names per language code, e.g. {"zh-hans": "赢单", "en": "Won"}; a language without one shows `name`. '
    "Codes: zh-hans, en."
)
DISPLAY_DOC = "The name in the caller's language (the user's language, else Accept-Language), else `name`."


class StageOut(RecordOut):
    pipeline_id: Id
    name: str
    names: dict[str, str] = Field(default_factory=dict, description=NAMES_DOC)
    display_name: str = Field("", description=DISPLAY_DOC)
    order: int
    probability: int
    forecast_category: ForecastCategory
    is_won: bool
    is_lost: bool

    @staticmethod
    def resolve_display_name(obj: Any) -> str:
        return str(obj.display_name())


class StageIn(InputSchema):
    pipeline_id: IdIn
    name: str = Field(..., min_length=1, max_length=120)
    names: dict[str, str] = Field(default_factory=dict, description=NAMES_DOC)
    order: Int = Field(..., ge=0, le=1000)
    probability: Int = Field(10, ge=0, le=100)
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    is_won: Bool = False
    is_lost: Bool = False


class StagePatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    names: dict[str, str] = Field(None, description=NAMES_DOC)  # type: ignore[arg-type]  # may be omitted; null is refused
    order: Int = Field(None, ge=0, le=1000)  # type: ignore[assignment]  # may be omitted; null is refused
    probability: Int = Field(None, ge=0, le=100)  # type: ignore[assignment]  # may be omitted; null is refused
    forecast_category: ForecastCategory = None  # type: ignore[assignment]  # may be omitted; null is refused
    is_won: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused
    is_lost: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused


class StageFilters(FilterSchema):
    pipeline: Annotated[Id | None, FilterLookup("pipeline_id")] = None
    updated_since: Since = None


class PipelineOut(RecordOut):
    name: str
    names: dict[str, str] = Field(default_factory=dict, description=NAMES_DOC)
    display_name: str = Field("", description=DISPLAY_DOC)
    is_default: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_display_name(obj: Any) -> str:
        return str(obj.display_name())

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class PipelineIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    names: dict[str, str] = Field(default_factory=dict, description=NAMES_DOC)
    is_default: Bool = False


class PipelinePatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    names: dict[str, str] = Field(None, description=NAMES_DOC)  # type: ignore[arg-type]  # may be omitted; null is refused
    is_default: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused


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
    tags: list[Any]
    custom: dict[str, Any]


class OpportunityIn(InputSchema):
    account_id: IdIn
    name: str = Field(..., min_length=1, max_length=200)
    pipeline_id: IdIn | None = Field(
        None, description="Defaults to the stage's pipeline, or to the default pipeline when no stage is given."
    )
    stage_id: IdIn | None = Field(None, description="Defaults to the first stage of the pipeline.")
    amount: Money = Field(Decimal("0"), ge=0)
    currency: Currency = Currency.CNY
    expected_close_date: Date
    owner_id: IdIn | None = None
    source: str = Field("", max_length=60)
    lost_reason: str = Field("", max_length=255)
    competitors: str = Field("", max_length=255)
    tags: list[str] = []
    custom: dict[str, Any] = {}


class OpportunityPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    stage_id: IdIn = None  # type: ignore[assignment]  # may be omitted; null is refused
    amount: Money = Field(None, ge=0)  # type: ignore[assignment]  # may be omitted; null is refused
    currency: Currency = None  # type: ignore[assignment]  # may be omitted; null is refused
    expected_close_date: Date = None  # type: ignore[assignment]  # may be omitted; null is refused
    owner_id: IdIn | None = None
    source: str = Field(None, max_length=60)  # type: ignore[assignment]  # may be omitted; null is refused
    lost_reason: str = Field(None, max_length=255)  # type: ignore[assignment]  # may be omitted; null is refused
    competitors: str = Field(None, max_length=255)  # type: ignore[assignment]  # may be omitted; null is refused
    tags: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused
    custom: dict[str, Any] = None  # type: ignore[assignment]  # may be omitted; null is refused


class OpportunityFilters(TaggedFilters):
    owner: Annotated[Id | None, FilterLookup("owner_id")] = None
    account: Annotated[Id | None, FilterLookup("account_id")] = None
    pipeline: Annotated[Id | None, FilterLookup("pipeline_id")] = None
    stage: Annotated[Id | None, FilterLookup("stage_id")] = None
    currency: Annotated[Currency | None, FilterLookup("currency")] = None
    closing_from: Annotated[Date | None, FilterLookup("expected_close_date__gte")] = None
    closing_to: Annotated[Date | None, FilterLookup("expected_close_date__lte")] = None
    is_open: Annotated[bool | None, FilterLookup("closed_at__isnull")] = None
    updated_since: Since = None


class MoveStageIn(InputSchema):
    stage_id: IdIn
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


class OpportunityLineIn(InputSchema):
    product_id: IdIn
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=12, decimal_places=2)
    unit_price: Money | None = Field(None, ge=0)
    discount_pct: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2)
