"""Amounts carry their currency and thousands separators; 万 / 亿 in Chinese summaries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from opensrm.web.templatetags.web import compact_money, money


@pytest.mark.parametrize(
    ("language", "value", "arg", "expected"),
    [
        ("zh-hans", Decimal("1234567"), None, "¥1,234,567"),
        ("en", Decimal("1234567"), None, "CN¥1,234,567"),
        ("zh-hans", Decimal("1234.5"), "CNY", "¥1,234.50"),
        ("zh-hans", Decimal("1234.5"), "USD", "US$1,234.50"),
        ("en", Decimal("1234.5"), "USD", "$1,234.50"),
        ("en", Decimal("1000"), "JPY", "¥1,000"),
        ("zh-hans", Decimal("1234.5"), 2, "¥1,234.50"),
        ("zh-hans", Decimal("99.99"), "EUR:0", "€100"),
        ("zh-hans", None, "CNY", "—"),
    ],
)
def test_money_shows_the_currency_and_separators(language, value, arg, expected):
    with translation.override(language):
        assert money(value, arg) == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("zh-hans", Decimal("12345678"), "¥1234.6万"),
        ("zh-hans", Decimal("123456789"), "¥1.23亿"),
        ("zh-hans", Decimal("9999"), "¥9,999"),
        ("en", Decimal("12345678"), "CN¥12.3M"),
        ("en", Decimal("2500000000"), "CN¥2.5B"),
    ],
)
def test_compact_money_uses_wan_and_yi_in_chinese(language, value, expected):
    with translation.override(language):
        assert compact_money(value) == expected


def test_templates_pass_the_records_currency():
    with translation.override("zh-hans"):
        html = Template("{% load web %}{{ o.amount|money:o.currency }}").render(
            Context({"o": {"amount": Decimal("1500000"), "currency": "HKD"}})
        )
    assert html == "HK$1,500,000.00"


def test_money_takes_a_record_and_uses_its_currency(org, pipeline):
    from tests.factories import make_account, make_opportunity

    account = make_account(org.rep_a)
    opportunity = make_opportunity(account, org.rep_a, pipeline)
    opportunity.currency = "USD"
    with translation.override("en"):
        assert money(Decimal("10"), opportunity) == "$10.00"
        assert money(Decimal("10"), account) == "CN¥10.00"  # an account has no currency: the default


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "2026-12-03"), ("en", "3 Dec 2026")])
def test_one_date_format_per_language(language, expected):
    import datetime as dt

    from django.utils import formats

    day, moment = dt.date(2026, 12, 3), dt.datetime(2026, 12, 3, 9, 5)
    with translation.override(language):
        assert formats.date_format(day, "DATE_FORMAT") == expected
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == expected
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT").startswith(expected)
        assert formats.date_format(moment, "DATETIME_FORMAT").startswith(expected)


def test_english_messages_start_with_a_capital(client, org):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    org.rep_a.language = "en"
    org.rep_a.save(update_fields=["language"])
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:account_create"),
        {"name": "Wuxi Motors", "country": "CN", "industry": "other", "status": "prospect", "owner": org.rep_a.pk},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message[0].isupper(), message
