"""Territories: a tree kept in materialised paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.services import record_create, record_update
from opensrm.crm.models import (
    Territory,
)
from opensrm.people.models import User
from opensrm.people.services import tree_path, tree_repath


def territory_create(*, actor: User, data: Mapping[str, Any]) -> Territory:
    with transaction.atomic():
        territory = record_create(model=Territory, actor=actor, data=data)
        parent = territory.parent
        territory.path = tree_path(parent.path if parent else "", territory.pk)
        Territory.all_objects.filter(pk=territory.pk).update(path=territory.path)
    return territory


def territory_update(
    *, territory: Territory, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> Territory:
    with transaction.atomic():
        old_path = territory.path
        if "parent" in data and data["parent"] is not None:
            parent_id = getattr(data["parent"], "pk", data["parent"])
            parent = Territory.objects.filter(pk=parent_id).first()
            if parent is not None and parent.path.startswith(old_path):
                raise ValidationFailed(
                    _("Some fields are not valid."),
                    field_errors={"parent": [_("A territory cannot be moved below itself.")]},
                )
        territory = record_update(instance=territory, actor=actor, data=data, expected_version=expected_version)
        if "parent" in data:
            new_path = tree_path(territory.parent.path if territory.parent else "", territory.pk)
            tree_repath(Territory, old_path=old_path, new_path=new_path)
            territory.refresh_from_db()
    return territory
