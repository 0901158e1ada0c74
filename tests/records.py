"""The records the page tests start from (one of each kind for rep_a of team East and rep_b of
team North) and the fixtures that build them, shared by the conftests of the page tests
(tests/web, tests/crm, tests/contracts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from opensrm.core.services import record_create
from opensrm.crm.models import Account, Activity, ActivityKind, Contact, Lead, Opportunity, Order
from opensrm.crm.services import order_create
from opensrm.people.models import User
from tests.factories import make_account, make_opportunity


@dataclass
class Records:
    account: Account
    contact: Contact
    lead: Lead
    opportunity: Opportunity
    activity: Activity
    order: Order | None = None


def make_records(owner: User, pipeline, suffix: str = "") -> Records:
    account = make_account(owner, name=f"Acme {owner.username}{suffix}")
    contact = record_create(
        model=Contact,
        actor=owner,
        data={"account": account, "name": f"Li Lei {owner.username}{suffix}", "owner": owner},
    )
    lead = record_create(
        model=Lead,
        actor=owner,
        data={
            "name": f"Han Meimei {owner.username}{suffix}",
            "company": f"Lead Co {owner.username}{suffix}",
            "owner": owner,
            "estimated_value": Decimal("5000"),
        },
    )
    opportunity = make_opportunity(account, owner, pipeline)
    activity = record_create(
        model=Activity,
        actor=owner,
        data={
            "kind": ActivityKind.TASK,
            "subject": f"Call back {owner.username}{suffix}",
            "account": account,
            "owner": owner,
            "due_at": timezone.now() - dt.timedelta(hours=1),
        },
    )
    return Records(account, contact, lead, opportunity, activity)


@pytest.fixture
def records(org, pipeline):
    """One of each record for rep_a (team East) and for rep_b (team North)."""
    return {"a": make_records(org.rep_a, pipeline), "b": make_records(org.rep_b, pipeline)}


@pytest.fixture
def order_for(pipeline):
    from opensrm.crm.models import Product

    product = Product.objects.create(code="P-1", name="Widget", unit_price=Decimal("100"))

    def make(account: Account, owner: User, day: dt.date, quantity: int = 1) -> Order:
        return order_create(
            actor=owner,
            data={
                "number": f"SO-{account.pk}-{day.isoformat()}-{quantity}",
                "account": account,
                "owner": owner,
                "order_date": day,
            },
            lines=[{"product": product, "quantity": quantity}],
        )

    return make


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
