"""The ``opensrm`` command's own commands: migrations, Django's commands, demo data, users, serving.

Imported by :mod:`opensrm.cli` once Django is set up, so models and services are imported here
at the top; the apps' command plugins join this ``app`` there.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from typing import Any

import typer
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command, execute_from_command_line
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from waitress import serve as waitress_serve

from opensrm.core.commandline import LANGUAGES, console, fail, setup_django
from opensrm.core.errors import ValidationFailed
from opensrm.demo.catalog import DEMO_LOGINS
from opensrm.demo.cycle import run_planning_cycle
from opensrm.demo.generate import SIZES, DemoConfig, generate_company
from opensrm.demo.load import (
    DemoRefused,
    demo_data_present,
    load_company,
    logins_path,
    read_logins,
    refuse_in_production,
    reset_database,
)
from opensrm.people.models import Team
from opensrm.people.services import user_create

app = typer.Typer(
    name="opensrm", help="OpenSRM: sales resource management.", no_args_is_help=True, add_completion=False
)


@app.callback()
def main_options(
    lang: str = typer.Option(
        "",
        "--lang",
        help="Language of the output: zh-hans or en (default: OPENSRM_LANGUAGE, else the configured language).",
    ),
) -> None:
    """OpenSRM: sales resource management."""
    if lang:
        if lang.lower() not in LANGUAGES:
            raise typer.BadParameter(f"choose one of {', '.join(LANGUAGES)}", param_hint="--lang")
        os.environ["OPENSRM_LANGUAGE"] = lang.lower()


def _pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- database -------------------------------------------------------------------------------
@app.command()
def migrate(verbosity: int = typer.Option(1, help="Django verbosity (0-3).")) -> None:
    """Create or update the database tables."""
    setup_django()
    call_command("migrate", interactive=False, verbosity=verbosity)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
)
def manage(ctx: typer.Context) -> None:
    """Run any Django management command: opensrm manage <command> [options]."""
    setup_django()
    execute_from_command_line(["opensrm manage", *ctx.args])


# --- demo data ------------------------------------------------------------------------------
def _print_logins() -> None:
    passwords = read_logins()
    table = Table(title=_("Demo logins"))
    for column in (_("Username"), _("Password"), _("Role")):
        table.add_column(column)
    for login in DEMO_LOGINS:
        table.add_row(login.username, passwords.get(login.username, "?"), _(login.description))
    console.print(table)
    console.print(_("Every demo user's password is in %(path)s.") % {"path": logins_path()})


def build_demo_data(*, accounts: int, reps: int, years: int, seed: int, as_of: dt.date, reset: bool) -> Any:
    """Generate and load the demo company with progress bars; returns the load report."""
    try:
        refuse_in_production()  # before --reset can erase anything
    except DemoRefused as exc:
        raise fail(str(exc)) from exc
    if _pending_migrations():
        raise fail(_("The database is not up to date: run `opensrm migrate` first."))
    if demo_data_present():
        if not reset:
            raise fail(
                _(
                    "The database already has demo data. "
                    "Run again with --reset to erase the database and rebuild it."
                )
            )
        console.print(f"[yellow]{_('Erasing the database (--reset)…')}[/yellow]")
        reset_database()
    try:
        config = DemoConfig(accounts=accounts, reps=reps, years=years, seed=seed, as_of=as_of)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    started = time.perf_counter()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        BarColumn(),
        # Loading writes each row and its history row: a count would read double the table's rows,
        # so the bars show how far along they are and the summary below gives the rows.
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        gen_task = progress.add_task("generate", total=6)
        company = generate_company(
            config, on_step=lambda name: progress.update(gen_task, advance=1, description=f"generate: {name}")
        )
        progress.update(gen_task, completed=6, description="generate")
        tasks: dict[str, Any] = {}

        def on_table(name: str, total: int) -> None:
            tasks[name] = progress.add_task(f"load: {name}", total=total)

        def on_rows(name: str, n: int) -> None:
            progress.advance(tasks[name], n)

        report = load_company(company, on_table=on_table, on_rows=on_rows)
    seconds = time.perf_counter() - started
    summary = Table(
        title=_("Demo company (seed %(seed)s, as of %(date)s)") % {"seed": seed, "date": as_of.isoformat()}
    )
    summary.add_column(_("Table"))
    for column in (_("Rows"), _("History rows")):
        summary.add_column(column, justify="right")
    for name, n in report.rows.items():
        summary.add_row(name, f"{n:,}", f"{report.history_rows[name]:,}")
    console.print(summary)
    console.print(
        "[green]"
        + _("Wrote %(rows)s rows in %(seconds).1f s.")
        % {"rows": f"{report.total_rows:,}", "seconds": seconds}
        + "[/green]"
    )
    return report


@app.command("demo-data")
def demo_data(
    accounts: int = typer.Option(2_000, help="Number of accounts."),
    reps: int = typer.Option(20, help="Number of sales reps (at least 5, one per region)."),
    years: int = typer.Option(2, help="Years of history."),
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same company."),
    as_of: str = typer.Option("", help="The date the data ends on (YYYY-MM-DD); default today."),
    reset: bool = typer.Option(False, "--reset", help="Erase the whole database first."),
) -> None:
    """Generate a realistic demo company and load it into the database."""
    setup_django()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError as exc:
        raise fail(_("--as-of must be a date like 2026-06-30, not %(value)r.") % {"value": as_of}) from exc
    build_demo_data(accounts=accounts, reps=reps, years=years, seed=seed, as_of=day, reset=reset)
    _print_logins()


@app.command()
def demo(
    size: str = typer.Option("small", help="Demo size: tiny, small, medium or large."),
    seed: int = typer.Option(42, help="Random seed."),
    reset: bool = typer.Option(False, "--reset", help="Rebuild the demo data even if it exists."),
    serve_app: bool = typer.Option(True, "--serve/--no-serve", help="Serve the app when ready."),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Set everything up: migrate, build the demo company, run the planning cycle, serve."""
    setup_django()
    if size not in SIZES:
        raise fail(
            _("Unknown size %(size)r; choose one of %(sizes)s.") % {"size": size, "sizes": ", ".join(SIZES)}
        )
    migrate(verbosity=0)
    if demo_data_present() and not reset:
        console.print(_("Demo data already present; keeping it (use --reset to rebuild)."))
    else:
        preset = SIZES[size]
        build_demo_data(
            accounts=preset.accounts,
            reps=preset.reps,
            years=preset.years,
            seed=seed,
            as_of=dt.date.today(),
            reset=reset,
        )
    run_planning_cycle(console)
    _print_logins()
    if serve_app:
        serve(host=host, port=port, workers=2, threads=8)


