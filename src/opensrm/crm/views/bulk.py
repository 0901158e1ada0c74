"""The POST that runs a bulk action on the records picked on a CRM list page.

The bar that offers the actions is the list framework's (``opensrm.web.bulk``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from opensrm.core.errors import ValidationFailed
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.crm.services.bulk import bulk_apply
from opensrm.crm.views import accounts, activities, contacts, leads, opportunities
from opensrm.web.bulk import BULK_KINDS
from opensrm.web.views.base import crumbs, require_write


def _resource(kind: str) -> Any:
    modules = {
        "account": accounts,
        "contact": contacts,
        "lead": leads,
        "opportunity": opportunities,
        "activity": activities,
    }
    if kind not in modules:
        raise Http404
    return modules[kind].RESOURCE


def _back(res: Any, request: HttpRequest) -> HttpResponseRedirect:
    # Only a query string is taken from the form, re-encoded, so the redirect stays on the list.
    qs = QueryDict(request.POST.get("querystring", ""), mutable=True)
    for key in ("after", "before"):
        qs.pop(key, None)
    url = res.url("list")
    return HttpResponseRedirect(f"{url}?{qs.urlencode()}" if qs else url)


def _report(request: HttpRequest, action: str, result: Any) -> None:
    n = len(result.done)
    if n:
        if action == "delete":
            text = ngettext(
                "%(n)s record moved to the recycle bin.", "%(n)s records moved to the recycle bin.", n
            )
        else:
            text = ngettext("%(n)s record changed.", "%(n)s records changed.", n)
        messages.success(request, text % {"n": n})
    elif not result.failed and not result.not_found:
        messages.info(request, _("Nothing to change."))
    if result.not_found:
        m = len(result.not_found)
        messages.warning(
            request,
            ngettext(
                "%(n)s selected record was not found (deleted, or not yours to see) and was left alone: %(ids)s",
                "%(n)s selected records were not found (deleted, or not yours to see) and were left alone: %(ids)s",
                m,
            )
            % {"n": m, "ids": ", ".join(f"#{pk}" for pk in result.not_found)},
        )
    for pk, name, reason in result.failed:
        messages.error(
            request, _("“%(name)s” (#%(id)s) was not changed: %(reason)s") % {"name": name, "id": pk, "reason": reason}
        )


@login_required
@require_POST
def bulk_action(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in BULK_KINDS:
        raise Http404
    res = _resource(kind)
    user = request.user
    require_write(user, res.model)
    action = request.POST.get("action", "")
    try:
        result = bulk_apply(
            actor=user,
            model=res.model,
            ids=request.POST.getlist("ids"),
            action=action,
            value=request.POST.get(action, "") if action else "",
        )
    except ValidationFailed as exc:
        context = {
            "res": res,
            "message": exc.message,
            "field_errors": exc.field_errors,
            "back_url": _back(res, request)["Location"],
            "breadcrumbs": crumbs((res.plural, res.url("list")), (_("Bulk action"), "")),
        }
        return render(request, "crm/bulk_error.html", context, status=422)
    _report(request, action, result)
    return _back(res, request)
