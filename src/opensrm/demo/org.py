"""The sales organisation: team tree, users and rep profiles, and the territory tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from opensrm.demo import catalog as C
from opensrm.demo.geo import jittered, load_cities
from opensrm.demo.names import person_names
from opensrm.demo.outcome import REP_SKILL_SD
from opensrm.demo.timeline import Timeline

NULL = -1  # a missing foreign key in generated columns
MAIL_DOMAIN = "demo-company.example"
INTL_TIME_ZONES = ("Asia/Singapore", "Asia/Tokyo", "Europe/London", "America/New_York")


@dataclass(frozen=True)
class Org:
    tables: dict[str, dict[str, Any]]  # per table, its columns (arrays or lists) by attname
    actor_id: int  # the demo administrator, recorded as the author of every history row
    rep_user_id: np.ndarray  # per rep
    rep_region: np.ndarray
    rep_skill: np.ndarray  # hidden ability, used only by the outcome model
    rep_diligence: np.ndarray  # multiplies the rep's activity rate
    rep_industries: np.ndarray  # (reps, industries) bool
    region_manager_id: np.ndarray  # per region
    territory_of_city: np.ndarray  # per city: the leaf territory id


def reps_per_region(n_reps: int, accounts_per_region: np.ndarray) -> np.ndarray:
    """Split reps over regions in proportion to accounts, at least one per region."""
    n_regions = len(accounts_per_region)
    if n_reps < n_regions:
        raise ValueError(f"The demo company needs at least {n_regions} reps, one per region.")
    share = accounts_per_region / max(accounts_per_region.sum(), 1)
    counts = np.ones(n_regions, dtype=np.int64)
    extra = share * (n_reps - n_regions)
    counts += np.floor(extra).astype(np.int64)
    remainder = extra - np.floor(extra)
    for i in np.argsort(-remainder, kind="stable")[: n_reps - counts.sum()]:
        counts[i] += 1
    return counts


def build_org(
    rng: np.random.Generator, timeline: Timeline, *, n_reps: int, accounts_per_region: np.ndarray
) -> Org:
    cities = load_cities()
    since = timeline.start - np.timedelta64(400, "D")
    n_regions = len(C.REGIONS)
    per_region = reps_per_region(n_reps, accounts_per_region)

    # Users: admin, ops, one manager per region (East's is the "manager" login), then reps.
    users: dict[str, list] = {
        k: []
        for k in (
            "username",
            "role",
            "team_id",
            "is_superuser",
            "is_staff",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "language",
            "time_zone",
            "date_joined",
        )
    }

    def add_user(
        username: str, role: str, team: int, name: str, chinese: bool, joined: np.datetime64 | None = None
    ) -> int:
        users["username"].append(username)
        users["role"].append(role)
        users["team_id"].append(team)
        users["is_superuser"].append(role == "admin")
        users["is_staff"].append(role == "admin")
        users["display_name"].append(name)
        first, _, last = name.partition(" ")
        users["first_name"].append(name[1:] if chinese else first)
        users["last_name"].append(name[:1] if chinese else last)
        users["email"].append(f"{username}@{MAIL_DOMAIN}")
        users["language"].append("zh-hans" if chinese else "en")
        users["time_zone"].append("Asia/Shanghai")
        users["date_joined"].append(
            since - np.timedelta64(int(rng.integers(0, 900)), "D") if joined is None else joined
        )
        return len(users["username"])

    # Teams: head office (1), one team per region (2..6), then the region's sales teams.
    teams: dict[str, list] = {"name": [], "parent_id": [], "manager_id": []}

    def add_team(name: str, parent: int, manager: int) -> int:
        teams["name"].append(name)
        teams["parent_id"].append(parent)
        teams["manager_id"].append(manager)
        return len(teams["name"])

    head = add_team("总部 Head office", NULL, NULL)
    region_team = [add_team(f"{zh}区 {en}", head, NULL) for _key, zh, en in C.REGIONS]

    staff_names, _ = person_names(rng, np.ones(2 + n_regions, dtype=bool))
    actor = add_user("admin", "admin", head, staff_names[0], True)
    add_user("ops", "sales_ops", head, staff_names[1], True)
    region_manager = np.zeros(n_regions, dtype=np.int64)
    for r, (key, _zh, _en) in enumerate(C.REGIONS):
        username = "manager" if r == 0 else f"manager_{key}"
        region_manager[r] = add_user(username, "manager", region_team[r], staff_names[2 + r], True)
        teams["manager_id"][region_team[r] - 1] = int(region_manager[r])

    rep_region = np.repeat(np.arange(n_regions), per_region)
    chinese = (rep_region != C.REGION_INDEX["intl"]) | (rng.random(n_reps) < 0.5)
    rep_names, _ = person_names(rng, chinese)
    rep_user = np.zeros(n_reps, dtype=np.int64)
    rep_team = np.zeros(n_reps, dtype=np.int64)
    k = 0
    for r, (_key, zh, en) in enumerate(C.REGIONS):
        n_teams = max(1, -(-int(per_region[r]) // C.REPS_PER_TEAM))
        sub = [
            add_team(f"{zh}{C.TEAM_ORDINALS[t % 10]}组 {en} {t + 1}", region_team[r], int(region_manager[r]))
            for t in range(n_teams)
        ]
        for j in range(int(per_region[r])):
            rep_team[k] = sub[j % n_teams]
            username = "rep" if k == 0 else f"rep{k + 1:03d}"
            rep_user[k] = add_user(username, "rep", int(rep_team[k]), rep_names[k], bool(chinese[k]))
            if r == C.REGION_INDEX["intl"]:
                users["time_zone"][-1] = INTL_TIME_ZONES[j % len(INTL_TIME_ZONES)]
            k += 1
    # Added last and without a draw, so the viewer changes nothing else in the company.
    add_user("viewer", "viewer", head, "Demo Viewer", False, joined=since)

    # Rep profiles: home city in the rep's region, capacity, skills.
    home = np.array(
        [
            rng.choice(np.flatnonzero(cities.region == r), p=_norm(cities.weight[cities.region == r]))
            for r in rep_region
        ],
        dtype=np.int64,
    )
    home_lat, home_lon = jittered(rng, home)
    n_ind = len(C.INDUSTRY_KEYS)
    skill_ind = np.zeros((n_reps, n_ind), dtype=bool)
    industries, languages, lines = [], [], []
    for i in range(n_reps):
        picks = rng.choice(n_ind, size=int(rng.integers(2, 5)), replace=False)
        skill_ind[i, picks] = True
        industries.append([C.INDUSTRY_KEYS[j] for j in sorted(picks)])
        if rep_region[i] == C.REGION_INDEX["intl"]:
            langs = (
                ["en"]
                + (["zh"] if rng.random() < 0.6 else [])
                + ([str(rng.choice(["ja", "ko", "de", "fr"]))] if rng.random() < 0.4 else [])
            )
        else:
            langs = ["zh"] + (["en"] if rng.random() < 0.5 else []) + (["ja"] if rng.random() < 0.05 else [])
        languages.append(langs)
        pl = rng.choice(len(C.PRODUCT_LINES), size=int(rng.integers(2, 5)), replace=False)
        lines.append([C.PRODUCT_LINES[j] for j in sorted(pl)])
    capacity = np.round(rng.uniform(30, 45, n_reps) * 2) / 2
    profiles = {
        "user_id": rep_user,
        "home_city": [cities.city[c] for c in home],
        "home_lat": home_lat,
        "home_lon": home_lon,
        "weekly_capacity_hours": capacity,
        "industries": industries,
        "languages": languages,
        "product_lines": lines,
    }

    territories, territory_of_city = _territories(region_manager)
    tables: dict[str, dict[str, Any]] = {
        "team": {**teams, **stamps(since, len(teams["name"]))},
        "user": users,
        "rep_profile": {**profiles, **stamps(since, n_reps)},
        "territory": {**territories, **stamps(since, len(territories["name"]))},
    }
    return Org(
        tables=tables,
        actor_id=actor,
        rep_user_id=rep_user,
        rep_region=rep_region,
        rep_skill=rng.normal(0.0, REP_SKILL_SD, n_reps),
        rep_diligence=np.exp(rng.normal(0.0, 0.3, n_reps)),
        rep_industries=skill_ind,
        region_manager_id=region_manager,
        territory_of_city=territory_of_city,
    )


def stamps(moment: np.datetime64, n: int) -> dict[str, np.ndarray]:
    """Creation and update times for ``n`` records made at ``moment``."""
    column = np.full(n, moment, dtype="datetime64[s]")
    return {"created_at": column, "updated_at": column}


def _norm(w: np.ndarray) -> np.ndarray:
    return w / w.sum()


def _territories(region_manager: np.ndarray) -> tuple[dict[str, list], np.ndarray]:
    """Regions, then one child per province (China) or country (abroad)."""
    cities = load_cities()
    table: dict[str, list] = {"name": [], "code": [], "parent_id": [], "owner_id": []}
    for r, (key, zh, en) in enumerate(C.REGIONS):
        table["name"].append(f"{zh} {en}")
        table["code"].append(f"R-{key.upper()}")
        table["parent_id"].append(NULL)
        table["owner_id"].append(int(region_manager[r]))
    leaf: dict[str, int] = {}
    territory_of_city = np.zeros(len(cities), dtype=np.int64)
    for c in range(len(cities)):
        code = cities.province_code[c]
        if code not in leaf:
            table["name"].append(cities.province[c] if cities.country[c] == "CN" else C.COUNTRY_NAMES[code])
            table["code"].append(code)
            table["parent_id"].append(int(cities.region[c]) + 1)
            table["owner_id"].append(NULL)
            leaf[code] = len(table["name"])
        territory_of_city[c] = leaf[code]
    return table, territory_of_city
