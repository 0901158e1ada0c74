from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.services import record_update
from opensrm.core.visibility import can_write, visible
from opensrm.crm.forms import ActivityForm
from opensrm.crm.models import Activity, ActivityKind
from opensrm.crm.services import activity_reschedule
from opensrm.web import selectors
from opensrm.web.listing import MINE_FILTER, Column, Filter, ListSpec
from opensrm.web.views.base import (
    Resource,
    crumbs,
    delete_record,
    detail_context,
    form_page,
    list_page,
    require_write,
    visible_or_404,
)

STATE_FILTER = Filter(
    "state",
    gettext_lazy("State"),
    "",
    [
        ("open", gettext_lazy("Open")),
        ("overdue", gettext_lazy("Overdue")),
        ("done", gettext_lazy("Done")),
    ],
)

RESOURCE = Resource(
    key="activity",
    model=Activity,
    form=ActivityForm,
    select_related=("owner", "account"),
    list_spec=ListSpec(
        columns=[
            Column("subject", gettext_lazy("Subject"), sort="subject", link=True),
            Column("kind", gettext_lazy("Type"), sort="kind"),
            Column("account", gettext_lazy("Account")),
            Column("due_at", gettext_lazy("Due")),
            Column("done_at", gettext_lazy("Done at")),
            Column("owner", gettext_lazy("Owner")),
            Column("created_at", gettext_lazy("Created"), sort="created_at"),
        ],
        filters=[
            MINE_FILTER,
            STATE_FILTER,
            Filter("kind", gettext_lazy("Type"), "kind", list(ActivityKind.choices)),
        ],
        search=["subject", "account__name"],
    ),
    detail_fields=[
        "kind",
        "account",
        "contact",
        "opportunity",
        "lead",
        "due_at",
        "done_at",
        "duration_minutes",
        "outcome",
        "notes",
        "owner",
        "created_at",
    ],
)


@login_required
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    base = Activity.objects.all()
    state = request.GET.get("state", "")
    if state == "open":
        base = base.filter(done_at__isnull=True)
    elif state == "overdue":
        base = base.filter(done_at__isnull=True, due_at__lt=timezone.now())
    elif state == "done":
        base = base.filter(done_at__isnull=False)
    return list_page(request, RESOURCE, base_qs=base)


@login_required
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, RESOURCE, pk)
    context = detail_context(request, RESOURCE, obj)
    context["timeline"] = selectors.history_entries(obj)
    return render(request, "crm/activity_detail.html", context)


@login_required
def activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, RESOURCE)


@login_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, RESOURCE, pk)


@login_required
def activity_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)


