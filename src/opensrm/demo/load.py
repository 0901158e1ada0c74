"""Write a generated company to the database, with a history row for every record.

Tables go in dependency order, one transaction per batch of related tables; every record
gets a creation history row whose user is the demo administrator. Primary keys are assigned
here (after any rows already present), so paths of the team and territory trees are known
before insert.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from opensrm.crm.models import (
    Account,
    Activity,
    Contact,
    Lead,
    Opportunity,
    OpportunityLine,
    Order,
    OrderLine,
    Pipeline,
    Product,
    Stage,
    StageChange,
    Territory,
)
from opensrm.demo.bulk import table_max_id, write_table
from opensrm.demo.catalog import DEMO_LOGINS
from opensrm.demo.generate import Company, n_rows
from opensrm.people.models import RepProfile, Team, User
from opensrm.people.services import tree_path

TABLE_MODELS: dict[str, type[models.Model]] = {
    "team": Team,
    "user": User,
    "rep_profile": RepProfile,
    "territory": Territory,
    "product": Product,
    "pipeline": Pipeline,
    "stage": Stage,
    "account": Account,
    "contact": Contact,
    "opportunity": Opportunity,
    "opportunity_line": OpportunityLine,
    "stage_change": StageChange,
    "activity": Activity,
    "order": Order,
    "order_line": OrderLine,
    "lead": Lead,
}
# Tables that reference each other (teams ↔ users) or only make sense together share a transaction.
BATCHES: tuple[tuple[str, ...], ...] = (
    ("team", "user", "rep_profile"),
    ("territory",),
    ("product", "pipeline", "stage"),
    ("account",),
    ("contact",),
    ("opportunity", "opportunity_line", "stage_change"),
    ("activity",),
    ("order", "order_line"),
    ("lead",),
)
# Rows without their own creation time are dated by their parent's.
HISTORY_PARENT = {"opportunity_line": ("opportunity", "opportunity_id"), "order_line": ("order", "order_id")}
TREES = ("team", "territory")


class DemoDataExists(Exception):
    """The database already holds demo data (or the demo usernames)."""


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)  # records per table
    history_rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    actor_id: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values()) + sum(self.history_rows.values())


def demo_data_present() -> bool:
    usernames = [login.username for login in DEMO_LOGINS]
    return Account.all_objects.exists() or User.objects.filter(username__in=usernames).exists()


def reset_database() -> None:
    """Empty every table (Django's ``flush``): the demo starts from a clean database."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        # TRUNCATE refuses while deferred foreign-key checks are pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:  # back to deferred, which loading relies on
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _targets(model: type[models.Model]) -> dict[str, str]:
    keys = {m: k for k, m in TABLE_MODELS.items()}
    return {
        f.attname: keys[f.related_model]
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in keys
    }


def _hash_passwords(plain: list[str]) -> list[str]:
    # One hash per distinct password (a handful), two at a time: PBKDF2 releases the GIL.
    distinct = sorted(set(plain))
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashed = dict(zip(distinct, pool.map(make_password, distinct), strict=True))
    return [hashed[p] for p in plain]


def _paths(data: dict[str, Any], ids: np.ndarray, offset: int) -> list[str]:
    paths: list[str] = []
    for i, parent in enumerate(np.asarray(data["parent_id"], dtype=np.int64).tolist()):
        prefix = "" if parent < 0 else paths[parent - 1]
        paths.append(tree_path(prefix, int(ids[i])))
        if parent >= 0 and parent - 1 >= i:
            raise ValueError("tree rows must list parents before children")
    return paths


def load_company(
    company: Company,
    *,
    on_table: Callable[[str, int], None] | None = None,
    on_rows: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Write ``company``; ``on_table(name, rows_to_write)`` then ``on_rows(name, n)`` report progress."""
    if demo_data_present():
        raise DemoDataExists("The database already has demo data; reset it first.")
    offsets = {key: table_max_id(model) for key, model in TABLE_MODELS.items()}
    actor_id = company.actor_id + offsets["user"]
    report = LoadReport(actor_id=actor_id)
    for batch in BATCHES:
        with transaction.atomic():
            for key in batch:
                model = TABLE_MODELS[key]
                data = dict(company.tables[key])
                n = n_rows(data)
                ids = np.arange(1, n + 1, dtype=np.int64) + offsets[key]
                if key == "user":
                    data["password"] = _hash_passwords(list(data["password"]))
                if key in TREES:
                    data["path"] = _paths(data, ids, offsets[key])
                history_dates = None
                if key in HISTORY_PARENT:
                    parent, column = HISTORY_PARENT[key]
                    history_dates = np.asarray(company.tables[parent]["created_at"])[
                        np.asarray(data[column], dtype=np.int64) - 1
                    ]
                has_history = hasattr(model, "history")
                if on_table:
                    on_table(key, n * (2 if has_history else 1))
                started = time.perf_counter()
                write_table(
                    model,
                    data,
                    ids=ids,
                    offsets=offsets,
                    targets=_targets(model),
                    actor_id=actor_id,
                    history_dates=history_dates,
                    progress=(lambda k: lambda m: on_rows(k, m))(key) if on_rows else None,
                )
                report.seconds[key] = time.perf_counter() - started
                report.rows[key] = n
                report.history_rows[key] = n if has_history else 0
    _reset_sequences()
    return report


def _reset_sequences() -> None:
    """PostgreSQL sequences must move past the explicit ids just written."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(TABLE_MODELS.values()))
    if not statements:
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
