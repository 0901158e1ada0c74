"""Reads for the organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.visibility import visible
from opensrm.people.models import Role, User


def reference_or_error(model: type[Model], pk: Any, field: str, *, user: User | None = None) -> Any:
    """The ``model`` row ``pk`` named by input ``field``, or a 422 on that field.

    With ``user``, a row they may not see is reported exactly like a missing one.
    """
    if pk is None:
        return None
    qs = model._default_manager.filter(pk=pk)
    obj = (visible(user, qs) if user is not None else qs).first()
    if obj is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={field: [_("Select a valid choice: the record does not exist.")]},
        )
    return obj


# --- personal data ----------------------------------------------------------------------------
# Who may read a person's personal data (decision 6): the person, their managers (a manager sees
# everyone in their team's subtree) and sales operations / administrators. Everyone else —
# viewers and other reps and managers included — sees name, team and role only.
PERSONAL_USER_FIELDS = ("email",)
PERSONAL_PROFILE_FIELDS = ("home_city", "home_lat", "home_lon", "weekly_capacity_hours", "max_accounts")


@dataclass(frozen=True)
class PersonalScope:
    """Whose personal data one viewer may read: everyone, a team subtree and themselves, or
    themselves only."""

    everyone: bool
    self_id: int | None
    team_path: str | None

    def covers(self, person: User | None) -> bool:
        if person is None:
            return False
        if self.everyone or person.pk == self.self_id:
            return True
        if self.team_path is None or person.team_id is None:
            return False
        return person.team is not None and person.team.path.startswith(self.team_path)

    def q(self, prefix: str = "") -> Q | None:
        """The filter on users (``prefix`` leads to a user from another model); None: no limit."""
        if self.everyone:
            return None
        q = Q(**{f"{prefix}pk": self.self_id})
        if self.team_path is not None:
            q |= Q(**{f"{prefix}team__path__startswith": self.team_path})
        return q


def personal_scope(viewer: User | None) -> PersonalScope:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return PersonalScope(everyone=False, self_id=None, team_path=None)
    if viewer.is_superuser or viewer.role in (Role.ADMIN, Role.SALES_OPS):
        return PersonalScope(everyone=True, self_id=viewer.pk, team_path=None)
    team_path = None
    if viewer.role == Role.MANAGER and viewer.team_id is not None and viewer.team is not None:
        team_path = viewer.team.path
    return PersonalScope(everyone=False, self_id=viewer.pk, team_path=team_path)


def sees_personal_data(viewer: User | None, person: User | None) -> bool:
    return personal_scope(viewer).covers(person)


def request_personal_scope(request: Any) -> PersonalScope:
    """The signed-in user's scope, worked out once per request."""
    scope = getattr(request, "_personal_scope", None)
    if scope is None:
        scope = personal_scope(getattr(request, "auth", None) or getattr(request, "user", None))
        request._personal_scope = scope
    return scope


def personal_only(queryset: QuerySet[Any], viewer: User, prefix: str = "") -> QuerySet[Any]:
    """``queryset`` restricted to people whose personal data ``viewer`` may read (for searches
    and filters on personal fields, which must not reveal what the rows hide)."""
    q = personal_scope(viewer).q(prefix)
    return queryset if q is None else queryset.filter(q)
