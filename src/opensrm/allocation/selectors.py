"""Reads for allocation: gather a scenario's inputs into arrays, and read plans back.

Gathering rules (documented for users in docs/user/allocation.md):

* **reps**: active users with the rep role and a rep profile, in the scenario's team subtree
  (all reps when the scenario has no team scope);
* **accounts**: live, not churned accounts the scenario's author may see, owned by someone in
  the team subtree (with a team scope) or anywhere (without; unowned accounts included), and
  inside the territory subtree when the scenario has a territory scope;
* **workload** (hours per week): by tier, A 0.5, B 0.2, C 0.08, D 0.03, no tier 0.08; with
  ``workload_source = "activities"``, the account's logged activity time over the last
  13 weeks per week, when there is any;
* **potential**: the account's annual revenue (0 when unknown);
* **eligibility**: a rep whose profile lists industries takes only those industries (an empty
  list takes all); an account's ``custom.language`` must be among the rep's languages and its
  ``custom.product_lines`` among the rep's product lines when the rep lists any;
* **locks**: an account tagged ``locked`` or with ``custom.allocation_locked = true`` stays
  with its current owner;
* **capacity**: the rep's weekly hours (and maximum accounts) minus what their accounts outside
  the scope already take.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from numpy.typing import NDArray
from scipy.spatial import Delaunay

from opensrm.allocation.models import AllocationPlan, AssignmentLine, RepLoad, TerritoryUnitLine
from opensrm.allocation.parameters import Weights, plan_parameters
from opensrm.core.errors import DomainError
from opensrm.core.visibility import visible
from opensrm.crm.models import Account, AccountStatus, Activity, Lead, LeadStatus, Territory
from opensrm.people.models import RepProfile, Role, Team, User
from opensrm.people.selectors import personal_scope

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# A coverage model: hours of account work per week by tier (A ≈ a visit and calls each month,
# D ≈ a call a quarter). With typical tier mixes this loads a rep covering 100–250 accounts at
# 40–85 % of a 40-hour week, leaving room for prospecting and travel.
TIER_HOURS = {"A": 0.5, "B": 0.2, "C": 0.08, "D": 0.03, "": 0.08}
ACTIVITY_WEEKS = 13
# The fit of a current owner kept outside their specialisation: eligible, but worse than a
# generalist (0.5), so a plan with room to move prefers a specialist.
KEPT_OWNER_FIT = 0.25


# --- the engine's inputs, as the app gathers them ----------------------------------------------
@dataclass(frozen=True)
class AllocationInput:
    """Reps × accounts, as arrays. ``m`` reps, ``n`` accounts.

    Coordinates are (lat, lon) in degrees, NaN when unknown (distance then counts as 0).
    ``current[j]`` is the index of the account's owner among the reps, -1 when it has none or
    its owner is not one of the reps. ``skill_fit[i, j]`` in [0, 1]: 1 is a specialist match.
    """

    workload: FloatArray  # (n,) hours per week
    potential: FloatArray  # (n,)
    account_latlon: FloatArray  # (n, 2)
    rep_latlon: FloatArray  # (m, 2)
    capacity: FloatArray  # (m,) hours per week
    max_accounts: FloatArray  # (m,) inf when unlimited
    eligible: BoolArray  # (m, n)
    skill_fit: FloatArray  # (m, n)
    current: IntArray  # (n,)
    locked: BoolArray  # (n,)
    tolerance: float | None = 0.05  # potential within ±tolerance of the mean; None: no balance
    max_moves: int | None = None
    weights: Weights = field(default_factory=lambda: Weights.model_validate({}))

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.capacity.shape[0]), int(self.workload.shape[0])


@dataclass(frozen=True)
class RoutingInput:
    """Leads × reps: ``value[j]`` is lead ``j``'s expected value, ``slots[i]`` how many more leads
    rep ``i`` may take."""

    value: FloatArray  # (n,)
    lead_latlon: FloatArray  # (n, 2)
    rep_latlon: FloatArray  # (m, 2)
    eligible: BoolArray  # (m, n)
    slots: FloatArray  # (m,)
    fairness: float = 1.5  # no rep gets more than fairness × the even share of the batch


@dataclass(frozen=True)
class GatheredProblem:
    """The engine's input plus what maps its indices back to records."""

    input: AllocationInput
    account_ids: list[int]
    rep_ids: list[int]
    owner_ids: list[int | None]  # the account's owner today (may be no rep in scope)
    latlon: np.ndarray  # (n, 2)
    capacity_hours: np.ndarray  # (m,) full weekly capacity, for display
    # Records whose stored values the engine cannot take (written before validation, or
    # directly into the database): each is counted as a neutral value and named here, so one
    # bad row cannot stop the plan of everyone else.
    warnings: tuple[str, ...] = ()


