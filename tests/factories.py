"""Test data built through the real services (so tests exercise the real write paths)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from opensrm.crm.models import Account, Pipeline, Stage
from opensrm.crm.services import opportunity_create
from opensrm.people.models import Role, Team, User
from opensrm.people.services import team_create, user_create


@dataclass
class Org:
    """Two sales teams under one head office, and one user of each role."""

    root: Team
    team_a: Team
    team_b: Team
    team_a1: Team
    admin: User
    ops: User
    viewer: User
    manager_a: User
    manager_b: User
    rep_a: User
    rep_a1: User
    rep_b: User


def make_org() -> Org:
    root = team_create(actor=None, name="Head office")
    team_a = team_create(actor=None, name="East", parent=root)
    team_a1 = team_create(actor=None, name="East / Shanghai", parent=team_a)
    team_b = team_create(actor=None, name="North", parent=root)
    pw = "pw-Strong-123"
    admin = user_create(username="admin", password=pw, role=Role.ADMIN, team=root, is_superuser=True)
    ops = user_create(username="ops", password=pw, role=Role.SALES_OPS, team=root)
    viewer = user_create(username="viewer", password=pw, role=Role.VIEWER, team=root)
    manager_a = user_create(username="manager_a", password=pw, role=Role.MANAGER, team=team_a)
    manager_b = user_create(username="manager_b", password=pw, role=Role.MANAGER, team=team_b)
    rep_a = user_create(username="rep_a", password=pw, role=Role.REP, team=team_a)
    rep_a1 = user_create(username="rep_a1", password=pw, role=Role.REP, team=team_a1)
    rep_b = user_create(username="rep_b", password=pw, role=Role.REP, team=team_b)
    return Org(root, team_a, team_b, team_a1, admin, ops, viewer, manager_a, manager_b, rep_a, rep_a1, rep_b)


def make_pipeline(name: str = "Standard") -> Pipeline:
    pipeline = Pipeline.objects.create(name=name, is_default=True)
    specs = [
        ("Qualify", 10, "pipeline", False, False),
        ("Propose", 40, "best_case", False, False),
        ("Negotiate", 70, "commit", False, False),
        ("Won", 100, "closed", True, False),
        ("Lost", 0, "omitted", False, True),
    ]
    for order, (stage_name, prob, cat, won, lost) in enumerate(specs, start=1):
        Stage.objects.create(
            pipeline=pipeline,
            name=stage_name,
            order=order,
            probability=prob,
            forecast_category=cat,
            is_won=won,
            is_lost=lost,
        )
    return pipeline


def make_account(owner: User, name: str = "Acme", **extra: object) -> Account:
    from opensrm.core.services import record_create

    return record_create(
        model=Account, actor=owner, data={"name": name, "owner": owner, "city": "Shanghai", **extra}
    )


def make_opportunity(account: Account, owner: User, pipeline: Pipeline, amount: str = "1000.00"):
    return opportunity_create(
        actor=owner,
        data={
            "account": account,
            "name": f"{account.name} deal",
            "pipeline": pipeline,
            "amount": Decimal(amount),
            "expected_close_date": dt.date(2027, 3, 31),
            "owner": owner,
        },
    )
