from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.models import BaseModel
from opensrm.core.visibility import visible
from opensrm.crm.models import Account, Contact, Lead, Opportunity
from opensrm.crm.selectors import global_search_records
from opensrm.web.selectors import SEARCH_LIMIT
from opensrm.web.views.base import crumbs

LOOKUPS: dict[str, tuple[type[BaseModel], list[str]]] = {
    "account": (Account, ["name", "city"]),
    "contact": (Contact, ["name", "email"]),
    "lead": (Lead, ["name", "company"]),
    "opportunity": (Opportunity, ["name"]),
}


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    found = global_search_records(user=request.user, q=q, limit=SEARCH_LIMIT)
    results = {f"{kind}s": rows for kind, rows in found.items()}
    context = {
        "q": q,
        "results": results,
        "empty": not any(results.values()),
        "breadcrumbs": crumbs((_("Search"), "")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/partials/search_dropdown.html", context)
    return render(request, "web/search.html", context)


@login_required
def lookup(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Options for a lookup widget: the first matches the user may see."""
    if kind not in LOOKUPS:
        raise Http404
    model, fields = LOOKUPS[kind]
    q = request.GET.get("q", "").strip()
    rows = []
    if q:
        cond = Q()
        for f in fields:
            cond |= Q(**{f"{f}__icontains": q})
        rows = list(visible(request.user, model.objects.filter(cond)).order_by("name")[:10])
    return render(request, "web/partials/lookup_options.html", {"rows": rows, "q": q})
