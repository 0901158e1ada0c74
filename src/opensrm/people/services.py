"""Writes for the organisation: teams (tree), users, rep profiles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.services import check_write, record_create, record_update
from opensrm.people.models import RepProfile, Role, Team, User


def tree_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk:06d}."


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
        raise ValidationFailed(_("A team cannot be moved below itself."), field_errors={"parent": [_("Choose a team outside this subtree.")]})
    with transaction.atomic():
        old_path = team.path
        team = record_update(instance=team, actor=actor, data={"parent": parent}, expected_version=expected_version)
        new_path = tree_path(parent.path if parent else "", team.pk)
        for node in Team.all_objects.filter(path__startswith=old_path):
            Team.all_objects.filter(pk=node.pk).update(path=new_path + node.path[len(old_path):])
        team.refresh_from_db()
    return team


def user_create(
    *, username: str, password: str | None, role: str = Role.REP, team: Team | None = None, email: str = "",
    display_name: str = "", actor: User | None = None, is_superuser: bool = False,
) -> User:
    if actor is not None:
        check_write(actor, Team)  # only admin and sales ops manage people
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), field_errors={"role": [_("Choose one of: %s") % ", ".join(Role.values)]})
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("Some fields are not valid."), field_errors={"username": [_("This username is taken.")]})
    user = User(username=username, email=email, role=role, team=team, display_name=display_name,
                is_superuser=is_superuser, is_staff=is_superuser or role == Role.ADMIN)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    return user


def rep_profile_upsert(*, user: User, actor: User, data: Mapping[str, Any]) -> RepProfile:
    profile = RepProfile.objects.filter(user=user).first()
    if profile is None:
        return record_create(model=RepProfile, actor=actor, data={"user": user, **data})
    return record_update(instance=profile, actor=actor, data=data, expected_version=None)
