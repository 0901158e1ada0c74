"""Reads shared by every app: a record's history and the recycle bin."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model, QuerySet

from opensrm.core.models import BaseModel
from opensrm.core.visibility import visible
from opensrm.people.models import User

# Bookkeeping fields change on every write; showing them as "changes" would only be noise.
_HISTORY_NOISE = {"version", "updated_at", "deletion_batch"}


def _event(history_type: str, reason: str | None) -> str:
    if reason in {"deleted", "restored"}:
        return reason
    return {"+": "created", "~": "updated", "-": "purged"}.get(history_type, "updated")


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def record_history(*, instance: Model) -> list[dict[str, Any]]:
    """Every recorded change of ``instance``, newest first, with old → new values per field.

    Two queries whatever the length of the history: the rows (with their actors) are read
    once and consecutive rows are diffed in memory.
    """
    rows = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))  # type: ignore[attr-defined]
    events: list[dict[str, Any]] = []
    previous = None
    for row in rows:
        changes: list[dict[str, Any]] = []
        if previous is None:
            for field in row.tracked_fields:
                if field.editable and field.name not in _HISTORY_NOISE and not field.primary_key:
                    value = getattr(row, field.attname)
                    if value not in (None, "", [], {}):
                        changes.append({"field": field.name, "old": None, "new": _plain(value)})
        else:
            delta = row.diff_against(previous, excluded_fields=_HISTORY_NOISE)
            changes = [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)} for c in delta.changes]
        user = row.history_user
        events.append(
            {
                "id": row.history_id,
                "at": row.history_date,
                "type": _event(row.history_type, row.history_change_reason),
                "actor_id": user.pk if user is not None else None,
                "actor": str(user) if user is not None else None,
                "changes": changes,
            }
        )
        previous = row
    events.reverse()
    return events


def recycle_bin(*, user: User, model: type[BaseModel], label: str) -> QuerySet[Any]:
    """Deleted records of ``model`` that ``user`` may see, with a display ``bin_label``."""
    deleted = model.all_objects.filter(deleted_at__isnull=False)
    return visible(user, deleted).annotate(bin_label=F(label))
