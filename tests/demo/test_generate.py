"""The pure generator: deterministic, realistic in shape, and carrying the documented signal."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from opensrm.demo import catalog as C
from opensrm.demo.generate import TABLE_ORDER, DemoConfig, fingerprint, generate_company, n_rows
from opensrm.demo.outcome import COEFFICIENTS, FEATURES

AS_OF = dt.date(2026, 6, 30)
SMALL = DemoConfig(accounts=300, reps=8, years=2, seed=11, as_of=AS_OF)


@pytest.fixture(scope="module")
def small():
    return generate_company(SMALL)


@pytest.fixture(scope="module")
def larger():
    return generate_company(DemoConfig(accounts=6_000, reps=30, years=3, seed=5, as_of=AS_OF))


def test_same_seed_gives_the_same_company(small):
    again = generate_company(SMALL)
    assert fingerprint(again) == fingerprint(small)
    assert again.tables["account"]["name"] == small.tables["account"]["name"]


def test_another_seed_gives_another_company(small):
    other = generate_company(DemoConfig(accounts=300, reps=8, years=2, seed=12, as_of=AS_OF))
    assert fingerprint(other) != fingerprint(small)
    assert other.tables["account"]["name"] != small.tables["account"]["name"]


def test_every_table_has_rows_and_consistent_columns(small):
    for name in TABLE_ORDER:
        table = small.tables[name]
        n = n_rows(table)
        assert n > 0, name
        assert all(len(values) == n for values in table.values()), name


def test_chinese_accounts_lie_within_china_and_others_abroad(small):
    acc = small.tables["account"]
    country = np.asarray(acc["country"])
    lat, lon = np.asarray(acc["lat"]), np.asarray(acc["lon"])
    cn = country == "CN"
    assert cn.mean() > 0.7
    assert ((lat[cn] > 18.0) & (lat[cn] < 53.6) & (lon[cn] > 73.5) & (lon[cn] < 135.1)).all()
    assert ((lon[~cn] < 73.5) | (lon[~cn] > 135.1) | (lat[~cn] < 18.0)).any()


def test_names_mix_chinese_and_international_companies(small):
    names = small.tables["account"]["name"]
    chinese = sum(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names) / len(names)
    assert 0.7 < chinese < 0.9
    assert len(set(names)) == len(names)


def test_orders_peak_in_q4_and_dip_in_q1(larger):
    orders = larger.tables["order"]
    dates = np.asarray(orders["order_date"], dtype="datetime64[D]")
    month = dates.astype("datetime64[M]").astype(np.int64) % 12
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    total = np.asarray(orders["total"])
    full_years = [y for y in np.unique(year) if set(month[year == y]) == set(range(12))]
    assert full_years
    for y in full_years:
        q1 = total[(year == y) & (month < 3)].sum()
        q4 = total[(year == y) & (month >= 9)].sum()
        assert q4 > 1.2 * q1, y


def test_stage_history_steps_through_stages_and_ends_at_the_final_stage(small):
    opp = small.tables["opportunity"]
    changes = small.tables["stage_change"]
    final = np.asarray(opp["stage_id"])
    opp_id = np.asarray(changes["opportunity_id"])
    to_stage = np.asarray(changes["to_stage_id"])
    at = np.asarray(changes["changed_at"], dtype="datetime64[s]")
    closed = ~np.isnat(np.asarray(opp["closed_at"], dtype="datetime64[s]"))
    for i in range(len(final)):
        rows = np.flatnonzero(opp_id == i + 1)
        assert to_stage[rows[0]] == 1  # every deal starts at Qualify
        assert (np.diff(at[rows]) >= np.timedelta64(0, "s")).all()
        assert to_stage[rows[-1]] == final[i]
        if closed[i]:
            assert final[i] in (C.OPEN_STAGES + 1, C.OPEN_STAGES + 2)
            assert at[rows[-1]] == np.asarray(opp["closed_at"], dtype="datetime64[s]")[i]
        open_path = to_stage[rows[: -1 if closed[i] else None]]
        assert list(open_path) == list(range(1, len(open_path) + 1))


def test_the_documented_win_model_is_recoverable(larger):
    truth = larger.truth
    X, y = truth.features, truth.won
    assert 0.25 < y.mean() < 0.6
    cut = int(len(y) * 0.7)  # ids follow creation time: train on the past, test on the future
    model = LogisticRegression(C=1e4, max_iter=2000).fit(X[:cut], y[:cut])
    assert roc_auc_score(y[cut:], model.predict_proba(X[cut:])[:, 1]) > 0.75
    fitted = dict(zip(FEATURES, model.coef_[0], strict=True))
    for name in FEATURES:
        true = COEFFICIENTS[name]
        assert np.sign(fitted[name]) == np.sign(true), name
        assert abs(fitted[name] - true) < 0.4 * abs(true) + 0.15, (name, fitted[name], true)


def test_observable_features_alone_carry_signal(larger):
    """Without the hidden rep skill, what a scorer can see still separates wins from losses."""
    truth = larger.truth
    observable = np.delete(truth.features, FEATURES.index("rep_skill"), axis=1)
    model = LogisticRegression(max_iter=2000).fit(observable, truth.won)
    assert roc_auc_score(truth.won, model.predict_proba(observable)[:, 1]) > 0.75


def test_reps_are_split_over_every_region(small):
    users = small.tables["user"]
    assert list(users["username"][:2]) == ["admin", "ops"]
    assert sum(1 for r in users["role"] if r == "rep") == SMALL.reps
    assert {login.username for login in C.DEMO_LOGINS} <= set(users["username"])


def test_too_few_reps_is_refused():
    with pytest.raises(ValueError, match="reps"):
        DemoConfig(accounts=10, reps=3)


def _outside_working_hours(company) -> list[tuple[str, str, str]]:
    """Due and done times not on a weekday 09:00-18:00 (public holidays excluded) in the owner's
    own time zone, checked with calendar arithmetic independent of the generator's clock."""
    from zoneinfo import ZoneInfo

    import holidays

    users = company.tables["user"]
    zone_of = {i + 1: z for i, z in enumerate(users["time_zone"])}
    country = {"Asia/Shanghai": "CN", "Asia/Singapore": "SG", "Asia/Tokyo": "JP", "Europe/London": "GB",
               "America/New_York": "US"}
    years = range(AS_OF.year - 5, AS_OF.year + 2)
    off = {z: holidays.country_holidays(c, years=years) for z, c in country.items()}
    acts = company.tables["activity"]
    bad = []
    for column in ("due_at", "done_at"):
        for owner, moment in zip(acts["owner_id"], acts[column], strict=True):
            if np.isnat(moment):
                continue
            zone = zone_of[int(owner)]
            utc = moment.astype("datetime64[s]").astype(dt.datetime).replace(tzinfo=dt.UTC)
            local = utc.astimezone(ZoneInfo(zone))
            if local.weekday() >= 5 or local.date() in off[zone] or not 9 <= local.hour < 18:
                bad.append((column, zone, local.isoformat()))
    return bad


def test_every_activity_falls_in_its_owners_working_hours(small):
    assert len(small.tables["activity"]["due_at"]) > 500
    assert _outside_working_hours(small) == []


def test_international_reps_work_in_their_own_time_zone(larger):
    zones = set(larger.tables["user"]["time_zone"])
    assert {"Europe/London", "America/New_York"} <= zones
    assert _outside_working_hours(larger) == []
