from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from opensrm.core.visibility import visible
from opensrm.crm.models import Activity
from opensrm.web.dashboard import build_dashboard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    board = build_dashboard(request.user)
    context = {
        "board": board,
        "charts": board.chart_options(),
        "now": timezone.now(),
        "chart_labels": {
            "amount": _("Amount"),
            "current": _("This year"),
            "previous": _("Last year, same days"),
            "currency": "CNY",
            "months": [capfirst(str(m)) for m in MONTHS_3.values()],
        },
    }
    return render(request, "web/home.html", context)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The bell in the header: the user's overdue and due-today tasks, loaded after the page."""
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    qs = visible(
        request.user,
        Activity.objects.filter(owner=request.user, done_at__isnull=True, due_at__lte=end_of_day),
    )
    items = list(qs.select_related("account").order_by("due_at")[:10])
    overdue = qs.filter(Q(due_at__lt=now)).count()
    return render(
        request, "web/partials/notifications.html", {"items": items, "overdue": overdue, "now": now}
    )
