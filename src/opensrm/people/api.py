"""REST endpoints for the organisation: teams, users, rep profiles, and the caller."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_READ, Resource
from opensrm.core.api.errors import Problem
from opensrm.core.api.history import HistoryPage, history_page, register_resource
from opensrm.core.api.pagination import PageParams
from opensrm.core.errors import PermissionDenied
from opensrm.core.services import check_version, check_write, record_update
from opensrm.core.visibility import get_visible
from opensrm.people.models import RepProfile, Team, User
from opensrm.people.schemas import (
    MeOut,
    RepProfileFilters,
    RepProfileIn,
    RepProfileOut,
    RepProfilePatch,
    TeamFilters,
    TeamIn,
    TeamOut,
    TeamPatch,
    UserFilters,
    UserIn,
    UserOut,
    UserPatch,
)
from opensrm.people.selectors import reference_or_error, request_personal_scope
from opensrm.people.services import team_create, team_move, user_create, user_update

router = Router(tags=["organisation"])


@router.get("/me", response={200: MeOut, **ERR_READ}, operation_id="me_get", summary="The signed-in user")
def me(request: HttpRequest) -> Any:
    return actor(request)


def _team_create(user: User, data: dict[str, Any]) -> Team:
    return team_create(
        actor=user,
        name=data["name"],
        parent=reference_or_error(Team, data.get("parent"), "parent_id"),
        manager=reference_or_error(User, data.get("manager"), "manager_id"),
    )


def _team_update(team: Team, user: User, data: dict[str, Any], version: int) -> Team:
    original = dict(data)
    with transaction.atomic():
        if "parent" in data:
            parent = reference_or_error(Team, data.pop("parent"), "parent_id")
            team = team_move(team=team, parent=parent, actor=user, expected_version=version)
            version = team.version
        if data:
            team = record_update(instance=team, actor=user, data=data, expected_version=version)
        elif "parent" not in original:
            # An empty change still answers for its If-Match: a stale version is 412, as for any record.
            check_version(team, version)
    return team


def _user_create(user: User, data: dict[str, Any]) -> User:
    return user_create(
        actor=user,
        username=data["username"],
        password=data.get("password"),
        role=data["role"],
        team=reference_or_error(Team, data.get("team"), "team_id"),
        email=data.get("email", ""),
        display_name=data.get("display_name", ""),
    )


register_resource(
    router,
    Resource(
        name="teams",
        model=Team,
        out=TeamOut,
        filters=TeamFilters,
        create_in=TeamIn,
        patch_in=TeamPatch,
        ordering=("id", "name", "path", "updated_at"),
        default_ordering="path",
        create=_team_create,
        update=_team_update,
    ),
)
# Users and rep profiles carry personal data (decision 6): the output schemas blank it for
# readers outside the person's scope, and nothing else may reveal it, so search, filters and
# ordering use only name fields, and the history (which records every value) is readable only
# by those who may see the person's personal data.
USERS = Resource(
    name="users",
    model=User,
    out=UserOut,
    filters=UserFilters,
    create_in=UserIn,
    ordering=("id", "username", "date_joined"),
    default_ordering="username",
    search=("username", "display_name"),
    select_related=("team",),
    create=_user_create,
    versioned=False,
    deletable=False,
    history=False,
)
REP_PROFILES = Resource(
    name="rep-profiles",
    model=RepProfile,
    out=RepProfileOut,
    filters=RepProfileFilters,
    create_in=RepProfileIn,
    patch_in=RepProfilePatch,
    ordering=("id", "updated_at"),
    search=("user__username", "user__display_name"),
    select_related=("user__team",),
    history=False,
)
register_resource(router, USERS)
register_resource(router, REP_PROFILES)


def _personal_history(request: HttpRequest, res: Resource, id: int, page: PageParams) -> Any:
    obj = res.get(request, id)
    person = obj if isinstance(obj, User) else obj.user
    if not request_personal_scope(request).covers(person):
        raise PermissionDenied(
            _("Only the person, their managers, sales operations and administrators may read this history.")
        )
    return history_page(request, obj, page)


@router.get(
    "/users/{id}/history",
    response={200: HistoryPage, **ERR_READ, 403: Problem, 422: Problem},
    operation_id="users_history",
    tags=["users"],
    summary="History of one of users, newest first (the user, their managers, sales operations, admins)",
)
def users_history(request: HttpRequest, id: int, page: Query[PageParams]) -> Any:
    return _personal_history(request, USERS, id, page)


@router.get(
    "/rep-profiles/{id}/history",
    response={200: HistoryPage, **ERR_READ, 403: Problem, 422: Problem},
    operation_id="rep_profiles_history",
    tags=["rep-profiles"],
    summary="History of one of rep-profiles, newest first (the rep, their managers, sales operations, admins)",
)
def rep_profiles_history(request: HttpRequest, id: int, page: Query[PageParams]) -> Any:
    return _personal_history(request, REP_PROFILES, id, page)


@router.patch(
    "/users/{id}",
    response={200: UserOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    operation_id="users_update",
    tags=["users"],
    summary="Change a user's role, team, name, language, time zone or active flag "
    "(administrators and sales operations)",
)
def users_update(request: HttpRequest, id: int, payload: UserPatch) -> Any:
    # Users carry no version, so no If-Match: the change is small and every one is in the history.
    user = actor(request)
    target = get_visible(user, User.objects.all(), id)
    check_write(user, User)
    data = payload.dict(exclude_unset=True)
    if "team_id" in data:
        data["team"] = reference_or_error(Team, data.pop("team_id"), "team_id")
    return user_update(user=target, actor=user, data=data)
