"""The one typed source of a plan's parameters: their names, types, defaults and ranges.

One pydantic model per plan kind, and :data:`PlanParameters`, their union discriminated on
``kind``. The service validates what a door sends with :func:`validated` (errors become a
``ValidationFailed`` naming each bad parameter), the solve reads a stored plan's parameters with
:func:`plan_parameters` (defaults filled in), the API schema is derived from these models
(:mod:`opensrm.allocation.schemas`), and the draft form and the command line take their ranges
and defaults from here (:func:`limits`, :func:`default`).

A plan stores only the parameters it was given (the API stores every parameter of a rep ↔ account
or routing plan, defaults included); the defaults below apply when a plan is solved, so a
changed default changes the next solve of an old draft, never a stored plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from opensrm.core.errors import ValidationFailed

if TYPE_CHECKING:  # the command line reads this module before Django is set up, so no models at run time
    from opensrm.allocation.models import AllocationPlan

__all__ = [
    "AssignmentParameters",
    "PlanParameters",
    "RoutingParameters",
    "TerritoryParameters",
    "Weights",
    "default",
    "default_time_limit",
    "limits",
    "plan_parameters",
    "validated",
]

SEED_MAX = 2**31 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Weights(_Strict):
    """The terms of a rep ↔ account plan's cost, in the engine's units."""

    distance: float = Field(1.0, ge=0, description="Weight of travel distance (per 100 km).")
    skill: float = Field(0.5, ge=0, description="Weight of a poor skill fit.")
    continuity: float = Field(2.0, ge=0, description="Cost of moving an account away from its owner.")


class _Solve(_Strict):
    time_limit: float = Field(30.0, ge=1, le=3600, description="Seconds the solver may take.")
    seed: int = Field(0, ge=0, le=SEED_MAX)


class AssignmentParameters(_Solve):
    """A rep ↔ account plan."""

    kind: Literal["assignment"] = "assignment"
    tolerance: float | None = Field(
        0.05, ge=0.0, le=10.0, description="Potential per rep within ±tolerance of the mean; null: no balance."
    )
    max_moves: int | None = Field(
        None, ge=0, le=10_000_000, description="At most this many accounts change owner; null: no cap."
    )
    weights: Weights | None = Field(default_factory=lambda: Weights.model_validate({}))
    workload_source: Literal["tier", "activities"] = Field(
        "tier", description='Workload by the account\'s tier, or by its logged "activities" (last 13 weeks).'
    )
    keep_owner_eligible: StrictBool = Field(
        False,
        description="A rep may keep an account they already hold even outside their specialisation "
        "(industry, language, product line); new assignments still follow it.",
    )
    max_open_leads: int = Field(50, ge=1, le=100_000, description="Routing: open leads a rep may hold.")


class RoutingParameters(AssignmentParameters):
    """A routing plan: the unowned open leads among the reps with room. It accepts the parameters
    of a rep ↔ account plan (a draft may change kind) and reads ``max_open_leads``, ``time_limit``
    and ``seed``."""

    kind: Literal["routing"] = "routing"  # type: ignore[assignment]  # the discriminator narrows the parent's


def _pairs(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str | int) and str(v).strip() for k, v in value.items()
    ):
        raise PydanticCustomError("pairs", "pairs")
    return {k.strip(): v.strip() if isinstance(v, str) else v for k, v in value.items()}


class TerritoryParameters(_Solve):
    """A territory alignment: units (cities or accounts) grouped into ``territories`` compact
    territories, each within ``tolerance`` of the mean workload and potential."""

    kind: Literal["territory"] = "territory"
    territories: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Territory alignment: number of territories; null: the scope territory's "
        "sub-territories, or else the active reps in scope.",
    )
    tolerance: float = Field(0.10, ge=0.0, le=10.0)
    unit_level: Literal["city", "account"] = Field(
        "city", description='Territory alignment: group accounts by "city" (default) or move each "account".'
    )
    contiguity: StrictBool = Field(
        False, description="Territory alignment: each territory one connected block of neighbouring units."
    )
    locked_units: dict[str, str | int] | None = Field(
        None, description="Territory alignment: unit (city, or account id) → territory number or code."
    )
    pinned_centres: dict[str, str | int] | None = Field(
        None, description="Territory alignment: territory number or code → the unit that is its centre."
    )

    _check_pairs = field_validator("locked_units", "pinned_centres", mode="before")(_pairs)


PlanParameters = Annotated[
    AssignmentParameters | RoutingParameters | TerritoryParameters, Field(discriminator="kind")
]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(PlanParameters)
# The plan kinds (models.ScenarioKind's values) and their parameters.
MODELS: dict[str, type[AssignmentParameters | TerritoryParameters]] = {
    "assignment": AssignmentParameters,
    "routing": RoutingParameters,
    "territory": TerritoryParameters,
}
TERRITORY_ONLY = tuple(sorted(set(TerritoryParameters.model_fields) - set(AssignmentParameters.model_fields)))


def limits(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The (low, high) range of a numeric parameter (None: unbounded on that side)."""
    low = high = None
    for meta in model.model_fields[name].metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high


