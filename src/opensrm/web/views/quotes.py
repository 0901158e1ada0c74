"""Quote pages: list, detail with its actions (submit, approve, send, accept), the header and
lines editor, and the PDF. Every write goes through :mod:`opensrm.crm.services.quotes`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError, VersionMismatch
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.visibility import find_visible, visible
from opensrm.crm.documents import quote_pdf
from opensrm.crm.models import Contact, Opportunity, PriceList, Product, Quote, QuoteLanguage, QuoteStatus
from opensrm.crm.services import quotes as services
from opensrm.web import selectors
from opensrm.web.forms import RecordForm, form_field
from opensrm.web.listing import MINE_FILTER, Column, Filter, ListSpec
from opensrm.web.views.base import (
    Resource,
    crumbs,
    delete_record,
    detail_context,
    list_page,
    posted_version,
    require_write,
)

MAX_LINES = 50


class QuoteForm(RecordForm):
    """The quote's header. A new quote names its opportunity; lines are edited on the same page."""

    class Meta:
        model = Quote
        fields = ["contact", "valid_until", "language", "notes"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, opportunity: Opportunity | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account_id = opportunity.account_id if opportunity is not None else self.instance.account_id
        contacts = visible(self.user, Contact.objects.filter(account_id=account_id))
        form_field(self, "contact", forms.ModelChoiceField).queryset = contacts
        self.fields["notes"].widget.attrs["rows"] = 3
        if opportunity is not None:
            self.fields["price_list"] = forms.ModelChoiceField(
                PriceList.objects.filter(active=True), required=False, label=gettext_lazy("Price list")
            )
            self.fields["valid_until"].required = False


class NewQuoteForm(forms.Form):
    opportunity = forms.IntegerField(widget=forms.HiddenInput)


class LineForm(forms.Form):
    product = forms.ModelChoiceField(
        Product.objects.filter(active=True).order_by("code"), label=gettext_lazy("Product")
    )
    description = forms.CharField(max_length=255, required=False, label=gettext_lazy("Description"))
    quantity = forms.DecimalField(
        min_value=0.01, max_digits=12, decimal_places=2, label=gettext_lazy("Quantity"), localize=False
    )
    unit_price = forms.DecimalField(
        min_value=0, max_digits=16, decimal_places=2, required=False, label=gettext_lazy("Unit price")
    )
    discount_pct = forms.DecimalField(
        min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=0, label=gettext_lazy("Discount (%)")
    )


LineFormSet = forms.formset_factory(LineForm, extra=1, max_num=MAX_LINES, validate_max=True, can_delete=True)

STATUS_FILTER = Filter("status", gettext_lazy("Status"), "status", list(QuoteStatus.choices))

RESOURCE = Resource(
    key="quote",
    model=Quote,
    form=QuoteForm,
    creatable=False,
    select_related=("owner", "account", "opportunity", "contact", "approved_by", "price_list"),
    list_spec=ListSpec(
        columns=[
            Column("number", gettext_lazy("Number"), sort="number", link=True),
            Column("account", gettext_lazy("Account")),
            Column("opportunity", gettext_lazy("Opportunity")),
            Column("status", gettext_lazy("Status")),
            Column("total", gettext_lazy("Total"), sort="total"),
            Column("valid_until", gettext_lazy("Valid until"), sort="valid_until"),
            Column("owner", gettext_lazy("Owner")),
        ],
        filters=[MINE_FILTER, STATUS_FILTER],
        search=["number", "account__name", "opportunity__name"],
    ),
    detail_fields=[
        "account",
        "opportunity",
        "contact",
        "price_list",
        "currency",
        "language",
        "valid_until",
        "owner",
        "approved_by",
        "approved_at",
        "sent_to",
        "sent_at",
        "created_at",
    ],
)


def _quote_or_404(request: AuthenticatedHttpRequest, pk: int) -> Quote:
    quote = find_visible(request.user, Quote, pk, related=RESOURCE.select_related)
    if quote is None:
        raise Http404(_("The record does not exist."))
    return quote


@login_required
def quote_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return list_page(request, RESOURCE)


@login_required
def quote_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    context = detail_context(request, RESOURCE, quote)
    user = request.user
    writable = context["can_write"]
    context.update(
        {
            "lines": list(quote.lines.select_related("product")),
            "can_edit": writable and quote.is_editable,
            "can_submit": writable and quote.status == QuoteStatus.DRAFT,
            "can_decide": quote.status == QuoteStatus.PENDING and services.may_approve(user, quote),
            "can_send": writable and quote.status in (QuoteStatus.APPROVED, QuoteStatus.SENT),
            "can_close": writable and quote.status == QuoteStatus.SENT,
            "threshold": Quote.approval_threshold(),
            "needs_approval": quote.needs_approval,
            "send_to": quote.sent_to or (quote.contact.email if quote.contact else ""),
            "timeline": selectors.timeline(selectors.history_entries(quote)),
        }
    )
    return render(request, "web/quote_detail.html", context)


def _line_rows(formset: Any) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("product") is None:
            continue
        rows.append(
            {
                "product": data["product"],
                "description": data.get("description") or "",
                "quantity": data["quantity"],
                "unit_price": data.get("unit_price"),
                "discount_pct": data.get("discount_pct") or 0,
            }
        )
    return rows


def _initial_lines(quote: Quote) -> list[dict[str, Any]]:
    return [
        {
            "product": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount_pct,
        }
        for line in quote.lines.all()
    ]


@login_required
def quote_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New quote for the opportunity named in ``?opportunity=``: its lines are copied."""
    user = request.user
    require_write(user, Quote)
    raw = request.POST.get("opportunity") or request.GET.get("opportunity") or ""
    opportunity = (
        visible(user, Opportunity.objects.select_related("account")).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if opportunity is None:
        messages.error(request, _("Open the opportunity you want to quote and choose “New quote” there."))
        return HttpResponseRedirect(RESOURCE.url("list"))
    if request.method == "POST":
        form = QuoteForm(request.POST, user=user, opportunity=opportunity)
        if form.is_valid():
            data = form.service_data()
            if not data.get("valid_until"):
                data.pop("valid_until", None)
            try:
                quote = services.quote_create(actor=user, opportunity=opportunity, data=data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Quote %(number)s created.") % {"number": quote.number})
                return HttpResponseRedirect(RESOURCE.url("detail", quote.pk))
        status = 422
    else:
        form = QuoteForm(
            user=user,
            opportunity=opportunity,
            initial={"language": QuoteLanguage.EN if request.LANGUAGE_CODE == "en" else QuoteLanguage.ZH},
        )
        status = 200
    title = _("New quote for %(name)s") % {"name": opportunity}
    context = {
        "res": RESOURCE,
        "form": form,
        "obj": None,
        "title": title,
        "opportunity": opportunity,
        "lines": list(opportunity.lines.select_related("product")),
        "breadcrumbs": crumbs(
            (str(Opportunity._meta.verbose_name_plural), reverse("web:opportunity_list")),
            (str(opportunity), reverse("web:opportunity_detail", args=[opportunity.pk])),
            (title, ""),
        ),
    }
    return render(request, "web/quote_new.html", context, status=status)


@login_required
def quote_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_write(user, Quote)
    quote = _quote_or_404(request, pk)
    stale = False
    if request.method == "POST":
        form = QuoteForm(request.POST, instance=quote, user=user)
        formset = LineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            rows = _line_rows(formset)
            try:
                services.quote_update(
                    quote=quote,
                    actor=user,
                    data=form.service_data(),
                    lines=rows,
                    expected_version=form.expected_version(),
                )
            except VersionMismatch as exc:
                stale = True
                form.add_domain_error(exc)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Changes to “%(name)s” saved.") % {"name": quote.number})
                return HttpResponseRedirect(RESOURCE.url("detail", quote.pk))
        status = 409 if stale else 422
    else:
        form = QuoteForm(instance=quote, user=user)
        formset = LineFormSet(initial=_initial_lines(quote), prefix="lines")
        status = 200
    title = _("Edit %(name)s") % {"name": quote.number}
    context = {
        "res": RESOURCE,
        "form": form,
        "formset": formset,
        "obj": quote,
        "stale": stale,
        "title": title,
        "breadcrumbs": crumbs(
            (RESOURCE.plural, RESOURCE.url("list")), (quote.number, RESOURCE.url("detail", pk)), (title, "")
        ),
    }
    return render(request, "web/quote_edit.html", context, status=status)


@login_required
def quote_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return delete_record(request, RESOURCE, pk)


@login_required
@require_POST
def quote_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """submit, approve, refuse, send, accept or decline; each is one service call."""
    user = request.user
    quote = _quote_or_404(request, pk)
    version = posted_version(request)
    calls = {
        "submit": lambda: services.quote_submit(quote=quote, actor=user, expected_version=version),
        "approve": lambda: services.quote_decide(quote=quote, actor=user, approve=True, expected_version=version),
        "refuse": lambda: services.quote_decide(quote=quote, actor=user, approve=False, expected_version=version),
        "send": lambda: services.quote_send(
            quote=quote,
            actor=user,
            to=request.POST.get("to", ""),
            message=request.POST.get("message", "")[:4000],
            expected_version=version,
        ),
        "accept": lambda: services.quote_close(quote=quote, actor=user, accepted=True, expected_version=version),
        "decline": lambda: services.quote_close(quote=quote, actor=user, accepted=False, expected_version=version),
    }
    if action not in calls:
        raise Http404(_("The record does not exist."))
    if action not in ("approve", "refuse"):  # approval rights are checked by the service
        require_write(user, Quote)
    try:
        updated = calls[action]()
    except DomainError as exc:
        detail = "; ".join(m for msgs in exc.field_errors.values() for m in msgs)
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        done = {
            "submit": _("Quote %(number)s is awaiting approval.")
            if updated.status == QuoteStatus.PENDING
            else _("Quote %(number)s is approved and ready to send."),
            "approve": _("Quote %(number)s approved."),
            "refuse": _("Quote %(number)s sent back to draft."),
            "send": _("Quote %(number)s sent."),
            "accept": _("Quote %(number)s marked as accepted."),
            "decline": _("Quote %(number)s marked as declined."),
        }[action]
        messages.success(request, done % {"number": updated.number})
    return HttpResponseRedirect(RESOURCE.url("detail", quote.pk))


@login_required
def quote_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    quote = _quote_or_404(request, pk)
    try:
        pdf = quote_pdf(quote)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(RESOURCE.url("detail", quote.pk))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response
