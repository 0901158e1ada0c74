"""Accounts, their contacts, and leads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opensrm.demo import catalog as C
from opensrm.demo import namedata as N
from opensrm.demo.geo import jittered, load_cities, sample_cities
from opensrm.demo.names import KIND_ABROAD, KIND_CHINESE, KIND_FOREIGN_IN_CHINA, company_names, person_names
from opensrm.demo.org import NULL, Org
from opensrm.demo.timeline import Timeline

TIERS = ("A", "B", "C", "D")
TIER_SHARE = (0.10, 0.20, 0.35, 0.35)


@dataclass
class Accounts:
    """Per-account arrays the later steps draw on."""

    n: int
    kind: np.ndarray
    city: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    employees: np.ndarray
    revenue: np.ndarray
    tier: np.ndarray  # index into TIERS
    created_day: np.ndarray  # may be negative: imported before the window
    customer_since: np.ndarray  # day, +inf when never a customer (updated by won deals)
    churn_day: np.ndarray  # day, +inf when not churned
    name: list[str]
    domain: list[str]
    owner_rep: np.ndarray  # index into the org's reps
    contact_start: np.ndarray  # first contact id (1-based) of each account
    contact_count: np.ndarray

    @property
    def chinese(self) -> np.ndarray:
        return self.kind == KIND_CHINESE


def draw_accounts(rng: np.random.Generator, timeline: Timeline, n: int) -> Accounts:
    cities = load_cities()
    u = rng.random(n)
    kind = np.where(u < 0.8, KIND_CHINESE, np.where(rng.random(n) < 0.6, KIND_ABROAD, KIND_FOREIGN_IN_CHINA))
    city = np.zeros(n, dtype=np.int64)
    abroad = kind == KIND_ABROAD
    city[~abroad] = _sample(rng, int((~abroad).sum()), china=True)
    city[abroad] = _sample(rng, int(abroad.sum()), china=False)
    probs = np.array([C.INDUSTRIES[k][0] for k in C.INDUSTRY_KEYS])
    industry = rng.choice(len(C.INDUSTRY_KEYS), size=n, p=probs / probs.sum())
    median_emp = np.array([C.INDUSTRIES[k][1] for k in C.INDUSTRY_KEYS])[industry]
    employees = np.clip(np.round(np.exp(rng.normal(np.log(median_emp), 1.2))), 5, 300_000).astype(np.int64)
    per_employee = np.array([C.INDUSTRIES[k][2] for k in C.INDUSTRY_KEYS])[industry]
    revenue = np.round(employees * per_employee * np.exp(rng.normal(0.0, 0.5, n)), -4)
    rank = np.argsort(np.argsort(-revenue, kind="stable"), kind="stable") / max(n, 1)
    tier = np.searchsorted(np.cumsum(TIER_SHARE), rank, side="right").clip(0, 3)
    # A quarter of the book was imported before the window; the rest arrives steadily.
    created_day = rng.integers(-365, max(timeline.n_days - 30, 1), size=n)
    legacy = (created_day < 0) & (rng.random(n) < np.array([0.85, 0.75, 0.6, 0.45])[tier])
    customer_since = np.where(legacy, created_day - rng.integers(0, 3 * 365, size=n), np.inf).astype(float)
    names, domains = company_names(rng, kind=kind, industry=industry, city=city)
    return Accounts(
        n=n,
        kind=kind,
        city=city,
        region=cities.region[city],
        industry=industry,
        employees=employees,
        revenue=revenue,
        tier=tier,
        created_day=created_day,
        customer_since=customer_since,
        churn_day=np.full(n, np.inf),
        name=names,
        domain=domains,
        owner_rep=np.zeros(n, dtype=np.int64),
        contact_start=np.zeros(n, dtype=np.int64),
        contact_count=np.zeros(n, dtype=np.int64),
    )


def _sample(rng: np.random.Generator, n: int, *, china: bool) -> np.ndarray:
    return sample_cities(rng, n, china=china)


def assign_owners(rng: np.random.Generator, acc: Accounts, org: Org) -> None:
    """Each account goes to a rep of its region, uniformly: a plausible, unoptimised book."""
    for r in range(len(C.REGIONS)):
        mine = np.flatnonzero(acc.region == r)
        reps = np.flatnonzero(org.rep_region == r)
        acc.owner_rep[mine] = reps[rng.integers(len(reps), size=len(mine))]


def settle_status(rng: np.random.Generator, acc: Accounts, timeline: Timeline) -> np.ndarray:
    """Customer, prospect or churned, once won deals have set ``customer_since``."""
    is_customer = acc.customer_since < timeline.n_days
    lo = np.maximum(acc.customer_since, 0) + 180
    may_churn = is_customer & (lo < timeline.n_days - 30) & (rng.random(acc.n) < 0.12)
    churn = rng.uniform(np.where(may_churn, lo, 0), timeline.n_days)
    acc.churn_day = np.where(may_churn, np.floor(churn), np.inf)
    return np.where(may_churn, "churned", np.where(is_customer, "customer", "prospect"))


def account_table(
    rng: np.random.Generator, acc: Accounts, org: Org, timeline: Timeline, status: np.ndarray
) -> dict:
    cities = load_cities()
    lat, lon = jittered(rng, acc.city)
    created = timeline.moment(acc.created_day, timeline.work_seconds(rng, acc.n))
    district = rng.integers(len(N.DISTRICTS_ZH), size=acc.n)
    road = rng.integers(len(N.ROADS_ZH), size=acc.n)
    number = rng.integers(1, 999, size=acc.n)
    phone = rng.integers(10_000_000, 99_999_999, size=acc.n)
    address, phones, custom = [], [], []
    for i in range(acc.n):
        c = acc.city[i]
        if cities.country[c] == "CN":
            address.append(
                f"{cities.city[c]}市{N.DISTRICTS_ZH[district[i]]}{N.ROADS_ZH[road[i]]}路{number[i]}号"
            )
            phones.append(f"+86 {phone[i] // 10_000:04d} {phone[i] % 10_000:04d}")
        else:
            address.append(f"{number[i]} {N.STREETS_EN[road[i] % len(N.STREETS_EN)]}, {cities.city_en[c]}")
            phones.append(f"+{10 + c % 80} {phone[i]}")
        since = acc.customer_since[i]
        custom.append(
            {"customer_since": str(timeline.dates(np.array([int(since)]))[0])} if np.isfinite(since) else {}
        )
    return {
        "name": acc.name,
        "industry": [C.INDUSTRY_KEYS[j] for j in acc.industry],
        "employees": acc.employees,
        "annual_revenue": acc.revenue,
        "country": [cities.country[c] for c in acc.city],
        "province": [cities.province[c] for c in acc.city],
        "city": [cities.city[c] for c in acc.city],
        "address": address,
        "lat": lat,
        "lon": lon,
        "website": [f"www.{d}" for d in acc.domain],
        "phone": phones,
        "status": status,
        "tier": [TIERS[t] for t in acc.tier],
        "owner_id": org.rep_user_id[acc.owner_rep],
        "territory_id": org.territory_of_city[acc.city],
        "tags": [[] for _ in range(acc.n)],
        "custom": custom,
        "created_at": created,
        "updated_at": created,
    }


def contact_table(rng: np.random.Generator, acc: Accounts, org: Org, timeline: Timeline) -> dict:
    extra = np.array([1.5, 0.8, 0.3, 0.0])[acc.tier] + 0.8
    count = 1 + rng.poisson(extra)
    acc.contact_count = count
    acc.contact_start = np.concatenate([[1], 1 + np.cumsum(count)[:-1]]).astype(np.int64)
    owner = np.repeat(np.arange(acc.n), count)
    n = len(owner)
    zh_share = np.array([0.97, 0.6, 0.1])[acc.kind[owner]]
    chinese = rng.random(n) < zh_share
    names, local = person_names(rng, chinese)
    title = rng.integers(len(N.TITLES_ZH), size=n)
    mobile = rng.integers(130_0000_0000, 199_9999_9999, size=n)
    first = np.zeros(n, dtype=bool)
    first[acc.contact_start - 1] = True
    day = acc.created_day[owner] + rng.integers(0, 60, size=n)
    day = np.minimum(day, timeline.n_days - 1)
    created = timeline.moment(day, timeline.work_seconds(rng, n))
    domain = [acc.domain[a] for a in owner]
    return {
        "account_id": owner + 1,
        "name": names,
        "title": [N.TITLES_ZH[t] if z else N.TITLES_EN[t] for t, z in zip(title, chinese, strict=True)],
        "email": [f"{lp}@{d}" for lp, d in zip(local, domain, strict=True)],
        "phone": [
            f"{m // 100_000_000} {m // 10_000 % 10_000:04d} {m % 10_000:04d}"
            if z
            else f"+1 {m % 10_000_000_000}"
            for m, z in zip(mobile, chinese, strict=True)
        ],
        "wechat": [f"wx_{lp.replace('.', '_')}" if z else "" for lp, z in zip(local, chinese, strict=True)],
        "language": np.where(chinese, "zh", "en"),
        "is_primary": first,
        "owner_id": org.rep_user_id[acc.owner_rep[owner]],
        "created_at": created,
        "updated_at": created,
    }


def lead_table(
    rng: np.random.Generator,
    acc: Accounts,
    org: Org,
    timeline: Timeline,
    *,
    first_opportunity: np.ndarray,
) -> dict:
    """Leads: most still being worked, some disqualified, some converted into an account."""
    cities = load_cities()
    n = max(1, acc.n // 4)
    status = rng.choice(
        ["new", "working", "qualified", "disqualified", "converted"], size=n, p=[0.2, 0.25, 0.15, 0.25, 0.15]
    )
    recent = acc.created_day >= 0
    pool = np.flatnonzero(recent)
    converted = np.flatnonzero(status == "converted")[: len(pool)]
    status[np.flatnonzero(status == "converted")[len(pool) :]] = "qualified"
    target = (
        rng.choice(pool, size=len(converted), replace=False)
        if len(converted)
        else np.zeros(0, dtype=np.int64)
    )
    kind = np.where(rng.random(n) < 0.85, KIND_CHINESE, KIND_ABROAD)
    city = np.zeros(n, dtype=np.int64)
    city[kind == KIND_ABROAD] = _sample(rng, int((kind == KIND_ABROAD).sum()), china=False)
    city[kind != KIND_ABROAD] = _sample(rng, int((kind != KIND_ABROAD).sum()), china=True)
    industry = rng.integers(len(C.INDUSTRY_KEYS), size=n)
    company, domain = company_names(rng, kind=kind, industry=industry, city=city, taken=set(acc.name))
    names, local = person_names(rng, kind == KIND_CHINESE)
    region = cities.region[city]
    owner = np.zeros(n, dtype=np.int64)
    for r in range(len(C.REGIONS)):
        mine = np.flatnonzero(region == r)
        reps = org.rep_user_id[org.rep_region == r]
        owner[mine] = reps[rng.integers(len(reps), size=len(mine))]
    created_day = rng.integers(max(0, timeline.n_days - 540), timeline.n_days, size=n)
    value = np.round(np.exp(rng.normal(np.log(80_000), 0.8, n)), -2)
    conv_account = np.full(n, NULL)
    conv_contact = np.full(n, NULL)
    conv_opp = np.full(n, NULL)
    converted_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    for j, a in zip(converted, target, strict=True):
        company[j] = acc.name[a]
        domain[j] = acc.domain[a]
        city[j], region[j], industry[j] = acc.city[a], acc.region[a], acc.industry[a]
        owner[j] = org.rep_user_id[acc.owner_rep[a]]
        created_day[j] = max(acc.created_day[a] - int(rng.integers(5, 40)), -365)
        conv_account[j] = a + 1
        conv_contact[j] = acc.contact_start[a]
        conv_opp[j] = first_opportunity[a]
        converted_at[j] = timeline.moment(np.array([acc.created_day[a]]), np.array([3 * 3600]))[0]
    created = timeline.moment(created_day, timeline.work_seconds(rng, n))
    lat, lon = jittered(rng, city)
    source = rng.integers(len(C.LEAD_SOURCES), size=n)
    title = rng.integers(len(N.TITLES_ZH), size=n)
    return {
        "name": names,
        "company": company,
        "title": [
            N.TITLES_ZH[t] if k == KIND_CHINESE else N.TITLES_EN[t] for t, k in zip(title, kind, strict=True)
        ],
        "email": [f"{lp}@{d}" for lp, d in zip(local, domain, strict=True)],
        "phone": ["" for _ in range(n)],
        "source": [C.LEAD_SOURCES[s] for s in source],
        "industry": [C.INDUSTRY_KEYS[i] for i in industry],
        "country": [cities.country[c] for c in city],
        "province": [cities.province[c] for c in city],
        "city": [cities.city[c] for c in city],
        "lat": lat,
        "lon": lon,
        "estimated_value": value,
        "status": status,
        "owner_id": owner,
        "converted_at": converted_at,
        "converted_account_id": conv_account,
        "converted_contact_id": conv_contact,
        "converted_opportunity_id": conv_opp,
        "created_at": created,
        "updated_at": created,
    }
