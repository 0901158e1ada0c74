"""Reads shared by every app: a record's history and the recycle bin."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import F, Model, Q, QuerySet

from opensrm.core.models import BaseModel
from opensrm.core.visibility import visible

if TYPE_CHECKING:  # core imports no app at run time; the user model is settings.AUTH_USER_MODEL
    from opensrm.people.models import User

# Bookkeeping fields change on every write; showing them as "changes" would only be noise.
_HISTORY_NOISE = {"version", "updated_at", "deletion_batch"}


# Change reasons that name the event better than "updated" does: a record's lines or team
# changed (the parent's own fields did not, so its change list is empty).
_REASON_EVENTS = {
    "deleted",
    "restored",
    "line_added",
    "line_removed",
    "team_member_added",
    "team_member_removed",
}


def _event(history_type: str, reason: str | None) -> str:
    if reason in _REASON_EVENTS:
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
    return _events(rows, previous=None)


def record_history_page(
    *, instance: Model, limit: int, before: tuple[dt.datetime, int] | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """At most ``limit`` changes of ``instance``, newest first, older than ``before``
    (``(history_date, history_id)`` of the last event already shown); and whether more follow.

    One query whatever the page: the row after the page is read too, both to tell that more
    follow and to diff the page's oldest event against.
    """
    qs = instance.history.select_related("history_user").order_by("-history_date", "-history_id")  # type: ignore[attr-defined]
    if before is not None:
        at, history_id = before
        qs = qs.filter(Q(history_date__lt=at) | Q(history_date=at, history_id__lt=history_id))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    previous = rows[limit] if more else None
    return _events(list(reversed(rows[:limit])), previous=previous), more


def _events(rows: list[Any], *, previous: Any) -> list[dict[str, Any]]:
    """``rows`` (oldest first, ``previous`` the row just before them) as events, newest first."""
    events: list[dict[str, Any]] = []
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
