"""Opportunities, their product lines and stage history, with outcomes from the win model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from opensrm.demo import catalog as C
from opensrm.demo.accounts import Accounts
from opensrm.demo.org import NULL, Org
from opensrm.demo.outcome import COEFFICIENTS, FEATURES, INDUSTRY_EFFECT, win_logit
from opensrm.demo.timeline import SECONDS_PER_DAY, WORK_END_UTC, Timeline

WON, LOST = C.OPEN_STAGES, C.OPEN_STAGES + 1
# Opportunities per account-year by tier (A..D).
OPPORTUNITY_RATE = np.array([0.70, 0.45, 0.32, 0.18])
LOST_AT_STAGE = np.array([0.30, 0.30, 0.25, 0.15])  # the last open stage a lost deal reached


@dataclass
class Deals:
    """Per-opportunity arrays (row i is opportunity id i + 1), for activities and orders."""

    n: int
    account: np.ndarray
    rep: np.ndarray
    created_s: np.ndarray  # seconds from the window start
    end_s: np.ndarray  # close moment when closed, else "now"
    closed: np.ndarray
    won: np.ndarray
    amount: np.ndarray
    line: np.ndarray  # product line index
    cycle: np.ndarray  # planned length in days
    activities_done: np.ndarray  # done activities on the deal (all before close when closed)
    line_opp: np.ndarray  # per line: opportunity index
    line_product: np.ndarray
    line_quantity: np.ndarray
    line_unit_price: np.ndarray  # list price
    discount: np.ndarray  # per opportunity, percent
    features: np.ndarray  # (n, len(FEATURES)) win-model features


def _product_lines() -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    line = np.array([C.PRODUCT_LINES.index(p[2]) for p in C.PRODUCTS])
    price = np.array([p[3] for p in C.PRODUCTS], dtype=float)
    qmax = np.array([p[4] for p in C.PRODUCTS])
    members = [np.flatnonzero(line == k) for k in range(len(C.PRODUCT_LINES))]
    return line, price, qmax, members


def draw_deals(rng: np.random.Generator, timeline: Timeline, acc: Accounts, org: Org) -> Deals:
    n_days = timeline.n_days
    lo = np.maximum(acc.created_day, 0)
    hi = np.full(acc.n, n_days - 1)
    expected = OPPORTUNITY_RATE[acc.tier] * timeline.mass(lo, hi) / 365.0
    count = rng.poisson(expected)
    account = np.repeat(np.arange(acc.n), count)
    day = timeline.sample_days(rng, lo[account], hi[account])
    created_s = day * SECONDS_PER_DAY + timeline.work_seconds(rng, len(account))
    order = np.lexsort((account, created_s))  # ids in creation order
    account, created_s, day = account[order], created_s[order], day[order]
    n = len(account)
    rep = acc.owner_rep[account]
    ind = acc.industry[account]

    # Product line by industry, then one to three distinct products of that line.
    _line, price, qmax, members = _product_lines()
    affinity = np.cumsum(np.array([C.LINE_AFFINITY[k] for k in C.INDUSTRY_KEYS]), axis=1)
    opp_line = (rng.random(n)[:, None] > affinity[ind]).sum(axis=1).clip(0, len(C.PRODUCT_LINES) - 1)
    n_products = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])
    keys = rng.random((n, max(len(m) for m in members)))
    size_factor = np.clip((acc.employees[account] / 300.0) ** 0.3, 0.2, 1.5)
    discount = np.clip(np.round(rng.normal(10.0, 6.0, n) * 2) / 2, 0, 30)
    line_opp, line_product = [], []
    for k, prods in enumerate(members):
        rows = np.flatnonzero(opp_line == k)
        ranked = np.argsort(keys[rows, : len(prods)], axis=1)
        for j in range(3):
            take = rows[n_products[rows] > j]
            line_opp.append(take)
            line_product.append(prods[ranked[n_products[rows] > j, j]])
    line_opp_a = np.concatenate(line_opp)
    line_product_a = np.concatenate(line_product)
    by_opp = np.argsort(line_opp_a, kind="stable")
    line_opp_a, line_product_a = line_opp_a[by_opp], line_product_a[by_opp]
    q_raw = qmax[line_product_a] * rng.random(len(line_opp_a)) ** 1.5 * size_factor[line_opp_a]
    quantity = np.clip(np.round(q_raw), 1, qmax[line_product_a]).astype(np.int64)
    line_amount = quantity * price[line_product_a] * (1 - discount[line_opp_a] / 100)
    amount = np.round(np.bincount(line_opp_a, weights=line_amount, minlength=n), 2)

    cycle = np.clip(np.exp(rng.normal(np.log(40.0) + 0.2 * np.log(amount / 1e5), 0.5)), 7, 300)
    close_day = np.floor(day + cycle).astype(np.int64)
    closed = close_day < n_days
    now_s = n_days * SECONDS_PER_DAY + WORK_END_UTC
    close_s = close_day * SECONDS_PER_DAY + timeline.work_seconds(rng, n)
    close_s = np.maximum(close_s, created_s + 3600)
    end_s = np.where(closed, close_s, now_s)
    planned = np.minimum(rng.poisson(3.0 * org.rep_diligence[rep] * (cycle / 40.0) ** 0.4), 25)
    elapsed = np.clip((end_s - created_s) / (cycle * SECONDS_PER_DAY), 0, 1)
    activities_done = np.where(closed, planned, rng.binomial(planned, elapsed))
    skill_match = org.rep_industries[rep, ind]

    # The win model: everything but "existing customer" is known up front; that one depends on
    # earlier wins at the same account, so outcomes are drawn in creation order.
    features = np.column_stack(
        [
            np.log(acc.employees[account]) - 5.0,
            INDUSTRY_EFFECT[ind],
            org.rep_skill[rep],
            activities_done - 4.0,
            np.zeros(n),
            (discount - 10.0) / 10.0,
            np.log(np.maximum(amount, 1.0)) - math.log(100_000.0),
            skill_match.astype(float),
        ]
    )
    assert FEATURES[4] == "existing_customer"
    base = win_logit(features)
    u = rng.random(n)
    won = np.zeros(n, dtype=bool)
    since = acc.customer_since  # updated in place: a first win makes the account a customer
    b_existing = COEFFICIENTS["existing_customer"]
    created_day_f = created_s / SECONDS_PER_DAY
    close_day_f = close_s / SECONDS_PER_DAY
    for i in range(n):
        a = account[i]
        existing = since[a] <= created_day_f[i]
        features[i, 4] = 1.0 if existing else 0.0
        if closed[i]:
            logit = base[i] + (b_existing if existing else 0.0)
            if u[i] < 1.0 / (1.0 + math.exp(-logit)):
                won[i] = True
                since[a] = min(since[a], close_day_f[i])

    return Deals(
        n=n,
        account=account,
        rep=rep,
        created_s=created_s,
        end_s=end_s,
        closed=closed,
        won=won,
        amount=amount,
        line=opp_line,
        cycle=cycle,
        activities_done=activities_done,
        line_opp=line_opp_a,
        line_product=line_product_a,
        line_quantity=quantity,
        line_unit_price=price[line_product_a],
        discount=discount,
        features=features,
    )


def deal_tables(rng: np.random.Generator, timeline: Timeline, acc: Accounts, org: Org, deals: Deals) -> dict:
    n = deals.n
    created_day = deals.created_s // SECONDS_PER_DAY
    elapsed_share = np.clip((timeline.n_days - created_day) / deals.cycle, 0, 0.999)
    open_stage = np.floor(elapsed_share * C.OPEN_STAGES).astype(np.int64)
    lost_at = rng.choice(C.OPEN_STAGES, size=n, p=LOST_AT_STAGE)
    final = np.where(~deals.closed, open_stage, np.where(deals.won, WON, LOST))
    # Stage path: 0..last open stage reached, then Won or Lost when closed.
    last_open = np.where(~deals.closed, open_stage, np.where(deals.won, C.OPEN_STAGES - 1, lost_at))
    path_len = last_open + 1 + deals.closed.astype(np.int64)
    opp = np.repeat(np.arange(n), path_len)
    first = np.concatenate([[0], np.cumsum(path_len)[:-1]])
    pos = np.arange(len(opp)) - first[opp]
    is_last = pos == path_len[opp] - 1
    to_stage = np.where(is_last & deals.closed[opp], final[opp], pos)
    from_stage = np.where(pos == 0, NULL, np.roll(to_stage, 1) + 1)
    # Moves happen at sorted random moments between creation and the close (or now).
    frac = rng.random(len(opp))
    frac[pos == 0] = 0.0
    frac[is_last & deals.closed[opp]] = 1.0
    frac = frac[np.lexsort((frac, opp))]
    span = deals.end_s[opp] - deals.created_s[opp]
    changed_s = deals.created_s[opp] + np.floor(frac * span).astype(np.int64)
    changed_s = np.where(
        is_last & ~deals.closed[opp], np.minimum(changed_s, deals.end_s[opp] - 60), changed_s
    )
    last_change = changed_s[first + path_len - 1]

    chinese = acc.chinese[deals.account]
    names = [
        f"{acc.name[a]} · {C.PRODUCT_LINES[k]} {'项目' if z else 'project'}"
        for a, k, z in zip(deals.account, deals.line, chinese, strict=True)
    ]
    reason = rng.integers(len(C.LOST_REASONS_ZH), size=n)
    competitor = rng.integers(len(C.COMPETITORS), size=n)
    source = rng.integers(len(C.LEAD_SOURCES), size=n)
    expected_day = created_day + np.where(
        deals.closed, np.floor(deals.cycle * rng.uniform(0.8, 1.0, n)), np.ceil(deals.cycle)
    )
    lost = deals.closed & ~deals.won
    owner = org.rep_user_id[deals.rep]
    created = timeline.moment(np.zeros(n), deals.created_s)
    opportunity = {
        "account_id": deals.account + 1,
        "name": names,
        "pipeline_id": np.ones(n, dtype=np.int64),
        "stage_id": final + 1,
        "amount": deals.amount,
        "currency": ["CNY"] * n,
        "expected_close_date": timeline.dates(expected_day),
        "closed_at": np.where(deals.closed, timeline.moment(np.zeros(n), deals.end_s), np.datetime64("NaT")),
        "owner_id": owner,
        "source": [C.LEAD_SOURCES[s] for s in source],
        "lost_reason": [
            (C.LOST_REASONS_ZH[r] if z else C.LOST_REASONS_EN[r]) if lo else ""
            for r, z, lo in zip(reason, chinese, lost, strict=True)
        ],
        "competitors": [C.COMPETITORS[c] for c in competitor],
        "custom": [{} for _ in range(n)],
        "created_at": created,
        "updated_at": timeline.moment(np.zeros(n), last_change),
    }
    lines = {
        "opportunity_id": deals.line_opp + 1,
        "product_id": deals.line_product + 1,
        "quantity": deals.line_quantity.astype(float),
        "unit_price": deals.line_unit_price,
        "discount_pct": deals.discount[deals.line_opp],
    }
    stage_change = {
        "opportunity_id": opp + 1,
        "from_stage_id": from_stage,
        "to_stage_id": to_stage + 1,
        "amount": deals.amount[opp],
        "changed_at": timeline.moment(np.zeros(len(opp)), changed_s),
        "changed_by_id": owner[opp],
    }
    return {"opportunity": opportunity, "opportunity_line": lines, "stage_change": stage_change}