# --- users ----------------------------------------------------------------------------------
@app.command()
def createuser(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("rep", help="admin, sales_ops, manager, rep or viewer."),
    team: str = typer.Option("", help="Team name or id."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    email: str = typer.Option(""),
    display_name: str = typer.Option(""),
    superuser: bool = typer.Option(False, "--superuser"),
) -> None:
    """Create a user (the password is asked for when not given)."""
    setup_django()
    team_obj = None
    if team:
        matches = list(
            Team.objects.filter(pk=int(team)) if team.isdigit() else Team.objects.filter(name=team)
        )
        if len(matches) != 1:
            raise fail(_("No single team matches %(team)r.") % {"team": team})
        team_obj = matches[0]
    try:
        validate_password(password)
    except ValidationError as exc:
        raise fail(" ".join(exc.messages)) from exc
    try:
        user = user_create(
            username=username,
            password=password,
            role=role,
            team=team_obj,
            email=email,
            display_name=display_name,
            is_superuser=superuser,
        )
    except ValidationFailed as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        raise fail(f"{exc.message} {details}".strip()) from exc
    console.print(
        "[green]"
        + _("Created user %(user)s (%(role)s).") % {"user": user.username, "role": user.get_role_display()}
        + "[/green]"
    )


# --- serving --------------------------------------------------------------------------------
def _collectstatic_if_needed() -> None:
    root = settings.STATIC_ROOT
    if not os.path.isdir(root) or not any(os.scandir(root)):
        call_command("collectstatic", interactive=False, verbosity=0)


def start_task_consumer(workers: int) -> Any:
    """Start Huey's consumer in this process (threads); ``None`` when jobs run inline."""
    if HUEY.immediate:
        return None
    autodiscover_modules("tasks")
    previous = {
        s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s
    }
    consumer = HUEY.create_consumer(workers=workers, worker_type="thread")
    consumer.start()  # starts the worker and scheduler threads; installs its own signal handlers
    for sig, handler in previous.items():  # the web server owns this process's signals
        signal.signal(sig, handler)
    return consumer


def _raise_interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(2, help="Background job worker threads."),
    threads: int = typer.Option(8, help="Web server threads."),
) -> None:
    """Serve the app with waitress, with the background job consumer in the same process."""
    setup_django()
    if _pending_migrations():
        raise fail(_("The database is not up to date: run `opensrm migrate` first."))
    _collectstatic_if_needed()
    application = get_wsgi_application()  # after collectstatic: WhiteNoise indexes files at start

    consumer = start_task_consumer(workers)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    console.print(
        "[green]"
        + _("OpenSRM on http://%(host)s:%(port)s/ (Ctrl+C to stop)") % {"host": host, "port": port}
        + "[/green]"
    )
    try:
        waitress_serve(application, host=host, port=port, threads=threads)
    except KeyboardInterrupt:
        pass
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
