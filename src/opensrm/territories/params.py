"""Validation helpers shared by the scenario kinds' parameter checks."""

from __future__ import annotations

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
