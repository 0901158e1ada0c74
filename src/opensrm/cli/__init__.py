"""The ``opensrm`` command (the console script ``opensrm = "opensrm.cli:app"``, and
``python -m opensrm.cli``).

Importing this package sets Django up first (settings and the app registry; no database, so
``opensrm --help`` works before the first migration), then imports the command modules, which
import models and services at the top: :mod:`opensrm.cli.commands` (migrations, Django's
commands, demo data, users, serving) and, through :func:`~opensrm.cli.plugins.load_plugins`,
the ``cli`` module of every installed OpenSRM app that has one. What the command modules share
(Django set-up, the language, the console) is in :mod:`opensrm.core.commandline`, below the apps.
"""

from __future__ import annotations

from opensrm.cli.plugins import PluginError, load_plugins, plugin_modules
from opensrm.core.commandline import setup_django

setup_django()

from opensrm.cli.commands import app  # noqa: E402 - its models need the app registry set up above

load_plugins(app)

__all__ = ["PluginError", "app", "load_plugins", "main", "plugin_modules"]


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="opensrm")
