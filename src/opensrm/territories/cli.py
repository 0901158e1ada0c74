"""`opensrm allocate`: draft, solve and optionally apply an assignment plan from the shell.

``app`` is a Typer sub-app; the main ``opensrm`` command mounts its ``allocate`` command.
:func:`run_demo_allocation` is the step the demo's planning cycle calls.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="Allocation: rep ↔ account plans computed with a bound on how good they are.")


def _setup() -> None:
    import os

    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
        django.setup()


def _default_actor(username: str | None) -> Any:
    from django.db.models import Q

    from opensrm.people.models import Role, User

    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise typer.BadParameter(f"no active user {username!r}", param_hint="--actor")
        return user
    user = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role__in=[Role.ADMIN, Role.SALES_OPS]))
        .order_by("-is_superuser", "id")
        .first()
    )
    if user is None:
        raise typer.BadParameter("create an administrator or sales ops user first", param_hint="--actor")
    return user


def solve_with_progress(console: Console, scenario: Any, actor: Any) -> Any:
    """Solve ``scenario`` with a Rich progress bar (progress is also written to the scenario row)."""
    from opensrm.territories import services

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("gathering", total=100)

        def report(fraction: float, message: str) -> None:
            services.scenario_progress(scenario_id=scenario.pk, fraction=fraction, message=message)
            bar.update(task, completed=round(fraction * 100), description=message)

        return services.assignment_plan_create(scenario=scenario, actor=actor, progress=report)


def summary_table(scenario: Any) -> Table:
    from django.utils.translation import gettext as _

    from opensrm.territories import selectors

    compare = selectors.assignment_plan_compare(scenario=scenario)
    table = Table(title=scenario.name, show_header=False)

    def fmt(value: Any, pattern: str = "{:.2f}") -> str:
        return "—" if value is None else pattern.format(value)

    rows = [
        (_("Status"), f"{scenario.get_status_display()} ({scenario.result_status or '—'})"),
        (_("Objective"), fmt(scenario.objective)),
        (_("Bound"), fmt(scenario.bound)),
        (_("Gap"), fmt(scenario.gap, "{:.4%}")),
        (_("Moves"), fmt(scenario.moves, "{}")),
        (_("Balance before (± of mean potential)"), fmt(compare["potential_spread_before"], "{:.1%}")),
        (_("Balance after (± of mean potential)"), fmt(compare["potential_spread_after"], "{:.1%}")),
        (
            _("Travel before / after (km)"),
            f"{compare['travel_km_before']:.0f} / {compare['travel_km_after']:.0f}",
        ),
        (_("Seconds"), fmt(scenario.seconds)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    if scenario.infeasibility:
        table.add_row(_("Why infeasible"), str(scenario.infeasibility.get("message", "")))
    elif scenario.message:
        table.add_row(_("Message"), scenario.message)
    return table


@app.command("allocate")
def allocate(
    scope_team: str | None = typer.Option(
        None, "--scope-team", help="Plan only this team (by name) and below."
    ),
    tolerance: float | None = typer.Option(
        0.05, "--tolerance", help="Potential within ± this share of the mean."
    ),
    no_balance: bool = typer.Option(False, "--no-balance", help="Do not balance potential."),
    max_moves: int | None = typer.Option(
        None, "--max-moves", help="At most this many accounts change owner."
    ),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Seconds the solver may take."),
    seed: int = typer.Option(0, "--seed"),
    apply: bool = typer.Option(False, "--apply", help="Apply the plan if one is found."),
    actor: str | None = typer.Option(
        None, "--actor", help="Act as this user (default: the first administrator)."
    ),
    name: str = typer.Option("", "--name", help="Scenario name."),
) -> None:
    """Draft an assignment plan from today's data, solve it, print the comparison, optionally apply it."""
    _setup()
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from opensrm.core.errors import DomainError
    from opensrm.people.models import Team
    from opensrm.territories import services
    from opensrm.territories.models import ScenarioStatus

    console = Console()
    user = _default_actor(actor)
    team = None
    if scope_team:
        team = Team.objects.filter(name=scope_team).first()
        if team is None:
            raise typer.BadParameter(f"no team named {scope_team!r}", param_hint="--scope-team")
    parameters = {
        "tolerance": None if no_balance else tolerance,
        "max_moves": max_moves,
        "time_limit": time_limit,
        "seed": seed,
    }
    try:
        scenario = services.scenario_create(
            actor=user,
            data={
                "name": name or f"CLI {timezone.localtime():%Y-%m-%d %H:%M}",
                "scope_team": team,
                "parameters": parameters,
            },
        )
        scenario = solve_with_progress(console, scenario, user)
        console.print(summary_table(scenario))
        if scenario.status != ScenarioStatus.SOLVED:
            raise typer.Exit(code=1)
        if apply:
            services.assignment_plan_apply(scenario=scenario, actor=user)
            message = _("Applied: %(n)s accounts changed owner.") % {"n": scenario.moves}
            console.print(f"[green]{message}[/green]")
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc


def run_demo_allocation(console: Console, *, apply: bool = False) -> Any:
    """The demo's planning step: plan the whole company, loosening balance until a plan exists."""
    _setup()
    from django.utils.translation import gettext as _

    from opensrm.territories import services
    from opensrm.territories.models import ScenarioStatus

    user = _default_actor(None)
    scenario = None
    for tolerance in (0.10, 0.25, None):
        label = f"±{tolerance:.0%}" if tolerance is not None else _("no balance")
        scenario = services.scenario_create(
            actor=user,
            data={
                "name": _("Demo plan (%(balance)s)") % {"balance": label},
                "parameters": {"tolerance": tolerance, "time_limit": 60, "seed": 0},
            },
        )
        scenario = solve_with_progress(console, scenario, user)
        if scenario.status == ScenarioStatus.SOLVED:
            break
    assert scenario is not None
    console.print(summary_table(scenario))
    if apply and scenario.status == ScenarioStatus.SOLVED:
        scenario = services.assignment_plan_apply(scenario=scenario, actor=user)
    return scenario
