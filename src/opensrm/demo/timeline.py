"""The demo calendar: which days business happens on, and drawing times from it.

Time is counted in days from the start of the history window (day 0) to ``as_of``
(day ``n_days``). The daily intensity carries the seasonality (a Chinese New Year dip, a Q4
peak, quiet weekends) and the company's growth; events are drawn from it by inverting its
cumulative sum, so every draw is vectorised and follows the same calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np

from opensrm.demo import catalog as C

SECONDS_PER_DAY = 86_400
# Working hours in Beijing time (UTC+8), stored in UTC: 09:00-18:00 local is 01:00-10:00 UTC.
WORK_START_UTC = 1 * 3600
WORK_END_UTC = 10 * 3600


@dataclass(frozen=True)
class Timeline:
    as_of: dt.date
    years: int
    start: np.datetime64  # day 0, at midnight UTC
    n_days: int
    intensity: np.ndarray  # per day, mean 1 over the window
    cumulative: np.ndarray  # length n_days + 1, cumulative[0] == 0

    @property
    def now(self) -> np.datetime64:
        """The moment the data is generated at: ``as_of`` at 18:00 Beijing time."""
        return self.start + np.timedelta64(self.n_days * SECONDS_PER_DAY + WORK_END_UTC, "s")

    def moment(self, day: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Timestamps (UTC, second precision) from day numbers and seconds into the day."""
        secs = np.asarray(day, dtype=np.int64) * SECONDS_PER_DAY + np.asarray(seconds, dtype=np.int64)
        return self.start + secs.astype("timedelta64[s]")

    def dates(self, day: np.ndarray) -> np.ndarray:
        return self.start.astype("datetime64[D]") + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")

    def work_seconds(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(WORK_START_UTC, WORK_END_UTC, size=n)

    def mass(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Business volume between days ``lo`` and ``hi`` (clipped to the window)."""
        lo_c = np.clip(lo, 0, self.n_days).astype(np.int64)
        hi_c = np.clip(hi, 0, self.n_days).astype(np.int64)
        return np.maximum(self.cumulative[hi_c] - self.cumulative[lo_c], 0.0)

    def sample_days(self, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """One day per row, in ``[lo, hi)``, drawn in proportion to the intensity."""
        lo_c = np.clip(lo, 0, self.n_days).astype(np.int64)
        hi_c = np.clip(hi, 0, self.n_days).astype(np.int64)
        target = self.cumulative[lo_c] + rng.random(len(lo_c)) * (
            self.cumulative[hi_c] - self.cumulative[lo_c]
        )
        day = np.searchsorted(self.cumulative, target, side="right") - 1
        return np.clip(day, lo_c, np.maximum(hi_c - 1, lo_c))


def _cny_days(start: dt.date, n_days: int) -> list[int]:
    out = []
    for year in range(start.year, start.year + n_days // 365 + 2):
        iso = C.CNY_DATES.get(year)
        if iso is not None:
            out.append((dt.date.fromisoformat(iso) - start).days)
    return out


def build_timeline(*, as_of: dt.date, years: int) -> Timeline:
    n_days = 365 * years
    start_date = as_of - dt.timedelta(days=n_days)
    days = np.arange(n_days)
    dates = np.datetime64(start_date) + days.astype("timedelta64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    intensity = np.asarray(C.MONTH_FACTOR)[months] * np.where(weekday >= 5, 0.15, 1.0)
    for cny in _cny_days(start_date, n_days):
        # The holiday week and the slow restart around it: a dip about two weeks wide.
        intensity *= 1.0 - 0.8 * np.exp(-0.5 * ((days - cny - 3) / 6.0) ** 2)
    intensity *= (1.0 + C.ANNUAL_GROWTH) ** ((days - n_days) / 365.0)
    intensity *= n_days / intensity.sum()
    cumulative = np.concatenate([[0.0], np.cumsum(intensity)])
    return Timeline(
        as_of=as_of,
        years=years,
        start=np.datetime64(start_date, "s"),
        n_days=n_days,
        intensity=intensity,
        cumulative=cumulative,
    )


# --- working hours in each user's own time zone ------------------------------------------------
WORK_START_LOCAL = 9 * 3600
WORK_LENGTH = 9 * 3600  # 09:00-18:00
# Days before the window and after ``as_of`` the clock covers (activities planned ahead).
CLOCK_MARGIN_DAYS = 400
# Public holidays of the country a demo time zone is in (Chinese ones for every Chinese office).
ZONE_COUNTRY = {
    "Asia/Shanghai": "CN",
    "Asia/Singapore": "SG",
    "Asia/Tokyo": "JP",
    "Europe/London": "GB",
    "America/New_York": "US",
}


@dataclass(frozen=True)
class WorkClock:
    """Working time (09:00-18:00 local, Monday to Friday, not on public holidays) of one time zone.

    Times are seconds from the timeline's day 0 (UTC). Every working day holds the same nine
    hours, so "working seconds before t" and its inverse are an index lookup.
    """

    starts: np.ndarray  # UTC seconds at which each working day's 09:00 falls, ascending

    def worked_before(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.int64)
        k = np.searchsorted(self.starts, t, side="right") - 1
        inside = np.clip(t - self.starts[np.maximum(k, 0)], 0, WORK_LENGTH)
        return np.where(k < 0, 0, k * WORK_LENGTH + inside)

    def at(self, worked: np.ndarray) -> np.ndarray:
        """The moment after ``worked`` working seconds (the inverse of ``worked_before``)."""
        worked = np.asarray(worked, dtype=np.int64)
        k = np.clip(worked // WORK_LENGTH, 0, len(self.starts) - 1)
        return self.starts[k] + np.clip(worked - k * WORK_LENGTH, 0, WORK_LENGTH - 1)

    def between(self, u: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """A working moment at fraction ``u`` of the working time in ``[lo, hi)``; the first working
        moment from ``lo`` on when that range holds none."""
        w_lo, w_hi = self.worked_before(lo), self.worked_before(hi)
        span = np.maximum(w_hi - w_lo, 1)
        return self.at(w_lo + np.floor(np.asarray(u) * span).astype(np.int64))

    def on_day(self, day: np.ndarray, into: np.ndarray) -> np.ndarray:
        """``into`` seconds into the first working day that starts on or after UTC day ``day``."""
        worked = self.worked_before(np.asarray(day, dtype=np.int64) * SECONDS_PER_DAY)
        first = -(-worked // WORK_LENGTH) * WORK_LENGTH
        return self.at(first + np.clip(np.asarray(into, dtype=np.int64), 0, WORK_LENGTH - 1))

    def next_working(self, t: np.ndarray) -> np.ndarray:
        """``t`` itself when it falls in working time, else the start of the next working day."""
        return self.at(self.worked_before(t))


@cache
def work_clock(start: dt.date, n_days: int, zone: str) -> WorkClock:
    tz = ZoneInfo(zone)
    first = start - dt.timedelta(days=CLOCK_MARGIN_DAYS)
    days = [first + dt.timedelta(days=i) for i in range(n_days + 2 * CLOCK_MARGIN_DAYS)]
    country = ZONE_COUNTRY.get(zone)
    off = holidays.country_holidays(country, years=range(first.year, days[-1].year + 1)) if country else {}
    starts = []
    for day in days:
        if day.weekday() >= 5 or day in off:
            continue
        local = dt.datetime.combine(day, dt.time(), tzinfo=tz) + dt.timedelta(seconds=WORK_START_LOCAL)
        utc = local.astimezone(dt.UTC).replace(tzinfo=None)
        starts.append(int((utc - dt.datetime.combine(start, dt.time())).total_seconds()))
    return WorkClock(starts=np.array(starts, dtype=np.int64))


def clocks_for(timeline: Timeline, zones: list[str]) -> list[WorkClock]:
    start = timeline.start.astype("datetime64[D]").astype(dt.date)
    return [work_clock(start, timeline.n_days, zone) for zone in zones]


def per_zone(zone_of_row: np.ndarray, clocks: list[WorkClock], method: str, *columns: np.ndarray) -> np.ndarray:
    """``clock.<method>(*columns)`` row by row, with each row's own zone's clock."""
    out = np.zeros(len(zone_of_row), dtype=np.int64)
    for z, clock in enumerate(clocks):
        rows = np.flatnonzero(zone_of_row == z)
        if len(rows):
            out[rows] = getattr(clock, method)(*(np.asarray(c)[rows] for c in columns))
    return out


def in_working_time(
    timeline: Timeline, moments: np.ndarray, zone_of_row: np.ndarray, zones: list[str]
) -> np.ndarray:
    """Which UTC second-offsets ``moments`` fall in working time in each row's zone."""
    moments = np.asarray(moments, dtype=np.int64)
    ok = np.zeros(len(moments), dtype=bool)
    for z, clock in enumerate(clocks_for(timeline, zones)):
        rows = np.flatnonzero(zone_of_row == z)
        ok[rows] = clock.next_working(moments[rows]) == moments[rows]
    return ok
