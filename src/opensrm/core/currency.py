"""Money in several currencies: the exchange rates and the conversion of sums to the company's
currency.

Amounts are summed per currency by the database, then converted here with the rate of each
currency valid on one day. A currency without a rate is never summed with the others: it is
reported as left out, with its own total, so a figure never silently mixes yuan and dollars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.models import CurrencyRate
from opensrm.core.services import record_create, record_update

if TYPE_CHECKING:  # core imports no app at run time
    from opensrm.people.models import User

# The company's currency: what the ``money`` filter shows a figure in when none is named.
COMPANY_CURRENCY = "CNY"
ZERO = Decimal("0")


def rates_on(day: dt.date) -> dict[str, Decimal]:
    """Each currency's rate valid on ``day`` (its latest ``valid_from`` on or before it); the
    company's currency is 1. Rates are a small table: read once, newest first."""
    rates = {COMPANY_CURRENCY: Decimal("1")}
    for currency, rate in (
        CurrencyRate.objects.filter(valid_from__lte=day)
        .order_by("currency", "-valid_from")
        .values_list("currency", "rate")
    ):
        rates.setdefault(currency, rate)
    return rates


@dataclass
class Converter:
    """Converts per-currency amounts at the rates of one day and keeps what it could not convert."""

    day: dt.date
    rates: dict[str, Decimal]
    left_out: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def on(cls, day: dt.date) -> Converter:
        return cls(day=day, rates=rates_on(day))

    def convert(self, amount: Decimal | None, currency: str | None) -> Decimal:
        """``amount`` in the company currency; zero (and noted as left out) without a rate."""
        if not amount:
            return ZERO
        code = currency or COMPANY_CURRENCY
        rate = self.rates.get(code)
        if rate is None:
            self.left_out[code] = self.left_out.get(code, ZERO) + amount
            return ZERO
        return amount if rate == 1 else (amount * rate).quantize(Decimal("0.01"))

    def total(self, amounts: Iterable[tuple[Decimal | None, str | None]]) -> Decimal:
        return sum((self.convert(a, c) for a, c in amounts), ZERO)

    def left_out_list(self) -> list[tuple[str, Decimal]]:
        return sorted((c, a) for c, a in self.left_out.items() if a)

    def merge_left_out(self, other: Mapping[str, Decimal]) -> None:
        for code, amount in other.items():
            self.left_out[code] = self.left_out.get(code, ZERO) + amount


def _check(data: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    if "currency" in clean:
        clean["currency"] = str(clean["currency"] or "").strip().upper()
        if clean["currency"] == COMPANY_CURRENCY:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"currency": [_("The company's own currency needs no rate.")]},
            )
    return clean


def currency_rate_create(*, actor: User, data: Mapping[str, Any]) -> CurrencyRate:
    """A new rate of a currency from a day on (admin and sales ops only)."""
    return record_create(model=CurrencyRate, actor=actor, data=_check(data))


def currency_rate_update(
    *, rate: CurrencyRate, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> CurrencyRate:
    """Correct a rate; the version moves on and the history names the actor."""
    return record_update(instance=rate, actor=actor, data=_check(data), expected_version=expected_version)
