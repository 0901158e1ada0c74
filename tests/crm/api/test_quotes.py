"""The quote and price-list API: the life of a quote over HTTP, If-Match on every action,
another team's quote answering 404, bad lines answering 422 with the line named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from opensrm.crm.models import PriceList, Product, Quote
from opensrm.crm.services import opportunity_line_add
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(org, pipeline):
    opp = make_opportunity(make_account(org.rep_a, name="Acme East"), org.rep_a, pipeline)
    product = Product.objects.create(code="W-1", name="Gateway", unit_price=Decimal("1000.00"))
    opportunity_line_add(opportunity=opp, actor=org.rep_a, product=product, quantity=Decimal("2"))
    return opp, product


def test_a_quote_goes_from_draft_to_accepted_over_the_api(org, deal, client_for):
    opp, product = deal
    rep = client_for(org.rep_a)
    created = rep.post("/quotes", {"opportunity_id": opp.pk, "language": "en"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["total"] == "2000.00"
    assert body["status"] == "draft"
    assert body["lines"][0]["product_id"] == product.pk
    qid = body["id"]
    assert rep.post(f"/quotes/{qid}/submit").status_code == 428
    patched = rep.patch(
        f"/quotes/{qid}",
        {"lines": [{"product_id": product.pk, "quantity": "1", "discount_pct": "30"}]},
        **{"If-Match": created["ETag"]},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["needs_approval"] is True
    assert patched.json()["total"] == "700.00"
    submitted = rep.post(f"/quotes/{qid}/submit", **{"If-Match": patched["ETag"]})
    assert submitted.json()["status"] == "pending"
    assert rep.post(f"/quotes/{qid}/approve", **{"If-Match": submitted["ETag"]}).status_code == 403
    approved = client_for(org.manager_a).post(f"/quotes/{qid}/approve", **{"If-Match": submitted["ETag"]})
    assert approved.status_code == 200
    assert approved.json()["approved_by_id"] == org.manager_a.pk
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        sent = rep.post(f"/quotes/{qid}/send", {"to": "buyer@example.com"}, **{"If-Match": approved["ETag"]})
    assert sent.status_code == 200
    assert sent.json()["sent_to"] == "buyer@example.com"
    accepted = rep.post(f"/quotes/{qid}/accept", **{"If-Match": sent["ETag"]})
    assert accepted.json()["status"] == "accepted"
    pdf = rep.get(f"/quotes/{qid}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    history = rep.get(f"/quotes/{qid}/history").json()["items"]
    assert len(history) >= 6
    assert {e["actor_id"] for e in history} >= {org.rep_a.pk, org.manager_a.pk}


def test_a_stale_etag_on_an_action_is_412(org, deal, client_for):
    opp, _ = deal
    rep = client_for(org.rep_a)
    created = rep.post("/quotes", {"opportunity_id": opp.pk})
    qid = created.json()["id"]
    rep.patch(f"/quotes/{qid}", {"notes": "first"}, **{"If-Match": created["ETag"]})
    assert rep.post(f"/quotes/{qid}/submit", **{"If-Match": created["ETag"]}).status_code == 412
    assert Quote.objects.get(pk=qid).status == "draft"


def test_bad_lines_name_the_line_and_nothing_is_written(org, deal, client_for):
    opp, product = deal
    response = client_for(org.rep_a).post(
        "/quotes",
        {"opportunity_id": opp.pk, "lines": [{"product_id": product.pk, "quantity": "2", "discount_pct": "120"}]},
    )
    assert response.status_code == 422
    assert "discount_pct" in response.content.decode()
    assert Quote.all_objects.count() == 0


def test_another_team_gets_404_and_a_422_for_their_opportunity(org, deal, client_for):
    opp, _ = deal
    created = client_for(org.rep_a).post("/quotes", {"opportunity_id": opp.pk})
    qid = created.json()["id"]
    other = client_for(org.rep_b)
    assert other.get(f"/quotes/{qid}").status_code == 404
    assert other.get(f"/quotes/{qid}/pdf").status_code == 404
    assert other.post(f"/quotes/{qid}/submit", **{"If-Match": created["ETag"]}).status_code == 404
    assert other.get("/quotes").json()["items"] == []
    refused = other.post("/quotes", {"opportunity_id": opp.pk})
    assert refused.status_code == 422
    assert "opportunity_id" in refused.content.decode()
    assert Quote.objects.count() == 1
    assert Quote.objects.get(pk=qid).version == 1


def test_price_list_items_are_set_with_if_match_by_sales_ops_only(org, deal, client_for):
    _, product = deal
    ops = client_for(org.ops)
    created = ops.post("/price-lists", {"name": "Distributors", "currency": "USD"})
    assert created.status_code == 201
    plid = created.json()["id"]
    set_price = ops.put(
        f"/price-lists/{plid}/items", {"product_id": product.pk, "unit_price": "880"}, **{"If-Match": created["ETag"]}
    )
    assert set_price.status_code == 200
    assert set_price.json()["items"] == [
        {"product_id": product.pk, "unit_price": "880.00"}
    ]
    assert client_for(org.rep_a).put(
        f"/price-lists/{plid}/items", {"product_id": product.pk, "unit_price": "1"}, **{"If-Match": set_price["ETag"]}
    ).status_code == 403
    assert ops.delete(f"/price-lists/{plid}/items/{product.pk}", **{"If-Match": created["ETag"]}).status_code == 412
    assert ops.delete(f"/price-lists/{plid}/items/{product.pk}", **{"If-Match": set_price["ETag"]}).status_code == 204
    assert PriceList.objects.get(pk=plid).items.count() == 0
