"""Order actions: cancellation."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_WRITE
from opensrm.core.api.etag import openapi, required_version, set_etag
from opensrm.core.services import check_write
from opensrm.core.visibility import get_visible
from opensrm.crm import services
from opensrm.crm.models import Order
from opensrm.crm.schemas import OrderOut

router = Router()


@router.post(
    "/orders/{id}/cancel",
    response={200: OrderOut, **ERR_WRITE},
    tags=["orders"],
    operation_id="order_cancel",
    summary="Cancel an order (send If-Match)",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def order_cancel(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    user = actor(request)
    order = get_visible(user, Order.objects.all(), id)
    check_write(user, Order)
    services.order_cancel(order=order, actor=user, expected_version=required_version(request))
    order = get_visible(user, Order.objects.prefetch_related("lines"), id)
    set_etag(response, order)
    return order
