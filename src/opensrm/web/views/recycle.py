from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.services import (
    may_purge,
    record_fields,
    record_purge,
    record_restore,
    recycle_bin_batch,
    recycle_bin_record,
    restored_summary,
)
from opensrm.core.visibility import can_write
from opensrm.web.selectors import RECYCLABLE, recycle_bin
from opensrm.web.views.base import crumbs


def _model(kind: str):
    model = RECYCLABLE.get(kind)
    if model is None:
        raise Http404
    return model


@login_required
def recycle_bin_page(request: AuthenticatedHttpRequest) -> HttpResponse:
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
            "can_purge": may_purge(request.user),
            "breadcrumbs": crumbs((_("Recycle bin"), "")),
        },
    )


@login_required
def recycle_detail(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """A deleted record, read-only, with what a restore would bring back."""
    model = _model(kind)
    try:
        obj = recycle_bin_record(model=model, pk=pk, actor=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "web/recycle_detail.html",
        {
            "kind": kind,
            "obj": obj,
            "singular": model._meta.verbose_name,
            "fields": [(label, value) for _name, label, value in record_fields(obj)],
            "batch": restored_summary(recycle_bin_batch(record=obj)),
            "can_restore": can_write(request.user, model),
            "can_purge": may_purge(request.user),
            "breadcrumbs": crumbs((_("Recycle bin"), reverse("web:recycle_bin")), (str(obj), "")),
        },
    )


@login_required
@require_POST
def restore(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _model(kind)
    try:
        result = record_restore(model=model, pk=pk, actor=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("web:recycle_bin"))
    messages.success(
        request,
        _("“%(name)s” restored: %(what)s.") % {"name": result.record, "what": restored_summary(result.counts)},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse(f"web:{kind}_detail", args=[result.record.pk])
    return HttpResponseRedirect(target)


@login_required
@require_POST
def purge(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _model(kind)
    try:
        obj = recycle_bin_record(model=model, pk=pk, actor=request.user)
        name = str(obj)
        counts = record_purge(model=model, pk=pk, actor=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("web:recycle_bin"))
    messages.success(
        request,
        _("“%(name)s” deleted permanently: %(what)s.") % {"name": name, "what": restored_summary(counts)},
    )
    return HttpResponseRedirect(reverse("web:recycle_bin"))
