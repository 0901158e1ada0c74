"""Bulk actions: every record through its service (version + history by the actor), only what
the actor may see, other teams' rows untouched, per-row refusals reported."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from opensrm.core.errors import PermissionDenied, ValidationFailed
from opensrm.crm.models import Account, Lead, Opportunity, StageChange
from opensrm.crm.services.bulk import bulk_apply
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def _snapshot(model, pks):
    return {o.pk: (o.version, model_to_dict(o)) for o in model.all_objects.filter(pk__in=pks)}


def _newest_history_user(obj):
    return obj.history.order_by("-history_date", "-history_id").first().history_user_id


def test_reassign_owner_bumps_version_and_history_and_ignores_other_team(org):
    mine = [make_account(org.rep_a, name=f"A{i}") for i in range(3)]
    theirs = make_account(org.rep_b, name="B secret")
    before_b = _snapshot(Account, [theirs.pk])
    ids = [a.pk for a in mine] + [theirs.pk, 999999]

    result = bulk_apply(actor=org.manager_a, model=Account, ids=ids, action="owner", value=str(org.rep_a1.pk))

    assert sorted(result.done) == sorted(a.pk for a in mine)
    assert result.not_found == [theirs.pk, 999999]
    assert result.failed == []
    for a in mine:
        stored = Account.objects.get(pk=a.pk)
        assert stored.owner_id == org.rep_a1.pk
        assert stored.version == a.version + 1
        assert _newest_history_user(stored) == org.manager_a.pk
    assert _snapshot(Account, [theirs.pk]) == before_b


def test_owner_outside_the_actor_reach_is_refused_naming_the_field(org):
    mine = make_account(org.rep_a)
    with pytest.raises(ValidationFailed) as exc:
        bulk_apply(actor=org.rep_a, model=Account, ids=[mine.pk], action="owner", value=str(org.rep_b.pk))
    assert "owner" in exc.value.field_errors
    assert Account.objects.get(pk=mine.pk).version == mine.version


def test_stage_change_goes_through_stage_history(org, pipeline):
    account = make_account(org.rep_a)
    opps = [make_opportunity(account, org.rep_a, pipeline) for _ in range(2)]
    target = pipeline.stages.get(name="Propose")

    result = bulk_apply(actor=org.rep_a, model=Opportunity, ids=[o.pk for o in opps], action="stage", value=target.pk)

    assert sorted(result.done) == sorted(o.pk for o in opps)
    for o in opps:
        stored = Opportunity.objects.get(pk=o.pk)
        assert stored.stage_id == target.pk
        assert stored.version == o.version + 1
        assert StageChange.objects.filter(opportunity=o, to_stage=target).exists()
        assert _newest_history_user(stored) == org.rep_a.pk


def test_tier_tag_status_and_delete(org):
    a = make_account(org.rep_a, tags=["vip"])
    assert bulk_apply(actor=org.rep_a, model=Account, ids=[a.pk], action="tier", value="A").done == [a.pk]
    assert bulk_apply(actor=org.rep_a, model=Account, ids=[a.pk], action="tag", value=" key  account ").done == [a.pk]
    stored = Account.objects.get(pk=a.pk)
    assert stored.tier == "A"
    assert stored.tags == ["vip", "key account"]
    assert stored.version == a.version + 2

    from opensrm.core.services import record_create

    lead = record_create(model=Lead, actor=org.rep_a, data={"name": "L", "company": "C"})
    assert bulk_apply(actor=org.rep_a, model=Lead, ids=[lead.pk], action="status", value="working").done == [lead.pk]
    assert Lead.objects.get(pk=lead.pk).status == "working"
    with pytest.raises(ValidationFailed) as exc:
        bulk_apply(actor=org.rep_a, model=Lead, ids=[lead.pk], action="status", value="converted")
    assert "status" in exc.value.field_errors

    result = bulk_apply(actor=org.rep_a, model=Account, ids=[a.pk], action="delete")
    assert result.done == [a.pk]
    deleted = Account.all_objects.get(pk=a.pk)
    assert deleted.deleted_at is not None
    assert deleted.deleted_by_id == org.rep_a.pk


def test_bad_input_is_refused_with_the_field(org):
    a = make_account(org.rep_a)
    for ids, action, value, name in [
        ([], "tier", "A", "ids"),
        (["x"], "tier", "A", "ids"),
        ([a.pk], "tier", "zzz", "tier"),
        ([a.pk], "stage", "1", "action"),  # no stage on an account
        ([a.pk], "tag", "a,b", "tag"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            bulk_apply(actor=org.rep_a, model=Account, ids=ids, action=action, value=value)
        assert name in exc.value.field_errors, (ids, action)
    assert Account.objects.get(pk=a.pk).version == a.version


def test_viewer_may_not_bulk(org):
    a = make_account(org.rep_a)
    with pytest.raises(PermissionDenied):
        bulk_apply(actor=org.viewer, model=Account, ids=[a.pk], action="tier", value="A")


def test_a_refused_row_is_reported_and_the_others_are_done(org, pipeline):
    account = make_account(org.rep_a)
    ok = make_opportunity(account, org.rep_a, pipeline)
    other = type(pipeline).objects.create(name="Other")
    foreign_stage = other.stages.create(name="Elsewhere", order=1)
    # A stage of another pipeline fits none of them: each row is refused with the reason.
    result = bulk_apply(actor=org.rep_a, model=Opportunity, ids=[ok.pk], action="stage", value=foreign_stage.pk)
    assert result.done == []
    assert [pk for pk, _, _ in result.failed] == [ok.pk]
    assert "pipeline" in result.failed[0][2]
    assert Opportunity.objects.get(pk=ok.pk).version == ok.version
