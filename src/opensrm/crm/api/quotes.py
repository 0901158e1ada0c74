"""Price lists and quotes: the standard endpoints, price-list items, the quote's life-cycle
actions (submit, approve, refuse, send, accept, decline) and its PDF."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_READ, ERR_WRITE, Resource
from opensrm.core.api.etag import openapi, required_version, set_etag
from opensrm.core.api.history import register_resource
from opensrm.core.errors import ValidationFailed
from opensrm.core.services import check_write
from opensrm.core.visibility import get_visible, visible
from opensrm.crm.documents import quote_pdf
from opensrm.crm.models import Opportunity, PriceList, Product, Quote
from opensrm.crm.schemas.quotes import (
    PriceListFilters,
    PriceListIn,
    PriceListItemIn,
    PriceListOut,
    PriceListPatch,
    QuoteFilters,
    QuoteIn,
    QuoteOut,
    QuotePatch,
    QuoteSendIn,
)
from opensrm.crm.services import catalog, quotes
from opensrm.people.models import User
from opensrm.people.selectors import reference_or_error

router = Router()


def _lines(raw: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    return [
        {
            "product": line["product_id"],
            "description": line.get("description", ""),
            "quantity": line["quantity"],
            "unit_price": line.get("unit_price"),
            "discount_pct": line.get("discount_pct", 0),
        }
        for line in raw
    ]


def _quote_create(user: User, data: dict[str, Any]) -> Quote:
    opportunity = (
        visible(user, Opportunity.objects.select_related("account")).filter(pk=data.pop("opportunity")).first()
    )
    if opportunity is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"opportunity_id": [_("Select a valid choice: the record does not exist.")]},
        )
    lines = _lines(data.pop("lines", None))
    if data.get("valid_until") is None:
        data.pop("valid_until", None)
    return quotes.quote_create(actor=user, opportunity=opportunity, data=data, lines=lines)


def _quote_update(obj: Quote, user: User, data: dict[str, Any], version: int) -> Quote:
    lines = _lines(data.pop("lines", None))
    return quotes.quote_update(quote=obj, actor=user, data=data, lines=lines, expected_version=version)


register_resource(
    router,
    Resource(
        name="price-lists",
        model=PriceList,
        out=PriceListOut,
        filters=PriceListFilters,
        create_in=PriceListIn,
        patch_in=PriceListPatch,
        ordering=("id", "name", "updated_at"),
        default_ordering="name",
        prefetch_related=("items",),
    ),
)
register_resource(
    router,
    Resource(
        name="quotes",
        model=Quote,
        out=QuoteOut,
        filters=QuoteFilters,
        create_in=QuoteIn,
        patch_in=QuotePatch,
        ordering=("id", "number", "total", "valid_until", "updated_at", "created_at"),
        search=("number", "account__name", "opportunity__name"),
        prefetch_related=("lines",),
        create=_quote_create,
        update=_quote_update,
    ),
)


@router.put(
    "/price-lists/{id}/items",
    response={200: PriceListOut, **ERR_WRITE},
    tags=["price-lists"],
    operation_id="price_list_item_set",
    summary="Set a product's price on the list (added or changed; send If-Match)",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def price_list_item_set(request: HttpRequest, id: int, payload: PriceListItemIn, response: HttpResponse) -> Any:
    user = actor(request)
    price_list = get_visible(user, PriceList.objects.all(), id)
    check_write(user, PriceList)
    version = required_version(request)
    product = reference_or_error(Product, payload.product_id, "product_id")
    catalog.price_list_item_set(
        price_list=price_list, product=product, unit_price=payload.unit_price, actor=user, expected_version=version
    )
    price_list = get_visible(user, PriceList.objects.prefetch_related("items"), id)
    set_etag(response, price_list)
    return price_list


@router.delete(
    "/price-lists/{id}/items/{product_id}",
    response={204: None, **ERR_WRITE},
    tags=["price-lists"],
    operation_id="price_list_item_remove",
    summary="Take a product off the list (send If-Match)",
    openapi_extra=openapi(if_match=True),
)
def price_list_item_remove(request: HttpRequest, id: int, product_id: int) -> Any:
    user = actor(request)
    price_list = get_visible(user, PriceList.objects.all(), id)
    check_write(user, PriceList)
    version = required_version(request)
    product = reference_or_error(Product, product_id, "product_id")
    catalog.price_list_item_remove(price_list=price_list, product=product, actor=user, expected_version=version)
    return Status(204, None)


def _action(request: HttpRequest, id: int, response: HttpResponse, call: Any) -> Any:
    user = actor(request)
    quote = get_visible(user, Quote.objects.all(), id)
    version = required_version(request)
    call(quote, user, version)
    quote = get_visible(user, Quote.objects.prefetch_related("lines"), id)
    set_etag(response, quote)
    return quote


@router.post(
    "/quotes/{id}/submit",
    response={200: QuoteOut, **ERR_WRITE},
    tags=["quotes"],
    operation_id="quote_submit",
    summary="Finish a draft: approved at once, or awaiting approval above the discount threshold",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def quote_submit(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    return _action(
        request, id, response, lambda q, u, v: quotes.quote_submit(quote=q, actor=u, expected_version=v)
    )


@router.post(
    "/quotes/{id}/approve",
    response={200: QuoteOut, **ERR_WRITE},
    tags=["quotes"],
    operation_id="quote_approve",
    summary="Approve a quote awaiting approval (the owner's manager, sales ops or an admin)",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def quote_approve(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    return _action(
        request,
        id,
        response,
        lambda q, u, v: quotes.quote_decide(quote=q, actor=u, approve=True, expected_version=v),
    )


@router.post(
    "/quotes/{id}/refuse",
    response={200: QuoteOut, **ERR_WRITE},
    tags=["quotes"],
    operation_id="quote_refuse",
    summary="Send a quote awaiting approval back to draft",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def quote_refuse(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    return _action(
        request,
        id,
        response,
        lambda q, u, v: quotes.quote_decide(quote=q, actor=u, approve=False, expected_version=v),
    )


@router.post(
    "/quotes/{id}/send",
    response={200: QuoteOut, **ERR_WRITE},
    tags=["quotes"],
    operation_id="quote_send",
    summary="E-mail the quote's PDF and record the e-mail as an activity",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def quote_send(request: HttpRequest, id: int, payload: QuoteSendIn, response: HttpResponse) -> Any:
    return _action(
        request,
        id,
        response,
        lambda q, u, v: quotes.quote_send(
            quote=q, actor=u, to=payload.to, message=payload.message, expected_version=v
        ),
    )


@router.post(
    "/quotes/{id}/accept",
    response={200: QuoteOut, **ERR_WRITE},
    tags=["quotes"],
    operation_id="quote_accept",
    summary="Record that the customer accepted a sent quote",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def quote_accept(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    return _action(
        request,
        id,
        response,
        lambda q, u, v: quotes.quote_close(quote=q, actor=u, accepted=True, expected_version=v),
    )


@router.post(
    "/quotes/{id}/decline",
    response={200: QuoteOut, **ERR_WRITE},
    tags=["quotes"],
    operation_id="quote_decline",
    summary="Record that the customer declined a sent quote",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def quote_decline(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    return _action(
        request,
        id,
        response,
        lambda q, u, v: quotes.quote_close(quote=q, actor=u, accepted=False, expected_version=v),
    )


@router.get(
    "/quotes/{id}/pdf",
    response={200: None, **ERR_READ},
    tags=["quotes"],
    operation_id="quote_pdf",
    summary="The quote as a PDF in its document language",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def quote_pdf_get(request: HttpRequest, id: int) -> HttpResponse:
    quote = get_visible(actor(request), Quote.objects.select_related("account", "opportunity", "contact"), id)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response
