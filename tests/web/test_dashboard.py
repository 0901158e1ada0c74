"""The dashboard compares this quarter to date with the same days of last year's quarter."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone, translation

from opensrm.web.dashboard import build_dashboard, compared_periods


def test_compared_periods_are_quarter_to_date_and_the_same_days_last_year():
    assert compared_periods(dt.date(2026, 11, 20)) == (
        (dt.date(2026, 10, 1), dt.date(2026, 11, 20)),
        (dt.date(2025, 10, 1), dt.date(2025, 11, 20)),
    )
    # 29 February has no twin: the 28th stands in for it.
    assert compared_periods(dt.date(2028, 2, 29))[1] == (dt.date(2027, 1, 1), dt.date(2027, 2, 28))


def test_bookings_growth_compares_like_with_like(org, records, order_for):
    today = dt.date(2026, 11, 20)
    account = records["a"].account
    order_for(account, org.rep_a, dt.date(2026, 10, 5), quantity=3)  # this quarter to date
    order_for(account, org.rep_a, dt.date(2025, 10, 5), quantity=2)  # same days last year
    order_for(account, org.rep_a, dt.date(2025, 11, 20), quantity=1)  # last day compared, counted
    order_for(account, org.rep_a, dt.date(2025, 11, 21), quantity=40)  # rest of last year's quarter
    order_for(account, org.rep_a, dt.date(2025, 12, 15), quantity=50)

    board = build_dashboard(org.rep_a, today=today)

    assert board.bookings_total == 300
    assert board.bookings_last_year_total == 300
    assert board.growth_pct == 0
    assert board.bookings_last_year == [200, 100, 0]  # December of last year is not yet comparable
    assert board.period == (dt.date(2026, 10, 1), today)
    assert board.period_last_year == (dt.date(2025, 10, 1), dt.date(2025, 11, 20))


def test_rep_rows_compare_the_same_days(org, records, order_for):
    today = dt.date(2026, 11, 20)
    account = records["a"].account
    order_for(account, org.rep_a, dt.date(2026, 11, 1), quantity=1)
    order_for(account, org.rep_a, dt.date(2025, 11, 1), quantity=1)
    order_for(account, org.rep_a, dt.date(2025, 12, 1), quantity=9)

    rows = {r.user.username: r for r in build_dashboard(org.manager_a, today=today).reps}

    assert rows["rep_a"].bookings == 100
    assert rows["rep_a"].bookings_last_year == 100


def test_home_page_names_the_compared_periods_in_each_language(client, org, records):
    today = timezone.localdate()
    (start, end), (ly_start, ly_end) = compared_periods(today)
    client.force_login(org.rep_a)
    for language, word in (("zh-hans", "对比"), ("en", "compared with")):
        org.rep_a.language = language
        org.rep_a.save(update_fields=["language"])
        with translation.override(language):
            html = client.get(reverse("web:home")).content.decode()
            for day in (start, end, ly_start, ly_end):
                assert formats.date_format(day, "DATE_FORMAT") in html
        assert word in html
