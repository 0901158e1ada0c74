"""The demo calendar: which days business happens on, and drawing times from it.

Time is counted in days from the start of the history window (day 0) to ``as_of``
(day ``n_days``). The daily intensity carries the seasonality (a Chinese New Year dip, a Q4
peak, quiet weekends) and the company's growth; events are drawn from it by inverting its
cumulative sum, so every draw is vectorised and follows the same calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