def default(model: type[BaseModel], name: str) -> Any:
    return model.model_fields[name].get_default(call_default_factory=True)


def _message(model: type[BaseModel], loc: tuple[Any, ...], kind: str) -> tuple[str, str]:
    """A pydantic error → (field key, the message the planner reads)."""
    name = str(loc[0])
    if name == "weights" and len(loc) > 1:
        key = f"weights.{loc[1]}"
        if kind == "extra_forbidden":
            return key, _("Unknown weight.")
        if kind == "greater_than_equal":
            return key, _("Weights cannot be negative.")
        return key, _("Enter a number.")
    if kind == "extra_forbidden" or name not in model.model_fields:
        return name, _("Unknown parameter.")
    if name == "weights":
        return name, _("Give the weights as distance, skill and continuity numbers.")
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = limits(model, name)
        return name, _("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high}
    if kind.startswith("bool"):
        return name, _("Choose true or false.")
    if name == "workload_source":
        return name, _("Choose tier or activities.")
    if name == "unit_level":
        return name, _("Choose city or account.")
    if kind == "pairs":
        return name, _("Give pairs of a unit and a territory number or code.")
    return name, _("Enter a number.")


def validated(kind: str | None, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters of a ``kind`` plan as they are stored: the ones given, with numbers coerced;
    ValidationFailed (one message per bad parameter, keyed ``parameters.<name>``) otherwise."""
    given = dict(raw or {})
    kind = kind or "assignment"
    model = MODELS.get(kind, AssignmentParameters)
    errors: dict[str, list[str]] = {}
    if "kind" in given:
        errors["kind"] = [_("Unknown parameter.")]
        given.pop("kind")
    try:
        parsed = _ADAPTER.validate_python({**given, "kind": kind})
    except ValidationError as exc:
        for error in exc.errors():
            key, message = _message(model, tuple(error["loc"])[1:], error["type"])
            errors.setdefault(key, [message])
        parsed = None
    if errors or parsed is None:
        raise ValidationFailed(
            _("Some parameters are not valid."),
            field_errors={f"parameters.{k}": v for k, v in errors.items()},
        )
    return parsed.model_dump(include=set(given), exclude_unset=True, exclude={"kind"})


def plan_parameters(plan: AllocationPlan) -> Any:
    """A plan's parameters with the defaults of its kind filled in (typed)."""
    stored = {k: v for k, v in (plan.parameters or {}).items() if v is not None or k != "weights"}
    return _ADAPTER.validate_python({**stored, "kind": plan.kind or "assignment"})


# --- the draft page's suggestions -----------------------------------------------------------------
# A first plan on a company like the demo's should be feasible: the page suggests potential within
# ±10 % (±5 % is often infeasible) and owners keeping accounts outside their specialisation.
DRAFT_TOLERANCE = 0.10
DRAFT_KEEP_OWNER_ELIGIBLE = True

# The plan search places every account: up to 3,000 accounts it solves one MIP; past that it
# improves regional groups of reps one short sub-MIP at a time, so the time it needs for a first
# feasible plan grows with the accounts. Measured on the medium demo company (20,000 accounts,
# 100 reps, ±10 %, a busy two-core machine): no plan in 60 s or 120 s, a feasible one (gap 1.3 %)
# in 180 s; this default gives it 390 s there (feasible, gap 6.0 %, 2,631 moves; the search stops
# earlier once the gap is within 0.5 %).
MIN_TIME_LIMIT = 60
MAX_DEFAULT_TIME_LIMIT = 600
ACCOUNTS_PER_SECOND = 50


def default_time_limit(accounts: int) -> int:
    """The seconds the draft page suggests for a plan over ``accounts`` accounts: 60 up to 3,000
    accounts, one more per 50 accounts beyond (in steps of 10 s), at most 600."""
    wanted = math.ceil(max(0, accounts) / ACCOUNTS_PER_SECOND / 10) * 10
    return int(min(MAX_DEFAULT_TIME_LIMIT, max(MIN_TIME_LIMIT, wanted)))
