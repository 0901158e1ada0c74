"""`opensrm allocate`: draft, solve and optionally apply an assignment plan from the shell.

``app`` is a Typer sub-app; the main ``opensrm`` command mounts its ``allocate`` command.
:func:`run_demo_allocation` is the step the demo's planning cycle calls.
"""

from __future__ import annotations

from typing import Any

import typer
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from opensrm.allocation import parameters as P
from opensrm.allocation import presentation, selectors, services
from opensrm.allocation.models import AllocationPlan, ScenarioKind, ScenarioStatus
from opensrm.core.commandline import setup_django
from opensrm.core.errors import DomainError
from opensrm.crm.models import Territory
from opensrm.people.models import Role, Team, User

# ``opensrm.cli`` sets Django up before it loads this module, so models import at the top; each
# command still calls ``setup_django()`` first, which activates the language chosen for it.

app = typer.Typer(
    help="Allocation: rep ↔ account plans and territory alignments computed with a bound on how good they are."
)


def _setup() -> None:
    setup_django()


def _default_actor(username: str | None) -> Any:
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
            services.plan_progress(scenario_id=scenario.pk, fraction=fraction, message=message)
            bar.update(task, completed=round(fraction * 100), description=message)

        return services.plan_solve(scenario=scenario, actor=actor, progress=report)


