"""A sign-in is not a change to the user: no history row. Sign-ins and failed sign-ins go to
the security log (with address, browser and the username tried), read-only in the admin."""

from __future__ import annotations

import pytest

from opensrm.core.models import SecurityEvent, SecurityEventKind
from opensrm.people.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Strong-123"
AGENT = "Mozilla/5.0 (X11) Test"


def _sign_in(client, login: str, password: str):
    return client.post(
        "/accounts/login/",
        {"login": login, "password": password},
        HTTP_USER_AGENT=AGENT,
        REMOTE_ADDR="203.0.113.7",
    )


def test_signing_in_writes_no_history_row_and_one_security_event(client, org):
    before = User.history.filter(id=org.rep_a.pk).count()
    for _ in range(3):
        assert _sign_in(client, "rep_a", PASSWORD).status_code == 302
        client.logout()
    assert User.history.filter(id=org.rep_a.pk).count() == before
    org.rep_a.refresh_from_db()
    assert org.rep_a.last_login is not None
    events = list(SecurityEvent.objects.filter(user=org.rep_a))
    assert len(events) == 3
    assert {(e.kind, e.username, e.ip, e.user_agent) for e in events} == {
        (SecurityEventKind.LOGIN, "rep_a", "203.0.113.7", AGENT)
    }


def test_a_failed_sign_in_is_logged_with_the_username_tried(client, org):
    assert _sign_in(client, "rep_a", "wrong password").status_code == 200
    event = SecurityEvent.objects.get()
    assert (event.kind, event.username, event.user, event.ip) == (
        SecurityEventKind.LOGIN_FAILED,
        "rep_a",
        None,
        "203.0.113.7",
    )
    assert User.history.filter(id=org.rep_a.pk).count() == 1


def test_administrators_read_the_security_log_and_nobody_edits_it(client, org):
    _sign_in(client, "rep_a", "wrong password")
    event = SecurityEvent.objects.get()
    client.force_login(org.admin)
    listing = client.get("/admin/core/securityevent/")
    assert listing.status_code == 200
    assert b"rep_a" in listing.content
    assert client.get("/admin/core/securityevent/add/").status_code == 403
    assert client.post(f"/admin/core/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/core/securityevent/{event.pk}/change/", {"username": "x"}).status_code == 403
    assert SecurityEvent.objects.get(pk=event.pk).username == "rep_a"
    client.force_login(org.rep_a)
    assert client.get("/admin/core/securityevent/").status_code == 302