@login_required
@require_POST
def activity_toggle_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Tick a task off (or back on); HTMX swaps the re-rendered item in place."""
    user = request.user
    require_write(user, Activity)
    obj = visible_or_404(user, RESOURCE, pk)
    done_at = None if obj.done_at else timezone.now()
    try:
        obj = record_update(instance=obj, actor=user, data={"done_at": done_at}, expected_version=None)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    if request.headers.get("HX-Request"):
        return render(request, "web/partials/task_item.html", {"task": obj, "now": timezone.now()})
    return HttpResponseRedirect(request.POST.get("next") or reverse("web:activity_detail", args=[obj.pk]))


CALENDAR_VIEWS = ("day", "week", "month")
MONTH_ITEMS_SHOWN = 3  # the rest of a busy day is one click away in its day view
WORKING_HOURS = range(8, 19)  # the hour slots a week or day always shows; others appear when used


def _hour_slots(day_items: list[Activity]) -> list[dict[str, Any]]:
    hours = {timezone.localtime(a.due_at).hour for a in day_items}
    slots: dict[int, list[Activity]] = {h: [] for h in sorted(set(WORKING_HOURS) | hours)}
    for a in day_items:
        slots[timezone.localtime(a.due_at).hour].append(a)
    return [{"hour": h, "items": items} for h, items in slots.items()]


def _first_of_week(day: dt.date) -> dt.date:
    # Django counts 0 = Sunday; Python's weekday() counts 0 = Monday.
    first = (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
    return day - dt.timedelta(days=(day.weekday() - first) % 7)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@login_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Day, week or month view of activities and tasks, in the user's time zone."""
    view = request.GET.get("view", "week")
    if view not in CALENDAR_VIEWS:
        view = "week"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    if view == "month":
        month_first = anchor.replace(day=1)
        next_month = _add_months(month_first, 1)
        start_day = _first_of_week(month_first)
        n_days = ((next_month - start_day).days + 6) // 7 * 7
        prev_anchor, next_anchor = _add_months(month_first, -1), next_month
    else:
        start_day = anchor if view == "day" else _first_of_week(anchor)
        n_days = 1 if view == "day" else 7
        step = dt.timedelta(days=n_days)
        prev_anchor, next_anchor = start_day - step, start_day + step
    start, _end = selectors.local_day_bounds(start_day)
    end, _end = selectors.local_day_bounds(start_day + dt.timedelta(days=n_days))
    mine = request.GET.get("owner", "me") == "me"
    items = selectors.calendar_activities(request.user, start=start, end=end, mine=mine)
    today = timezone.localdate()
    days = []
    for i in range(n_days):
        day = start_day + dt.timedelta(days=i)
        day_items = [a for a in items if timezone.localtime(a.due_at).date() == day]
        shown = day_items[:MONTH_ITEMS_SHOWN] if view == "month" else day_items
        days.append(
            {
                "date": day,
                "items": shown,
                "more": len(day_items) - len(shown),
                "is_today": day == today,
                "in_month": view != "month" or day.month == anchor.month,
                "slots": [] if view == "month" else _hour_slots(day_items),
            }
        )
    context = {
        "view": view,
        "days": days,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "weekday_heads": [d["date"] for d in days[:7]],
        "anchor": anchor,
        "mine": mine,
        "now": timezone.now(),
        "prev": prev_anchor.isoformat(),
        "next": next_anchor.isoformat(),
        "today": today.isoformat(),
        "start_day": start_day,
        "end_day": start_day + dt.timedelta(days=n_days - 1),
        "can_write": can_write(request.user, Activity),
        "breadcrumbs": crumbs((_("Calendar"), "")),
    }
    return render(request, "crm/calendar.html", context)


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _new_due_at(obj: Activity, post: Any) -> tuple[dt.datetime | None, str]:
    """The due time a drop asks for: ``due_at`` (a time slot) or ``date`` (a day, keeping the time
    of day). Returns the time or the name of the field that is not valid."""
    if post.get("due_at"):
        value = parse_datetime(post["due_at"])
        if value is None:
            return None, "due_at"
        return (timezone.make_aware(value) if timezone.is_naive(value) else value), ""
    try:
        day = dt.date.fromisoformat(post.get("date", ""))
    except ValueError:
        return None, "date"
    time_of_day = timezone.localtime(obj.due_at).time() if obj.due_at else dt.time(9)
    return timezone.make_aware(dt.datetime.combine(day, time_of_day)), ""


@login_required
@require_POST
def activity_reschedule_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A drop in the calendar; answers the re-rendered item, or 4xx with the reason in plain words."""
    user = request.user
    obj = visible(user, Activity.objects.all()).filter(pk=pk).first()
    if obj is None:
        return _plain(_("The record does not exist."), 404)
    due_at, bad_field = _new_due_at(obj, request.POST)
    if due_at is None:
        message = _("Due: enter a valid date and time.") if bad_field == "due_at" else _("Date: enter a valid date.")
        return _plain(message, 422)
    version = request.POST.get("version", "")
    hx = bool(request.headers.get("HX-Request"))
    try:
        obj = activity_reschedule(
            activity=obj,
            due_at=due_at,
            actor=user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        detail = " ".join(m for msgs in exc.field_errors.values() for m in msgs)
        message = detail if detail and exc.status == 422 else exc.message
        if not hx:
            messages.error(request, message)
            return HttpResponseRedirect(reverse("web:activity_detail", args=[obj.pk]))
        return _plain(message, exc.status)
    if hx:
        obj = Activity.objects.select_related("account", "owner").get(pk=obj.pk)
        return render(
            request,
            "crm/partials/calendar_item.html",
            {"a": obj, "now": timezone.now(), "can_write": True, "mine": request.POST.get("mine") != "0"},
        )
    messages.success(
        request,
        _("Moved to %(when)s.") % {"when": date_format(timezone.localtime(obj.due_at), "SHORT_DATETIME_FORMAT")},
    )
    return HttpResponseRedirect(reverse("web:activity_detail", args=[obj.pk]))