# --- scope ----------------------------------------------------------------------------------
def scope_reps(*, team: Team | None) -> QuerySet[User]:
    qs = User.objects.filter(
        is_active=True, role=Role.REP, rep_profile__deleted_at__isnull=True, rep_profile__isnull=False
    )
    if team is not None:
        qs = qs.filter(team__path__startswith=team.path)
    return qs.select_related("rep_profile").order_by("id")


def scope_accounts(*, scenario: AllocationPlan, actor: User) -> QuerySet[Account]:
    qs = visible(actor, Account.objects.exclude(status=AccountStatus.CHURNED))
    if scenario.scope_team is not None:
        qs = qs.filter(owner__team__path__startswith=scenario.scope_team.path)
    if scenario.scope_territory is not None:
        qs = qs.filter(territory__path__startswith=scenario.scope_territory.path)
    return qs.order_by("id")


def _is_locked(account: Account) -> bool:
    return "locked" in (account.tags or []) or bool((account.custom or {}).get("allocation_locked"))


def _activity_hours(account_ids: list[int]) -> dict[int, float]:
    since = timezone.now() - dt.timedelta(weeks=ACTIVITY_WEEKS)
    rows = (
        Activity.objects.filter(account_id__in=account_ids, done_at__gte=since)
        .values("account_id")
        .annotate(minutes=Sum("duration_minutes"))
    )
    return {r["account_id"]: (r["minutes"] or 0) / 60.0 / ACTIVITY_WEEKS for r in rows}


def _fit(profile: RepProfile, account: Account) -> float:
    """0 when the rep may not take the account; 1 for a specialist; 0.5 for a generalist."""
    custom = account.custom or {}
    language = custom.get("language")
    if language and profile.languages and language not in profile.languages:
        return 0.0
    lines = custom.get("product_lines") or []
    if lines and profile.product_lines and not set(lines) <= set(profile.product_lines):
        return 0.0
    if not profile.industries:
        return 0.5
    return 1.0 if account.industry in profile.industries else 0.0


def assignment_problem_for(*, scenario: AllocationPlan, actor: User | None = None) -> GatheredProblem:
    """Load the scenario's accounts and reps into the engine's arrays."""
    actor = actor or scenario.created_by
    if actor is None:
        raise DomainError(_("The person who asked for this plan no longer exists."))
    params = plan_parameters(scenario)
    reps = list(scope_reps(team=scenario.scope_team))
    rep_index = {r.pk: i for i, r in enumerate(reps)}
    accounts = [
        a for a in scope_accounts(scenario=scenario, actor=actor) if not (_is_locked(a) and a.owner_id not in rep_index)
    ]  # locked elsewhere: out of reach
    ids = [a.pk for a in accounts]
    hours = _activity_hours(ids) if params.workload_source == "activities" else {}
    warnings: list[str] = []
    workload = np.array([hours.get(a.pk) or TIER_HOURS.get(a.tier, TIER_HOURS[""]) for a in accounts], dtype=float)
    potential = np.array(
        [_non_negative(a.annual_revenue, a, _("annual revenue"), warnings) for a in accounts],
        dtype=float,
    )
    latlon = np.array([_latlon(a.lat, a.lon, a, warnings) for a in accounts], dtype=float).reshape(-1, 2)
    rep_latlon = np.array(
        [_latlon(r.rep_profile.home_lat, r.rep_profile.home_lon, r, warnings) for r in reps],
        dtype=float,
    ).reshape(-1, 2)
    full_capacity = np.array(
        [_non_negative(r.rep_profile.weekly_capacity_hours, r, _("weekly capacity"), warnings) for r in reps],
        dtype=float,
    )
    max_accounts = np.array(
        [float(r.rep_profile.max_accounts) if r.rep_profile.max_accounts is not None else np.inf for r in reps],
        dtype=float,
    )
    used_hours, used_count = _load_outside(reps, ids)
    fit = np.array([[_fit(r.rep_profile, a) for a in accounts] for r in reps], dtype=float).reshape(
        len(reps), len(accounts)
    )
    if params.keep_owner_eligible:
        kept = [(j, a.owner_id) for j, a in enumerate(accounts) if a.owner_id is not None and a.owner_id in rep_index]
        cols = [j for j, _owner in kept]
        rows = [rep_index[owner] for _j, owner in kept]
        fit[rows, cols] = np.maximum(fit[rows, cols], KEPT_OWNER_FIT)
    w = params.weights or Weights.model_validate({})  # stored as null: the defaults
    tolerance = params.tolerance
    inp = AllocationInput(
        workload=workload,
        potential=potential,
        account_latlon=latlon,
        rep_latlon=rep_latlon,
        capacity=np.maximum(full_capacity - used_hours, 0.0),
        max_accounts=np.maximum(max_accounts - used_count, 0.0),
        eligible=fit > 0,
        skill_fit=fit,
        current=np.array([rep_index.get(a.owner_id, -1) if a.owner_id else -1 for a in accounts], dtype=np.int64),
        locked=np.array([_is_locked(a) for a in accounts], dtype=bool),
        tolerance=None if tolerance is None else float(tolerance),
        max_moves=None if params.max_moves is None else int(params.max_moves),
        weights=w,
    )
    return GatheredProblem(
        inp, ids, [r.pk for r in reps], [a.owner_id for a in accounts], latlon, full_capacity, _capped(warnings)
    )


