"""Products, price lists and orders: the catalogue a quote draws on and the orders it turns into.

Products and price lists are reference data (everyone reads, sales ops and admin write); orders
follow the visibility of their account and owner. Orders are booked through the API or an
import; the pages show them and cancel them.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.crm.models import Currency, Order, OrderStatus, PriceList, PriceListItem, Product
from opensrm.crm.services import catalog, order_cancel
from opensrm.web import selectors
from opensrm.web.forms import RecordForm
from opensrm.web.listing import MINE_FILTER, Column, Filter, ListSpec
from opensrm.web.views.base import (
    Resource,
    delete_record,
    detail_context,
    form_page,
    list_page,
    posted_version,
    require_write,
    visible_or_404,
)


class ProductForm(RecordForm):
    class Meta:
        model = Product
        fields = ["code", "name", "product_line", "unit_price", "currency", "active"]


class PriceListForm(RecordForm):
    class Meta:
        model = PriceList
        fields = ["name", "currency", "active", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class PriceListItemForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.order_by("code"), label=gettext_lazy("Product"))
    unit_price = forms.DecimalField(min_value=0, max_digits=16, decimal_places=2, label=gettext_lazy("Unit price"))


PRODUCTS = Resource(
    key="product",
    model=Product,
    form=ProductForm,
    list_spec=ListSpec(
        columns=[
            Column("code", gettext_lazy("Code"), sort="code", link=True),
            Column("name", gettext_lazy("Name"), sort="name"),
            Column("product_line", gettext_lazy("Product line"), sort="product_line"),
            Column("unit_price", gettext_lazy("Unit price"), sort="unit_price"),
            Column("currency", gettext_lazy("Currency")),
            Column("active", gettext_lazy("Active")),
        ],
        filters=[Filter("currency", gettext_lazy("Currency"), "currency", list(Currency.choices))],
        search=["code", "name", "product_line"],
        default_sort="code",
    ),
    detail_fields=["code", "name", "product_line", "unit_price", "currency", "active", "created_at"],
)

PRICE_LISTS = Resource(
    key="pricelist",
    model=PriceList,
    form=PriceListForm,
    list_spec=ListSpec(
        columns=[
            Column("name", gettext_lazy("Name"), sort="name", link=True),
            Column("currency", gettext_lazy("Currency")),
            Column("active", gettext_lazy("Active")),
            Column("valid_from", gettext_lazy("Valid from"), sort="valid_from"),
            Column("valid_until", gettext_lazy("Valid until"), sort="valid_until"),
        ],
        filters=[],
        search=["name"],
        default_sort="name",
    ),
    detail_fields=["name", "currency", "active", "valid_from", "valid_until", "created_at"],
)

ORDERS = Resource(
    key="order",
    model=Order,
    form=RecordForm,
    creatable=False,
    select_related=("account", "owner", "opportunity"),
    list_spec=ListSpec(
        columns=[
            Column("number", gettext_lazy("Number"), sort="number", link=True),
            Column("account", gettext_lazy("Account")),
            Column("status", gettext_lazy("Status")),
            Column("total", gettext_lazy("Total"), sort="total"),
            Column("order_date", gettext_lazy("Order date"), sort="order_date"),
            Column("owner", gettext_lazy("Owner")),
        ],
        filters=[MINE_FILTER, Filter("status", gettext_lazy("Status"), "status", list(OrderStatus.choices))],
        search=["number", "account__name"],
        default_sort="-order_date",
    ),
    detail_fields=["account", "opportunity", "status", "order_date", "currency", "total", "owner", "created_at"],
)


# --- products ----------------------------------------------------------------------------------
@login_required
def product_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, PRODUCTS)


@login_required
def product_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, PRODUCTS, pk)
    context = detail_context(request, PRODUCTS, obj)
    context["timeline"] = selectors.timeline(selectors.history_entries(obj))
    context["price_lists"] = [
        (item.price_list, item.unit_price)
        for item in PriceListItem.objects.filter(product=obj, price_list__deleted_at__isnull=True)
        .select_related("price_list")
        .order_by("price_list__name")
    ]
    return render(request, "web/product_detail.html", context)


@login_required
def product_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, PRODUCTS)


@login_required
def product_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, PRODUCTS, pk)


@login_required
def product_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, PRODUCTS, pk)


# --- price lists -------------------------------------------------------------------------------
@login_required
def pricelist_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, PRICE_LISTS)


@login_required
def pricelist_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, PRICE_LISTS, pk)
    context = detail_context(request, PRICE_LISTS, obj)
    context["items"] = list(obj.items.select_related("product").order_by("product__code"))
    context["item_form"] = PriceListItemForm()
    context["timeline"] = selectors.timeline(selectors.history_entries(obj))
    return render(request, "web/pricelist_detail.html", context)


@login_required
def pricelist_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(request, PRICE_LISTS)


@login_required
def pricelist_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return form_page(request, PRICE_LISTS, pk)


@login_required
def pricelist_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, PRICE_LISTS, pk)


@login_required
@require_POST
def pricelist_item_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_write(user, PriceList)
    obj = visible_or_404(user, PRICE_LISTS, pk)
    form = PriceListItemForm(request.POST)
    if form.is_valid():
        try:
            catalog.price_list_item_set(
                price_list=obj,
                product=form.cleaned_data["product"],
                unit_price=Decimal(form.cleaned_data["unit_price"]),
                actor=user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Price saved."))
    else:
        messages.error(
            request, "; ".join(f"{form.fields[k].label}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        )
    return HttpResponseRedirect(PRICE_LISTS.url("detail", obj.pk))


@login_required
@require_POST
def pricelist_item_remove(request: AuthenticatedHttpRequest, pk: int, product_pk: int) -> HttpResponse:
    user = request.user
    require_write(user, PriceList)
    obj = visible_or_404(user, PRICE_LISTS, pk)
    product = Product.objects.filter(pk=product_pk).first()
    if product is None:
        raise Http404(_("The record does not exist."))
    try:
        catalog.price_list_item_remove(price_list=obj, product=product, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Product removed from the price list."))
    return HttpResponseRedirect(PRICE_LISTS.url("detail", obj.pk))


# --- orders ------------------------------------------------------------------------------------
@login_required
def order_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, ORDERS)


@login_required
def order_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(request.user, ORDERS, pk)
    context = detail_context(request, ORDERS, obj)
    # Orders are booked, not edited: the page offers cancellation instead of the edit form.
    context["can_cancel"] = context["can_write"] and obj.status == OrderStatus.BOOKED
    context["can_write"] = False
    context["lines"] = list(obj.lines.select_related("product"))
    context["timeline"] = selectors.timeline(selectors.history_entries(obj))
    return render(request, "web/order_detail.html", context)


@login_required
@require_POST
def order_cancel_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_write(user, Order)
    obj = visible_or_404(user, ORDERS, pk)
    try:
        order_cancel(order=obj, actor=user, expected_version=posted_version(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order %(number)s cancelled.") % {"number": obj.number})
    return HttpResponseRedirect(ORDERS.url("detail", obj.pk))