def summary_table(scenario: Any) -> Table:
    compare = selectors.assignment_plan_compare(scenario=scenario)
    table = Table(title=scenario.name, show_header=False)
    table.add_column(overflow="fold")
    table.add_column(overflow="fold")  # long messages wrap instead of being cut off

    def fmt(value: Any, pattern: str = "{:.2f}") -> str:
        return "—" if value is None else pattern.format(value)

    rows = [
        (_("Status"), f"{scenario.get_status_display()} ({presentation.status_label(scenario.result_status) or '—'})"),
        (_("Objective"), fmt(scenario.objective, "{:,.2f}")),
        (_("Bound"), fmt(scenario.bound, "{:,.2f}")),
        (_("Gap"), fmt(scenario.gap, "{:.2%}")),
        (_("Moves"), fmt(scenario.moves, "{:,}")),
        (_("Cap on moves"), fmt((scenario.parameters or {}).get("max_moves"), "{:,}")),
        (_("Balance before (± of mean potential)"), fmt(compare["potential_spread_before"], "{:.1%}")),
        (_("Balance after (± of mean potential)"), fmt(compare["potential_spread_after"], "{:.1%}")),
        (
            _("Travel before / after (km)"),
            f"{compare['travel_km_before']:,.0f} / {compare['travel_km_after']:,.0f}",
        ),
        (_("Seconds"), fmt(scenario.seconds)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    if scenario.infeasibility:
        shown = presentation.infeasibility_display(scenario.infeasibility) or {}
        table.add_row(_("Why infeasible"), str(shown.get("headline", "")))
        for hint in shown.get("hints") or []:
            table.add_row(_("What to relax"), hint)
    elif scenario.message:
        table.add_row(_("Message"), presentation.outcome_summary(scenario.outcome) or scenario.message)
    return table


def alignment_table(scenario: Any) -> Table:
    """One row per proposed territory: workload, potential (and each against the mean), units, accounts."""
    data = scenario.alignment or {}
    table = Table(title=_("Territories"))
    table.add_column(_("Territory"))
    table.add_column(_("Code"))
    for label in (_("Workload"), _("× mean"), _("Potential"), _("× mean"), _("Units"), _("Accounts")):
        table.add_column(label, justify="right")
    for t in data.get("territories") or []:
        table.add_row(
            f"T{t['index'] + 1} {t['name']}",
            t["code"],
            f"{t['workload']:.1f}",
            f"{t['workload_balance']:.2f}",
            f"{t['potential']:,.0f}",
            f"{t['potential_balance']:.2f}",
            str(t["units"]),
            str(t["accounts"]),
        )
    return table


def alignment_summary_table(scenario: Any) -> Table:
    data = scenario.alignment or {}
    table = Table(title=scenario.name, show_header=False)

    def fmt(value: Any, pattern: str = "{:.2f}") -> str:
        return "—" if value is None else pattern.format(value)

    def yes_no(value: bool | None) -> str:
        return "—" if value is None else (_("yes") if value else _("no"))

    rows = [
        (_("Status"), f"{scenario.get_status_display()} ({scenario.result_status or '—'})"),
        (_("Objective"), fmt(scenario.objective)),
        (_("Bound"), fmt(scenario.bound)),
        (_("Gap"), fmt(scenario.gap, "{:.2%}")),
        (_("Territories"), fmt(data.get("p"), "{}")),
        (_("Units"), fmt(data.get("units"), "{}")),
        (_("Balanced"), yes_no(data.get("balanced")) if data else "—"),
        (_("Contiguous"), yes_no(data.get("contiguous"))),
        (_("Largest deviation from the mean"), fmt(data.get("spread_after"), "{:.1%}")),
        (_("Accounts that change territory"), fmt(scenario.moves, "{:,}")),
        (_("Seconds"), fmt(scenario.seconds)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    if scenario.message:
        table.add_row(_("Message"), presentation.outcome_summary(scenario.outcome) or scenario.message)
    return table


_ASSIGNMENT_TOLERANCE = P.default(P.AssignmentParameters, "tolerance")


@app.command("allocate")
def allocate(
    scope_team: str | None = typer.Option(
        None, "--scope-team", help="Plan only this team (by name) and below."
    ),
    kind: str = typer.Option(
        "assignment", "--kind", help="assignment (rep ↔ account) or territory (territory alignment)."
    ),
    territories: int | None = typer.Option(
        None,
        "--territories",
        help="Territory alignment: number of territories (default: the scope territory's sub-territories, "
        "else the reps in scope).",
    ),
    scope_territory: str | None = typer.Option(
        None, "--scope-territory", help="Plan only this territory (by code) and below."
    ),
    unit_level: str = typer.Option(
        P.default(P.TerritoryParameters, "unit_level"), "--unit-level", help="Territory alignment: city or account."
    ),
    contiguity: bool = typer.Option(False, "--contiguity", help="Territory alignment: contiguous territories."),
    tolerance: float | None = typer.Option(
        None,
        "--tolerance",
        help=f"Potential within ± this share of the mean (default {_ASSIGNMENT_TOLERANCE}; territory alignment: "
        f"workload and potential, default {P.default(P.TerritoryParameters, 'tolerance')}).",
    ),
    no_balance: bool = typer.Option(False, "--no-balance", help="Do not balance potential."),
    max_moves: int | None = typer.Option(
        None, "--max-moves", help="At most this many accounts change owner."
    ),
    time_limit: float = typer.Option(float(P.MIN_TIME_LIMIT), "--time-limit", help="Seconds the solver may take."),
    seed: int = typer.Option(0, "--seed"),
    apply: bool = typer.Option(False, "--apply", help="Apply the plan if one is found."),
    actor: str | None = typer.Option(
        None, "--actor", help="Act as this user (default: the first administrator)."
    ),
    name: str = typer.Option("", "--name", help="Scenario name."),
) -> None:
    """Draft a plan from today's data, solve it, print the comparison, optionally apply it."""
    _setup()
    if kind not in (ScenarioKind.ASSIGNMENT, ScenarioKind.TERRITORY):
        raise typer.BadParameter("choose assignment or territory", param_hint="--kind")

    console = Console()
    user = _default_actor(actor)
    team = None
    if scope_team:
        team = Team.objects.filter(name=scope_team).first()
        if team is None:
            raise typer.BadParameter(f"no team named {scope_team!r}", param_hint="--scope-team")
    territory = None
    if scope_territory:
        territory = Territory.objects.filter(code=scope_territory).first()
        if territory is None:
            raise typer.BadParameter(f"no territory with code {scope_territory!r}", param_hint="--scope-territory")
    aligning = kind == ScenarioKind.TERRITORY
    if aligning:
        parameters: dict[str, Any] = {
            "territories": territories,
            "unit_level": unit_level,
            "contiguity": contiguity,
            "time_limit": time_limit,
            "seed": seed,
        }
        if tolerance is not None:
            parameters["tolerance"] = tolerance
    else:
        parameters = {
            "tolerance": None if no_balance else (_ASSIGNMENT_TOLERANCE if tolerance is None else tolerance),
            "max_moves": max_moves,
            "time_limit": time_limit,
            "seed": seed,
        }
    try:
        scenario = services.plan_create(
            actor=user,
            data={
                "name": name or f"CLI {timezone.localtime():%Y-%m-%d %H:%M}",
                "kind": kind,
                "scope_team": team,
                "scope_territory": territory,
                "parameters": parameters,
            },
        )
        scenario = solve_with_progress(console, scenario, user)
        if aligning:
            console.print(alignment_summary_table(scenario))
            if scenario.alignment:
                console.print(alignment_table(scenario))
        else:
            console.print(summary_table(scenario))
        if scenario.status != ScenarioStatus.SOLVED:
            raise typer.Exit(code=1)
        if apply:
            scenario = services.plan_apply(scenario=scenario, actor=user)
            if aligning:
                message = _("Applied: %(n)s accounts changed territory.") % {"n": scenario.moves}
            else:
                message = _("Applied: %(n)s accounts changed owner.") % {"n": scenario.moves}
            console.print(f"[green]{message}[/green]")
    except DomainError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from exc


DEMO_TIME_LIMIT = 20.0
# Balance band and moves cap (share of the accounts in scope), tightest first: the demo loosens
# only when the engine finds no plan.
DEMO_LADDER: tuple[tuple[float | None, float | None], ...] = (
    (0.10, 0.15),
    (0.10, 0.30),
    (0.25, 0.30),
    (None, None),
)


def run_demo_allocation(console: Console, *, apply: bool = False) -> Any:
    """The demo's planning step: plan the whole company within ±10 % balance and a cap of 15 % of
    the accounts on moves, loosening step by step only if no plan is found."""
    _setup()
    user = _default_actor(None)
    # The whole company: a scenario without a team or territory scope plans every active account.
    accounts = selectors.scope_accounts(scenario=AllocationPlan(), actor=user).count()
    scenario = None
    for tolerance, share in DEMO_LADDER:
        balance = f"±{tolerance:.0%}" if tolerance is not None else _("no balance")
        cap = None if share is None else max(1, round(share * accounts))
        moves = _("at most %(n)s moves") % {"n": cap} if cap is not None else _("any number of moves")
        scenario = services.plan_create(
            actor=user,
            data={
                "name": _("Demo plan (%(balance)s, %(moves)s)") % {"balance": balance, "moves": moves},
                "parameters": {
                    "tolerance": tolerance,
                    "max_moves": cap,
                    "time_limit": DEMO_TIME_LIMIT,
                    "seed": 0,
                    # The demo's owners predate the reps' specialisations; without this most
                    # accounts would have to move whatever the cap.
                    "keep_owner_eligible": True,
                },
            },
        )
        console.print(
            _("Planning %(n)s accounts: balance %(balance)s, %(moves)s, %(s)s s time limit")
            % {"n": accounts, "balance": balance, "moves": moves, "s": f"{DEMO_TIME_LIMIT:.0f}"}
        )
        scenario = solve_with_progress(console, scenario, user)
        console.print(summary_table(scenario))
        if scenario.status == ScenarioStatus.SOLVED:
            break
    assert scenario is not None
    if apply and scenario.status == ScenarioStatus.SOLVED:
        scenario = services.plan_apply(scenario=scenario, actor=user)
    return scenario


def run_demo_alignment(console: Console) -> Any:
    """The demo's what-if for territories: regroup the company's cities into as many regions as it
    has today, balanced on workload and potential within ±10 %, drafted but not applied."""
    _setup()
    user = _default_actor(None)
    regions = Territory.objects.filter(parent__isnull=True).count()
    if regions < 2:
        return None
    scenario = services.plan_create(
        actor=user,
        data={
            "name": _("Demo regions rebalanced (±10 %)"),
            "kind": "territory",
            "parameters": {"territories": regions, "tolerance": 0.10, "time_limit": DEMO_TIME_LIMIT, "seed": 0},
        },
    )
    console.print(_("Regrouping the cities into %(n)s balanced regions") % {"n": regions})
    scenario = solve_with_progress(console, scenario, user)
    console.print(alignment_summary_table(scenario))
    return scenario
