"""The allocation step of the demo's planning cycle."""

from __future__ import annotations

from typing import Any

from rich.console import Console


def allocate(*, console: Console) -> Any:
    """Draft (but do not apply) an assignment plan for the whole demo company, so a manager
    can open it, compare it with today's owners and apply it from the pages."""
    from opensrm.territories.cli import run_demo_allocation

    return run_demo_allocation(console, apply=False)
