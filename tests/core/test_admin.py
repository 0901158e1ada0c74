"""R9/R10 through the Django admin: changes write history with the admin as actor, and a
delete from the admin moves the record to the recycle bin like every other path."""

from __future__ import annotations

import pytest

from opensrm.crm.models import Account, Contact
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def test_admin_change_writes_history_with_actor(client, org):
    acc = make_account(org.rep_a, name="Old name")
    client.force_login(org.admin)
    url = f"/admin/crm/account/{acc.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, (list, dict))}
    data.update({"name": "New name", "owner": org.rep_a.pk, "tags": "[]", "custom": "{}", "version": acc.version})
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    acc.refresh_from_db()
    assert acc.name == "New name"
    latest = acc.history.first()
    assert latest.history_user == org.admin
    assert latest.name == "New name"


def test_admin_delete_goes_to_recycle_bin_with_children(client, org):
    acc = make_account(org.rep_a)
    Contact.objects.create(account=acc, name="Child", owner=org.rep_a)
    client.force_login(org.admin)
    response = client.post(f"/admin/crm/account/{acc.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Account.objects.filter(pk=acc.pk).exists()
    stored = Account.all_objects.get(pk=acc.pk)
    assert stored.deleted_at is not None
    assert stored.deleted_by == org.admin
    assert Contact.all_objects.get(account=acc).deletion_batch == stored.deletion_batch
    assert stored.history.first().history_user == org.admin
