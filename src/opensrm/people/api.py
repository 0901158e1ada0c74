"""REST endpoints for the organisation: teams, users, rep profiles, and the caller."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_READ, Resource, register
from opensrm.core.services import record_update
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
)
from opensrm.people.selectors import reference_or_error
from opensrm.people.services import team_create, team_move, user_create

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
    with transaction.atomic():
        if "parent" in data:
            parent = reference_or_error(Team, data.pop("parent"), "parent_id")
            team = team_move(team=team, parent=parent, actor=user, expected_version=version)
            version = team.version
        if data:
            team = record_update(instance=team, actor=user, data=data, expected_version=version)
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


register(
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
register(
    router,
    Resource(
        name="users",
        model=User,
        out=UserOut,
        filters=UserFilters,
        create_in=UserIn,
        ordering=("id", "username", "date_joined"),
        default_ordering="username",
        search=("username", "display_name", "email"),
        create=_user_create,
        versioned=False,
        deletable=False,
    ),
)
register(
    router,
    Resource(
        name="rep-profiles",
        model=RepProfile,
        out=RepProfileOut,
        filters=RepProfileFilters,
        create_in=RepProfileIn,
        patch_in=RepProfilePatch,
        ordering=("id", "updated_at", "home_city"),
        search=("home_city", "user__username", "user__display_name"),
    ),
)
