"""Every Django admin write goes through the record services: the version is bumped (a stale
ETag is refused afterwards), history names the admin, the bookkeeping fields cannot be set,
and deletes (one record or the bulk action) go to the recycle bin with their children."""

from __future__ import annotations

import pytest
from django.contrib import admin

from opensrm.core.admin import INTERNAL_FIELDS
from opensrm.crm.models import Account, Contact, Product
from tests.api.conftest import ApiClient
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def _form_data(client, url: str, **changes):
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, (list, dict))}
    data.update({"tags": "[]", "custom": "{}"})
    data.update(changes)
    return data


def test_an_admin_edit_bumps_the_version_so_a_stale_if_match_is_refused(client, org):
    acc = make_account(org.rep_a, name="Old name")
    client.force_login(org.admin)
    url = f"/admin/crm/account/{acc.pk}/change/"
    response = client.post(url, _form_data(client, url, name="Admin's name", owner=org.rep_a.pk))
    assert response.status_code == 302, response.content[:2000]
    acc.refresh_from_db()
    assert (acc.name, acc.version) == ("Admin's name", 2)
    assert acc.history.first().history_user == org.admin
    stale = ApiClient(org.rep_a).patch(f"/accounts/{acc.pk}", {"name": "Rep's name"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    acc.refresh_from_db()
    assert acc.name == "Admin's name"


def test_the_admin_cannot_set_version_or_soft_delete_fields(client, org):
    acc = make_account(org.rep_a)
    Contact.objects.create(account=acc, name="Child", owner=org.rep_a)
    client.force_login(org.admin)
    url = f"/admin/crm/account/{acc.pk}/change/"
    data = _form_data(
        client,
        url,
        name="Renamed",
        owner=org.rep_a.pk,
        version=99,
        deleted_at_0="2026-01-01",
        deleted_at_1="00:00:00",
        deleted_by=org.admin.pk,
    )
    assert client.post(url, data).status_code == 302
    stored = Account.all_objects.get(pk=acc.pk)
    assert (stored.name, stored.version, stored.deleted_at, stored.deleted_by) == ("Renamed", 2, None, None)
    assert Contact.objects.filter(account=acc).count() == 1


def test_the_bulk_delete_action_moves_each_record_and_its_children_to_the_bin(client, org):
    first, second = make_account(org.rep_a, name="One"), make_account(org.rep_a, name="Two")
    Contact.objects.create(account=first, name="Child", owner=org.rep_a)
    client.force_login(org.admin)
    response = client.post(
        "/admin/crm/account/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert Account.objects.count() == 0
    assert Contact.objects.count() == 0
    for acc in Account.all_objects.all():
        assert acc.deleted_by == org.admin
        assert acc.version == 2
    child = Contact.all_objects.get(account=first)
    assert child.deletion_batch == Account.all_objects.get(pk=first.pk).deletion_batch


def test_an_admin_create_goes_through_the_service_with_the_admin_as_actor(client, org):
    client.force_login(org.admin)
    response = client.post(
        "/admin/crm/product/add/",
        {"code": "P-1", "name": "Widget", "unit_price": "10.00", "currency": "CNY", "active": "on", "product_line": ""},
    )
    assert response.status_code == 302, response.content[:3000]
    product = Product.objects.get(code="P-1")
    assert product.version == 1
    assert product.history.get().history_user == org.admin


def test_every_registered_admin_shows_the_bookkeeping_fields_read_only(rf, org):
    request = rf.get("/admin/")
    request.user = org.admin
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("opensrm."):
            continue  # third-party admins (allauth's addresses and authenticators) keep their own rules
        present = {f.name for f in model._meta.concrete_fields} & set(INTERNAL_FIELDS)
        stamps = {"last_login", "date_joined"} & {f.name for f in model._meta.concrete_fields}
        readonly = set(model_admin.get_readonly_fields(request, None))
        assert present | stamps <= readonly, (model.__name__, (present | stamps) - readonly)
