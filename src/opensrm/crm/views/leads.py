from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opensrm.core.errors import DomainError, VersionMismatch
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.crm.forms import LeadConvertForm, LeadForm
from opensrm.crm.models import Activity, Industry, Lead, LeadStatus
from opensrm.crm.services import lead_convert
from opensrm.web import selectors
from opensrm.web.listing import MINE_FILTER, Column, Filter, ListSpec
from opensrm.web.views.base import (
    Resource,
    crumbs,
    delete_record,
    detail_context,
    form_page,
    list_page,
    require_write,
    visible_or_404,
)

RESOURCE = Resource(
    key="lead",
    model=Lead,
    form=LeadForm,
    select_related=("owner",),
    list_spec=ListSpec(
        columns=[
            Column("name", gettext_lazy("Name"), sort="name", link=True),
            Column("company", gettext_lazy("Company"), sort="company"),
            Column("status", gettext_lazy("Status"), sort="status"),
            Column("source", gettext_lazy("Source")),
            Column("city", gettext_lazy("City")),
            Column("owner", gettext_lazy("Owner")),
            Column("created_at", gettext_lazy("Created"), sort="created_at"),
        ],
        filters=[
            MINE_FILTER,
            Filter("status", gettext_lazy("Status"), "status", list(LeadStatus.choices)),
            Filter("industry", gettext_lazy("Industry"), "industry", list(Industry.choices)),
        ],
        search=["name", "company", "email"],
    ),
    detail_fields=[
        "company",
        "title",
        "email",
        "phone",
        "source",
        "industry",
        "country",
        "province",
        "city",
        "estimated_value",
        "status",
        "owner",
        "converted_at",
        "created_at",
    ],
)


@login_required
def lead_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, RESOURCE)


@login_required
def lead_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, RESOURCE, pk)
    context = detail_context(request, RESOURCE, obj)
    context["timeline"] = selectors.timeline(
        selectors.activity_entries(request.user, Activity.objects.filter(lead=obj)),
        selectors.history_entries(obj),
    )
    context["can_convert"] = context["can_write"] and obj.status != LeadStatus.CONVERTED
    return render(request, "crm/lead_detail.html", context)


@login_required
def lead_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, RESOURCE)


@login_required
def lead_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, RESOURCE, pk)


@login_required
def lead_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)


@login_required
def lead_convert_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One step: account (new or existing), contact and, optionally, an opportunity."""
    user = request.user
    require_write(user, Lead)
    lead = visible_or_404(user, RESOURCE, pk)
    status = 200
    if request.method == "POST":
        form = LeadConvertForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                account, _contact, opportunity = lead_convert(
                    lead=lead,
                    actor=user,
                    account=d["account"],
                    create_opportunity=d["create_opportunity"],
                    opportunity_name=d["opportunity_name"],
                    amount=d["amount"],
                    expected_close_date=d["expected_close_date"],
                    expected_version=d["version"],
                )
            except (VersionMismatch, DomainError) as exc:
                form.add_error(None, exc.message)
                for name, errs in exc.field_errors.items():
                    for e in errs:
                        form.add_error(name if name in form.fields else None, e)
            else:
                messages.success(request, _("Lead converted."))
                target = (
                    reverse("web:opportunity_detail", args=[opportunity.pk])
                    if opportunity
                    else reverse("web:account_detail", args=[account.pk])
                )
                return HttpResponseRedirect(target)
        status = 422
    else:
        form = LeadConvertForm(
            user=user,
            initial={
                "version": lead.version,
                "opportunity_name": lead.company,
                "amount": lead.estimated_value,
            },
        )
    context = {
        "lead": lead,
        "form": form,
        "breadcrumbs": crumbs(
            (RESOURCE.plural, RESOURCE.url("list")),
            (str(lead), RESOURCE.url("detail", lead.pk)),
            (_("Convert"), ""),
        ),
    }
    return render(request, "crm/lead_convert.html", context, status=status)