WARNINGS_SHOWN = 20


def _capped(warnings: list[str]) -> tuple[str, ...]:
    """The first warnings and a count of the rest: the scenario's message has a bounded size."""
    if len(warnings) <= WARNINGS_SHOWN:
        return tuple(warnings)
    rest = len(warnings) - WARNINGS_SHOWN
    return (*warnings[:WARNINGS_SHOWN], _("… and %(n)s more records with invalid values.") % {"n": rest})


def _record_label(record: Any) -> str:
    if isinstance(record, Account):
        return _("account %(id)s (%(name)s)") % {"id": record.pk, "name": record.name}
    if isinstance(record, User):
        return _("rep %(id)s (%(name)s)") % {"id": record.pk, "name": record}
    return str(record)


def _non_negative(value: Any, record: Any, field: str, warnings: list[str]) -> float:
    """``value`` as a float; a negative or non-finite stored value counts as 0, with a warning."""
    number = float(value or 0)
    if np.isfinite(number) and number >= 0:
        return number
    warnings.append(
        _("%(record)s: %(field)s %(value)s is not a valid amount; counted as 0.")
        % {"record": _record_label(record), "field": field, "value": value}
    )
    return 0.0


def _latlon(lat: float | None, lon: float | None, record: Any, warnings: list[str]) -> list[float]:
    """The point, or no location (NaN) when a stored coordinate is off the globe, with a warning."""
    if lat is None or lon is None:
        return [np.nan, np.nan]
    if np.isfinite(lat) and np.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180:
        return [float(lat), float(lon)]
    warnings.append(
        _("%(record)s: the location %(lat)s, %(lon)s is not on the map; planned without a location.")
        % {"record": _record_label(record), "lat": lat, "lon": lon}
    )
    return [np.nan, np.nan]


