"""Activities (done and due) and orders (from won deals, and repeat business by season)."""

from __future__ import annotations

import numpy as np

from opensrm.demo import catalog as C
from opensrm.demo.accounts import Accounts
from opensrm.demo.opportunities import Deals
from opensrm.demo.org import NULL, Org
from opensrm.demo.timeline import SECONDS_PER_DAY, WORK_END_UTC, WORK_START_UTC, Timeline, clocks_for, per_zone

KINDS = tuple(C.ACTIVITY_KINDS)
KIND_SHARE = np.array([C.ACTIVITY_KINDS[k][0] for k in KINDS])
KIND_MINUTES = np.array([C.ACTIVITY_KINDS[k][1] for k in KINDS])
CARE_PER_YEAR = 1.5
# Repeat orders per customer-month by tier (A..D).
REPEAT_ORDER_RATE = np.array([0.60, 0.35, 0.20, 0.10])


def _pick_contact(rng: np.random.Generator, acc: Accounts, account: np.ndarray) -> np.ndarray:
    return acc.contact_start[account] + (rng.random(len(account)) * acc.contact_count[account]).astype(
        np.int64
    )


def _subjects(rng: np.random.Generator, kind: np.ndarray, chinese: np.ndarray) -> list[str]:
    pick = rng.integers(3, size=len(kind))
    spec = [C.ACTIVITY_KINDS[k] for k in KINDS]
    return [spec[k][2][p] if z else spec[k][3][p] for k, p, z in zip(kind, pick, chinese, strict=True)]


