"""Settings: exchange rates to the company's currency. Everyone may read them (the dashboard
says which rates its figures use); administrators and sales ops keep them. Every write goes
through :mod:`opensrm.core.currency` (version and history with the actor)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.currency import COMPANY_CURRENCY, currency_rate_create, currency_rate_update, rates_on
from opensrm.core.errors import DomainError, VersionMismatch
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.models import CurrencyRate
from opensrm.core.visibility import can_write
from opensrm.web.forms import RecordForm
from opensrm.web.views.base import crumbs, require_write


class CurrencyRateForm(RecordForm):
    class Meta:
        model = CurrencyRate
        fields = ["currency", "rate", "valid_from"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].help_text = _("Three letters, e.g. USD or EUR.")
        self.fields["rate"].help_text = _("What one unit of this currency is worth in %(currency)s.") % {
            "currency": COMPANY_CURRENCY
        }

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()


def _plain(rate: Decimal) -> str:
    """7.100000 as 7.1: a rate keeps the digits it was given."""
    return format(rate.normalize(), "f")


@login_required
def currency_rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    current = rates_on(today)
    rows = list(CurrencyRate.objects.order_by("currency", "-valid_from"))
    for row in rows:
        row.rate_text = _plain(row.rate)
    context = {
        "title": _("Exchange rates"),
        "rows": rows,
        "current": {code: _plain(rate) for code, rate in current.items() if code != COMPANY_CURRENCY},
        "today": today,
        "company_currency": COMPANY_CURRENCY,
        "can_edit": can_write(request.user, CurrencyRate),
        "breadcrumbs": crumbs((_("Exchange rates"), "")),
    }
    return render(request, "web/currency_rates.html", context)


@login_required
def currency_rate_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    require_write(user, CurrencyRate)
    instance = None
    if pk is not None:
        instance = CurrencyRate.objects.filter(pk=pk).first()
        if instance is None:
            raise Http404(_("The record does not exist."))
    status = 200
    if request.method == "POST":
        form = CurrencyRateForm(request.POST, instance=instance, user=user)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("currency", "rate", "valid_from")}
            try:
                if instance is None:
                    saved = currency_rate_create(actor=user, data=data)
                else:
                    saved = currency_rate_update(
                        rate=instance, actor=user, data=data, expected_version=form.expected_version()
                    )
            except VersionMismatch as exc:
                form.add_domain_error(exc)
                status = 409
            except DomainError as exc:
                form.add_domain_error(exc)
                status = 422
            else:
                messages.success(request, _("Rate %(rate)s saved.") % {"rate": saved})
                return HttpResponseRedirect(reverse("web:currency_rates"))
        else:
            status = 422
    else:
        form = CurrencyRateForm(
            instance=instance, user=user, initial=None if instance else {"valid_from": timezone.localdate()}
        )
    title = _("Edit rate %(rate)s") % {"rate": instance} if instance else _("New exchange rate")
    context = {
        "form": form,
        "title": title,
        "submit_label": _("Save"),
        "cancel_url": reverse("web:currency_rates"),
        "breadcrumbs": crumbs((_("Exchange rates"), reverse("web:currency_rates")), (title, "")),
    }
    return render(request, "web/settings_form.html", context, status=status)
