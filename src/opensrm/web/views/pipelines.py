"""Settings: pipelines and their stages, for administrators and sales ops. Names are kept per
language (English and Chinese); probability and order can change; whether a stage is won or
lost is shown, not changed (closed deals depend on it); a stage in use is never deleted. Every
write goes through :mod:`opensrm.crm.services.pipelines` (version and history with the actor)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError, VersionMismatch
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.crm.models import Opportunity, Pipeline, Stage
from opensrm.crm.services.pipelines import pipeline_rename, stage_delete, stage_move, stage_update
from opensrm.web.forms import domain_errors_to_form
from opensrm.web.views.base import crumbs, posted_version, require_write


class NamesForm(forms.Form):
    name_en = forms.CharField(max_length=120, required=False, label=gettext_lazy("Name in English"))
    name_zh = forms.CharField(max_length=120, required=False, label=gettext_lazy("Name in Chinese"))
    version = forms.IntegerField(label=gettext_lazy("Version"), widget=forms.HiddenInput, required=False)


class StageForm(NamesForm):
    probability = forms.IntegerField(min_value=0, max_value=100, label=gettext_lazy("Probability (%)"))


def _names_initial(record: Pipeline | Stage) -> dict[str, Any]:
    names = record.names or {}
    return {
        "name_en": names.get("en", "" if names.get("zh-hans") else record.name),
        "name_zh": names.get("zh-hans", ""),
        "version": record.version,
    }


def _settings_crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs((_("Pipelines and stages"), reverse("web:pipeline_settings")), *items)


@login_required
def pipeline_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_write(request.user, Stage)
    pipelines = list(Pipeline.objects.order_by("-is_default", "name", "pk"))
    in_use = dict(
        Opportunity.all_objects.values("stage_id").annotate(n=Count("id")).order_by().values_list("stage_id", "n")
    )
    stages: dict[int, list[Stage]] = {p.pk: [] for p in pipelines}
    for stage in Stage.objects.filter(pipeline__in=pipelines).order_by("order", "pk"):
        stage.deals = in_use.get(stage.pk, 0)
        stages[stage.pipeline_id].append(stage)
    context = {
        "title": _("Pipelines and stages"),
        "rows": [(p, stages[p.pk]) for p in pipelines],
        "breadcrumbs": crumbs((_("Pipelines and stages"), "")),
    }
    return render(request, "web/settings_pipelines.html", context)


def _form_page(request: HttpRequest, form: forms.Form, title: str, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit_label": _("Save"),
        "cancel_url": reverse("web:pipeline_settings"),
        "breadcrumbs": _settings_crumbs((title, "")),
    }
    return render(request, "web/settings_form.html", context, status=status)


def _get(model: type[Pipeline] | type[Stage], pk: int) -> Any:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("The record does not exist."))
    return obj


@login_required
def pipeline_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_write(request.user, Pipeline)
    pipeline = _get(Pipeline, pk)
    title = _("Rename pipeline %(name)s") % {"name": pipeline}
    if request.method != "POST":
        return _form_page(request, NamesForm(initial=_names_initial(pipeline)), title)
    form = NamesForm(request.POST)
    if form.is_valid():
        try:
            pipeline_rename(
                pipeline=pipeline,
                actor=request.user,
                names={"en": form.cleaned_data["name_en"], "zh-hans": form.cleaned_data["name_zh"]},
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            domain_errors_to_form(form, exc)
            return _form_page(request, form, title, 409 if isinstance(exc, VersionMismatch) else 422)
        messages.success(request, _("Pipeline saved."))
        return HttpResponseRedirect(reverse("web:pipeline_settings"))
    return _form_page(request, form, title, 422)


@login_required
def stage_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_write(request.user, Stage)
    stage = _get(Stage, pk)
    title = _("Edit stage %(name)s") % {"name": stage}
    if request.method != "POST":
        form = StageForm(initial={**_names_initial(stage), "probability": stage.probability})
        return _form_page(request, form, title)
    form = StageForm(request.POST)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name_en", "name_zh", "probability")}
        try:
            stage_update(stage=stage, actor=request.user, data=data, expected_version=form.cleaned_data["version"])
        except DomainError as exc:
            domain_errors_to_form(form, exc)
            return _form_page(request, form, title, 409 if isinstance(exc, VersionMismatch) else 422)
        messages.success(request, _("Stage saved."))
        return HttpResponseRedirect(reverse("web:pipeline_settings"))
    return _form_page(request, form, title, 422)


@login_required
@require_POST
def stage_move_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_write(request.user, Stage)
    stage = _get(Stage, pk)
    try:
        stage_move(
            stage=stage,
            actor=request.user,
            up=request.POST.get("direction") != "down",
            expected_version=posted_version(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("web:pipeline_settings"))


@login_required
@require_POST
def stage_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_write(request.user, Stage)
    stage = _get(Stage, pk)
    try:
        stage_delete(stage=stage, actor=request.user, expected_version=posted_version(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stage “%(name)s” deleted.") % {"name": stage})
    return HttpResponseRedirect(reverse("web:pipeline_settings"))
