"""The security log for administrators: sign-ins and failed sign-ins, newest first, filtered by
user, event, outcome and date, paged by cursor like every other list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.models import SecurityEvent, SecurityEventKind
from opensrm.people.models import Role
from opensrm.web.listing import Cell, Column, Filter, ListSpec, apply_filters, capped_count, paginate
from opensrm.web.views.base import crumbs

FAILURE_SUFFIX = "_failed"  # a failed attempt's kind: login_failed
OUTCOMES = [("success", gettext_lazy("Succeeded")), ("failure", gettext_lazy("Failed"))]

SPEC = ListSpec(
    columns=[
        Column("at", gettext_lazy("Time"), sort="at"),
        Column("kind", gettext_lazy("Event"), sort="kind"),
        Column("user", gettext_lazy("User")),
        Column("username", gettext_lazy("Username tried")),
        Column("ip", gettext_lazy("IP address")),
        Column("user_agent", gettext_lazy("User agent")),
    ],
    filters=[Filter("kind", gettext_lazy("Event"), "kind", list(SecurityEventKind.choices))],
    search=[],
    default_sort="-at",
)


def may_read_security_log(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or user.role == Role.ADMIN)


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def _filtered(request: HttpRequest) -> tuple[QuerySet[SecurityEvent], dict[str, str]]:
    params = request.GET
    qs = apply_filters(SecurityEvent.objects.select_related("user"), SPEC, params, user=request.user)
    person = params.get("user", "").strip()[:150]
    if person:
        # the account signed in to, or the name typed on a failed attempt
        qs = qs.filter(
            Q(user__username__icontains=person)
            | Q(user__display_name__icontains=person)
            | Q(username__icontains=person)
        )
    outcome = params.get("outcome", "")
    if outcome == "failure":
        qs = qs.filter(kind__endswith=FAILURE_SUFFIX)
    elif outcome == "success":
        qs = qs.exclude(kind__endswith=FAILURE_SUFFIX)
    start, end = _date(params.get("from", "")), _date(params.get("to", ""))
    if start is not None:  # days in the reader's time zone, both ends included
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)))
    if end is not None:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))
    shown = {
        "user": person,
        "kind": params.get("kind", ""),
        "outcome": outcome if outcome in ("success", "failure") else "",
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    return qs, shown


def _cells(event: SecurityEvent) -> list[Cell]:
    failed = event.kind.endswith(FAILURE_SUFFIX)
    at = formats.date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT")
    return [
        Cell(at, css="muted"),
        Cell(event.get_kind_display(), badge="badge-bad" if failed else "badge-ok"),
        Cell(str(event.user)) if event.user_id else Cell("—", css="muted"),
        Cell(event.username) if event.username else Cell("—", css="muted"),
        Cell(event.ip) if event.ip else Cell("—", css="muted"),
        Cell(event.user_agent) if event.user_agent else Cell("—", css="muted"),
    ]


@login_required
def security_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_read_security_log(request.user):
        raise DjangoPermissionDenied(_("Only administrators read the security log."))
    qs, shown = _filtered(request)
    page = paginate(qs, SPEC, request.GET)
    total, more = capped_count(qs)
    title = _("Security log")
    return render(
        request,
        "web/security_log.html",
        {
            "title": title,
            "spec": SPEC,
            "page": page,
            "table": [(event, _cells(event)) for event in page.rows],
            "total": total,
            "total_more": more,
            "filters": shown,
            "kinds": SecurityEventKind.choices,
            "outcomes": OUTCOMES,
            "breadcrumbs": crumbs((_("Settings"), ""), (title, "")),
        },
    )
