"""Command plugins: every OpenSRM app in ``INSTALLED_APPS`` that has an ``<app>.cli`` module adds
commands to ``opensrm`` through it.

A plugin module has a module-level Typer ``app`` whose commands join the top level
(``opensrm allocate``), or, when the module also sets ``NAME``, a command group
(``opensrm <NAME> ...``). A plugin module that is named but cannot be imported, has no Typer
``app`` or belongs to an app that is not installed is an error (:class:`PluginError`), never a
silent skip. Plugins are imported once Django is set up, so they import models at the top.
"""

from __future__ import annotations

import importlib
import importlib.util

import typer
from django.conf import settings


class PluginError(RuntimeError):
    """A command plugin is named but cannot be loaded."""


def _installed_apps() -> tuple[str, ...]:
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
