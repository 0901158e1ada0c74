"""API shapes for the organisation: teams, users, rep profiles."""

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, FilterLookup, FilterSchema, Schema

from opensrm.core.api.schemas import Bool, DateTime, Float, Id, IdIn, InputSchema, Int, RecordOut
from opensrm.people.models import Role
from opensrm.people.selectors import request_personal_scope


def _shown(person: Any, context: Any) -> bool:
    """Whether the reader of this response may see ``person``'s personal data (decision 6)."""
    request = (context or {}).get("request")
    return request is not None and request_personal_scope(request).covers(person)


def _personal(name: str, of_user: bool) -> Any:
    def resolve(obj: Any, context: Any) -> Any:
        return getattr(obj, name) if _shown(obj if of_user else obj.user, context) else None

    return staticmethod(resolve)


class TeamOut(RecordOut):
    name: str
    parent_id: Id | None
    manager_id: Id | None
    path: str


class TeamIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    parent_id: IdIn | None = None
    manager_id: IdIn | None = None


class TeamPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    parent_id: IdIn | None = None
    manager_id: IdIn | None = None


class TeamFilters(FilterSchema):
    parent: Annotated[Id | None, FilterLookup("parent_id")] = None
    manager: Annotated[Id | None, FilterLookup("manager_id")] = None
    updated_since: Annotated[DateTime | None, FilterLookup("updated_at__gte")] = None


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str | None = Field(
        None, description="Personal: shown to the user, their managers, sales operations and administrators"
    )
    role: Role
    team_id: Id | None
    is_active: bool

    resolve_email = _personal("email", of_user=True)


class UserIn(InputSchema):
    username: str = Field(..., min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    password: str | None = Field(None, min_length=8)
    role: Role = Role.REP
    team_id: IdIn | None = None
    email: str = Field("", max_length=254)
    display_name: str = Field("", max_length=120)


class UserPatch(InputSchema):
    role: Role = None  # type: ignore[assignment]  # may be omitted; null is refused
    team_id: IdIn | None = None
    display_name: str = Field(None, max_length=120)  # type: ignore[assignment]  # may be omitted; null is refused
    is_active: Bool = None  # type: ignore[assignment]  # may be omitted; null is refused
    language: str = Field(None, max_length=10, description="zh-hans, en, or empty for the browser's")  # type: ignore[assignment]  # may be omitted; null is refused
    time_zone: str = Field(  # type: ignore[assignment]  # may be omitted; null is refused
        None, max_length=64, description="An IANA name such as Asia/Shanghai; empty: the server's"
    )


class UserFilters(FilterSchema):
    team: Annotated[Id | None, FilterLookup("team_id")] = None
    role: Annotated[Role | None, FilterLookup("role")] = None
    is_active: Annotated[bool | None, FilterLookup("is_active")] = None


PERSONAL = "Personal: shown to the rep, their managers, sales operations and administrators; null otherwise"


class RepProfileOut(RecordOut):
    user_id: Id
    home_city: str | None = Field(None, description=PERSONAL)
    home_lat: float | None = Field(None, description=PERSONAL)
    home_lon: float | None = Field(None, description=PERSONAL)
    weekly_capacity_hours: Decimal | None = Field(None, description=PERSONAL)
    max_accounts: int | None = Field(None, description=PERSONAL)
    industries: list[str]
    languages: list[str]
    product_lines: list[str]

    resolve_home_city = _personal("home_city", of_user=False)
    resolve_home_lat = _personal("home_lat", of_user=False)
    resolve_home_lon = _personal("home_lon", of_user=False)
    resolve_weekly_capacity_hours = _personal("weekly_capacity_hours", of_user=False)
    resolve_max_accounts = _personal("max_accounts", of_user=False)


class RepProfileIn(InputSchema):
    user_id: IdIn
    home_city: str = Field("", max_length=80)
    home_lat: Float | None = Field(None, ge=-90, le=90)
    home_lon: Float | None = Field(None, ge=-180, le=180)
    weekly_capacity_hours: Decimal = Field(Decimal("40"), ge=0, le=168, max_digits=6, decimal_places=1)
    max_accounts: Int | None = Field(None, ge=0, le=2147483647)
    industries: list[str] = []
    languages: list[str] = []
    product_lines: list[str] = []


class RepProfilePatch(InputSchema):
    home_city: str = Field(None, max_length=80)  # type: ignore[assignment]  # may be omitted; null is refused
    home_lat: Float | None = Field(None, ge=-90, le=90)
    home_lon: Float | None = Field(None, ge=-180, le=180)
    weekly_capacity_hours: Decimal = Field(None, ge=0, le=168, max_digits=6, decimal_places=1)  # type: ignore[assignment]  # may be omitted; null is refused
    max_accounts: Int | None = Field(None, ge=0, le=2147483647)
    industries: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused
    languages: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused
    product_lines: list[str] = None  # type: ignore[assignment]  # may be omitted; null is refused


class RepProfileFilters(FilterSchema):
    # No filter on the home city: it would tell anyone where a rep lives (decision 6).
    user: Annotated[Id | None, FilterLookup("user_id")] = None
    updated_since: Annotated[DateTime | None, FilterLookup("updated_at__gte")] = None


class MeOut(UserOut):
    sees_everything: bool
    is_read_only: bool
