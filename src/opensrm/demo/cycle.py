"""The planning cycle the demo runs after loading its data.

``PLANNING_STEPS`` declares the steps of installed apps: each names a function
``module:function`` taking the keyword argument ``console`` (a Rich console to report on). A
step whose module cannot be imported, lacks the function or lies outside the installed apps is
an error, never skipped. ``NOT_BUILT_YET`` is the one list of steps whose app does not exist
yet; the demo names them after the table, and a test checks that none of their apps is
installed (an app that is built moves its step into ``PLANNING_STEPS``). The order of both
follows a real planning cycle.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rich.console import Console
from rich.table import Table

PLANNING_STEPS: tuple[tuple[str, str], ...] = (
    (gettext_noop("Align territories and assign accounts to reps"), "opensrm.allocation.cycle:allocate"),
)

# (title, the app that will provide the step): shown as planned, never run.
NOT_BUILT_YET: tuple[tuple[str, str], ...] = (
    (gettext_noop("Segment accounts"), "opensrm.scoring"),
    (gettext_noop("Score win probability and customer priority"), "opensrm.scoring"),
    (gettext_noop("Plan visits and budgets"), "opensrm.planning"),
    (gettext_noop("Forecast the pipeline"), "opensrm.forecasting"),
    (gettext_noop("Compute commissions"), "opensrm.incentives"),
)


def _resolve(target: str) -> Callable[..., Any]:
    module_name, _sep, attr = target.partition(":")
    if apps.get_containing_app_config(module_name) is None:
        raise ImproperlyConfigured(f"planning step {target}: {module_name} is in no installed app")
    step = getattr(importlib.import_module(module_name), attr, None)  # ModuleNotFoundError if missing
    if not callable(step):
        raise ImproperlyConfigured(f"planning step {target}: {module_name} has no function {attr!r}")
    return step


def available_steps() -> list[tuple[str, Callable[..., Any]]]:
    return [(_(title), _resolve(target)) for title, target in PLANNING_STEPS]


def run_planning_cycle(console: Console) -> list[str]:
    """Run every available planning step in order; return the titles of the steps run."""
    table = Table(title=_("Planning cycle"))
    table.add_column(_("Step"))
    table.add_column(_("Status"))
    ran: list[str] = []
    steps = available_steps()  # every step resolves before the first one runs
    planned = [_(title) for title, _app in NOT_BUILT_YET]  # listed below, not as rows
    for title, step in steps:
        step(console=console)
        ran.append(title)
        table.add_row(title, _("done"))
    console.print(table)
    if planned:
        console.print(_("Planned for a later version, not in this one: %(steps)s.") % {"steps": "; ".join(planned)})
    return ran
