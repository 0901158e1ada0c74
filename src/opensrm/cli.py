"""The ``opensrm`` command: demo data, serving, users, migrations, and Django's commands.

Django is configured lazily (:func:`setup_django`) so ``opensrm --help`` stays fast. Every
OpenSRM app in ``INSTALLED_APPS`` that has an ``<app>.cli`` module adds commands through it
(:func:`plugin_modules`): a module-level Typer ``app`` whose commands join the top level
(``opensrm allocate``), or, when the module also sets ``NAME``, a command group
(``opensrm <NAME> ...``). A plugin module that is named but cannot be imported, has no Typer
``app`` or belongs to an app that is not installed is an error (:class:`PluginError`), never a
silent skip. Plugin modules must not import Django models at import time; call
:func:`setup_django` inside their commands.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
import signal
import sys
import time
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

app = typer.Typer(
    name="opensrm", help="OpenSRM: sales resource management.", no_args_is_help=True, add_completion=False
)
console = Console()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()
        _silence_solver_banner()
    from django.utils import translation

    # Outside a request nothing activates a language (so the configured one speaks): --lang and
    # OPENSRM_LANGUAGE choose another for this command.
    if lang := os.environ.get("OPENSRM_LANGUAGE"):
        translation.activate(lang)


def _silence_solver_banner() -> None:
    """HiGHS prints a banner on stdout when the first solver instance of a process is made; make
    that first instance with stdout closed, so command output stays the command's."""
    try:
        import highspy
    except ImportError:  # pragma: no cover - the engine's dependency
        return
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured stdout: nothing reaches a terminal
        highspy.Highs()
        return
    sys.stdout.flush()
    saved, devnull = os.dup(fd), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        highspy.Highs()
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


LANGUAGES = ("zh-hans", "en")


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


def _(message: str) -> str:
    """Translate a message; only called once Django is set up."""
    from django.utils.translation import gettext

    return gettext(message)


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code=1)


def _pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- database -------------------------------------------------------------------------------
@app.command()
def migrate(verbosity: int = typer.Option(1, help="Django verbosity (0-3).")) -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
)
def manage(ctx: typer.Context) -> None:
    """Run any Django management command: opensrm manage <command> [options]."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["opensrm manage", *ctx.args])


# --- demo data ------------------------------------------------------------------------------
def _print_logins() -> None:
    from opensrm.demo.catalog import DEMO_LOGINS
    from opensrm.demo.load import logins_path, read_logins

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
    from opensrm.demo.generate import DemoConfig, generate_company
    from opensrm.demo.load import DemoRefused, demo_data_present, load_company, refuse_in_production, reset_database

    try:
        refuse_in_production()  # before --reset can erase anything
    except DemoRefused as exc:
        raise _fail(str(exc)) from exc
    if _pending_migrations():
        raise _fail(_("The database is not up to date: run `opensrm migrate` first."))
    if demo_data_present():
        if not reset:
            raise _fail(
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
        raise _fail(str(exc)) from exc
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
        raise _fail(_("--as-of must be a date like 2026-06-30, not %(value)r.") % {"value": as_of}) from exc
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
    from opensrm.demo.cycle import run_planning_cycle
    from opensrm.demo.generate import SIZES
    from opensrm.demo.load import demo_data_present

    if size not in SIZES:
        raise _fail(
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
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from opensrm.core.errors import ValidationFailed
    from opensrm.people.models import Team
    from opensrm.people.services import user_create

    team_obj = None
    if team:
        matches = list(
            Team.objects.filter(pk=int(team)) if team.isdigit() else Team.objects.filter(name=team)
        )
        if len(matches) != 1:
            raise _fail(_("No single team matches %(team)r.") % {"team": team})
        team_obj = matches[0]
    try:
        validate_password(password)
    except ValidationError as exc:
        raise _fail(" ".join(exc.messages)) from exc
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
        raise _fail(f"{exc.message} {details}".strip()) from exc
    console.print(
        "[green]"
        + _("Created user %(user)s (%(role)s).") % {"user": user.username, "role": user.get_role_display()}
        + "[/green]"
    )


# --- serving --------------------------------------------------------------------------------
def _collectstatic_if_needed() -> None:
    from django.conf import settings
    from django.core.management import call_command

    root = settings.STATIC_ROOT
    if not os.path.isdir(root) or not any(os.scandir(root)):
        call_command("collectstatic", interactive=False, verbosity=0)


def start_task_consumer(workers: int) -> Any:
    """Start Huey's consumer in this process (threads); ``None`` when jobs run inline."""
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

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
    from waitress import serve as waitress_serve

    if _pending_migrations():
        raise _fail(_("The database is not up to date: run `opensrm migrate` first."))
    _collectstatic_if_needed()
    from opensrm.config.wsgi import application  # after collectstatic: WhiteNoise indexes files at start

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


# --- plugins --------------------------------------------------------------------------------
class PluginError(RuntimeError):
    """A command plugin is named but cannot be loaded."""


def _installed_apps() -> tuple[str, ...]:
    """``INSTALLED_APPS`` without setting Django up (reading the settings is enough)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
    from django.conf import settings

    return tuple(settings.INSTALLED_APPS)


def plugin_modules(installed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The ``<app>.cli`` module of every installed OpenSRM app that has one, in settings order."""
    names = []
    for app_name in _installed_apps() if installed is None else installed:
        if app_name.startswith("opensrm.") and importlib.util.find_spec(f"{app_name}.cli") is not None:
            names.append(f"{app_name}.cli")
    return tuple(names)


def load_plugins(
    target: typer.Typer, modules: tuple[str, ...] | None = None, *, installed: tuple[str, ...] | None = None
) -> list[str]:
    """Add the Typer ``app`` of each plugin module to ``target``; return the modules added.

    ``modules`` defaults to :func:`plugin_modules`; ``installed`` to ``INSTALLED_APPS``. Raises
    :class:`PluginError` for a module whose app is not installed, that cannot be imported, or
    that has no Typer ``app``.
    """
    installed = _installed_apps() if installed is None else installed
    added = []
    for module_name in plugin_modules(installed) if modules is None else modules:
        app_name = module_name.rpartition(".")[0]
        if app_name not in installed:
            raise PluginError(f"command plugin {module_name}: the app {app_name!r} is not in INSTALLED_APPS")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            raise PluginError(f"command plugin {module_name} cannot be imported: {exc}") from exc
        sub = getattr(module, "app", None)
        if not isinstance(sub, typer.Typer):
            raise PluginError(f"command plugin {module_name} has no Typer 'app'")
        target.add_typer(sub, name=getattr(module, "NAME", None))
        added.append(module_name)
    return added


load_plugins(app)


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="opensrm")


if __name__ == "__main__":  # pragma: no cover
    main()
