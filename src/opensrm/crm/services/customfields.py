"""Tags and custom fields of accounts, contacts, leads and opportunities.

Tags are a list of short labels: trimmed, inner whitespace collapsed, de-duplicated without
regard to case (the first spelling stays), each at most :data:`MAX_TAG_LENGTH` characters.

Custom fields are defined by administrators and sales ops (:class:`CustomFieldDefinition`);
a record keeps their values in ``custom`` under the definition's key. The values of defined
keys are checked by type whenever a record is cleaned (every service path does); keys that no
definition names are kept as they are, since the allocation reads its own keys there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Model
from django.utils import formats
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.services import record_create, record_update
from opensrm.crm.customfields import CustomFieldType, is_empty
from opensrm.crm.models import CustomFieldDefinition
from opensrm.people.models import User


# --- custom field values ------------------------------------------------------------------------
def definitions(object_type: str, *, active_only: bool = True) -> list[CustomFieldDefinition]:
    qs = CustomFieldDefinition.objects.filter(object_type=object_type)
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("order", "key"))


IMMUTABLE = ("key", "object_type")


def definition_create(*, actor: User, data: Mapping[str, Any]) -> CustomFieldDefinition:
    """A new custom field (admin and sales ops: the services refuse anyone else)."""
    return record_create(model=CustomFieldDefinition, actor=actor, data=data)


def definition_update(
    *, definition: CustomFieldDefinition, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> CustomFieldDefinition:
    """Change labels, type, choices, required, order or active; the key and record type stay."""
    changed = [n for n in IMMUTABLE if n in data and data[n] != getattr(definition, n)]
    if changed:
        message = _("This cannot be changed after the field is created.")
        raise ValidationFailed(message, field_errors={n: [message] for n in changed})
    data = {k: v for k, v in data.items() if k not in IMMUTABLE}
    return record_update(instance=definition, actor=actor, data=data, expected_version=expected_version)


def definition_set_active(
    *, definition: CustomFieldDefinition, actor: User, active: bool, expected_version: int | None
) -> CustomFieldDefinition:
    """Deactivate (the field leaves forms, lists and checks; stored values stay) or reactivate."""
    return record_update(
        instance=definition, actor=actor, data={"is_active": active}, expected_version=expected_version
    )


def display_value(definition: CustomFieldDefinition, value: Any) -> str:
    """A stored value as the pages show it, in the active language ("—" when empty)."""
    if is_empty(value):
        return "—"
    kind = definition.field_type
    if kind == CustomFieldType.BOOLEAN and isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if kind == CustomFieldType.CHOICE:
        return dict(definition.choice_options()).get(str(value), str(value))
    if kind == CustomFieldType.DATE and isinstance(value, str):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if kind == CustomFieldType.NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def displayed_values(obj: Model, defs: list[CustomFieldDefinition] | None = None) -> list[tuple[str, str]]:
    """(label, shown value) of each active custom field of ``obj``, in the definitions' order."""
    custom = getattr(obj, "custom", None) or {}
    if defs is None:
        defs = definitions(type(obj).custom_object_type)  # type: ignore[attr-defined]
    return [(d.label(), display_value(d, custom.get(d.key))) for d in defs]
