"""Reads the pages need beyond a plain list: search, timelines, the recycle bin.

Every queryset starts from :func:`opensrm.core.visibility.visible`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from opensrm.core.models import BaseModel, related_model
from opensrm.core.visibility import visible
from opensrm.crm.models import Account, Activity, Contact, Lead, Opportunity, Stage, StageChange
from opensrm.people.models import User

SEARCH_LIMIT = 8
TIMELINE_LIMIT = 30
HIDDEN_HISTORY_FIELDS = {"version", "updated_at", "created_at", "deletion_batch", "custom", "tags"}
# History rows carry machine reasons (set by the services); the timeline shows them in words.
HISTORY_REASONS = {
    "deleted": gettext_lazy("Moved to the recycle bin"),
    "restored": gettext_lazy("Restored"),
    "routed": gettext_lazy("Assigned by lead routing"),
    "line_added": gettext_lazy("Line item added"),
    "line_removed": gettext_lazy("Line item removed"),
    "team_member_added": gettext_lazy("Account team member added"),
    "team_member_removed": gettext_lazy("Account team member removed"),
}
ALLOCATION_REASON = re.compile(r"allocation (\d+): (territory )?(applied|rolled back)")


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: dt.datetime
    kind: str  # "history", "activity" or "stage"
    who: Any
    title: str
    changes: list[Change]
    obj: Any = None


def _display(field: Any, value: Any, names: dict[tuple[type, Any], str]) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def history_entries(obj: Model, *, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """The record's history, newest first, each entry with its old → new values."""
    records = list(
        obj.history.select_related("history_user")  # type: ignore[attr-defined]  # simple_history's HistoricalRecords.order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = [
        f for f in type(obj)._meta.concrete_fields if f.name not in HIDDEN_HISTORY_FIELDS and f.name != "id"
    ]
    # One query per related model resolves every foreign key shown, whatever the history length.
    wanted: dict[type[Model], set[Any]] = {}
    for rec in records:
        for f in fields:
            if f.is_relation and getattr(rec, f.attname) is not None:
                wanted.setdefault(related_model(f), set()).add(getattr(rec, f.attname))
    names: dict[tuple[type[Model], Any], str] = {}
    for model, ids in wanted.items():
        for target in model._base_manager.filter(pk__in=ids):
            names[(model, target.pk)] = str(target)
    entries = []
    for i, rec in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None:
            for f in fields:
                if f.name in {"deleted_at", "deleted_by"}:
                    continue
                old, new = getattr(older, f.attname), getattr(rec, f.attname)
                if old != new:
                    changes.append(
                        Change(str(f.verbose_name), _display(f, old, names), _display(f, new, names))
                    )
        entries.append(
            TimelineEntry(
                when=rec.history_date,
                kind="history",
                who=rec.history_user,
                title=history_title(rec.history_type, rec.history_change_reason or ""),
                changes=changes,
            )
        )
    return entries


def history_title(history_type: str, reason: str) -> str:
    """What happened, in the user's language; an unknown reason reads as a plain change."""
    if history_type == "+":
        return pgettext("timeline event", "Created")
    if reason in HISTORY_REASONS:
        return str(HISTORY_REASONS[reason])
    allocation = ALLOCATION_REASON.fullmatch(reason)
    if allocation:
        ids = {"id": allocation.group(1)}
        if allocation.group(2):  # a territory alignment moves accounts between territories, not owners
            if allocation.group(3) == "applied":
                return _("Territory set by allocation scenario %(id)s") % ids
            return _("Territory restored: allocation scenario %(id)s rolled back") % ids
        if allocation.group(3) == "applied":
            return _("Owner set by allocation scenario %(id)s") % ids
        return _("Allocation scenario %(id)s rolled back") % ids
    if history_type == "-":
        return _("Deleted")
    return _("Changed")


def activity_entries(
    user: User, activities: QuerySet[Activity], *, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    rows = visible(user, activities).select_related("owner").order_by("-created_at")[:limit]
    return [
        TimelineEntry(
            when=a.done_at or a.due_at or a.created_at,
            kind="activity",
            who=a.owner,
            title=a.subject,
            changes=[],
            obj=a,
        )
        for a in rows
    ]


def stage_entries(opportunity: Opportunity) -> list[TimelineEntry]:
    rows = StageChange.objects.filter(opportunity=opportunity).select_related(
        "from_stage", "to_stage", "changed_by"
    )
    return [
        TimelineEntry(
            when=sc.changed_at,
            kind="stage",
            who=sc.changed_by,
            title="",
            changes=[Change("", str(sc.from_stage or "—"), str(sc.to_stage))],
            obj=sc,
        )
        for sc in rows.order_by("-changed_at", "-id")[:TIMELINE_LIMIT]
    ]


def timeline(*groups: list[TimelineEntry]) -> list[TimelineEntry]:
    merged = [e for group in groups for e in group]
    merged.sort(key=lambda e: e.when, reverse=True)
    return merged[: TIMELINE_LIMIT * 2]


RECYCLABLE: dict[str, type[BaseModel]] = {
    "account": Account,
    "contact": Contact,
    "lead": Lead,
    "opportunity": Opportunity,
    "activity": Activity,
}


def recycle_bin(user: User, *, limit: int = 50) -> list[tuple[str, type[BaseModel], list[Any]]]:
    out = []
    for key, model in RECYCLABLE.items():
        rows = visible(user, model.all_objects.filter(deleted_at__isnull=False)).select_related("deleted_by")
        out.append((key, model, list(rows.order_by("-deleted_at")[:limit])))
    return out


def stages_for(pipeline_id: Any) -> list[Stage]:
    return list(Stage.objects.filter(pipeline_id=pipeline_id).order_by("order"))


def calendar_activities(user: User, *, start: dt.datetime, end: dt.datetime, mine: bool) -> list[Activity]:
    qs = visible(user, Activity.objects.filter(due_at__gte=start, due_at__lt=end))
    if mine:
        qs = qs.filter(owner=user)
    return list(qs.select_related("account", "owner").order_by("due_at", "id")[:500])


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)
