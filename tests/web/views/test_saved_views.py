"""Saved views of a list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opensrm.web.models import SavedView

pytestmark = pytest.mark.django_db


def test_saved_views(client, org, records):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:saved_view_add", args=["account"]),
        {"name": "My customers", "querystring": "status=customer&after=abc"},
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.user, view.page, view.querystring) == (org.rep_a, "account", "status=customer")
    assert "My customers" in client.get(reverse("web:account_list")).content.decode()
    client.force_login(org.rep_b)
    assert "My customers" not in client.get(reverse("web:account_list")).content.decode()
    assert client.post(reverse("web:saved_view_delete", args=["account", view.pk])).status_code == 404
    client.force_login(org.rep_a)
    client.post(reverse("web:saved_view_delete", args=["account", view.pk]))
    assert SavedView.objects.count() == 0