def activity_table(
    rng: np.random.Generator, timeline: Timeline, acc: Accounts, org: Org, deals: Deals
) -> dict:
    now_s = timeline.n_days * SECONDS_PER_DAY + WORK_END_UTC
    parts: list[dict[str, np.ndarray]] = []
    # Reps work 09:00-18:00 on working days in their own time zone: every due and done time
    # is placed on that clock.
    user_zone = list(org.tables["user"]["time_zone"])
    zones = sorted(set(user_zone))
    clocks = clocks_for(timeline, zones)
    rep_zone = np.array([zones.index(user_zone[u - 1]) for u in org.rep_user_id], dtype=np.int64)

    # Work on deals: done, strictly between the deal's creation and its close (or now).
    opp = np.repeat(np.arange(deals.n), deals.activities_done)
    lo, hi = deals.created_s[opp] + 60, deals.end_s[opp] - 60
    done = per_zone(rep_zone[deals.rep[opp]], clocks, "between", rng.random(len(opp)), lo, hi)
    parts.append(
        {
            "account": deals.account[opp],
            "opp": opp,
            "rep": deals.rep[opp],
            "due": done,
            "done": done,
            "kind": rng.choice(len(KINDS), size=len(opp), p=KIND_SHARE),
            "floor": deals.created_s[opp],
        }
    )

    # The next step on each open deal; some are already overdue.
    open_opp = np.flatnonzero(~deals.closed)
    overdue = rng.random(len(open_opp)) < 0.15
    due = np.where(
        overdue,
        now_s - rng.integers(3600, 10 * SECONDS_PER_DAY, len(open_opp)),
        now_s + rng.integers(3600, 14 * SECONDS_PER_DAY, len(open_opp)),
    )
    due = np.maximum(due, deals.created_s[open_opp] + 3600)
    due = per_zone(rep_zone[deals.rep[open_opp]], clocks, "next_working", due)
    parts.append(
        {
            "account": deals.account[open_opp],
            "opp": open_opp,
            "rep": deals.rep[open_opp],
            "due": due,
            "done": np.full(len(open_opp), NULL),
            "kind": rng.choice([0, 2, 3, 4], size=len(open_opp)),
            "floor": deals.created_s[open_opp],
        }
    )

    # Customer care: calls and visits to customers while they are customers; a few planned.
    lo_day = np.maximum(acc.customer_since, 0)
    hi_day = np.minimum(acc.churn_day, timeline.n_days)
    active = lo_day < hi_day
    lo_day = np.where(active, lo_day, 0).astype(np.int64)
    hi_day = np.where(active, hi_day, 0).astype(np.int64)
    count = rng.poisson(CARE_PER_YEAR * timeline.mass(lo_day, hi_day) / 365.0)
    account = np.repeat(np.arange(acc.n), count)
    day = timeline.sample_days(rng, lo_day[account], hi_day[account])
    into = timeline.work_seconds(rng, len(account)) - WORK_START_UTC
    done = per_zone(rep_zone[acc.owner_rep[account]], clocks, "on_day", day, into)
    parts.append(
        {
            "account": account,
            "opp": np.full(len(account), NULL),
            "rep": acc.owner_rep[account],
            "due": done,
            "done": done,
            "kind": rng.choice([0, 3], size=len(account)),
            "floor": np.full(len(account), -(10**9)),
        }
    )
    planned = np.flatnonzero(active & (hi_day >= timeline.n_days) & (rng.random(acc.n) < 0.1))
    due = now_s + rng.integers(SECONDS_PER_DAY, 30 * SECONDS_PER_DAY, len(planned))
    due = per_zone(rep_zone[acc.owner_rep[planned]], clocks, "next_working", due)
    parts.append(
        {
            "account": planned,
            "opp": np.full(len(planned), NULL),
            "rep": acc.owner_rep[planned],
            "due": due,
            "done": np.full(len(planned), NULL),
            "kind": rng.choice([0, 3], size=len(planned)),
            "floor": np.full(len(planned), -(10**9)),
        }
    )

    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(cols["account"])
    is_done = cols["done"] != NULL
    is_care = cols["opp"] == NULL
    chinese = acc.chinese[cols["account"]]
    subjects = _subjects(rng, cols["kind"], chinese)
    care_pick = rng.integers(len(C.CARE_SUBJECTS_ZH), size=n)
    for i in np.flatnonzero(is_care):
        subjects[i] = C.CARE_SUBJECTS_ZH[care_pick[i]] if chinese[i] else C.CARE_SUBJECTS_EN[care_pick[i]]
    minutes = np.round(KIND_MINUTES[cols["kind"]] * rng.uniform(0.5, 1.5, n) / 5) * 5
    scheduled = np.minimum(cols["due"], now_s) - rng.integers(0, 3 * SECONDS_PER_DAY, n)
    created = np.maximum(scheduled, cols["floor"])
    first = timeline.moment(np.zeros(n), created)
    return {
        "kind": [KINDS[k] for k in cols["kind"]],
        "subject": subjects,
        "account_id": cols["account"] + 1,
        "contact_id": _pick_contact(rng, acc, cols["account"]),
        "opportunity_id": np.where(is_care, NULL, cols["opp"] + 1),
        "lead_id": np.full(n, NULL),
        "owner_id": org.rep_user_id[cols["rep"]],
        "due_at": timeline.moment(np.zeros(n), cols["due"]),
        "done_at": np.where(
            is_done, timeline.moment(np.zeros(n), np.where(is_done, cols["done"], 0)), np.datetime64("NaT")
        ),
        "duration_minutes": np.maximum(minutes, 5).astype(np.int64),
        "created_at": first,
        "updated_at": np.where(
            is_done, timeline.moment(np.zeros(n), np.where(is_done, cols["done"], 0)), first
        ),
    }


