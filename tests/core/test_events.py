"""The event bus: handlers run after the commit, never on rollback, and a failing handler is
logged without breaking the publisher or the other handlers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from django.db import transaction

from opensrm.core import events


@dataclass(frozen=True)
class Pinged(events.Event):
    n: int


@pytest.fixture
def seen():
    got: list[int] = []

    def handler(event: Pinged) -> None:
        got.append(event.n)

    events.subscribe(Pinged, handler)
    yield got
    events.unsubscribe(Pinged, handler)


@pytest.mark.django_db(transaction=True)
def test_handler_runs_after_commit_not_before(seen):
    with transaction.atomic():
        events.publish(Pinged(1))
        assert seen == []
    assert seen == [1]


@pytest.mark.django_db(transaction=True)
def test_handler_does_not_run_on_rollback(seen):
    def publish_then_fail():
        with transaction.atomic():
            events.publish(Pinged(2))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError, match="roll back"):
        publish_then_fail()
    assert seen == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_handler_runs_at_once(seen):
    events.publish(Pinged(3))
    assert seen == [3]


@pytest.mark.django_db(transaction=True)
def test_failing_handler_is_logged_and_others_still_run(seen, caplog):
    def broken(event: Pinged) -> None:
        raise ValueError("boom")

    events.unsubscribe(Pinged, seen_handler := events.handlers_for(Pinged)[0])
    events.subscribe(Pinged, broken)
    events.subscribe(Pinged, seen_handler)
    try:
        with caplog.at_level(logging.ERROR, logger="opensrm.core.events"), transaction.atomic():
            events.publish(Pinged(4))
    finally:
        events.unsubscribe(Pinged, broken)
    assert seen == [4]
    assert any("Pinged" in r.getMessage() and r.exc_info for r in caplog.records)


def test_subscribing_twice_keeps_one_registration(seen):
    handler = events.handlers_for(Pinged)[0]
    events.subscribe(Pinged, handler)
    assert events.handlers_for(Pinged) == [handler]


@pytest.mark.django_db
def test_a_failing_handler_does_not_break_the_request_that_published(
    client, org, caplog, django_capture_on_commit_callbacks
):
    """``POST /leads`` publishes ``LeadCreated``; a handler that fails is logged and the lead is
    still created and answered 201."""
    from opensrm.crm.events import LeadCreated
    from opensrm.crm.models import Lead

    got: list[LeadCreated] = []

    def broken(event: LeadCreated) -> None:
        raise ValueError("boom")

    events.subscribe(LeadCreated, broken)
    events.subscribe(LeadCreated, got.append)
    try:
        client.force_login(org.ops)
        with (
            caplog.at_level(logging.ERROR, logger="opensrm.core.events"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post("/api/v1/leads", {"name": "Li", "company": "Li Co"}, content_type="application/json")
    finally:
        events.unsubscribe(LeadCreated, broken)
        events.unsubscribe(LeadCreated, got.append)
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(name="Li")
    assert got == [LeadCreated(lead_id=lead.pk, actor_id=org.ops.pk, awaiting_routing=False)]
    assert any("LeadCreated" in r.getMessage() for r in caplog.records)
