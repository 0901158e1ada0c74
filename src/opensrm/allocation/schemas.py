"""API shapes for allocation scenarios, their plans and lead routing."""

from copy import copy
from typing import TYPE_CHECKING, Any

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, create_model

from opensrm.allocation import parameters
from opensrm.allocation.models import ScenarioKind, ScenarioStatus
from opensrm.core.api.schemas import Bool, IdIn, InputSchema, Int, RecordOut


class _StrictInput(InputSchema):
    model_config = ConfigDict(strict=True)


def _fields(model: type[BaseModel], *, names: tuple[str, ...] | None = None, optional: bool = False) -> dict[str, Any]:
    """``model``'s fields with their ranges, defaults and descriptions; ``optional``: defaulting
    to null instead."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "kind" or (names is not None and name not in names):
            continue
        annotation: Any = info.annotation
        copied = copy(info)
        if optional:
            annotation = annotation | None
            copied.default, copied.default_factory = None, None
        out[name] = (annotation, copied)
    return out


# Derived from opensrm.allocation.parameters, taking JSON types strictly like every request body.
# One object for every kind, since the plan's kind lives outside it: a rep ↔ account or routing
# plan's parameters, and a territory alignment's own ones (null unless sent). A rep ↔ account or
# routing plan stores every parameter of its kind, defaults included; a territory alignment only
# the ones sent, and there tolerance (default 0.10) balances both workload and potential.
if TYPE_CHECKING:  # built at run time from the parameters' fields; to the type checker, a schema

    class Weights(_StrictInput): ...

    class Parameters(_StrictInput): ...

else:
    Weights = create_model("Weights", __base__=_StrictInput, **_fields(parameters.Weights))
    _ASSIGNMENT = _fields(parameters.AssignmentParameters)
    _ASSIGNMENT["weights"] = (Weights, Field(default_factory=Weights))
    Parameters = create_model(
        "Parameters",
        __base__=_StrictInput,
        **_ASSIGNMENT,
        **_fields(parameters.TerritoryParameters, names=parameters.TERRITORY_ONLY, optional=True),
    )

TERRITORY_ONLY = parameters.TERRITORY_ONLY


class ScenarioIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: ScenarioKind = ScenarioKind.ASSIGNMENT
    parameters: Parameters = Field(default_factory=Parameters)
    scope_team_id: IdIn | None = None
    scope_territory_id: IdIn | None = None


class ScenarioPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]  # may be omitted; null is refused
    parameters: Parameters = None  # type: ignore[assignment]  # may be omitted; null is refused
    scope_team_id: IdIn | None = None
    scope_territory_id: IdIn | None = None


class ScenarioOut(RecordOut):
    name: str
    kind: ScenarioKind
    parameters: dict[str, Any]
    scope_team_id: int | None
    scope_territory_id: int | None
    status: ScenarioStatus
    progress: int
    progress_message: str
    created_by_id: int | None
    result_status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float | None
    moves: int | None
    message: str
    infeasibility: dict[str, Any] | None
    applied_at: Any = None
    rolled_back_at: Any = None


class RepLoadOut(Schema):
    rep_id: int
    rep: str
    # Personal (decision 6): null unless the reader may see the rep's personal data.
    capacity_hours: float | None
    workload_before: float
    workload_after: float
    potential_before: float
    potential_after: float
    accounts_before: int
    accounts_after: int
    travel_km_before: float | None
    travel_km_after: float | None
    moves_in: int
    moves_out: int

    @staticmethod
    def resolve_rep(obj: Any) -> str:
        return str(obj.rep)


class TerritorySummaryOut(Schema):
    index: int = Field(description="0-based; the page and locks count from 1 (T1, T2, …).")
    name: str
    code: str
    territory_id: int | None = Field(description="The existing territory; null until apply creates it.")
    workload: float
    potential: float
    workload_balance: float = Field(description="Workload / the mean workload per territory.")
    potential_balance: float = Field(description="Potential / the mean potential per territory.")
    units: int
    accounts: int
    workload_before: float | None = Field(None, description="What the redrawn territory held before.")
    potential_before: float | None = None
    accounts_before: int | None = None


class AlignmentOut(Schema):
    p: int = Field(description="Number of territories.")
    reused: bool = Field(description="The plan redraws existing territories (else it proposes new ones).")
    unit_level: str
    units: int
    accounts: int
    skipped_accounts: int = Field(description="Accounts left out: no location for them or their city.")
    tolerance: float
    balanced: bool
    contiguous: bool | None = Field(description="null when contiguity was not asked for.")
    max_deviation: float
    spread_before: float | None
    spread_after: float
    bound_scope: str
    territories: list[TerritorySummaryOut]


class ResultOut(Schema):
    scenario: ScenarioOut
    reps: list[RepLoadOut]
    moves: int
    unassigned: int
    potential_spread_before: float | None
    potential_spread_after: float | None
    travel_km_before: float | None = Field(
        description="Total travel of the reps in the plan; null when it would give away one rep's travel."
    )
    travel_km_after: float | None
    max_utilisation_before: float | None = Field(
        description="Largest workload / capacity; null unless the reader sees every rep's capacity."
    )
    max_utilisation_after: float | None
    alignment: AlignmentOut | None = Field(None, description="Territory alignment: per-territory summary.")


class TerritoryLineOut(Schema):
    id: int
    key: str
    label: str
    lat: float
    lon: float
    accounts: int
    workload: float
    potential: float
    current_territory_id: int | None
    current_territory: str | None
    proposed_index: int
    proposed_name: str
    proposed_code: str
    proposed_territory_id: int | None
    locked: bool
    centre: bool
    moved: bool
    accounts_moved: int
    applied: bool

    @staticmethod
    def resolve_current_territory(obj: Any) -> str | None:
        return None if obj.current_territory is None else str(obj.current_territory)


class LineOut(Schema):
    id: int
    account_id: int | None
    lead_id: int | None
    name: str
    current_owner_id: int | None
    proposed_owner_id: int | None
    moved: bool
    locked: bool
    workload: float
    potential: float
    distance_km: float | None = Field(
        description="Distance to the proposed owner's home; null unless the reader sees that rep's personal data."
    )
    explanation: dict[str, Any] = Field(
        description="Why this rep; distances and costs only for reps whose personal data the reader sees."
    )
    unassigned_reason: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.account or obj.lead)


class RouteIn(InputSchema):
    scope_team_id: IdIn | None = Field(None, description="Route among this team subtree's reps; null: all reps.")
    apply: Bool = Field(True, description="Assign the leads at once; false only drafts the routing scenario.")
    max_open_leads: Int = Field(50, ge=1, le=10_000)


class LeadRouteOut(Schema):
    id: int
    owner_id: int | None
    version: int


class ParetoPointOut(Schema):
    max_moves: int = Field(description="The cap on moves this point was solved with.")
    moves: int = Field(description="Moves the plan at this point makes.")
    balance_deviation: float = Field(description="Largest |rep potential / mean − 1| of that plan.")
    objective: float | None
    status: str
    tolerance: float | None = Field(None, description="The tightest balance band solved at this cap.")


class ParetoOut(Schema):
    scenario_id: int
    status: str = Field(description='"" (never computed), "computing", "done" or "failed".')
    accounts: int | None
    points: list[ParetoPointOut]

    @staticmethod
    def resolve_scenario_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.pareto_status)

    @staticmethod
    def resolve_accounts(obj: Any) -> int | None:
        return (obj.pareto or {}).get("accounts")

    @staticmethod
    def resolve_points(obj: Any) -> list[dict[str, Any]]:
        return list((obj.pareto or {}).get("points") or [])


class ParetoUseIn(InputSchema):
    max_moves: Int = Field(ge=0, le=1_000_000, description="The cap of one of the front's points.")
