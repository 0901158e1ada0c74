"""The contact pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opensrm.crm.models import Contact

pytestmark = pytest.mark.django_db


def test_contact_form_refuses_an_invisible_account(client, org, records):
    client.force_login(org.rep_a)
    before = Contact.objects.count()
    response = client.post(
        reverse("web:contact_create"),
        {"name": "Zhang San", "account": records["b"].account.pk, "owner": org.rep_a.pk},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["account"]
    assert Contact.objects.count() == before
