from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from opensrm.core.currency import COMPANY_CURRENCY
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.visibility import can_write, visible
from opensrm.crm.models import Activity
from opensrm.web.dashboard import build_dashboard

REMINDER_HOURS = 24
REMINDERS_SHOWN = 10


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    board = build_dashboard(request.user)
    context = {
        "board": board,
        "charts": board.chart_options(),
        "now": timezone.now(),
        "company_currency": COMPANY_CURRENCY,
        "chart_labels": {
            "amount": _("Amount"),
            "current": _("This year"),
            "previous": _("Last year, same days"),
            "currency": COMPANY_CURRENCY,
            "months": [capfirst(str(m)) for m in MONTHS_3.values()],
        },
    }
    return render(request, "web/home.html", context)


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell in the header: the user's open activities that are overdue or due within a day."""
    now = timezone.now()
    qs = visible(
        request.user,
        Activity.objects.filter(
            owner=request.user, done_at__isnull=True, due_at__lte=now + dt.timedelta(hours=REMINDER_HOURS)
        ),
    )
    items = list(qs.select_related("account").order_by("due_at", "id")[:REMINDERS_SHOWN])
    # Marking one done reloads the page the bell was opened on, not this fragment.
    back = request.headers.get("HX-Current-URL", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    context = {
        "items": items,
        "total": qs.count(),
        "overdue": qs.filter(due_at__lt=now).count(),
        "now": now,
        "back": urlsplit(back)._replace(scheme="", netloc="").geturl() if back else "",
        "can_tick": can_write(request.user, Activity),
    }
    return render(request, "web/partials/notifications.html", context)
