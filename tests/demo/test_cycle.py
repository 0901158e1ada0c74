"""The planning-cycle hook of ``opensrm demo``."""

from __future__ import annotations

import io
import sys
import textwrap

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rich.console import Console

from opensrm.allocation import cycle as territories_cycle
from opensrm.demo import cycle


def test_declared_steps_run_and_the_steps_not_built_yet_are_named_after_the_table(monkeypatch):
    calls = []
    monkeypatch.setattr(territories_cycle, "allocate", lambda *, console: calls.append(console))
    out = io.StringIO()
    console = Console(file=out, width=200)
    ran = cycle.run_planning_cycle(console)
    assert ran == ["Align territories and assign accounts to reps"]
    assert calls == [console]
    text = out.getvalue()
    table, planned = text.split("Planned for a later version, not in this one:")
    assert "Align territories and assign accounts to reps" in table
    assert "done" in table
    assert "Segment accounts" not in table
    assert planned.strip() == (
        "Segment accounts; Score win probability and customer priority; Plan visits and budgets; "
        "Forecast the pipeline; Compute commissions."
    )


def test_steps_not_built_yet_belong_to_apps_that_are_not_installed():
    for title, app_name in cycle.NOT_BUILT_YET:
        assert app_name not in settings.INSTALLED_APPS, f"{title!r}: {app_name} is installed, declare its step"
    # a declared step comes from an installed app
    for _title, target in cycle.PLANNING_STEPS:
        assert target.partition(":")[0].rpartition(".")[0] in settings.INSTALLED_APPS


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("opensrm.allocation.cylce:allocate", ModuleNotFoundError),  # misspelled module
        ("opensrm.allocation.cycle:alocate", ImproperlyConfigured),  # misspelled function
        ("opensrm.scoring.cycle:score_accounts", ImproperlyConfigured),  # app not installed
    ],
)
def test_a_step_that_cannot_be_resolved_is_an_error_and_nothing_runs(monkeypatch, target, error):
    calls = []
    monkeypatch.setattr(territories_cycle, "allocate", lambda *, console: calls.append(console))
    monkeypatch.setattr(
        cycle, "PLANNING_STEPS", (("Allocate", "opensrm.allocation.cycle:allocate"), ("Broken", target))
    )
    with pytest.raises(error):
        cycle.run_planning_cycle(Console(file=io.StringIO()))
    assert calls == []  # every step resolves before the first one runs


def test_a_step_module_outside_the_installed_apps_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "cycle_probe.py").write_text(
        textwrap.dedent("""
        def step(*, console):
            raise AssertionError("must not run")
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cycle, "PLANNING_STEPS", (("Probe step", "cycle_probe:step"),))
    with pytest.raises(ImproperlyConfigured, match="in no installed app"):
        cycle.run_planning_cycle(Console(file=io.StringIO()))
    sys.modules.pop("cycle_probe", None)
