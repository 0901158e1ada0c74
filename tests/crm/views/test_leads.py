"""The lead pages: conversion in one step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opensrm.crm.models import Account, Lead, LeadStatus

pytestmark = pytest.mark.django_db


def test_lead_conversion_in_one_step(client, org, records):
    lead = records["a"].lead
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:lead_convert", args=[lead.pk]),
        {
            "version": lead.version,
            "create_opportunity": "on",
            "opportunity_name": "Big deal",
            "amount": "7000",
        },
    )
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert response["Location"] == reverse("web:opportunity_detail", args=[lead.converted_opportunity_id])
    assert lead.converted_opportunity.amount == 7000
    assert lead.converted_account.name == lead.company


def test_lead_conversion_into_an_existing_account_without_an_opportunity(client, org, records):
    lead = records["a"].lead
    account = records["a"].account
    client.force_login(org.rep_a)
    client.post(reverse("web:lead_convert", args=[lead.pk]), {"version": lead.version, "account": account.pk})
    lead.refresh_from_db()
    assert lead.converted_account == account
    assert lead.converted_opportunity is None


def test_a_stale_conversion_is_refused(client, org, records):
    lead = records["a"].lead
    client.force_login(org.rep_a)
    response = client.post(reverse("web:lead_convert", args=[lead.pk]), {"version": lead.version + 1})
    assert response.status_code == 422
    assert Lead.objects.get(pk=lead.pk).status != LeadStatus.CONVERTED
    assert Account.objects.filter(name=lead.company).count() == 0
