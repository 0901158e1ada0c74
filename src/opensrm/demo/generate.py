"""Generate a whole demo company as plain columns: no database, no clock, one seed.

``generate_company(DemoConfig(...))`` returns every table as a mapping of column name to a
numpy array or list, with ids numbered from 1 in each table and foreign keys referring to
those ids (``NULL`` = -1 when empty). :mod:`opensrm.demo.load` writes them to the database.
The same config always yields the same company.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from opensrm.demo import catalog as C
from opensrm.demo.accounts import (
    account_table,
    assign_owners,
    contact_table,
    draw_accounts,
    lead_table,
    settle_status,
)
from opensrm.demo.engagement import activity_table, order_tables
from opensrm.demo.opportunities import deal_tables, draw_deals
from opensrm.demo.org import NULL, build_org, stamps
from opensrm.demo.outcome import FEATURES
from opensrm.demo.timeline import build_timeline

# A fixed default keeps runs reproducible; the CLI passes today's date unless told otherwise.
DEFAULT_AS_OF = dt.date(2026, 6, 30)

# Load order: every table's foreign keys point at tables earlier in the list.
TABLE_ORDER = (
    "team",
    "user",
    "rep_profile",
    "territory",
    "product",
    "pipeline",
    "stage",
    "account",
    "contact",
    "opportunity",
    "opportunity_line",
    "stage_change",
    "activity",
    "order",
    "order_line",
    "lead",
)


@dataclass(frozen=True)
class DemoConfig:
    accounts: int = 2_000
    reps: int = 20
    years: int = 2
    seed: int = 42
    as_of: dt.date = DEFAULT_AS_OF

    def __post_init__(self) -> None:
        if self.accounts < 1:
            raise ValueError("accounts must be at least 1")
        if self.reps < len(C.REGIONS):
            raise ValueError(f"reps must be at least {len(C.REGIONS)} (one per region)")
        if not 1 <= self.years <= 10:
            raise ValueError("years must be between 1 and 10")


SIZES: dict[str, DemoConfig] = {
    "tiny": DemoConfig(accounts=200, reps=6, years=1),
    "small": DemoConfig(accounts=2_000, reps=20, years=2),
    "medium": DemoConfig(accounts=20_000, reps=100, years=3),
    "large": DemoConfig(accounts=100_000, reps=400, years=3),
}


@dataclass
class Truth:
    """What the generator knows and the database does not: for tests and documentation."""

    rep_skill: np.ndarray  # per rep (rep i is the i-th rep user)
    rep_user_id: np.ndarray
    features: np.ndarray  # closed opportunities × FEATURES
    won: np.ndarray  # closed opportunities
    closed_opportunity_id: np.ndarray
    feature_names: tuple[str, ...] = FEATURES


@dataclass
class Company:
    config: DemoConfig
    tables: dict[str, dict[str, Any]]
    actor_id: int
    truth: Truth
    logins: tuple[C.DemoLogin, ...] = field(default=C.DEMO_LOGINS)

    def rows(self, table: str) -> int:
        return n_rows(self.tables[table])

    def counts(self) -> dict[str, int]:
        return {name: self.rows(name) for name in TABLE_ORDER}


def n_rows(table: dict[str, Any]) -> int:
    return len(next(iter(table.values())))


def _reference_tables(since: np.datetime64) -> dict[str, dict[str, Any]]:
    products = {
        "code": [p[0] for p in C.PRODUCTS],
        "name": [p[1] for p in C.PRODUCTS],
        "product_line": [p[2] for p in C.PRODUCTS],
        "unit_price": np.array([p[3] for p in C.PRODUCTS], dtype=float),
        "currency": ["CNY"] * len(C.PRODUCTS),
        "active": [True] * len(C.PRODUCTS),
        **stamps(since, len(C.PRODUCTS)),
    }
    pipeline = {
        "name": [C.PIPELINE_NAME],
        "names": [{"zh-hans": C.PIPELINE_NAME, "en": C.PIPELINE_NAME_EN}],
        "is_default": [True],
        **stamps(since, 1),
    }
    stages = {
        "pipeline_id": [1] * len(C.STAGES),
        "name": [s[0] for s in C.STAGES],
        "names": [{"zh-hans": s[0], "en": en} for s, en in zip(C.STAGES, C.STAGE_NAMES_EN, strict=True)],
        "order": list(range(1, len(C.STAGES) + 1)),
        "probability": [s[1] for s in C.STAGES],
        "forecast_category": [s[2] for s in C.STAGES],
        "is_won": [s[3] for s in C.STAGES],
        "is_lost": [s[4] for s in C.STAGES],
        **stamps(since, len(C.STAGES)),
    }
    return {"product": products, "pipeline": pipeline, "stage": stages}


def generate_company(config: DemoConfig, *, on_step: Callable[[str], None] | None = None) -> Company:
    """The whole company for ``config``; ``on_step`` is told the name of each step as it starts."""
    step = on_step or (lambda _name: None)
    rng = np.random.default_rng(config.seed)
    timeline = build_timeline(as_of=config.as_of, years=config.years)

    step("accounts")
    acc = draw_accounts(rng, timeline, config.accounts)
    step("organisation")
    org = build_org(
        rng,
        timeline,
        n_reps=config.reps,
        accounts_per_region=np.bincount(acc.region, minlength=len(C.REGIONS)),
    )
    assign_owners(rng, acc, org)
    contacts = contact_table(rng, acc, org, timeline)
    step("opportunities")
    deals = draw_deals(rng, timeline, acc, org)
    sales = deal_tables(rng, timeline, acc, org, deals)
    status = settle_status(rng, acc, timeline)
    step("activities")
    activities = activity_table(rng, timeline, acc, org, deals)
    step("orders")
    orders = order_tables(rng, timeline, acc, org, deals)
    step("leads")
    first_opp = np.full(acc.n, NULL)
    ids = np.arange(deals.n)[::-1]
    first_opp[deals.account[ids]] = ids + 1  # reversed, so the earliest id per account wins
    leads = lead_table(rng, acc, org, timeline, first_opportunity=first_opp)
    accounts = account_table(rng, acc, org, timeline, status)

    tables = {
        **org.tables,
        **_reference_tables(timeline.start - np.timedelta64(400, "D")),
        "account": accounts,
        "contact": contacts,
        **sales,
        "activity": activities,
        **orders,
        "lead": leads,
    }
    closed = np.flatnonzero(deals.closed)
    truth = Truth(
        rep_skill=org.rep_skill,
        rep_user_id=org.rep_user_id,
        features=deals.features[closed],
        won=deals.won[closed],
        closed_opportunity_id=closed + 1,
    )
    return Company(
        config=config, tables={k: tables[k] for k in TABLE_ORDER}, actor_id=org.actor_id, truth=truth
    )


def fingerprint(company: Company) -> str:
    """A digest of every generated value: equal digests mean equal companies."""
    h = hashlib.sha256()
    for name in TABLE_ORDER:
        for column, values in company.tables[name].items():
            h.update(f"{name}.{column}".encode())
            if isinstance(values, np.ndarray) and values.dtype != object:
                h.update(np.ascontiguousarray(values).tobytes())
            else:
                h.update(
                    json.dumps(
                        values if isinstance(values, list) else list(values), default=str, ensure_ascii=False
                    ).encode()
                )
    return h.hexdigest()
