from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.visibility import can_write, visible
from opensrm.crm.forms import OpportunityForm
from opensrm.crm.models import Activity, Opportunity, Quote
from opensrm.crm.services import opportunity_create, opportunity_update
from opensrm.web import selectors
from opensrm.web.listing import MINE_FILTER, Column, Filter, ListSpec
from opensrm.web.views.base import (
    Resource,
    delete_record,
    detail_context,
    form_page,
    list_page,
    visible_or_404,
)


def _update(
    *, instance: Opportunity, actor: Any, data: dict[str, Any], expected_version: int | None
) -> Opportunity:
    # The service names its record "opportunity"; the generic form page passes "instance".
    return opportunity_update(opportunity=instance, actor=actor, data=data, expected_version=expected_version)


STATE_FILTER = Filter("state", _("State"), "", [("open", _("Open")), ("won", _("Won")), ("lost", _("Lost"))])

RESOURCE = Resource(
    key="opportunity",
    model=Opportunity,
    form=OpportunityForm,
    select_related=("owner", "account", "stage"),
    create=opportunity_create,
    update=_update,
    list_spec=ListSpec(
        columns=[
            Column("name", _("Name"), sort="name", link=True),
            Column("account", _("Account")),
            Column("stage", _("Stage")),
            Column("amount", _("Amount"), sort="amount"),
            Column("expected_close_date", _("Expected close date"), sort="expected_close_date"),
            Column("owner", _("Owner")),
        ],
        filters=[MINE_FILTER, STATE_FILTER],
        search=["name", "account__name"],
    ),
    detail_fields=[
        "account",
        "pipeline",
        "stage",
        "amount",
        "currency",
        "expected_close_date",
        "closed_at",
        "source",
        "lost_reason",
        "competitors",
        "owner",
        "created_at",
    ],
)

STATE_LOOKUPS: dict[str, dict[str, Any]] = {
    "open": {"stage__is_won": False, "stage__is_lost": False},
    "won": {"stage__is_won": True},
    "lost": {"stage__is_lost": True},
}


@login_required
def opportunity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    base = Opportunity.objects.all()
    state = request.GET.get("state", "")
    if state in STATE_LOOKUPS:
        base = base.filter(**STATE_LOOKUPS[state])
    return list_page(request, RESOURCE, base_qs=base)


@login_required
def opportunity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    obj = visible_or_404(user, RESOURCE, pk)
    context = detail_context(request, RESOURCE, obj)
    context["stages"] = selectors.stages_for(obj.pipeline_id)
    context["opportunity_lines"] = list(obj.lines.select_related("product"))
    context["quotes"] = list(visible(user, obj.quotes.all()).order_by("-created_at"))
    context["can_quote"] = can_write(user, Quote)
    context["timeline"] = selectors.timeline(
        selectors.activity_entries(user, Activity.objects.filter(opportunity=obj)),
        selectors.stage_entries(obj),
        selectors.history_entries(obj),
    )
    return render(request, "crm/opportunity_detail.html", context)


@login_required
def opportunity_create_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, RESOURCE)


@login_required
def opportunity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, RESOURCE, pk)


@login_required
def opportunity_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)
