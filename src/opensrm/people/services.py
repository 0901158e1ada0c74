"""Writes for the organisation: teams (tree), users, rep profiles."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from opensrm.core.errors import PermissionDenied, ValidationFailed
from opensrm.core.services import check_write, record_create, record_save, record_update, unique_conflicts
from opensrm.people.models import RepProfile, Role, Team, User


def tree_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk:06d}."


def tree_repath(model: type[Any], *, old_path: str, new_path: str) -> int:
    """Move a subtree of a materialised-path tree (teams, territories): every node under
    ``old_path`` gets ``new_path`` as its prefix, in one UPDATE."""
    if old_path == new_path:
        return 0
    rest = Substr("path", len(old_path) + 1)
    return int(model.all_objects.filter(path__startswith=old_path).update(path=Concat(Value(new_path), rest)))


def team_create(*, actor: User | None, name: str, parent: Team | None = None, manager: User | None = None) -> Team:
    with transaction.atomic():
        if actor is None:
            team = Team(name=name, parent=parent, manager=manager)
            team.save()
        else:
            team = record_create(model=Team, actor=actor, data={"name": name, "parent": parent, "manager": manager})
        team.path = tree_path(parent.path if parent else "", team.pk)
        Team.all_objects.filter(pk=team.pk).update(path=team.path)
    return team


def team_move(*, team: Team, parent: Team | None, actor: User, expected_version: int | None) -> Team:
    """Re-parent ``team``; the paths of its whole subtree follow in one transaction."""
    if parent is not None and parent.path.startswith(team.path):
        raise ValidationFailed(
            _("A team cannot be moved below itself."),
            field_errors={"parent": [_("Choose a team outside this subtree.")]},
        )
    with transaction.atomic():
        old_path = team.path
        team = record_update(instance=team, actor=actor, data={"parent": parent}, expected_version=expected_version)
        new_path = tree_path(parent.path if parent else "", team.pk)
        tree_repath(Team, old_path=old_path, new_path=new_path)
        team.refresh_from_db()
    return team


def user_create(
    *,
    username: str,
    password: str | None,
    role: str = Role.REP,
    team: Team | None = None,
    email: str = "",
    display_name: str = "",
    actor: User | None = None,
    is_superuser: bool = False,
) -> User:
    if actor is not None:
        check_write(actor, Team)  # only admin and sales ops manage people
        is_admin = actor.is_superuser or actor.role == Role.ADMIN
        if (role == Role.ADMIN or is_superuser) and not is_admin:
            raise PermissionDenied(_("Only an administrator may grant, change or take away the administrator role."))
    if role not in Role.values:
        raise ValidationFailed(
            _("Unknown role."), field_errors={"role": [_("Choose one of: %s") % ", ".join(Role.values)]}
        )
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"username": [_("This username is taken.")]}
        )
    user = User(
        username=username,
        email=email,
        role=role,
        team=team,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser or role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    with unique_conflicts(user):
        record_save(user, actor=actor)
    return user


USER_FIELDS = frozenset({"role", "team", "display_name", "is_active", "language", "time_zone"})


def user_update(*, user: User, actor: User, data: Mapping[str, Any]) -> User:
    """Change a user's role, team, display name, active flag, language or time zone.

    Administrators and sales ops manage people. Only an administrator grants, changes or takes
    away the administrator role (otherwise sales ops could promote themselves), and nobody
    deactivates themselves or changes their own role (the last administrator could lock
    everyone out). The history row names the actor.
    """
    check_write(actor, User)
    is_admin = actor.is_superuser or actor.role == Role.ADMIN
    if not is_admin and (user.is_superuser or user.role == Role.ADMIN or data.get("role") == Role.ADMIN):
        raise PermissionDenied(_("Only an administrator may grant, change or take away the administrator role."))
    errors = _user_errors(user=user, actor=actor, data=data)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        for name, value in data.items():
            setattr(current, name, value)
        if "role" in data:
            current.is_staff = current.is_superuser or current.role == Role.ADMIN
        try:
            current.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=exc.message_dict) from exc
        record_save(current, actor=actor)
    return current


def _user_errors(*, user: User, actor: User, data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {name: [_("This field cannot be changed.")] for name in set(data) - USER_FIELDS}
    if "role" in data and data["role"] not in Role.values:
        errors["role"] = [_("Choose one of: %s") % ", ".join(Role.values)]
    if user.pk == actor.pk and "role" in data and data["role"] != user.role:
        errors["role"] = [_("You cannot change your own role.")]
    if user.pk == actor.pk and data.get("is_active") is False:
        errors["is_active"] = [_("You cannot deactivate yourself.")]
    team = data.get("team")
    if team is not None and (not isinstance(team, Team) or team.deleted_at is not None):
        errors["team"] = [_("Select a valid choice: the record does not exist.")]
    languages = [code for code, _name in settings.LANGUAGES]
    if "language" in data and data["language"] not in ("", *languages):
        errors["language"] = [_("Choose one of: %s") % ", ".join(languages)]
    if data.get("time_zone") and data["time_zone"] not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("This is not a known time zone, such as Asia/Shanghai.")]
    return errors


def rep_profile_upsert(*, user: User, actor: User, data: Mapping[str, Any]) -> RepProfile:
    profile = RepProfile.objects.filter(user=user).first()
    if profile is None:
        return record_create(model=RepProfile, actor=actor, data={"user": user, **data})
    return record_update(instance=profile, actor=actor, data=data, expected_version=None)
