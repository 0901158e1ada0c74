from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.web.services import list_columns_reset, saved_view_create, saved_view_delete

PAGES = {"account", "contact", "lead", "opportunity", "activity"}


def view_querystring(raw: str) -> str:
    """The filters of a list URL, each once: the last value of a repeated parameter is the one
    the list applied; empty filters, the page position (a view is a filter, not a place in
    the list) and the mark of an opened saved view are left out; repeated ``cols`` are kept."""
    params = QueryDict(raw)
    clean = QueryDict(mutable=True)
    for key in params:
        if key == "cols":  # the columns chosen: every one counts
            clean.setlist(key, [v for v in params.getlist(key) if v.strip()])
            continue
        value = params.getlist(key)[-1].strip()
        if value and key not in ("after", "before", "view"):
            clean[key] = value
    return clean.urlencode()


@login_required
@require_POST
def saved_view_add(request: AuthenticatedHttpRequest, page: str) -> HttpResponse:
    if page not in PAGES:
        raise Http404
    querystring = view_querystring(request.POST.get("querystring", ""))
    try:
        view = saved_view_create(
            user=request.user, page=page, name=request.POST.get("name", ""), querystring=querystring
        )
    except DomainError as exc:
        messages.error(request, " ".join(m for msgs in exc.field_errors.values() for m in msgs) or exc.message)
        return HttpResponseRedirect(f"{reverse(f'web:{page}_list')}?{querystring}")
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return HttpResponseRedirect(f"{reverse(f'web:{page}_list')}?{view.querystring}")


@login_required
@require_POST
def saved_view_remove(request: AuthenticatedHttpRequest, page: str, pk: int) -> HttpResponse:
    if page not in PAGES:
        raise Http404
    try:
        saved_view_delete(user=request.user, pk=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("View removed."))
    return HttpResponseRedirect(reverse(f"web:{page}_list"))


# Lists whose columns can be chosen: every list page built on the shared list (see base.list_page).
COLUMN_PAGES = PAGES | {"quote", "product", "pricelist", "order"}


@login_required
@require_POST
def list_columns_reset_view(request: AuthenticatedHttpRequest, page: str) -> HttpResponse:
    """Forget the user's column choice on ``page``: the list opens with its default columns."""
    if page not in COLUMN_PAGES:
        raise Http404
    if list_columns_reset(user=request.user, page=page):
        messages.success(request, _("Columns reset to the default."))
    return HttpResponseRedirect(reverse(f"web:{page}_list"))
