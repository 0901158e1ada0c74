"""What every part of the ``opensrm`` command shares: Django set up for a command, the language
of its output, a console and a way to stop with a message.

The entry point (``opensrm.cli``) calls :func:`setup_django` once before it imports any command
module, so command modules (``opensrm.cli.commands`` and each app's ``cli.py``) import models,
services and selectors at the top. Setting Django up reads the settings and loads the apps; it
does not touch the database, so ``opensrm --help`` works before the first migration. A command
calls :func:`setup_django` again when it starts: that is cheap once Django is ready, and makes
the language chosen with ``--lang`` (or ``OPENSRM_LANGUAGE``) the one the command speaks.
"""

from __future__ import annotations

import os
import sys

import django
import highspy
import typer
from django.apps import apps
from django.utils import translation
from rich.console import Console

LANGUAGES = ("zh-hans", "en")

console = Console()


def setup_django() -> None:
    """Set Django up (once per process) and activate ``OPENSRM_LANGUAGE`` when it is set."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opensrm.config.settings")
    if not apps.ready:
        django.setup()
        _silence_solver_banner()
    # Outside a request nothing activates a language (so the configured one speaks): --lang and
    # OPENSRM_LANGUAGE choose another for this command.
    if lang := os.environ.get("OPENSRM_LANGUAGE"):
        translation.activate(lang)


def _silence_solver_banner() -> None:
    """HiGHS prints a banner on stdout when the first solver instance of a process is made; make
    that first instance with stdout closed, so command output stays the command's."""
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


def fail(message: str) -> typer.Exit:
    """Print ``message`` in red on the shared console; the exit (code 1) for the caller to raise."""
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code=1)
