"""Quotes: built from opportunity lines, approval above the discount threshold, PDF in both
languages with the CJK font embedded, sent by e-mail and recorded on the timeline."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import override_settings
from pypdf import PdfReader

from opensrm.core.errors import Conflict, PermissionDenied, ValidationFailed, VersionMismatch
from opensrm.core.services import record_create
from opensrm.crm.documents import quote_pdf
from opensrm.crm.models import (
    Activity,
    ActivityKind,
    Contact,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from opensrm.crm.services import opportunity_line_add
from opensrm.crm.services.quotes import (
    may_approve,
    quote_close,
    quote_create,
    quote_decide,
    quote_send,
    quote_submit,
    quote_update,
)
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db

EMAIL = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


@pytest.fixture
def deal(org, pipeline):
    account = make_account(org.rep_a, name="杭州云帆科技有限公司")
    opp = make_opportunity(account, org.rep_a, pipeline)
    widget = Product.objects.create(code="W-1", name="智能网关", unit_price=Decimal("1000.00"))
    cable = Product.objects.create(code="C-2", name="Cable", unit_price=Decimal("20.00"))
    opportunity_line_add(opportunity=opp, actor=org.rep_a, product=widget, quantity=Decimal("3"))
    opportunity_line_add(
        opportunity=opp, actor=org.rep_a, product=cable, quantity=Decimal("10"), discount_pct=Decimal("5")
    )
    contact = record_create(
        model=Contact, actor=org.rep_a, data={"name": "王芳", "account": account, "email": "wf@example.cn"}
    )
    return opp, widget, cable, contact


def _lines(quote: Quote) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (line.product.code, line.quantity, line.unit_price, line.discount_pct, line.amount)
        for line in quote.lines.select_related("product")
    ]


def test_a_quote_copies_the_opportunity_lines_and_totals_them(org, deal):
    opp, *_ = deal
    quote = quote_create(actor=org.rep_a, opportunity=opp)
    quote.refresh_from_db()
    assert _lines(quote) == [
        ("W-1", Decimal("3.00"), Decimal("1000.00"), Decimal("0.00"), Decimal("3000.00")),
        ("C-2", Decimal("10.00"), Decimal("20.00"), Decimal("5.00"), Decimal("190.00")),
    ]
    assert (quote.subtotal, quote.discount_total, quote.total) == (
        Decimal("3200.00"),
        Decimal("10.00"),
        Decimal("3190.00"),
    )
    assert quote.status == QuoteStatus.DRAFT
    assert quote.account_id == opp.account_id
    assert re.fullmatch(r"Q-\d{8}-[0-9A-F]{6}", quote.number)
    assert quote.history.first().history_user == org.rep_a


def test_prices_come_from_the_price_list_when_one_is_chosen(org, deal):
    opp, widget, cable, _ = deal
    pl = PriceList.objects.create(name="Distributors", currency="USD")
    PriceListItem.objects.create(price_list=pl, product=widget, unit_price=Decimal("120.00"))
    quote = quote_create(
        actor=org.rep_a,
        opportunity=opp,
        data={"price_list": pl.pk},
        lines=[{"product": widget.pk, "quantity": 2}, {"product": cable.pk, "quantity": 1}],
    )
    quote.refresh_from_db()
    assert quote.currency == "USD"
    assert [(code, price) for code, _q, price, _d, _a in _lines(quote)] == [
        ("W-1", Decimal("120.00")),
        ("C-2", Decimal("20.00")),  # not on the list: the product's list price
    ]


def test_bad_lines_are_refused_with_the_line_and_field_named_and_nothing_written(org, deal):
    opp, widget, *_ = deal
    with pytest.raises(ValidationFailed) as exc:
        quote_create(
            actor=org.rep_a,
            opportunity=opp,
            lines=[
                {"product": widget.pk, "quantity": 0},
                {"product": widget.pk, "quantity": 1, "discount_pct": 120},
                {"product": 999999, "quantity": 1},
                {"product": widget.pk, "quantity": True},
                {"product": widget.pk, "quantity": 1, "unit_price": "-5"},
            ],
        )
    assert set(exc.value.field_errors) == {
        "lines[0].quantity",
        "lines[1].discount_pct",
        "lines[2].product",
        "lines[3].quantity",
        "lines[4].unit_price",
    }
    assert Quote.all_objects.count() == 0
    assert QuoteLine.objects.count() == 0


def test_small_discounts_are_approved_on_submit(org, deal):
    opp, *_ = deal
    quote = quote_create(actor=org.rep_a, opportunity=opp)
    quote = quote_submit(quote=quote, actor=org.rep_a, expected_version=1)
    assert quote.status == QuoteStatus.APPROVED
    assert quote.version == 2


def test_a_large_discount_waits_for_the_managers_approval(org, deal):
    opp, widget, *_ = deal
    quote = quote_create(
        actor=org.rep_a, opportunity=opp, lines=[{"product": widget.pk, "quantity": 1, "discount_pct": 30}]
    )
    quote = quote_submit(quote=quote, actor=org.rep_a, expected_version=1)
    assert quote.status == QuoteStatus.PENDING
    with pytest.raises(Conflict):
        quote_send(quote=quote, actor=org.rep_a, to="wf@example.cn", expected_version=quote.version)
    # The owner may not approve their own discount, nor may another team's manager.
    assert not may_approve(org.rep_a, quote)
    assert not may_approve(org.manager_b, quote)
    with pytest.raises(PermissionDenied):
        quote_decide(quote=quote, actor=org.rep_a, approve=True, expected_version=quote.version)
    quote = quote_decide(quote=quote, actor=org.manager_a, approve=True, expected_version=quote.version)
    assert quote.status == QuoteStatus.APPROVED
    assert quote.approved_by == org.manager_a


@override_settings(OPENSRM={"QUOTE_APPROVAL_DISCOUNT": 40, "COMPANY_NAME": "X"})
def test_the_approval_threshold_is_a_setting(org, deal):
    opp, widget, *_ = deal
    quote = quote_create(
        actor=org.rep_a, opportunity=opp, lines=[{"product": widget.pk, "quantity": 1, "discount_pct": 30}]
    )
    assert quote_submit(quote=quote, actor=org.rep_a, expected_version=1).status == QuoteStatus.APPROVED


def test_changing_an_approved_quote_sends_it_back_to_draft(org, deal):
    opp, widget, *_ = deal
    quote = quote_create(actor=org.rep_a, opportunity=opp)
    quote = quote_submit(quote=quote, actor=org.rep_a, expected_version=1)
    quote = quote_update(
        quote=quote,
        actor=org.rep_a,
        data={"notes": "含税价"},
        lines=[{"product": widget.pk, "quantity": 5, "discount_pct": 50}],
        expected_version=quote.version,
    )
    assert quote.status == QuoteStatus.DRAFT
    assert quote.total == Decimal("2500.00")
    with pytest.raises(VersionMismatch):
        quote_update(quote=quote, actor=org.rep_a, data={"notes": "x"}, expected_version=1)


def test_another_teams_rep_cannot_quote_or_change_a_quote(org, deal):
    opp, *_ = deal
    with pytest.raises(ValidationFailed):
        quote_create(actor=org.rep_b, opportunity=opp)
    quote = quote_create(actor=org.rep_a, opportunity=opp)
    with pytest.raises(PermissionDenied):
        quote_update(quote=quote, actor=org.rep_b, data={"notes": "mine"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        quote_submit(quote=quote, actor=org.viewer, expected_version=None)
    quote.refresh_from_db()
    assert quote.version == 1
    assert quote.notes == ""


@override_settings(**EMAIL)
def test_sending_mails_the_pdf_and_records_the_email_on_the_timeline(org, deal):
    opp, _w, _c, contact = deal
    quote = quote_create(actor=org.rep_a, opportunity=opp, data={"contact": contact})
    quote = quote_submit(quote=quote, actor=org.rep_a, expected_version=1)
    quote = quote_send(quote=quote, actor=org.rep_a, to="wf@example.cn", expected_version=quote.version)
    assert quote.status == QuoteStatus.SENT
    assert quote.sent_to == "wf@example.cn"
    (message,) = mail.outbox
    assert message.to == ["wf@example.cn"]
    name, content, mimetype = message.attachments[0]
    assert name == f"{quote.number}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    activity = Activity.objects.get(opportunity=opp, kind=ActivityKind.EMAIL)
    assert quote.number in activity.subject
    assert activity.done_at is not None
    assert activity.contact == contact
    quote = quote_close(quote=quote, actor=org.rep_a, accepted=True, expected_version=quote.version)
    assert quote.status == QuoteStatus.ACCEPTED
    with pytest.raises(Conflict):
        quote_update(quote=quote, actor=org.rep_a, data={"notes": "late"}, expected_version=quote.version)


@override_settings(**EMAIL)
def test_a_bad_address_is_a_field_error_and_sends_nothing(org, deal):
    opp, *_ = deal
    quote = quote_submit(quote=quote_create(actor=org.rep_a, opportunity=opp), actor=org.rep_a, expected_version=1)
    with pytest.raises(ValidationFailed) as exc:
        quote_send(quote=quote, actor=org.rep_a, to="not an address", expected_version=quote.version)
    assert "to" in exc.value.field_errors
    assert mail.outbox == []
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", ["报价单", "杭州云帆科技有限公司", "智能网关", "¥3,190.00"]), ("en", ["Quote", "Total", "Cable"])],
)
def test_the_pdf_embeds_its_font_and_speaks_the_quotes_language(org, deal, language, expected):
    opp, *_ = deal
    quote = quote_create(actor=org.rep_a, opportunity=opp, data={"language": language})
    pdf = quote_pdf(quote)
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # the TrueType font travels inside the file
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for fragment in expected:
        assert fragment in text
    assert quote.number in text
