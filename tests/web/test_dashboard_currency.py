"""The dashboard converts amounts in several currencies to the company's currency at the rates
valid on the day, leaves out (and names) currencies without a rate, and says which rates it used.
The exchange-rate settings page is kept by administrators and sales ops, read by everyone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from opensrm.core.currency import Converter, currency_rate_create, currency_rate_update, rates_on
from opensrm.core.errors import PermissionDenied, ValidationFailed
from opensrm.core.models import CurrencyRate
from opensrm.crm.models import Product
from opensrm.crm.services import order_create
from opensrm.crm.services.opportunities import opportunity_create
from opensrm.web.dashboard import build_dashboard
from tests.factories import make_account

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _rate(org, code: str, rate: str, day: dt.date) -> CurrencyRate:
    return currency_rate_create(actor=org.ops, data={"currency": code, "rate": Decimal(rate), "valid_from": day})


def _deal(org, pipeline, owner, amount: str, currency: str):
    account = make_account(owner, name=f"{owner.username} {currency} {amount}")
    return opportunity_create(
        actor=owner,
        data={
            "account": account,
            "name": f"{currency} deal",
            "pipeline": pipeline,
            "amount": Decimal(amount),
            "currency": currency,
            "expected_close_date": dt.date(2026, 9, 30),
            "owner": owner,
        },
    )


def _order(owner, total: str, currency: str, day: dt.date):
    product = Product.objects.get_or_create(code="FX-1", defaults={"name": "Unit", "unit_price": Decimal("1")})[0]
    account = make_account(owner, name=f"{owner.username} order {currency} {total} {day}")
    return order_create(
        actor=owner,
        data={"number": f"O-{account.pk}", "account": account, "order_date": day, "currency": currency},
        lines=[{"product": product, "quantity": 1, "unit_price": Decimal(total)}],
    )


@pytest.fixture
def book(org, pipeline):
    _rate(org, "USD", "7.000000", dt.date(2026, 1, 1))
    _rate(org, "USD", "7.200000", dt.date(2026, 5, 1))  # the one valid on TODAY
    _rate(org, "USD", "9.000000", dt.date(2026, 6, 1))  # not yet valid
    _rate(org, "EUR", "8.000000", dt.date(2026, 3, 1))
    _deal(org, pipeline, org.rep_a, "1000.00", "CNY")
    _deal(org, pipeline, org.rep_a, "100.00", "USD")
    _deal(org, pipeline, org.rep_a, "50.00", "EUR")
    _deal(org, pipeline, org.rep_a, "300.00", "JPY")  # no rate: left out
    _order(org.rep_a, "500.00", "CNY", dt.date(2026, 4, 10))
    _order(org.rep_a, "10.00", "USD", dt.date(2026, 5, 2))
    _order(org.rep_a, "20.00", "EUR", dt.date(2025, 4, 15))  # last year, same days
    _order(org.rep_a1, "1000.00", "USD", dt.date(2026, 4, 12))
    return org


def test_rates_valid_on_a_day_and_the_conversion(book):
    assert rates_on(TODAY) == {"CNY": Decimal("1"), "USD": Decimal("7.2"), "EUR": Decimal("8")}
    assert rates_on(dt.date(2026, 2, 1))["USD"] == Decimal("7")
    money = Converter.on(TODAY)
    assert money.total([(Decimal("10"), "USD"), (Decimal("5"), "CNY"), (Decimal("3"), "GBP")]) == Decimal("77.00")
    assert money.left_out_list() == [("GBP", Decimal("3"))]


def test_a_reps_dashboard_converts_and_names_what_it_left_out(book):
    board = build_dashboard(book.rep_a, today=TODAY)
    # 1000 CNY + 100 USD x 7.2 + 50 EUR x 8; the 300 JPY has no rate.
    assert board.pipeline_total == Decimal("2120.00")
    assert board.bookings_total == Decimal("572.00")  # 500 CNY + 10 USD x 7.2
    assert board.bookings_last_year_total == Decimal("160.00")  # 20 EUR x 8
    assert board.left_out == [("JPY", Decimal("300.00"))]
    assert board.rates_day == TODAY
    assert sum(s["amount"] for s in board.stages) == Decimal("2120.00")


def test_the_per_rep_table_converts_too(book):
    rows = {r.user.username: r for r in build_dashboard(book.manager_a, today=TODAY).reps}
    assert rows["rep_a"].pipeline_amount == Decimal("2120.00")
    assert rows["rep_a"].bookings == Decimal("572.00")
    assert rows["rep_a1"].bookings == Decimal("7200.00")


def test_the_home_page_states_the_rates_day_and_the_left_out_amounts(book):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(book.rep_a)
    html = client.get("/").content.decode()
    assert "Amounts in CNY, converted at the rates valid on" in html
    assert "data-left-out" in html
    assert "JPY" in html
    assert 'href="/settings/exchange-rates/"' in html
    _rate(book, "JPY", "0.050000", dt.date(2026, 1, 1))
    html = client.get("/").content.decode()
    assert "data-left-out" not in html


def test_rates_are_kept_by_admin_and_sales_ops_with_version_and_history(org):
    rate = _rate(org, "usd", "7.1", dt.date(2026, 1, 1))
    assert rate.currency == "USD"
    assert rate.version == 1
    rate = currency_rate_update(rate=rate, actor=org.admin, data={"rate": Decimal("7.15")}, expected_version=1)
    latest = rate.history.order_by("-history_id").first()
    assert (rate.version, latest.history_user_id, latest.rate) == (2, org.admin.pk, Decimal("7.15"))
    with pytest.raises(PermissionDenied):
        currency_rate_create(
            actor=org.rep_a, data={"currency": "EUR", "rate": Decimal("8"), "valid_from": dt.date(2026, 1, 1)}
        )
    with pytest.raises(ValidationFailed) as refused:
        _rate(org, "CNY", "1", dt.date(2026, 1, 1))
    assert "currency" in refused.value.field_errors
    with pytest.raises(ValidationFailed):
        _rate(org, "USD", "7.3", dt.date(2026, 1, 1))  # the same currency and day twice


def test_the_rates_page(org):
    ops = Client(headers={"Accept-Language": "en"})
    ops.force_login(org.ops)
    page = ops.get("/settings/exchange-rates/new/")
    assert page.status_code == 200
    response = ops.post("/settings/exchange-rates/new/", {"currency": "eur", "rate": "7.9", "valid_from": "2026-02-01"})
    assert response.status_code == 302
    rate = CurrencyRate.objects.get()
    assert (rate.currency, rate.rate, rate.version) == ("EUR", Decimal("7.9"), 1)
    bad = ops.post("/settings/exchange-rates/new/", {"currency": "EURO", "rate": "-1", "valid_from": "2026-02-01"})
    assert bad.status_code == 422
    assert CurrencyRate.objects.count() == 1
    stale = ops.post(
        f"/settings/exchange-rates/{rate.pk}/",
        {"currency": "EUR", "rate": "8", "valid_from": "2026-02-01", "version": "7"},
    )
    assert stale.status_code == 409
    assert CurrencyRate.objects.get().rate == Decimal("7.9")

    rep = Client(headers={"Accept-Language": "en"})
    rep.force_login(org.rep_a)
    listing = rep.get("/settings/exchange-rates/").content.decode()
    assert "1 EUR = 7.9 CNY" in listing
    assert "/settings/exchange-rates/new/" not in listing
    assert (
        rep.post(
            "/settings/exchange-rates/new/", {"currency": "USD", "rate": "7", "valid_from": "2026-02-01"}
        ).status_code
        == 403
    )
    assert (
        rep.post(
            f"/settings/exchange-rates/{rate.pk}/",
            {"currency": "EUR", "rate": "1", "valid_from": "2026-02-01", "version": "1"},
        ).status_code
        == 403
    )
    assert CurrencyRate.objects.get().rate == Decimal("7.9")


def test_board_column_totals_convert_and_keep_the_unrated_apart(book, pipeline):
    from django.utils import timezone

    client = Client(headers={"Accept-Language": "en"})
    client.force_login(book.rep_a)
    response = client.get(f"/opportunities/board/?pipeline={pipeline.pk}")
    first = response.context["columns"][0]
    usd = rates_on(timezone.localdate())["USD"]
    assert first["count"] == 4
    assert first["amount"] == Decimal("1000.00") + Decimal("100.00") * usd + Decimal("400.00")
    assert first["left_out"] == [("JPY", Decimal("300.00"))]
    assert "data-left-out" in response.content.decode()
