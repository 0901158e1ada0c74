"""The planning cycle the demo runs after loading its data.

Each step names a function ``module:function`` taking the keyword argument ``console`` (a
Rich console to report on). A step runs when its module is installed and defines the
function; otherwise it is named, after the table, as planned for a later version. Planning apps add their step by
providing that function; the order below is the order of a real planning cycle.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rich.console import Console
from rich.table import Table

PLANNING_STEPS: tuple[tuple[str, str], ...] = (
    (gettext_noop("Segment accounts"), "opensrm.scoring.cycle:segment_accounts"),
    (gettext_noop("Score win probability and customer priority"), "opensrm.scoring.cycle:score_accounts"),
    (gettext_noop("Align territories and assign accounts to reps"), "opensrm.territories.cycle:allocate"),
    (gettext_noop("Plan visits and budgets"), "opensrm.planning.cycle:plan_time_and_budget"),
    (gettext_noop("Forecast the pipeline"), "opensrm.forecasting.cycle:forecast"),
    (gettext_noop("Compute commissions"), "opensrm.incentives.cycle:compute_commissions"),
)


def _resolve(target: str) -> Callable[..., Any] | None:
    module_name, _sep, attr = target.partition(":")
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except ModuleNotFoundError:  # a parent package is missing
        return None
    return getattr(importlib.import_module(module_name), attr, None)


def available_steps() -> list[tuple[str, Callable[..., Any] | None]]:
    return [(_(title), _resolve(target)) for title, target in PLANNING_STEPS]


def run_planning_cycle(console: Console) -> list[str]:
    """Run every available planning step in order; return the titles of the steps run."""
    table = Table(title=_("Planning cycle"))
    table.add_column(_("Step"))
    table.add_column(_("Status"))
    ran: list[str] = []
    planned: list[str] = []
    for title, step in available_steps():
        if step is None:
            planned.append(title)  # listed below, not as a row that reads like a failed step
            continue
        step(console=console)
        ran.append(title)
        table.add_row(title, _("done"))
    console.print(table)
    if planned:
        console.print(_("Planned for a later version, not in this one: %(steps)s.") % {"steps": "; ".join(planned)})
    return ran
