"""The calendar's month view, the reschedule POST behind drag and drop, the bell's reminders and
the done toggle."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from opensrm.core.services import record_create
from opensrm.crm.models import (
    Activity,
    ActivityKind,
)
from opensrm.people.models import User

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _activity(owner, subject: str, due_at: dt.datetime | None, **extra) -> Activity:
    data = {"subject": subject, "kind": ActivityKind.CALL, "owner": owner, "due_at": due_at, **extra}
    return record_create(model=Activity, actor=owner, data=data)


def _snapshot(activity: Activity) -> tuple:
    stored = Activity.objects.get(pk=activity.pk)
    return stored.due_at, stored.version, stored.history.count()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_month_grid_starts_on_monday_and_places_activities_in_the_users_time_zone(client, org, language):
    User.objects.filter(pk=org.rep_a.pk).update(language=language, time_zone="America/New_York")
    # 03:00 UTC on the 10th is the evening of the 9th in New York.
    evening = _activity(org.rep_a, "Evening call", dt.datetime(2026, 12, 10, 3, tzinfo=dt.UTC))
    busy = [_activity(org.rep_a, f"Busy {i}", dt.datetime(2026, 12, 15, 9 + i, tzinfo=NEW_YORK)) for i in range(5)]
    _activity(org.rep_b, "Other team", dt.datetime(2026, 12, 9, 12, tzinfo=NEW_YORK))
    client.force_login(org.rep_a)
    response = client.get(reverse("web:calendar"), {"view": "month", "date": "2026-12-17", "owner": "all"})
    assert response.status_code == 200
    days = response.context["days"]
    # December 2026 starts on a Tuesday and ends on a Thursday: whole weeks, Monday to Sunday.
    assert days[0]["date"] == dt.date(2026, 11, 30)
    assert days[-1]["date"] == dt.date(2027, 1, 3)
    assert len(days) == 35
    assert all(d["date"].weekday() == i % 7 for i, d in enumerate(days))
    by_date = {d["date"]: d for d in days}
    assert [a.pk for a in by_date[dt.date(2026, 12, 9)]["items"]] == [evening.pk]
    assert by_date[dt.date(2026, 12, 10)]["items"] == []
    assert [a.pk for a in by_date[dt.date(2026, 12, 15)]["items"]] == [a.pk for a in busy[:3]]
    assert by_date[dt.date(2026, 12, 15)]["more"] == 2
    assert not by_date[dt.date(2026, 11, 30)]["in_month"]
    assert by_date[dt.date(2026, 12, 1)]["in_month"]
    assert response.context["prev"] == "2026-11-01"
    assert response.context["next"] == "2027-01-01"
    body = response.content.decode()
    assert "Other team" not in body
    assert ("+2 more" if language == "en" else "另有 2 项") in body
    assert ("Month" if language == "en" else "月") in body


def test_month_view_keeps_the_mine_toggle(client, org):
    day = dt.datetime(2026, 12, 15, 10, tzinfo=dt.UTC)
    _activity(org.rep_a, "Mine", day)
    _activity(org.rep_a1, "My report's", day)
    client.force_login(org.manager_a)
    url = reverse("web:calendar")
    mine = client.get(url, {"view": "month", "date": "2026-12-01"}).content.decode()
    everyone = client.get(url, {"view": "month", "date": "2026-12-01", "owner": "all"}).content.decode()
    assert "My report&#x27;s" not in mine
    assert "My report&#x27;s" in everyone


def test_reschedule_moves_to_another_day_keeping_the_time_of_day(client, org):
    activity = _activity(org.rep_a, "Visit", dt.datetime(2026, 12, 15, 14, 30, tzinfo=timezone.get_default_timezone()))
    client.force_login(org.rep_a)
    url = reverse("web:activity_reschedule", args=[activity.pk])
    response = client.post(url, {"date": "2026-12-18", "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    stored = Activity.objects.get(pk=activity.pk)
    local = timezone.localtime(stored.due_at, timezone.get_default_timezone())
    assert (local.date(), local.time()) == (dt.date(2026, 12, 18), dt.time(14, 30))
    assert stored.version == 2
    assert stored.history.order_by("-history_date", "-history_id").first().history_user_id == org.rep_a.pk
    assert 'data-version="2"' in response.content.decode()


def test_reschedule_with_a_stale_version_is_a_conflict_and_changes_nothing(client, org):
    activity = _activity(org.rep_a, "Visit", dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC))
    before = _snapshot(activity)
    client.force_login(org.rep_a)
    url = reverse("web:activity_reschedule", args=[activity.pk])
    response = client.post(url, {"date": "2026-12-18", "version": "9"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 412
    assert "此记录已被他人修改" in response.content.decode()
    assert _snapshot(activity) == before


def test_reschedule_of_another_teams_activity_is_404_and_changes_nothing(client, org):
    activity = _activity(org.rep_b, "Secret visit", dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC))
    before = _snapshot(activity)
    url = reverse("web:activity_reschedule", args=[activity.pk])
    for user in (org.rep_a, org.manager_a):
        client.force_login(user)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.post(url, {"date": "2026-12-18", "version": "1"}, **headers)
            assert response.status_code == 404
            assert "Secret" not in response.content.decode()
    assert _snapshot(activity) == before


@pytest.mark.parametrize(("field", "value"), [("date", "18.12.2026"), ("date", ""), ("due_at", "tomorrow")])
def test_reschedule_with_a_bad_date_is_422_naming_the_field(client, org, field, value):
    User.objects.filter(pk=org.rep_a.pk).update(language="en")
    activity = _activity(org.rep_a, "Visit", dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC))
    before = _snapshot(activity)
    client.force_login(org.rep_a)
    url = reverse("web:activity_reschedule", args=[activity.pk])
    response = client.post(url, {field: value, "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert response.content.decode().startswith("Due:" if field == "due_at" else "Date:")
    assert _snapshot(activity) == before


def test_the_bell_lists_own_overdue_and_next_day_open_activities(client, org):
    User.objects.filter(pk=org.rep_a.pk).update(language="en")
    now = timezone.now()
    overdue = _activity(org.rep_a, "Overdue call", now - dt.timedelta(days=3))
    soon = _activity(org.rep_a, "Call in 20 hours", now + dt.timedelta(hours=20))
    _activity(org.rep_a, "Call in two days", now + dt.timedelta(hours=30))
    _activity(org.rep_a, "Done call", now - dt.timedelta(hours=2), done_at=now - dt.timedelta(hours=1))
    _activity(org.rep_a, "Undated", None)
    _activity(org.rep_a1, "Report's call", now - dt.timedelta(hours=1))
    _activity(org.rep_b, "Other team's call", now - dt.timedelta(hours=1))
    client.force_login(org.rep_a)
    response = client.get(
        reverse("web:notifications"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/accounts/?q=x"
    )
    body = response.content.decode()
    assert [a.pk for a in response.context["items"]] == [overdue.pk, soon.pk]
    assert response.context["total"] == 2
    assert response.context["overdue"] == 1
    assert '<span class="count"' in body
    assert ">2</span>" in body
    assert reverse("web:activity_detail", args=[overdue.pk]) in body
    for absent in ("two days", "Done call", "Undated", "Report", "Other team"):
        assert absent not in body
    # "Done" posts to the toggle and comes back to the page the bell was opened on.
    assert reverse("web:activity_done", args=[soon.pk]) in body
    assert 'name="next" value="/accounts/?q=x"' in body
    done = client.post(reverse("web:activity_done", args=[soon.pk]), {"next": "/accounts/?q=x"})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/?q=x"
    after = client.get(reverse("web:notifications"))
    assert [a.pk for a in after.context["items"]] == [overdue.pk]


def test_the_bell_ignores_a_foreign_current_url(client, org):
    _activity(org.rep_a, "Overdue call", timezone.now() - dt.timedelta(days=1))
    client.force_login(org.rep_a)
    response = client.get(reverse("web:notifications"), HTTP_HX_CURRENT_URL="https://evil.example/x")
    assert "evil.example" not in response.content.decode()


def test_week_view_has_hour_slots_and_a_slot_drop_sets_that_time_in_the_users_zone(client, org):
    User.objects.filter(pk=org.rep_a.pk).update(time_zone="America/New_York")
    early = _activity(org.rep_a, "Early call", dt.datetime(2026, 12, 15, 6, 45, tzinfo=NEW_YORK))
    client.force_login(org.rep_a)
    response = client.get(reverse("web:calendar"), {"view": "week", "date": "2026-12-16"})
    tuesday = response.context["days"][1]
    assert tuesday["date"] == dt.date(2026, 12, 15)
    assert [s["hour"] for s in tuesday["slots"]] == [6, *range(8, 19)]
    assert [a.pk for a in tuesday["slots"][0]["items"]] == [early.pk]
    assert all(not s["items"] for s in response.context["days"][2]["slots"])
    url = reverse("web:activity_reschedule", args=[early.pk])
    moved = client.post(url, {"due_at": "2026-12-18T16:45", "version": "1"}, HTTP_HX_REQUEST="true")
    assert moved.status_code == 200
    stored = Activity.objects.get(pk=early.pk)
    assert stored.due_at == dt.datetime(2026, 12, 18, 16, 45, tzinfo=NEW_YORK)
    assert stored.version == 2


def test_task_done_toggle(client, org, records):
    task = records["a"].activity
    client.force_login(org.rep_a)
    response = client.post(reverse("web:activity_done", args=[task.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.done_at is not None
