"""One helper for "a child changed, so its parent did", one source for the quote approval
threshold, and breadcrumbs of the new-quote page built with reverse()."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import set_script_prefix

from opensrm.core.errors import VersionMismatch
from opensrm.core.services import record_create
from opensrm.crm.models import PriceList, PriceListItem, Product, Quote, QuoteStatus
from opensrm.crm.services import catalog, children
from opensrm.crm.services.children import parent_changed
from opensrm.crm.services.quotes import quote_create, quote_submit
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def test_price_list_items_and_opportunity_lines_move_their_parent_through_one_helper(org, pipeline):
    assert not hasattr(catalog, "_list_changed")
    assert not hasattr(children, "_parent_changed")
    price_list = record_create(model=PriceList, actor=org.ops, data={"name": "Export"})
    product = Product.objects.create(code="P-1", name="Gateway", unit_price=Decimal("10.00"))
    catalog.price_list_item_set(
        price_list=price_list, product=product, unit_price=Decimal("9"), actor=org.ops, expected_version=1
    )
    assert price_list.version == 2
    stored = PriceList.objects.get(pk=price_list.pk)
    latest = stored.history.order_by("-history_id").first()
    assert (stored.version, latest.history_user_id, latest.history_change_reason) == (2, org.ops.pk, "item_set")

    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    children.opportunity_line_add(opportunity=opp, actor=org.rep_a, product=product, quantity=Decimal("1"))
    assert type(opp).objects.get(pk=opp.pk).version == 2


def test_the_shared_helper_refuses_a_stale_version_and_changes_nothing(org):
    price_list = record_create(model=PriceList, actor=org.ops, data={"name": "Export"})
    with pytest.raises(VersionMismatch):
        parent_changed(price_list, actor=org.ops, reason="item_set", expected_version=7)
    assert PriceList.objects.get(pk=price_list.pk).version == 1
    product = Product.objects.create(code="P-2", name="Cable", unit_price=Decimal("1.00"))
    with pytest.raises(VersionMismatch):
        catalog.price_list_item_set(
            price_list=price_list, product=product, unit_price=Decimal("1"), actor=org.ops, expected_version=3
        )
    assert not PriceListItem.objects.exists()
    # Without a version (a child of an account or an opportunity) the parent just moves on.
    parent_changed(price_list, actor=org.ops, reason="item_set")
    assert PriceList.objects.get(pk=price_list.pk).version == 2


def test_the_threshold_has_one_source_used_by_submit_and_the_page(org, pipeline, settings):
    settings.OPENSRM = {**settings.OPENSRM, "QUOTE_APPROVAL_DISCOUNT": 40}
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    product = Product.objects.create(code="W-1", name="Widget", unit_price=Decimal("100.00"))
    assert Quote.approval_threshold() == Decimal("40")
    low = quote_create(
        actor=org.rep_a, opportunity=opp, lines=[{"product": product.pk, "quantity": 1, "discount_pct": 35}]
    )
    high = quote_create(
        actor=org.rep_a, opportunity=opp, lines=[{"product": product.pk, "quantity": 1, "discount_pct": 45}]
    )
    assert not low.needs_approval
    assert high.needs_approval
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(org.rep_a)
    assert "Finish quote" in client.get(f"/quotes/{low.pk}/").content.decode()
    assert "Submit for approval" in client.get(f"/quotes/{high.pk}/").content.decode()
    assert quote_submit(quote=low, actor=org.rep_a, expected_version=low.version).status == QuoteStatus.APPROVED
    assert quote_submit(quote=high, actor=org.rep_a, expected_version=high.version).status == QuoteStatus.PENDING


def test_new_quote_breadcrumbs_follow_the_url_conf(org, pipeline):
    """Served under a path prefix, the crumbs point inside it (hard-coded paths did not)."""
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(org.rep_a)
    set_script_prefix("/srm/")
    try:
        response = client.get(f"/quotes/new/?opportunity={opp.pk}")
    finally:
        set_script_prefix("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/srm/opportunities/"' in html
    assert f'href="/srm/opportunities/{opp.pk}/"' in html
    assert 'href="/opportunities/"' not in html
