"""The security log page: administrators only (nav link and page), filters by user, event,
outcome and date range, pages by cursor, in Chinese and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opensrm.core.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db

URL = "/settings/security-log/"


def _client(user, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    last = SecurityEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.force_login(user)
    SecurityEvent.objects.filter(pk__gt=last).delete()  # the test's own sign-in is not one of the events
    return client


def _event(kind: str, *, user=None, username: str = "", day: dt.date = dt.date(2026, 5, 4), ip: str = "203.0.113.9"):
    event = SecurityEvent.objects.create(kind=kind, user=user, username=username, ip=ip, user_agent="Test agent")
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    SecurityEvent.objects.filter(pk=event.pk).update(at=at)
    return event


def _shown(response) -> list[int]:
    return [row.pk for row, _cells in response.context["table"]]


@pytest.fixture
def events(org):
    return {
        "rep_in": _event(SecurityEventKind.LOGIN, user=org.rep_a, username="rep_a", day=dt.date(2026, 5, 1)),
        "rep_failed": _event(SecurityEventKind.LOGIN_FAILED, username="rep_a", day=dt.date(2026, 5, 2)),
        "ops_in": _event(SecurityEventKind.LOGIN, user=org.ops, username="ops", day=dt.date(2026, 5, 3)),
        "guess": _event(SecurityEventKind.LOGIN_FAILED, username="root", day=dt.date(2026, 5, 4)),
    }


def test_admin_reads_every_event_newest_first_in_english_and_chinese(org, events):
    english = _client(org.admin).get(URL)
    assert english.status_code == 200
    assert _shown(english) == [events[k].pk for k in ("guess", "ops_in", "rep_failed", "rep_in")]
    html = english.content.decode()
    assert "<h1>Security log</h1>" in html
    assert "sign-in failed" in html
    # the recorded data is not text to translate: a Chinese page shows it as it came
    assert '<td translate="no">203.0.113.9</td>' in html
    assert '<td translate="no">Test agent</td>' in html
    chinese = _client(org.admin, "zh-hans").get(URL).content.decode()
    assert "<h1>安全日志</h1>" in chinese
    assert "Security log" not in chinese


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "rep_a"}, ["rep_failed", "rep_in"]),  # the account signed in to or the name tried
        ({"user": "ROOT"}, ["guess"]),
        ({"kind": "login"}, ["ops_in", "rep_in"]),
        ({"outcome": "failure"}, ["guess", "rep_failed"]),
        ({"outcome": "success"}, ["ops_in", "rep_in"]),
        ({"from": "2026-05-02", "to": "2026-05-03"}, ["ops_in", "rep_failed"]),  # both days included
        ({"from": "2026-05-04"}, ["guess"]),
        ({"user": "rep_a", "outcome": "failure", "to": "2026-05-02"}, ["rep_failed"]),
        ({"kind": "nonsense", "from": "not a date"}, ["guess", "ops_in", "rep_failed", "rep_in"]),
    ],
)
def test_filters(org, events, params, expected):
    response = _client(org.admin).get(URL, params)
    assert _shown(response) == [events[k].pk for k in expected]


def test_keyset_pages_walk_every_event_once(org):
    for k in range(55):
        _event(SecurityEventKind.LOGIN_FAILED, username=f"try{k}", day=dt.date(2026, 1, 1) + dt.timedelta(days=k))
    client = _client(org.admin)
    first = client.get(URL)
    cursor = first.context["page"].next_cursor
    assert len(_shown(first)) == 50
    assert cursor
    second = client.get(URL, {"after": cursor})
    assert len(_shown(second)) == 5
    assert second.context["page"].next_cursor is None
    assert set(_shown(first)).isdisjoint(_shown(second))
    assert len(set(_shown(first)) | set(_shown(second))) == 55
    back = client.get(URL, {"before": second.context["page"].prev_cursor})
    assert _shown(back) == _shown(first)


@pytest.mark.parametrize("name", ["ops", "viewer", "manager_a", "rep_a"])
def test_others_get_no_link_and_403(org, events, name):
    client = _client(getattr(org, name))
    assert URL not in client.get("/").content.decode()
    assert client.get(URL).status_code == 403


def test_the_admin_finds_it_in_the_navigation(org):
    assert f'href="{URL}"' in _client(org.admin).get("/").content.decode()
