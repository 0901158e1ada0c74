"""The recycle bin at the service layer: a batch comes back whole or not at all, only for an
actor who may write every record in it; a permanent delete is an administrator's, on record."""

from __future__ import annotations

import pytest

from opensrm.core.errors import NotFound, PermissionDenied
from opensrm.core.services import (
    record_create,
    record_delete,
    record_purge,
    record_restore,
    recycle_bin_batch,
    restored_summary,
)
from opensrm.crm.models import Account, Activity, Contact, Opportunity
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db

MODELS = (Account, Contact, Opportunity, Activity)


def _state() -> dict[str, tuple[int, int, int]]:
    """Per model: live rows, deleted rows, history rows."""
    return {
        m.__name__: (m.objects.count(), m.all_objects.filter(deleted_at__isnull=False).count(), m.history.count())
        for m in MODELS
    }


@pytest.fixture
def team_a_account_with_a_team_b_contact(org, pipeline):
    """Team A's account with an opportunity and activities, and one contact on it owned by rep_b
    (sales ops put it there). Sales ops deletes the account: all of it goes in one batch."""
    account = make_account(org.rep_a, name="Team A account")
    contact = record_create(
        model=Contact, actor=org.ops, data={"account": account, "name": "Rep B's contact", "owner": org.rep_b}
    )
    opp = make_opportunity(account, org.rep_a, pipeline)
    for i in range(3):
        data = {"account": account, "opportunity": opp, "subject": f"A{i}"}
        record_create(model=Activity, actor=org.rep_a, data=data)
    record_delete(instance=Account.objects.get(pk=account.pk), actor=org.ops, expected_version=None)
    return account, contact


def test_restoring_an_own_child_of_another_teams_account_is_not_found_and_changes_nothing(
    org, team_a_account_with_a_team_b_contact
):
    account, contact = team_a_account_with_a_team_b_contact
    before = _state()
    with pytest.raises(NotFound):
        record_restore(model=Contact, pk=contact.pk, actor=org.rep_b)
    assert _state() == before
    assert Account.all_objects.get(pk=account.pk).deleted_at is not None
    assert not Account.history.filter(id=account.pk, history_user=org.rep_b).exists()


def test_the_owner_of_the_whole_batch_may_restore_it(org, team_a_account_with_a_team_b_contact):
    _account, contact = team_a_account_with_a_team_b_contact
    # rep_a sees the contact through the account, so every record of the batch is theirs to write.
    result = record_restore(model=Contact, pk=contact.pk, actor=org.rep_a)
    assert result.record.pk == contact.pk
    assert result.counts == {Account: 1, Activity: 3, Contact: 1, Opportunity: 1}
    assert all(m.all_objects.filter(deleted_at__isnull=False).count() == 0 for m in MODELS)


def test_restoring_one_child_brings_back_every_record_of_its_type_in_the_batch(org, pipeline):
    account = make_account(org.rep_a)
    activities = [
        record_create(model=Activity, actor=org.rep_a, data={"account": account, "subject": f"Call {i}"})
        for i in range(13)
    ]
    record_delete(instance=account, actor=org.rep_a, expected_version=1)
    result = record_restore(model=Activity, pk=activities[5].pk, actor=org.rep_a)
    assert Activity.objects.count() == 13
    assert Account.objects.filter(pk=account.pk).exists()
    assert result.counts == {Account: 1, Activity: 13}
    assert restored_summary(result.counts) == "1 account, 13 activities"


def test_a_batch_preview_counts_what_a_restore_brings_back(org, pipeline):
    account = make_account(org.rep_a)
    record_create(model=Contact, actor=org.rep_a, data={"account": account, "name": "A"})
    record_create(model=Contact, actor=org.rep_a, data={"account": account, "name": "B"})
    record_delete(instance=account, actor=org.rep_a, expected_version=1)
    stored = Account.all_objects.get(pk=account.pk)
    assert recycle_bin_batch(record=stored) == {Account: 1, Contact: 2}


def test_an_administrator_purges_a_batch_and_history_names_them(org):
    account = make_account(org.rep_a)
    contact = record_create(model=Contact, actor=org.rep_a, data={"account": account, "name": "A"})
    record_delete(instance=account, actor=org.rep_a, expected_version=1)
    counts = record_purge(model=Account, pk=account.pk, actor=org.admin)
    assert counts == {Account: 1, Contact: 1}
    assert not Account.all_objects.filter(pk=account.pk).exists()
    assert not Contact.all_objects.filter(pk=contact.pk).exists()
    for model, pk in ((Account, account.pk), (Contact, contact.pk)):
        last = model.history.filter(id=pk).latest("history_id")
        assert (last.history_type, last.history_user, last.history_change_reason) == ("-", org.admin, "purged")


def test_only_an_administrator_may_purge_and_another_teams_record_is_not_found(org):
    account = make_account(org.rep_a)
    record_delete(instance=account, actor=org.rep_a, expected_version=1)
    before = _state()
    with pytest.raises(PermissionDenied):
        record_purge(model=Account, pk=account.pk, actor=org.rep_a)
    with pytest.raises(PermissionDenied):
        record_purge(model=Account, pk=account.pk, actor=org.ops)
    with pytest.raises(NotFound):
        record_purge(model=Account, pk=account.pk, actor=org.rep_b)
    assert _state() == before


def test_a_live_record_cannot_be_purged(org):
    account = make_account(org.rep_a)
    with pytest.raises(NotFound):
        record_purge(model=Account, pk=account.pk, actor=org.admin)
    assert Account.objects.filter(pk=account.pk).exists()
