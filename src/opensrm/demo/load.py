"""Write a generated company to the database, with a history row for every record.

Tables go in dependency order, one transaction per batch of related tables; every record
gets a creation history row whose user is the demo administrator. Primary keys are assigned
here (after any rows already present), so paths of the team and territory trees are known
before insert.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext

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
    passwords: dict[str, str] = field(default_factory=dict)  # username → the password just set

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


LOGINS_FILE = "demo-logins.txt"
# Iterations for the users not printed at the end. Their passwords are random (96 bits), so the
# work factor adds nothing an attacker could exploit; the full count would cost about 0.4 s per
# user (a minute for the large company). Django raises it to the full count at the first sign-in.
BULK_ITERATIONS = 10_000


class DemoRefused(Exception):
    """Demo users must not be created under production settings."""


def production_reasons() -> list[str]:
    """Why the settings look like production ([] when they do not).

    Debug mode means a development machine whatever else is set. Otherwise OPENSRM_PRODUCTION,
    or any of the settings only a served deployment turns on (HTTPS redirect, secure cookies,
    HSTS), counts as production.
    """
    if settings.DEBUG:
        return []
    reasons = []
    if os.environ.get("OPENSRM_PRODUCTION", "").strip().lower() in {"1", "true", "yes", "on"}:
        reasons.append("OPENSRM_PRODUCTION")
    if settings.SECURE_SSL_REDIRECT:
        reasons.append("OPENSRM_SECURE_SSL_REDIRECT")
    if settings.SESSION_COOKIE_SECURE or settings.CSRF_COOKIE_SECURE:
        reasons.append("OPENSRM_SECURE_COOKIES")
    if settings.SECURE_HSTS_SECONDS:
        reasons.append("OPENSRM_HSTS_SECONDS")
    return reasons


def refuse_in_production() -> None:
    if reasons := production_reasons():
        raise DemoRefused(
            gettext(
                "Demo users are meant for a local machine: refusing to load them with production "
                "settings (%(settings)s). On a development machine, set OPENSRM_DEBUG=1."
            )
            % {"settings": ", ".join(reasons)}
        )


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _hash_passwords(usernames: list[str]) -> tuple[list[str], dict[str, str]]:
    """A new random password per user, and the hashes to store.

    The printed logins are hashed with the configured hasher; the others with PBKDF2 at
    BULK_ITERATIONS (see there).
    """
    printed = {login.username for login in DEMO_LOGINS}
    bulk = PBKDF2PasswordHasher()
    plain = {name: new_password() for name in usernames}

    def hash_one(name: str) -> str:
        if name in printed:
            return make_password(plain[name])
        return bulk.encode(plain[name], bulk.salt(), iterations=BULK_ITERATIONS)

    with ThreadPoolExecutor(max_workers=2) as pool:  # PBKDF2 releases the GIL
        hashed = list(pool.map(hash_one, usernames))
    return hashed, plain


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / LOGINS_FILE


def write_logins(passwords: dict[str, str]) -> Path:
    """Every demo user's password in ``var/demo-logins.txt``, readable by its owner only."""
    path = logins_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file keeps its mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("# OpenSRM demo logins: username<TAB>password\n")
        out.writelines(f"{name}\t{pw}\n" for name, pw in passwords.items())
    return path


def read_logins() -> dict[str, str]:
    """The passwords written by the last load ({} when there is no file)."""
    path = logins_path()
    if not path.exists():
        return {}
    rows = (line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines())
    return {row[0]: row[1] for row in rows if len(row) == 2 and not row[0].startswith("#")}


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
    """Write ``company``; ``on_table(name, rows_to_write)`` then ``on_rows(name, n)`` report progress.

    Every user gets a new random password; they are returned in the report and written to
    ``var/demo-logins.txt``.
    """
    refuse_in_production()
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
                    data["password"], report.passwords = _hash_passwords(list(data["username"]))
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
    write_logins(report.passwords)
    return report


def _reset_sequences() -> None:
    """PostgreSQL sequences must move past the explicit ids just written."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(TABLE_MODELS.values()))
    if not statements:
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
