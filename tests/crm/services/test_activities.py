"""Rescheduling an activity (the calendar's drag and drop) through the service."""

from __future__ import annotations

import datetime as dt

import pytest

from opensrm.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionMismatch
from opensrm.core.services import record_create
from opensrm.crm.models import Activity
from opensrm.crm.services import activity_reschedule

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2027, 1, 5, 9, tzinfo=dt.UTC)
NEW = dt.datetime(2027, 1, 7, 14, 30, tzinfo=dt.UTC)


def _activity(owner) -> Activity:
    return record_create(model=Activity, actor=owner, data={"subject": "Visit", "kind": "visit", "due_at": DUE})


def _state(activity: Activity) -> tuple:
    stored = Activity.objects.get(pk=activity.pk)
    return stored.due_at, stored.version, stored.history.count()


def test_reschedule_moves_the_due_time_bumps_the_version_and_names_the_actor(org):
    activity = _activity(org.rep_a)
    moved = activity_reschedule(activity=activity, due_at=NEW, actor=org.manager_a, expected_version=1)
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.due_at == NEW == moved.due_at
    assert stored.version == 2
    latest = stored.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user_id == org.manager_a.pk
    assert latest.due_at == NEW
    assert latest.version == 2


def test_a_stale_version_is_a_conflict_and_changes_nothing(org):
    activity = _activity(org.rep_a)
    before = _state(activity)
    with pytest.raises(VersionMismatch) as err:
        activity_reschedule(activity=activity, due_at=NEW, actor=org.rep_a, expected_version=7)
    assert "changed by someone else" in err.value.message
    assert _state(activity) == before


def test_another_teams_activity_is_not_found_and_unchanged(org):
    activity = _activity(org.rep_b)
    before = _state(activity)
    for actor in (org.rep_a, org.manager_a):
        with pytest.raises(NotFound):
            activity_reschedule(activity=activity, due_at=NEW, actor=actor, expected_version=1)
    assert _state(activity) == before


def test_a_reader_who_may_see_but_not_write_is_refused(org):
    activity = _activity(org.rep_a)
    before = _state(activity)
    with pytest.raises(PermissionDenied):
        activity_reschedule(activity=activity, due_at=NEW, actor=org.viewer, expected_version=1)
    assert _state(activity) == before


def test_a_missing_due_time_names_the_field(org):
    activity = _activity(org.rep_a)
    with pytest.raises(ValidationFailed) as err:
        activity_reschedule(activity=activity, due_at=None, actor=org.rep_a, expected_version=1)
    assert "due_at" in err.value.field_errors
    assert _state(activity)[1] == 1
