"""R9 (audit) and R10 (recycle bin) at the service layer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from opensrm.core.errors import NotFound, ValidationFailed
from opensrm.core.services import (
    record_create,
    record_delete,
    record_restore,
    record_update,
    recycle_bin_purge,
)
from opensrm.core.tasks import recycle_bin_purge_job
from opensrm.crm.models import Account, Activity, Contact, Opportunity
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def test_create_update_delete_each_write_a_history_row_with_actor_and_values(org):
    acc = make_account(org.rep_a, name="Huawei Demo")
    acc = record_update(
        instance=acc, actor=org.manager_a, data={"name": "Huawei Demo Ltd"}, expected_version=1
    )
    record_delete(instance=acc, actor=org.ops, expected_version=acc.version)
    rows = list(Account.history.filter(id=acc.pk).order_by("history_id"))
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert [r.history_user for r in rows] == [org.rep_a, org.manager_a, org.ops]
    delta = rows[1].diff_against(rows[0], excluded_fields=["version", "updated_at"])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "Huawei Demo", "Huawei Demo Ltd")]
    assert rows[2].deleted_at is not None
    assert rows[2].history_change_reason == "deleted"


def test_purge_writes_a_delete_history_row(org):
    acc = make_account(org.rep_a)
    record_delete(instance=acc, actor=org.rep_a, expected_version=1)
    purged = recycle_bin_purge(older_than_days=30, now=timezone.now() + dt.timedelta(days=31))
    assert purged == 1
    assert not Account.all_objects.filter(pk=acc.pk).exists()
    assert Account.history.filter(id=acc.pk, history_type="-").count() == 1


def test_invalid_update_writes_nothing(org):
    acc = make_account(org.rep_a)
    with pytest.raises(ValidationFailed) as err:
        record_update(
            instance=acc, actor=org.rep_a, data={"employees": -5, "name": "Changed"}, expected_version=1
        )
    assert "employees" in err.value.field_errors
    acc.refresh_from_db()
    assert acc.name == "Acme"
    assert acc.version == 1
    assert Account.history.filter(id=acc.pk).count() == 1


def test_deleted_records_vanish_and_restore_brings_back_children_and_history(org, pipeline):
    acc = make_account(org.rep_a)
    contact = record_create(model=Contact, actor=org.rep_a, data={"account": acc, "name": "王芳"})
    opp = make_opportunity(acc, org.rep_a, pipeline)
    act = record_create(
        model=Activity, actor=org.rep_a, data={"account": acc, "opportunity": opp, "subject": "Visit"}
    )
    history_before = Contact.history.filter(id=contact.pk).count()
    record_delete(instance=acc, actor=org.rep_a, expected_version=1)
    for model in (Account, Contact, Opportunity, Activity):
        assert model.objects.count() == 0
    record_restore(model=Account, pk=acc.pk, actor=org.rep_a)
    assert Contact.objects.get(pk=contact.pk).deleted_at is None
    assert Opportunity.objects.filter(pk=opp.pk).exists()
    assert Activity.objects.filter(pk=act.pk).exists()
    assert Contact.history.filter(id=contact.pk).count() == history_before + 2


def test_child_deleted_on_its_own_is_not_restored_with_parent(org, pipeline):
    acc = make_account(org.rep_a)
    c1 = record_create(model=Contact, actor=org.rep_a, data={"account": acc, "name": "A"})
    record_create(model=Contact, actor=org.rep_a, data={"account": acc, "name": "B"})
    record_delete(instance=c1, actor=org.rep_a, expected_version=1)
    record_delete(instance=acc, actor=org.rep_a, expected_version=1)
    record_restore(model=Account, pk=acc.pk, actor=org.rep_a)
    assert list(Contact.objects.values_list("name", flat=True)) == ["B"]


def test_restore_of_child_whose_parent_is_deleted_is_refused(org):
    acc = make_account(org.rep_a)
    c1 = record_create(model=Contact, actor=org.rep_a, data={"account": acc, "name": "A"})
    record_delete(instance=c1, actor=org.rep_a, expected_version=1)
    record_delete(instance=acc, actor=org.rep_a, expected_version=1)
    with pytest.raises(ValidationFailed):
        record_restore(model=Contact, pk=c1.pk, actor=org.rep_a)
    assert Contact.objects.count() == 0


def test_restore_by_another_team_is_not_found(org):
    acc = make_account(org.rep_a)
    record_delete(instance=acc, actor=org.rep_a, expected_version=1)
    with pytest.raises(NotFound):
        record_restore(model=Account, pk=acc.pk, actor=org.rep_b)
    assert Account.objects.count() == 0


def test_purge_job_is_idempotent_and_keeps_recent_deletions(org):
    old = make_account(org.rep_a, name="Old")
    recent = make_account(org.rep_a, name="Recent")
    record_delete(instance=old, actor=org.rep_a, expected_version=1)
    record_delete(instance=recent, actor=org.rep_a, expected_version=1)
    Account.all_objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=45))
    first = recycle_bin_purge_job.call_local()
    second = recycle_bin_purge_job.call_local()
    assert (first, second) == (1, 0)
    assert list(Account.all_objects.values_list("name", flat=True)) == ["Recent"]


def test_reference_data_is_written_by_ops_only(org):
    from opensrm.core.errors import PermissionDenied
    from opensrm.crm.models import Product

    with pytest.raises(PermissionDenied):
        record_create(
            model=Product, actor=org.rep_a, data={"code": "P1", "name": "X", "unit_price": Decimal("1")}
        )
    with pytest.raises(PermissionDenied):
        make_account(org.viewer)
    assert Product.objects.count() == 0
    assert Account.objects.count() == 0
    product = record_create(
        model=Product, actor=org.ops, data={"code": "P1", "name": "X", "unit_price": Decimal("1")}
    )
    assert product.history.first().history_user == org.ops


def test_database_optimize_job_runs_twice(org):
    from django.db import connection

    from opensrm.core.tasks import database_optimize_job

    expected = "optimized" if connection.vendor == "sqlite" else "skipped"
    assert database_optimize_job.call_local() == expected
    assert database_optimize_job.call_local() == expected
