"""Validation helpers shared by the scenario kinds' parameter checks, and the draft form's
default time limit."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _


def check_number(
    params: dict[str, Any],
    errors: dict[str, list[str]],
    name: str,
    low: float,
    high: float,
    *,
    integer: bool = False,
    nullable: bool = False,
) -> None:
    """Coerce ``params[name]`` (when given) to a number in [low, high], or record a field error."""
    if name not in params:
        return
    value = params[name]
    if value is None and nullable:
        return
    try:
        value = int(value) if integer else float(value)
    except (TypeError, ValueError):
        errors[name] = [_("Enter a number.")]
        return
    if not low <= value <= high:
        errors[name] = [_("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high}]
        return
    params[name] = value


# The plan search places every account: up to 3,000 accounts it solves one MIP; past that it
# improves regional groups of reps one short sub-MIP at a time, so the time it needs for a first
# feasible plan grows with the accounts. Measured on the medium demo company (20,000 accounts,
# 100 reps, ±10 %, a busy two-core machine): no plan in 60 s or 120 s, a feasible one (gap 1.3 %)
# in 180 s; this default gives it 390 s there (feasible, gap 6.0 %, 2,631 moves; the search stops
# earlier once the gap is within 0.5 %).
MIN_TIME_LIMIT = 60
MAX_DEFAULT_TIME_LIMIT = 600
ACCOUNTS_PER_SECOND = 50


def default_time_limit(accounts: int) -> int:
    """The seconds a plan over ``accounts`` accounts gets unless the planner says otherwise: 60 up
    to 3,000 accounts, one more per 50 accounts beyond (in steps of 10 s), at most 600."""
    wanted = math.ceil(max(0, accounts) / ACCOUNTS_PER_SECOND / 10) * 10
    return int(min(MAX_DEFAULT_TIME_LIMIT, max(MIN_TIME_LIMIT, wanted)))
