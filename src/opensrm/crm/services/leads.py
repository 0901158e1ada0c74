"""Leads: creation (with routing) and one-transaction conversion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core import events
from opensrm.core.errors import ValidationFailed
from opensrm.core.services import check_version, lock_for_update, record_create, record_update
from opensrm.crm.events import LeadCreated, lead_routing_enabled
from opensrm.crm.models import (
    Account,
    AccountStatus,
    Contact,
    Lead,
    LeadStatus,
    Opportunity,
    Pipeline,
)
from opensrm.crm.services.opportunities import opportunity_create
from opensrm.people.models import User


def lead_create(*, actor: User, data: Mapping[str, Any]) -> Lead:
    """Create a lead. With lead routing on, a lead left without an owner (``owner`` given as
    None, or omitted by anyone but a rep) goes to the best eligible rep once the transaction
    commits; a rep who creates a lead without naming an owner keeps it."""
    data = dict(data)
    unowned = data.get("owner") is None and ("owner" in data or actor.role != "rep")
    route = unowned and lead_routing_enabled()
    if route:
        data["owner"] = None
    with transaction.atomic():
        lead = record_create(model=Lead, actor=actor, data=data)
        events.publish(LeadCreated(lead_id=lead.pk, actor_id=actor.pk, awaiting_routing=route))
    return lead


def lead_convert(
    *,
    lead: Lead,
    actor: User,
    account: Account | None = None,
    create_opportunity: bool = True,
    opportunity_name: str = "",
    amount: Decimal | None = None,
    expected_close_date: dt.date | None = None,
    pipeline: Pipeline | None = None,
    expected_version: int | None = None,
) -> tuple[Account, Contact, Opportunity | None]:
    """Turn a lead into an account (new or existing), a contact and optionally an opportunity.

    All or nothing: one transaction; a failure anywhere leaves the lead unconverted.
    """
    with transaction.atomic():
        current = lock_for_update(lead)
        check_version(current, expected_version)
        if current.status == LeadStatus.CONVERTED:
            raise ValidationFailed(
                _("This lead has already been converted."), field_errors={"status": [_("Already converted.")]}
            )
        owner = current.owner or actor
        if account is None:
            account = record_create(
                model=Account,
                actor=actor,
                data={
                    "name": current.company,
                    "industry": current.industry,
                    "country": current.country,
                    "province": current.province,
                    "city": current.city,
                    "lat": current.lat,
                    "lon": current.lon,
                    "status": AccountStatus.PROSPECT,
                    "owner": owner,
                },
            )
        contact = record_create(
            model=Contact,
            actor=actor,
            data={
                "account": account,
                "name": current.name,
                "title": current.title,
                "email": current.email,
                "phone": current.phone,
                "owner": owner,
                "is_primary": not account.contacts.exists(),
            },
        )
        opportunity = None
        if create_opportunity:
            pipeline = pipeline or Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
            if pipeline is None:
                raise ValidationFailed(_("Create a pipeline before converting leads."))
            opportunity = opportunity_create(
                actor=actor,
                data={
                    "account": account,
                    "name": opportunity_name or current.company,
                    "pipeline": pipeline,
                    "amount": amount if amount is not None else (current.estimated_value or Decimal("0")),
                    "expected_close_date": expected_close_date or (timezone.localdate() + dt.timedelta(days=90)),
                    "owner": owner,
                    "source": current.source,
                },
            )
        record_update(
            instance=current,
            actor=actor,
            expected_version=None,
            data={
                "status": LeadStatus.CONVERTED,
                "converted_at": timezone.now(),
                "converted_account": account,
                "converted_contact": contact,
                "converted_opportunity": opportunity,
            },
        )
    return account, contact, opportunity
