"""The quote and price-list rows of the R1 visibility matrix (``tests/api/test_visibility_matrix.py``).

Team B's rep quotes team B's opportunity (the quote's notes carry the secret). Seen from team
A, the quote is 404 on every endpoint, and quoting team B's opportunity is a 422 naming it.
Price lists are reference data: read by everyone, changed only by sales ops and admin (403).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from opensrm.crm.models import PriceList, PriceListItem, Quote, QuoteLine
from opensrm.crm.services.quotes import quote_create
from tests.api.conftest import SECRET

EXPECTED: dict[str, tuple[int, Any]] = {
    "GET /quotes": (200, None),
    "POST /quotes": (422, {"opportunity_id": "{account}"}),
    "GET /quotes/{id}": (404, None),
    "PATCH /quotes/{id}": (404, {"notes": "Taken"}),
    "DELETE /quotes/{id}": (404, None),
    "GET /quotes/{id}/history": (404, None),
    "GET /quotes/{id}/pdf": (404, None),
    "POST /quotes/{id}/submit": (404, None),
    "POST /quotes/{id}/approve": (404, None),
    "POST /quotes/{id}/refuse": (404, None),
    "POST /quotes/{id}/send": (404, {"to": "buyer@example.com"}),
    "POST /quotes/{id}/accept": (404, None),
    "POST /quotes/{id}/decline": (404, None),
    "GET /price-lists": (200, None),
    "POST /price-lists": (403, {"name": "Mine"}),
    "GET /price-lists/{id}": (200, None),
    "PATCH /price-lists/{id}": (403, {"name": "Taken"}),
    "DELETE /price-lists/{id}": (403, None),
    "GET /price-lists/{id}/history": (200, None),
    "PUT /price-lists/{id}/items": (403, {"product_id": "{product}", "unit_price": "1.00"}),
    "DELETE /price-lists/{id}/items/{product_id}": (403, None),
}


def targets(org: Any, world: dict[str, Any], pipeline: Any) -> dict[str, Any]:
    b = world["b"]
    quote = quote_create(
        actor=org.rep_b,
        opportunity=b["opportunity"],
        data={"notes": f"{SECRET} quote"},
        lines=[{"product": b["product"], "quantity": 1}],
    )
    price_list = PriceList.objects.create(name="Distributors")
    PriceListItem.objects.create(price_list=price_list, product=b["product"], unit_price=Decimal("1"))
    return {"/quotes": quote, "/price-lists": price_list}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "Quote": sorted(Quote.all_objects.values_list("id", "version", "status", "notes", "deleted_at")),
        "QuoteLine": sorted(QuoteLine.objects.values_list("id", "quantity", "discount_pct")),
        "PriceList": sorted(PriceList.all_objects.values_list("id", "version", "name", "deleted_at")),
        "PriceListItem": sorted(PriceListItem.objects.values_list("id", "unit_price")),
    }
