"""Opportunity actions and sub-resources: stage moves, stage history, product lines."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_READ, ERR_WRITE
from opensrm.core.api.etag import openapi, required_version, set_etag
from opensrm.core.services import check_write
from opensrm.core.visibility import get_visible
from opensrm.crm import selectors, services
from opensrm.crm.models import Opportunity, OpportunityLine, Product, Stage
from opensrm.crm.schemas import (
    MoveStageIn,
    OpportunityLineIn,
    OpportunityLineOut,
    OpportunityOut,
    StageChangeOut,
)
from opensrm.people.selectors import reference_or_error

router = Router()


@router.post(
    "/opportunities/{id}/move-stage",
    response={200: OpportunityOut, **ERR_WRITE},
    tags=["opportunities"],
    operation_id="opportunity_move_stage",
    summary="Move an opportunity to another stage of its pipeline (send If-Match)",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def opportunity_move_stage(
    request: HttpRequest, id: int, payload: MoveStageIn, response: HttpResponse
) -> Any:
    user = actor(request)
    opp = get_visible(user, Opportunity.objects.all(), id)
    check_write(user, Opportunity)
    version = required_version(request)
    stage = reference_or_error(Stage, payload.stage_id, "stage_id")
    opp = services.opportunity_move_stage(
        opportunity=opp, stage=stage, actor=user, expected_version=version, lost_reason=payload.lost_reason
    )
    set_etag(response, opp)
    return opp


@router.get(
    "/opportunities/{id}/stage-history",
    response={200: list[StageChangeOut], **ERR_READ},
    tags=["opportunities"],
    operation_id="opportunity_stage_history",
    summary="Every stage the opportunity went through",
)
def opportunity_stage_history(request: HttpRequest, id: int) -> Any:
    opp = get_visible(actor(request), Opportunity.objects.all(), id)
    return list(selectors.stage_history(opportunity=opp))


@router.get(
    "/opportunities/{id}/lines",
    response={200: list[OpportunityLineOut], **ERR_READ},
    tags=["opportunities"],
    operation_id="opportunity_line_list",
    summary="Product lines",
)
def opportunity_line_list(request: HttpRequest, id: int) -> Any:
    opp = get_visible(actor(request), Opportunity.objects.all(), id)
    return list(selectors.opportunity_lines(opportunity=opp))


@router.post(
    "/opportunities/{id}/lines",
    response={201: OpportunityLineOut, **ERR_WRITE},
    tags=["opportunities"],
    operation_id="opportunity_line_add",
    summary="Add a product line",
)
def opportunity_line_add(request: HttpRequest, id: int, payload: OpportunityLineIn) -> Any:
    user = actor(request)
    opp = get_visible(user, Opportunity.objects.all(), id)
    check_write(user, Opportunity)
    line = services.opportunity_line_add(
        opportunity=opp,
        actor=user,
        product=reference_or_error(Product, payload.product_id, "product_id"),
        quantity=payload.quantity,
        unit_price=payload.unit_price,
        discount_pct=payload.discount_pct,
    )
    return Status(201, line)


@router.delete(
    "/opportunities/{id}/lines/{line_id}",
    response={204: None, **ERR_WRITE},
    tags=["opportunities"],
    operation_id="opportunity_line_remove",
    summary="Remove a product line",
)
def opportunity_line_remove(request: HttpRequest, id: int, line_id: int) -> Any:
    user = actor(request)
    opp = get_visible(user, Opportunity.objects.all(), id)
    line = get_visible(user, OpportunityLine.objects.filter(opportunity=opp), line_id)
    check_write(user, Opportunity)
    services.opportunity_line_remove(line=line, actor=user)
    return Status(204, None)