def order_tables(rng: np.random.Generator, timeline: Timeline, acc: Accounts, org: Org, deals: Deals) -> dict:
    price = np.array([p[3] for p in C.PRODUCTS], dtype=float)
    qmax = np.array([p[4] for p in C.PRODUCTS])
    product_line = np.array([C.PRODUCT_LINES.index(p[2]) for p in C.PRODUCTS])

    # Won deals book an order at the close, with the deal's lines at the discounted price.
    won = np.flatnonzero(deals.won)
    won_line = np.flatnonzero(deals.won[deals.line_opp])
    won_rank = np.full(deals.n, NULL)
    won_rank[won] = np.arange(len(won))

    # Repeat business from customers, following the seasonal calendar.
    lo_day = np.maximum(acc.customer_since, 0)
    hi_day = np.minimum(acc.churn_day, timeline.n_days)
    active = lo_day < hi_day
    lo_day = np.where(active, lo_day, 0).astype(np.int64)
    hi_day = np.where(active, hi_day, 0).astype(np.int64)
    count = rng.poisson(REPEAT_ORDER_RATE[acc.tier] * 12 / 365.0 * timeline.mass(lo_day, hi_day))
    rep_account = np.repeat(np.arange(acc.n), count)
    rep_day = timeline.sample_days(rng, lo_day[rep_account], hi_day[rep_account])
    n_lines = 1 + (rng.random(len(rep_account)) < 0.35) + (rng.random(len(rep_account)) < 0.10)
    line_order = np.repeat(np.arange(len(rep_account)), n_lines)
    affinity = np.cumsum(np.array([C.LINE_AFFINITY[k] for k in C.INDUSTRY_KEYS]), axis=1)
    pl = (rng.random(len(line_order))[:, None] > affinity[acc.industry[rep_account[line_order]]]).sum(axis=1)
    pl = pl.clip(0, len(C.PRODUCT_LINES) - 1)
    members = [np.flatnonzero(product_line == k) for k in range(len(C.PRODUCT_LINES))]
    pick = rng.random(len(line_order))
    product = np.array(
        [members[k][int(p * len(members[k]))] for k, p in zip(pl, pick, strict=True)], dtype=np.int64
    )
    quantity = np.clip(np.round(np.minimum(qmax[product], 20) * rng.random(len(product)) ** 2), 1, None)
    unit_rep = np.round(price[product] * (1 - rng.uniform(0, 15, len(product)) / 100), 2)

    # All orders: won-deal orders first, then repeat orders; numbered by date.
    o_account = np.concatenate([deals.account[won], rep_account])
    o_opp = np.concatenate([won, np.full(len(rep_account), NULL)])
    o_s = np.concatenate(
        [deals.end_s[won] + 3600, rep_day * SECONDS_PER_DAY + timeline.work_seconds(rng, len(rep_day))]
    )
    l_order = np.concatenate([won_rank[deals.line_opp[won_line]], line_order + len(won)])
    l_product = np.concatenate([deals.line_product[won_line], product])
    l_quantity = np.concatenate([deals.line_quantity[won_line].astype(float), quantity])
    l_unit = np.concatenate(
        [
            np.round(
                deals.line_unit_price[won_line] * (1 - deals.discount[deals.line_opp[won_line]] / 100), 2
            ),
            unit_rep,
        ]
    )
    l_amount = np.round(l_quantity * l_unit, 2)
    total = np.round(np.bincount(l_order, weights=l_amount, minlength=len(o_account)), 2)
    by_date = np.argsort(o_s, kind="stable")
    new_id = np.empty_like(by_date)
    new_id[by_date] = np.arange(len(by_date))
    o_account, o_opp, o_s, total = o_account[by_date], o_opp[by_date], o_s[by_date], total[by_date]
    l_order = new_id[l_order]
    by_line = np.argsort(l_order, kind="stable")
    moment = timeline.moment(np.zeros(len(o_s)), o_s)
    months = moment.astype("datetime64[M]").astype(str)
    n = len(o_account)
    return {
        "order": {
            "number": [f"SO{m[:4]}{m[5:7]}-{i + 1:06d}" for i, m in enumerate(months)],
            "account_id": o_account + 1,
            "opportunity_id": np.where(o_opp == NULL, NULL, o_opp + 1),
            "owner_id": org.rep_user_id[acc.owner_rep[o_account]],
            "status": np.where(rng.random(n) < 0.02, "cancelled", "booked"),
            "order_date": moment.astype("datetime64[D]"),
            "currency": ["CNY"] * n,
            "total": total,
            "created_at": moment,
            "updated_at": moment,
        },
        "order_line": {
            "order_id": l_order[by_line] + 1,
            "product_id": l_product[by_line] + 1,
            "quantity": l_quantity[by_line],
            "unit_price": l_unit[by_line],
            "amount": l_amount[by_line],
        },
    }
