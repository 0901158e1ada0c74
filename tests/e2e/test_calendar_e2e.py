"""The calendar's month view in a browser: drag an activity to another day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opensrm.core.services import record_create
from opensrm.crm.models import Activity
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _drag(page, item_selector: str, target_selector: str) -> None:
    item = page.locator(item_selector).bounding_box()
    target = page.locator(target_selector).bounding_box()
    x0, y0 = item["x"] + item["width"] / 2, item["y"] + 8
    x1, y1 = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
        page.wait_for_timeout(30)
    # The item moves into the lists it passes over, which can push the target down: aim again.
    for _ in range(3):
        target = page.locator(target_selector).bounding_box()
        page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=3)
        page.wait_for_timeout(50)
    page.mouse.up()


def test_dragging_an_activity_to_another_day_reschedules_it(chromium_browser, live_server, transactional_db):
    from tests.factories import make_org

    org = make_org()
    tz = timezone.get_default_timezone()
    activity = record_create(
        model=Activity,
        actor=org.rep_a,
        data={"subject": "Visit Wuxi Motors", "kind": "visit", "due_at": dt.datetime(2027, 1, 13, 10, 15, tzinfo=tz)},
    )
    context = chromium_browser.new_context(
        locale="en-US", viewport={"width": 1440, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, "rep_a")
        page.goto("/calendar/?view=month&date=2027-01-13")
        item = f".cal-item[data-activity='{activity.pk}']"
        page.wait_for_selector(f".cal-day-body[data-date='2027-01-13'] {item}")
        _drag(page, item, ".cal-day-body[data-date='2027-01-15']")
        page.wait_for_selector(f".cal-day-body[data-date='2027-01-15'] {item}[data-version='2']")
        page.wait_for_selector("#toast:not([hidden])")
        stored = Activity.objects.get(pk=activity.pk)
        local = timezone.localtime(stored.due_at, tz)
        assert (local.date(), local.time()) == (dt.date(2027, 1, 15), dt.time(10, 15))
        assert stored.version == 2
        assert stored.history.order_by("-history_date", "-history_id").first().history_user_id == org.rep_a.pk
        page.reload()
        page.wait_for_selector(f".cal-day-body[data-date='2027-01-15'] {item}")
        assert page.locator(f".cal-day-body[data-date='2027-01-13'] {item}").count() == 0
    finally:
        context.close()


def test_dragging_an_activity_to_an_hour_slot_of_the_week_sets_that_time(
    chromium_browser, live_server, transactional_db
):
    from tests.factories import make_org

    org = make_org()
    tz = timezone.get_default_timezone()
    activity = record_create(
        model=Activity,
        actor=org.rep_a,
        data={"subject": "Call Li Lei", "kind": "call", "due_at": dt.datetime(2027, 1, 13, 9, 30, tzinfo=tz)},
    )
    context = chromium_browser.new_context(
        locale="en-US", viewport={"width": 1440, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, "rep_a")
        page.goto("/calendar/?view=week&date=2027-01-13")
        item = f".cal-item[data-activity='{activity.pk}']"
        target = ".cal-slot[data-date='2027-01-14'][data-hour='11']"
        page.wait_for_selector(f".cal-slot[data-date='2027-01-13'][data-hour='9'] {item}")
        _drag(page, item, target)
        page.wait_for_selector(f"{target} {item}[data-version='2']")
        local = timezone.localtime(Activity.objects.get(pk=activity.pk).due_at, tz)
        assert (local.date(), local.time()) == (dt.date(2027, 1, 14), dt.time(11, 30))
    finally:
        context.close()
