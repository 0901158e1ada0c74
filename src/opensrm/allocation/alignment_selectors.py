"""Reads for territory alignment: gather a scenario's accounts into units, and read plans back.

Gathering rules (documented for users in docs/user/allocation.md):

* **accounts**: the same as for a rep ↔ account plan (live, not churned, visible to the author,
  inside the team and territory scope);
* **units**: with ``unit_level = "city"`` the accounts of one city (country, province and city
  name, compared without case) form a unit; an account without a city is a unit of its own, as
  every account is with ``unit_level = "account"``;
* **workload** of a unit: the sum of its accounts' tier hours; **potential**: the sum of their
  annual revenue (0 when unknown or negative);
* **location** of a unit: the mean latitude/longitude of its accounts that have one; a unit
  without any is left out, and its accounts are counted as skipped;
* **current territory** of a unit: the territory most of its accounts are in (ties: the lowest id);
* **adjacency** (for contiguity): the edges of a Delaunay triangulation of the unit centroids
  (longitude scaled by the cosine of the mean latitude, so distances are roughly even).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from django.db.models import QuerySet
from scipy.spatial import Delaunay

from opensrm.crm.models import Territory
from opensrm.people.models import User
from opensrm.allocation.models import AllocationPlan, TerritoryUnitLine
from opensrm.allocation.selectors import TIER_HOURS, scope_accounts, scope_reps


def unit_key(level: str, pk: int, country: str, province: str, city: str) -> str:
    """The unit an account belongs to; apply recomputes it to notice an account that moved city."""
    city = (city or "").strip()
    if level == "account" or not city:
        return f"account:{pk}"
    return "/".join(part.strip().casefold() for part in (country or "", province or "", city))


@dataclass
class GatheredUnits:
    """The units of a territory alignment, in the engine's order, and what maps them back."""

    keys: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    cities: list[str | None] = field(default_factory=list)  # casefolded city, None for account units
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    workload: np.ndarray = field(default_factory=lambda: np.zeros(0))
    potential: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # per unit: account id → (territory id, territory path, workload, potential)
    accounts: list[dict[int, tuple[int | None, str, float, float]]] = field(default_factory=list)
    current: list[int | None] = field(default_factory=list)
    skipped: int = 0

    @property
    def n(self) -> int:
        return len(self.keys)


def gather_units(*, scenario: AllocationPlan, actor: User, level: str) -> GatheredUnits:
    rows = scope_accounts(scenario=scenario, actor=actor).values_list(
        "id", "name", "country", "province", "city", "lat", "lon", "tier", "annual_revenue", "territory_id"
    )
    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        groups[unit_key(level, row[0], row[2], row[3], row[4])].append(row)
    paths = dict(
        Territory.all_objects.filter(pk__in={r[9] for g in groups.values() for r in g if r[9]}).values_list(
            "id", "path"
        )
    )
    out = GatheredUnits()
    lat, lon, work, pot = [], [], [], []
    for key, members in groups.items():
        located = [r for r in members if r[5] is not None and r[6] is not None]
        if not located:
            out.skipped += len(members)
            continue
        is_city = not key.startswith("account:")
        out.keys.append(key)
        out.labels.append(members[0][4].strip() if is_city else members[0][1])
        out.cities.append(members[0][4].strip().casefold() if is_city else None)
        lat.append(float(np.mean([r[5] for r in located])))
        lon.append(float(np.mean([r[6] for r in located])))
        accounts = {
            r[0]: (
                r[9],
                paths.get(r[9], ""),
                TIER_HOURS.get(r[7] or "", TIER_HOURS[""]),
                max(float(r[8] or 0), 0.0),
            )
            for r in members
        }
        out.accounts.append(accounts)
        work.append(sum(a[2] for a in accounts.values()))
        pot.append(sum(a[3] for a in accounts.values()))
        counts = Counter(r[9] for r in members)
        out.current.append(min(counts, key=lambda t: (-counts[t], t is None, t or 0)))
    # two cities of one name in different provinces: say which is which
    twice = {c for c, k in Counter(out.cities).items() if c is not None and k > 1}
    for i, city in enumerate(out.cities):
        if city in twice:
            province = out.keys[i].split("/")[1]
            out.labels[i] = f"{out.labels[i]} ({province})" if province else out.labels[i]
    out.lat, out.lon = np.array(lat, dtype=float), np.array(lon, dtype=float)
    out.workload, out.potential = np.array(work, dtype=float), np.array(pot, dtype=float)
    return out


def delaunay_adjacency(lat: np.ndarray, lon: np.ndarray) -> list[tuple[int, int]]:
    """Neighbouring units: the edges of the Delaunay triangulation of their centroids."""
    n = lat.shape[0]
    if n <= 3:
        return list(combinations(range(n), 2))
    x = lon * np.cos(np.radians(float(lat.mean())))
    # "QJ" joggles the input, so duplicate or collinear centroids still triangulate.
    tri = Delaunay(np.column_stack([x, lat]), qhull_options="QJ")
    edges = {(int(a), int(b)) for simplex in tri.simplices for a, b in combinations(sorted(simplex), 2)}
    return sorted(edges)


def reusable_territories(*, scenario: AllocationPlan) -> list[Territory]:
    """The territories an alignment redraws when their number is p: the scope territory's
    sub-territories, or the top-level territories without a territory scope."""
    parent = scenario.scope_territory
    return list(Territory.objects.filter(parent=parent).order_by("code", "id"))


def default_territory_count(*, scenario: AllocationPlan) -> int:
    """Sub-territories of the scope territory when it has any, else the active reps in scope."""
    if scenario.scope_territory_id is not None:
        children = Territory.objects.filter(parent_id=scenario.scope_territory_id).count()
        if children:
            return children
    return scope_reps(team=scenario.scope_team).count()


# --- reading plans back -----------------------------------------------------------------------
def territory_lines(*, scenario: AllocationPlan, moved_only: bool = False) -> QuerySet[TerritoryUnitLine]:
    qs = scenario.unit_lines.select_related("current_territory", "proposed_territory")
    return qs.filter(moved=True) if moved_only else qs


def alignment_compare(*, scenario: AllocationPlan) -> dict[str, Any]:
    """Per proposed territory: workload, potential, balance against the mean, units and accounts,
    and what the reused territory held before the plan."""
    data = scenario.alignment or {}
    return {**data, "territories": list(data.get("territories") or [])}


def alignment_map_data(*, scenario: AllocationPlan, limit: int = 20000) -> dict[str, Any]:
    """Points for the map: [lon, lat, territory index, label, moved, accounts], and the names."""
    names = [t["name"] for t in (scenario.alignment or {}).get("territories") or []]
    points = [
        [line.lon, line.lat, line.proposed_index, line.label, line.moved, line.accounts]
        for line in scenario.unit_lines.order_by("id")[:limit]
    ]
    return {"reps": names, "points": points}
