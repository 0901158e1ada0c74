"""The allocation step of the demo's planning cycle."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from opensrm.allocation.cli import run_demo_alignment, run_demo_allocation


def allocate(*, console: Console) -> Any:
    """Draft (but do not apply) a territory alignment of the regions and an assignment plan for
    the whole demo company, so a manager can open them, compare them with today and apply them
    from the pages."""
    run_demo_alignment(console)
    return run_demo_allocation(console, apply=False)
