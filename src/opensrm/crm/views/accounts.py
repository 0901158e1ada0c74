from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.visibility import visible
from opensrm.crm.forms import AccountForm
from opensrm.crm.models import Account, AccountStatus, Activity, Contact, Industry, Opportunity, Order, Tier
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

RESOURCE = Resource(
    key="account",
    model=Account,
    form=AccountForm,
    select_related=("owner",),
    list_spec=ListSpec(
        columns=[
            Column("name", _("Name"), sort="name", link=True),
            Column("industry", _("Industry"), sort="industry"),
            Column("status", _("Status"), sort="status"),
            Column("tier", _("Tier"), sort="tier"),
            Column("city", _("City"), sort="city"),
            Column("owner", _("Owner")),
            Column("created_at", _("Created"), sort="created_at"),
        ],
        filters=[
            MINE_FILTER,
            Filter("status", _("Status"), "status", list(AccountStatus.choices)),
            Filter("industry", _("Industry"), "industry", list(Industry.choices)),
            Filter("tier", _("Tier"), "tier", list(Tier.choices)),
        ],
        search=["name", "city"],
    ),
    detail_fields=[
        "industry",
        "status",
        "tier",
        "employees",
        "annual_revenue",
        "country",
        "province",
        "city",
        "address",
        "website",
        "phone",
        "owner",
        "territory",
        "created_at",
    ],
)


@login_required
def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, RESOURCE)


@login_required
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    obj = visible_or_404(user, RESOURCE, pk)
    context = detail_context(request, RESOURCE, obj)
    # The cards count every visible record, not just the first 50 listed below them.
    account_opportunities = visible(user, Opportunity.objects.filter(account=obj))
    context.update(
        open_opportunity_count=account_opportunities.filter(stage__is_won=False, stage__is_lost=False).count(),
        contact_count=visible(user, Contact.objects.filter(account=obj)).count(),
        contacts=list(
            visible(user, Contact.objects.filter(account=obj)).order_by("-is_primary", "name")[:50]
        ),
        opportunities=list(
            account_opportunities.select_related("stage")
            .order_by("-created_at")[:50]
        ),
        orders=list(visible(user, Order.objects.filter(account=obj)).order_by("-order_date")[:20]),
        timeline=selectors.timeline(
            selectors.activity_entries(user, Activity.objects.filter(account=obj)),
            selectors.history_entries(obj),
        ),
    )
    return render(request, "crm/account_detail.html", context)


@login_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, RESOURCE)


@login_required
def account_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, RESOURCE, pk)


@login_required
def account_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)
