"""Amounts that planning and reports add up are never negative, whichever way they are written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opensrm.core.errors import ValidationFailed
from opensrm.core.services import record_create, record_update
from opensrm.crm.models import Account, Lead, Product
from opensrm.people.models import RepProfile
from tests.api.conftest import ApiClient
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "field", "data"),
    [
        (Account, "annual_revenue", {"name": "Neg", "city": "Shanghai"}),
        (Account, "employees", {"name": "Neg", "city": "Shanghai"}),
        (Lead, "estimated_value", {"company": "Neg Ltd"}),
        (Product, "unit_price", {"name": "Neg", "code": "NEG-1"}),
    ],
)
def test_service_refuses_a_negative_amount_naming_the_field(org, model, field, data):
    actor = org.ops
    if model is not Product:
        data = {**data, "owner": org.rep_a}
    with pytest.raises(ValidationFailed) as err:
        record_create(model=model, actor=actor, data={**data, field: -1})
    assert field in err.value.field_errors
    assert not model.objects.filter(**{field: -1}).exists()


def test_service_refuses_a_negative_capacity(org):
    profile = record_create(model=RepProfile, actor=org.ops, data={"user": org.rep_a, "home_city": "Shanghai"})
    with pytest.raises(ValidationFailed) as err:
        record_update(
            instance=profile, actor=org.ops, data={"weekly_capacity_hours": Decimal("-5")},
            expected_version=profile.version,
        )
    assert "weekly_capacity_hours" in err.value.field_errors
    profile.refresh_from_db()
    assert profile.weekly_capacity_hours == 40


def test_api_refuses_a_negative_annual_revenue_with_422(org):
    response = ApiClient(org.rep_a).post(
        "/accounts", {"name": "Minus One Ltd", "owner_id": org.rep_a.pk, "annual_revenue": -1}
    )
    assert response.status_code == 422, response.content
    assert "annual_revenue" in response.content.decode()
    assert not Account.objects.filter(name="Minus One Ltd").exists()


def test_api_refuses_a_negative_annual_revenue_on_update(org):
    account = make_account(org.rep_a, annual_revenue=Decimal("1000"))
    response = ApiClient(org.rep_a).patch(
        f"/accounts/{account.pk}", {"annual_revenue": -1}, **{"If-Match": f'"{account.version}"'}
    )
    assert response.status_code == 422, response.content
    assert "annual_revenue" in response.content.decode()
    account.refresh_from_db()
    assert account.annual_revenue == Decimal("1000")


def test_a_leads_converted_records_are_named_in_the_interface_language():
    from django.utils import translation

    fields = ("converted_account", "converted_contact", "converted_opportunity")
    with translation.override("zh-hans"):
        names = {str(Lead._meta.get_field(f).verbose_name) for f in fields}
    assert names == {"转化后的客户", "转化后的联系人", "转化后的商机"}
