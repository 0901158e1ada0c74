"""Quote, product, price-list and order pages: reachable, working end to end, and closed to
users who may not see or change the records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client, override_settings

from opensrm.crm.models import Activity, PriceList, PriceListItem, Product, Quote, QuoteStatus
from opensrm.crm.services import opportunity_line_add, order_create
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Strong-123"


def client_for(user) -> Client:
    """Signed in, reading the pages in English (the assertions use the English texts)."""
    c = Client(headers={"Accept-Language": "en"})
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def deal(org, pipeline):
    account = make_account(org.rep_a, name="Acme East")
    opp = make_opportunity(account, org.rep_a, pipeline)
    product = Product.objects.create(code="W-1", name="Gateway", unit_price=Decimal("1000.00"))
    opportunity_line_add(opportunity=opp, actor=org.rep_a, product=product, quantity=Decimal("2"))
    return opp, product


def test_the_navigation_links_the_new_pages(org):
    html = client_for(org.rep_a).get("/").content.decode()
    for href in ('href="/quotes/"', 'href="/orders/"', 'href="/products/"', 'href="/price-lists/"'):
        assert href in html


def test_a_rep_quotes_an_opportunity_end_to_end(org, deal):
    opp, product = deal
    rep = client_for(org.rep_a)
    page = rep.get(f"/opportunities/{opp.pk}/")
    assert page.status_code == 200
    assert f"/quotes/new/?opportunity={opp.pk}" in page.content.decode()
    form = rep.get(f"/quotes/new/?opportunity={opp.pk}")
    assert form.status_code == 200
    assert "Gateway" in form.content.decode()
    created = rep.post(
        "/quotes/new/", {"opportunity": opp.pk, "language": "en", "valid_until": "2030-01-31", "notes": ""}
    )
    assert created.status_code == 302
    quote = Quote.objects.get(opportunity=opp)
    assert created["Location"] == f"/quotes/{quote.pk}/"
    assert quote.total == Decimal("2000.00")
    detail = rep.get(f"/quotes/{quote.pk}/").content.decode()
    assert quote.number in detail
    assert "2,000.00" in detail

    # Edit the lines: a 40 % discount needs the manager's approval.
    edit = rep.post(
        f"/quotes/{quote.pk}/edit/",
        {
            "version": quote.version,
            "language": "en",
            "valid_until": "2030-01-31",
            "notes": "Delivery in March",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "50",
            "lines-0-product": product.pk,
            "lines-0-quantity": "3",
            "lines-0-unit_price": "",
            "lines-0-discount_pct": "40",
            "lines-1-product": "",
            "lines-1-quantity": "",
            "lines-1-discount_pct": "0",
        },
    )
    assert edit.status_code == 302, edit.content.decode()[:2000]
    quote.refresh_from_db()
    assert quote.total == Decimal("1800.00")
    assert quote.notes == "Delivery in March"
    assert rep.post(f"/quotes/{quote.pk}/submit/", {"version": quote.version}).status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING
    # The rep cannot approve their own discount; their manager can.
    rep.post(f"/quotes/{quote.pk}/approve/", {"version": quote.version})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING
    manager = client_for(org.manager_a)
    assert "Approve" in manager.get(f"/quotes/{quote.pk}/").content.decode()
    manager.post(f"/quotes/{quote.pk}/approve/", {"version": quote.version})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED

    pdf = rep.get(f"/quotes/{quote.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        sent = rep.post(f"/quotes/{quote.pk}/send/", {"version": quote.version, "to": "buyer@example.com"})
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert Activity.objects.filter(opportunity=opp, subject__contains=quote.number).exists()


def test_a_stale_quote_edit_is_a_conflict_with_nothing_changed(org, deal):
    opp, _product = deal
    rep = client_for(org.rep_a)
    rep.post("/quotes/new/", {"opportunity": opp.pk, "language": "en", "valid_until": "2030-01-31"})
    quote = Quote.objects.get(opportunity=opp)
    response = rep.post(
        f"/quotes/{quote.pk}/edit/",
        {
            "version": quote.version - 1 if quote.version > 1 else 99,
            "language": "en",
            "valid_until": "2030-01-31",
            "notes": "stale",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409
    quote.refresh_from_db()
    assert quote.notes == ""


def test_another_teams_rep_and_the_viewer_cannot_reach_or_change_a_quote(org, deal):
    opp, _ = deal
    client_for(org.rep_a).post("/quotes/new/", {"opportunity": opp.pk, "language": "en", "valid_until": "2030-01-31"})
    quote = Quote.objects.get(opportunity=opp)
    other = client_for(org.rep_b)
    for url in (f"/quotes/{quote.pk}/", f"/quotes/{quote.pk}/edit/", f"/quotes/{quote.pk}/pdf/"):
        assert other.get(url).status_code == 404
    for action in ("submit", "approve", "send", "delete"):
        assert other.post(f"/quotes/{quote.pk}/{action}/", {"version": quote.version}).status_code == 404
    # Creating a quote for another team's opportunity is refused and writes nothing.
    other.post("/quotes/new/", {"opportunity": opp.pk, "language": "en", "valid_until": "2030-01-31"})
    viewer = client_for(org.viewer)
    assert viewer.get(f"/quotes/{quote.pk}/").status_code == 200
    assert viewer.post(f"/quotes/{quote.pk}/submit/", {"version": quote.version}).status_code == 403
    assert Quote.objects.count() == 1
    quote.refresh_from_db()
    assert quote.version == 1
    assert quote.status == QuoteStatus.DRAFT
    assert "/edit/" not in viewer.get(f"/quotes/{quote.pk}/").content.decode()


def test_sales_ops_keeps_the_catalogue_and_reps_only_read_it(org, deal):
    _, product = deal
    ops = client_for(org.ops)
    created = ops.post(
        "/products/new/",
        {
            "code": "C-2",
            "name": "Cable",
            "product_line": "Parts",
            "unit_price": "20.00",
            "currency": "CNY",
            "active": "on",
        },
    )
    assert created.status_code == 302
    created = ops.post("/price-lists/new/", {"name": "Distributors", "currency": "USD", "active": "on"})
    assert created.status_code == 302
    pl = PriceList.objects.get(name="Distributors")
    assert ops.post(f"/price-lists/{pl.pk}/items/", {"product": product.pk, "unit_price": "880"}).status_code == 302
    assert PriceListItem.objects.get(price_list=pl, product=product).unit_price == Decimal("880.00")
    pl.refresh_from_db()
    assert pl.version == 2
    assert pl.history.first().history_user == org.ops
    assert "880.00" in ops.get(f"/price-lists/{pl.pk}/").content.decode()
    assert "Distributors" in ops.get(f"/products/{product.pk}/").content.decode()

    rep = client_for(org.rep_a)
    assert rep.get("/products/").status_code == 200
    assert rep.get(f"/price-lists/{pl.pk}/").status_code == 200
    assert rep.get("/products/new/").status_code == 403
    assert rep.post(f"/price-lists/{pl.pk}/items/", {"product": product.pk, "unit_price": "1"}).status_code == 403
    assert ops.post(f"/price-lists/{pl.pk}/items/{product.pk}/remove/").status_code == 302
    assert not PriceListItem.objects.filter(price_list=pl).exists()


def test_orders_are_listed_linked_from_the_account_and_cancelled(org, deal):
    opp, product = deal
    order = order_create(
        actor=org.rep_a,
        data={"number": "SO-1", "account": opp.account, "order_date": "2026-01-05"},
        lines=[{"product": product, "quantity": 2}],
    )
    rep = client_for(org.rep_a)
    assert "SO-1" in rep.get("/orders/").content.decode()
    assert f"/orders/{order.pk}/" in rep.get(f"/accounts/{opp.account_id}/").content.decode()
    detail = rep.get(f"/orders/{order.pk}/").content.decode()
    assert "Gateway" in detail
    assert "2,000.00" in detail
    assert client_for(org.rep_b).get(f"/orders/{order.pk}/").status_code == 404
    assert client_for(org.rep_b).post(f"/orders/{order.pk}/cancel/", {"version": 1}).status_code == 404
    assert rep.post(f"/orders/{order.pk}/cancel/", {"version": order.version}).status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.version == 2
