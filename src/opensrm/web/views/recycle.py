from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.services import record_restore
from opensrm.core.visibility import can_write
from opensrm.web.selectors import RECYCLABLE, recycle_bin
from opensrm.web.views.base import crumbs


@login_required
def recycle_bin_page(request: HttpRequest) -> HttpResponse:
    sections = [
        {
            "key": key,
            "label": model._meta.verbose_name_plural,
            "rows": rows,
            "can_restore": can_write(request.user, model),
        }
        for key, model, rows in recycle_bin(request.user)
    ]
    return render(
        request,
        "web/recycle_bin.html",
        {
            "sections": sections,
            "empty": not any(s["rows"] for s in sections),
            "breadcrumbs": crumbs((_("Recycle bin"), "")),
        },
    )


@login_required
@require_POST
def restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = RECYCLABLE.get(kind)
    if model is None:
        raise Http404
    try:
        obj = record_restore(model=model, pk=pk, actor=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("web:recycle_bin"))
    messages.success(request, _("“%(name)s” restored.") % {"name": obj})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse(f"web:{kind}_detail", args=[obj.pk])
    return HttpResponseRedirect(target)
