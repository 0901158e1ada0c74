from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.services import record_update
from opensrm.crm.models import Activity, ActivityKind
from opensrm.web import selectors
from opensrm.web.forms import ActivityForm
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
def activity_list(request: HttpRequest) -> HttpResponse:
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
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, RESOURCE, pk)
    context = detail_context(request, RESOURCE, obj)
    context["timeline"] = selectors.history_entries(obj)
    return render(request, "web/activity_detail.html", context)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, RESOURCE)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return form_page(request, RESOURCE, pk)


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)


@login_required
@require_POST
def activity_toggle_done(request: HttpRequest, pk: int) -> HttpResponse:
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


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Day or week view of activities and tasks, in the user's time zone."""
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    start_day = anchor if view == "day" else anchor - dt.timedelta(days=anchor.weekday())
    n_days = 1 if view == "day" else 7
    step = dt.timedelta(days=n_days)
    start, _end = selectors.local_day_bounds(start_day)
    end = start + step
    mine = request.GET.get("owner", "me") == "me"
    items = selectors.calendar_activities(request.user, start=start, end=end, mine=mine)
    days = []
    for i in range(n_days):
        day = start_day + dt.timedelta(days=i)
        days.append(
            {
                "date": day,
                "items": [a for a in items if timezone.localtime(a.due_at).date() == day],
                "is_today": day == timezone.localdate(),
            }
        )
    context = {
        "view": view,
        "days": days,
        "anchor": anchor,
        "mine": mine,
        "now": timezone.now(),
        "prev": (start_day - step).isoformat(),
        "next": (start_day + step).isoformat(),
        "today": timezone.localdate().isoformat(),
        "start_day": start_day,
        "end_day": start_day + step - dt.timedelta(days=1),
        "breadcrumbs": crumbs((_("Calendar"), "")),
    }
    return render(request, "web/calendar.html", context)
