from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from opensrm.crm.models import Account
from opensrm.people.models import User
from opensrm.people.services import rep_profile_upsert
from tests.factories import Org, make_account, make_org

SHANGHAI = (31.23, 121.47)
HANGZHOU = (30.27, 120.15)
BEIJING = (39.90, 116.40)


@dataclass
class AllocOrg:
    org: Org
    accounts: list[Account]

    @property
    def reps(self) -> list[User]:
        return [self.org.rep_a, self.org.rep_a1, self.org.rep_b]


def _near(base: tuple[float, float], k: int) -> tuple[float, float]:
    return base[0] + 0.05 * (k % 3), base[1] + 0.05 * (k % 2)


@pytest.fixture
def alloc(db) -> AllocOrg:
    return build_alloc_org()


def build_alloc_org(org: Org | None = None) -> AllocOrg:
    """Three reps with profiles and twelve accounts, all owned by rep_a today (unbalanced).

    rep_a (East) takes every industry; rep_a1 (East / Shanghai) manufacturing and retail only;
    rep_b (North) finance only. Every rep has 1.3 hours a week: together about 1.6 times the
    twelve accounts' 2.48 hours (tier hours A 0.5, B 0.2, C 0.08, D 0.03). ``org``: build on this
    organisation instead of a new one.
    """
    org = org or make_org()
    for user, home, industries in (
        (org.rep_a, SHANGHAI, []),
        (org.rep_a1, HANGZHOU, ["manufacturing", "retail"]),
        (org.rep_b, BEIJING, ["finance"]),
    ):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
        rep_profile_upsert(
            user=user,
            actor=org.admin,
            data={
                "home_lat": home[0],
                "home_lon": home[1],
                "weekly_capacity_hours": Decimal("1.3"),
                "industries": industries,
            },
        )
    specs = [
        ("finance", BEIJING, "A"),
        ("finance", BEIJING, "B"),
        ("finance", BEIJING, "C"),
        ("manufacturing", HANGZHOU, "A"),
        ("manufacturing", HANGZHOU, "B"),
        ("retail", HANGZHOU, "C"),
        ("retail", HANGZHOU, "C"),
        ("technology", SHANGHAI, "A"),
        ("technology", SHANGHAI, "B"),
        ("energy", SHANGHAI, "C"),
        ("energy", SHANGHAI, "D"),
        ("finance", SHANGHAI, "D"),
    ]
    accounts = []
    for k, (industry, base, tier) in enumerate(specs):
        lat, lon = _near(base, k)
        accounts.append(
            make_account(
                org.rep_a,
                name=f"Account {k:02d}",
                industry=industry,
                tier=tier,
                lat=lat,
                lon=lon,
                annual_revenue=Decimal(1_000_000 + 100_000 * k),
            )
        )
    return AllocOrg(org, accounts)


@dataclass
class GridOrg:
    org: Org
    accounts: list[Account]

    def city(self, row: int, col: int) -> list[Account]:
        return [a for a in self.accounts if a.city == f"City {row}-{col}"]


@pytest.fixture
def grid(db) -> GridOrg:
    return build_grid_org()


def build_grid_org() -> GridOrg:
    """Sixteen cities on a 4 × 4 grid half a degree apart, two tier-B accounts of 1 million in
    each (0.4 hours a week and 2 million of potential per city): four territories of four cities
    balance exactly. The west half is owned by rep_a (East), the east half by rep_b (North)."""
    org = make_org()
    accounts = []
    for row in range(4):
        for col in range(4):
            for k in range(2):
                accounts.append(
                    make_account(
                        org.rep_a if col < 2 else org.rep_b,
                        name=f"Grid {row}{col}{k}",
                        city=f"City {row}-{col}",
                        province="Zhejiang",
                        tier="B",
                        lat=30.0 + 0.5 * row + 0.01 * k,
                        lon=118.0 + 0.5 * col,
                        annual_revenue=Decimal(1_000_000),
                    )
                )
    return GridOrg(org, accounts)
