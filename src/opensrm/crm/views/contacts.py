from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.crm.forms import ContactForm
from opensrm.crm.models import Activity, Contact
from opensrm.web import selectors
from opensrm.web.listing import MINE_FILTER, Column, ListSpec
from opensrm.web.views.base import (
    Resource,
    delete_record,
    detail_context,
    form_page,
    list_page,
    visible_or_404,
)

RESOURCE = Resource(
    key="contact",
    model=Contact,
    form=ContactForm,
    select_related=("owner", "account"),
    list_spec=ListSpec(
        columns=[
            Column("name", _("Name"), sort="name", link=True),
            Column("account", _("Account")),
            Column("title", _("Title")),
            Column("email", _("E-mail")),
            Column("phone", _("Phone")),
            Column("owner", _("Owner")),
            Column("created_at", _("Created"), sort="created_at"),
        ],
        filters=[MINE_FILTER],
        search=["name", "email", "phone"],
    ),
    detail_fields=[
        "account",
        "title",
        "email",
        "phone",
        "wechat",
        "language",
        "is_primary",
        "owner",
        "created_at",
    ],
)


@login_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, RESOURCE)


@login_required
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, RESOURCE, pk)
    context = detail_context(request, RESOURCE, obj)
    context["timeline"] = selectors.timeline(
        selectors.activity_entries(request.user, Activity.objects.filter(contact=obj)),
        selectors.history_entries(obj),
    )
    return render(request, "crm/contact_detail.html", context)


@login_required
def contact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, RESOURCE)


@login_required
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, RESOURCE, pk)


@login_required
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)
