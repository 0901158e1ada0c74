"""Lead actions: conversion into an account, a contact and an opportunity."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_WRITE
from opensrm.core.api.etag import openapi, required_version
from opensrm.core.services import check_write
from opensrm.core.visibility import get_visible
from opensrm.crm import services
from opensrm.crm.models import Account, Lead, Pipeline
from opensrm.crm.schemas import LeadConvertIn, LeadConvertOut
from opensrm.people.selectors import reference_or_error

router = Router()


@router.post(
    "/leads/{id}/convert",
    response={200: LeadConvertOut, **ERR_WRITE},
    tags=["leads"],
    operation_id="lead_convert",
    summary="Convert a lead into an account, a contact and an opportunity (send If-Match)",
    openapi_extra=openapi(if_match=True),
)
def lead_convert(request: HttpRequest, id: int, payload: LeadConvertIn) -> Any:
    user = actor(request)
    lead = get_visible(user, Lead.objects.all(), id)
    check_write(user, Lead)
    version = required_version(request)
    account = reference_or_error(Account, payload.account_id, "account_id", user=user)
    account, contact, opportunity = services.lead_convert(
        lead=lead,
        actor=user,
        account=account,
        create_opportunity=payload.create_opportunity,
        opportunity_name=payload.opportunity_name,
        amount=payload.amount,
        expected_close_date=payload.expected_close_date,
        pipeline=reference_or_error(Pipeline, payload.pipeline_id, "pipeline_id"),
        expected_version=version,
    )
    lead.refresh_from_db()
    return {
        "lead": lead,
        "account_id": account.pk,
        "contact_id": contact.pk,
        "opportunity_id": opportunity.pk if opportunity else None,
    }
