"""Shared helpers of the write matrices: a checksum of every table, and the classification of writes.

A refused write must change nothing, anywhere: not the target row, not its history, not a
child, not a row of another app. :func:`db_state` therefore reads every row of every model
Django knows (history tables included) and reduces each table to its row count and a digest
of all its column values, so two states compare in one ``==`` and a difference names the table.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.db import models

# Rows that legitimately change when a signed-in user merely makes a request: the session
# store (a login writes it; the session middleware may refresh it).
VOLATILE_TABLES = {"sessions.session"}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _row_key(row: tuple[Any, ...]) -> str:
    return repr(row)


def table_state(model: type[models.Model]) -> tuple[int, str]:
    """Row count and SHA-256 over every concrete column of every row of ``model``'s table."""
    manager = model._base_manager
    columns = [f.attname for f in model._meta.concrete_fields]
    rows = sorted((_row_key(r) for r in manager.order_by().values_list(*columns)), key=str)
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return len(rows), digest


def db_state() -> dict[str, tuple[int, str]]:
    """``{app_label.model_name: (rows, checksum)}`` for every managed table, history included."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in VOLATILE_TABLES or not model._meta.managed or model._meta.proxy:
            continue
        state[label] = table_state(model)
    return state


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """Tables whose rows differ, with the row counts, for an assertion message."""
    out = []
    for label in sorted(before.keys() | after.keys()):
        if before.get(label) != after.get(label):
            b, a = before.get(label, (0, "")), after.get(label, (0, ""))
            out.append(f"{label}: {b[0]} → {a[0]} rows" + (" (contents changed)" if b[0] == a[0] else ""))
    return out


def api_write_operations() -> list[tuple[str, str]]:
    """Every write operation of the API as ``(METHOD, path without /api/v1)``, from the schema."""
    from opensrm.config.api import api

    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path.removeprefix("/api/v1"))
        for path, ops in schema["paths"].items()
        for method in ops
        if method.upper() in WRITE_METHODS
    )


def url_routes() -> list[tuple[str, str, Any]]:
    """Every route of the URL conf as ``(route, name, callback)``; ``route`` is the joined pattern
    (``accounts/<int:pk>/edit/``), ``name`` is ``namespace:name`` or ``""``."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, str, Any]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                found.append((prefix + str(p.pattern), name, p.callback))

    walk(get_resolver().url_patterns, "", "")
    return found