def _load_outside(reps: list[User], in_scope: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Hours and account counts the reps already hold outside the scope."""
    index = {r.pk: i for i, r in enumerate(reps)}
    hours = np.zeros(len(reps))
    count = np.zeros(len(reps))
    rows = (
        Account.objects.filter(owner_id__in=list(index))
        .exclude(status=AccountStatus.CHURNED)
        .exclude(pk__in=in_scope)
        .values("owner_id", "tier")
        .annotate(n=Count("id"))
    )
    for row in rows:
        i = index[row["owner_id"]]
        hours[i] += TIER_HOURS.get(row["tier"], TIER_HOURS[""]) * row["n"]
        count[i] += row["n"]
    return hours, count


# --- lead routing ---------------------------------------------------------------------------
OPEN_LEAD = (LeadStatus.NEW, LeadStatus.WORKING)


def routing_problem_for(*, leads: list[Lead], team: Team | None, max_open_leads: int) -> tuple[RoutingInput, list[int]]:
    reps = list(
        scope_reps(team=team).annotate(
            open_leads=Count(
                "owned_leads",
                filter=Q(owned_leads__status__in=OPEN_LEAD, owned_leads__deleted_at__isnull=True),
            )
        )
    )
    eligible = np.array(
        [[not r.rep_profile.industries or lead.industry in r.rep_profile.industries for lead in leads] for r in reps],
        dtype=bool,
    ).reshape(len(reps), len(leads))
    inp = RoutingInput(
        value=np.array([_non_negative(lead.estimated_value, lead, "", []) for lead in leads], dtype=float),
        lead_latlon=np.array(
            [
                [lead.lat if lead.lat is not None else np.nan, lead.lon if lead.lon is not None else np.nan]
                for lead in leads
            ],
            dtype=float,
        ).reshape(-1, 2),
        rep_latlon=np.array(
            [
                [
                    r.rep_profile.home_lat if r.rep_profile.home_lat is not None else np.nan,
                    r.rep_profile.home_lon if r.rep_profile.home_lon is not None else np.nan,
                ]
                for r in reps
            ],
            dtype=float,
        ).reshape(-1, 2),
        eligible=eligible,
        slots=np.array([max(max_open_leads - r.open_leads, 0) for r in reps], dtype=float),
    )
    return inp, [r.pk for r in reps]


def unassigned_leads(*, actor: User, team: Team | None = None) -> QuerySet[Lead]:
    """Open leads nobody owns yet (what a routing scenario distributes)."""
    del team  # unowned leads belong to no team; the scope limits the reps, not the leads
    return visible(actor, Lead.objects.filter(owner__isnull=True, status__in=OPEN_LEAD)).order_by("id")


# --- reading plans back -----------------------------------------------------------------------
def scenario_list(*, actor: User) -> QuerySet[AllocationPlan]:
    return visible(actor, AllocationPlan.objects.select_related("created_by", "scope_team", "scope_territory"))


def scenario_lines(*, scenario: AllocationPlan, moved_only: bool = False) -> QuerySet[AssignmentLine]:
    qs = scenario.lines.select_related("account", "lead", "current_owner__team", "proposed_owner__team")
    return qs.filter(moved=True) if moved_only else qs


# What an explanation derives from a rep's home: the distance, the cost (whose travel term is the
# distance) and the engine's sentence (which states both); for the runner-up, its distance and the
# extra cost against the chosen rep.
_HOME_DERIVED = ("distance_km", "cost", "detail")
_RUNNER_UP_HOME_DERIVED = ("distance_km", "extra_cost")


def lines_for_viewer(lines: list[AssignmentLine], viewer: User | None) -> list[AssignmentLine]:
    """Blank, in memory, what a line reveals about where a rep lives (decision 6): the distance to
    the proposed owner, to the current owner, and the explanation's distances and costs, unless
    ``viewer`` may read that rep's personal data. The lines are not saved."""
    scope = personal_scope(viewer)
    if scope.everyone:
        return lines
    runner_ids = {
        int(second["rep_id"])
        for line in lines
        if (second := (line.explanation or {}).get("second_best")) and second.get("rep_id") is not None
    }
    runners = User.objects.select_related("team").in_bulk(runner_ids) if runner_ids else {}
    for line in lines:
        sees_proposed = scope.covers(line.proposed_owner)
        if not scope.covers(line.current_owner):
            line.current_distance_km = None
        explanation = dict(line.explanation or {})
        if not sees_proposed:
            line.distance_km = None
            for key in _HOME_DERIVED:
                explanation.pop(key, None)
        second = explanation.get("second_best")
        if second and not (sees_proposed and scope.covers(runners.get(second.get("rep_id")))):
            explanation["second_best"] = {k: v for k, v in second.items() if k not in _RUNNER_UP_HOME_DERIVED}
            explanation.pop("detail", None)
        line.explanation = explanation
    return lines


def assignment_plan_compare(*, scenario: AllocationPlan, viewer: User | None = None) -> dict[str, Any]:
    """Per rep before vs after (workload, potential, travel, accounts, moves) and the totals.

    With ``viewer``, a rep's capacity and travel (which follow from their home) are None unless
    the viewer may read that rep's personal data (decision 6); the totals stay.
    """
    loads = list(RepLoad.objects.filter(scenario=scenario).select_related("rep__team").order_by("rep__username"))

    def spread(values: list[float]) -> float | None:
        if not values or sum(values) == 0:
            return None
        mean = sum(values) / len(values)
        return max(abs(v - mean) for v in values) / mean if mean else None

    result = {
        "reps": loads,
        "moves": scenario.lines.filter(moved=True).count(),
        "unassigned": scenario.lines.filter(proposed_owner__isnull=True).count(),
        "potential_spread_before": spread([r.potential_before for r in loads]),
        "potential_spread_after": spread([r.potential_after for r in loads]),
        "travel_km_before": sum(r.travel_km_before for r in loads),
        "travel_km_after": sum(r.travel_km_after for r in loads),
        "max_utilisation_before": max(
            (r.workload_before / r.capacity_hours for r in loads if r.capacity_hours), default=None
        ),
        "max_utilisation_after": max(
            (r.workload_after / r.capacity_hours for r in loads if r.capacity_hours), default=None
        ),
    }
    if viewer is not None:
        scope = personal_scope(viewer)
        hidden = [r for r in loads if not scope.covers(r.rep)]
        for r in hidden:
            r.capacity_hours = r.travel_km_before = r.travel_km_after = None  # type: ignore[assignment]  # blanked for this reader, never saved
        if hidden:
            # The largest utilisation is one rep's workload over their capacity: shown only to a
            # reader who sees every capacity. The travel totals less the reps the reader sees are
            # the hidden reps' travel: with one rep hidden, that rep's own.
            result["max_utilisation_before"] = result["max_utilisation_after"] = None
            if len(hidden) == 1:
                result["travel_km_before"] = result["travel_km_after"] = None
    return result


def scenario_map_data(*, scenario: AllocationPlan, limit: int = 20000) -> dict[str, Any]:
    """Points for the map: [lon, lat, rep index, name, moved], and the rep names by index."""
    reps: dict[int, int] = {}
    names: list[str] = []
    points: list[list[Any]] = []
    for line in scenario_lines(scenario=scenario).filter(lat__isnull=False, lon__isnull=False)[:limit]:
        owner = line.proposed_owner
        if owner is None:
            idx = -1
        else:
            if owner.pk not in reps:
                reps[owner.pk] = len(names)
                names.append(str(owner))
            idx = reps[owner.pk]
        target = line.account or line.lead
        points.append([line.lon, line.lat, idx, str(target), line.moved])
    return {"reps": names, "points": points}


def pareto_chart_data(*, scenario: AllocationPlan) -> dict[str, Any]:
    """The trade-off for the page: status, accounts in scope and the points sorted by cap, each
    with its balance deviation in per cent (what the chart plots against moves)."""
    data = scenario.pareto or {}
    points = sorted(data.get("points") or [], key=lambda p: p["max_moves"])
    return {
        "status": scenario.pareto_status,
        "accounts": data.get("accounts"),
        "points": [{**p, "balance_pct": round(100 * p["balance_deviation"], 2)} for p in points],
    }


# --- territory alignment: units ------------------------------------------------------------------
# Gathering rules (documented for users in docs/user/allocation.md):
#
# * **accounts**: the same as for a rep ↔ account plan (live, not churned, visible to the author,
#   inside the team and territory scope);
# * **units**: with ``unit_level = "city"`` the accounts of one city (country, province and city
#   name, compared without case) form a unit; an account without a city is a unit of its own, as
#   every account is with ``unit_level = "account"``;
# * **workload** of a unit: the sum of its accounts' tier hours; **potential**: the sum of their
#   annual revenue (0 when unknown or negative);
# * **location** of a unit: the mean latitude/longitude of its accounts that have one; a unit
#   without any is left out, and its accounts are counted as skipped;
# * **current territory** of a unit: the territory most of its accounts are in (ties: the lowest id);
# * **adjacency** (for contiguity): the edges of a Delaunay triangulation of the unit centroids
#   (longitude scaled by the cosine of the mean latitude, so distances are roughly even).
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
