"""Loading the demo company: every table, history rows, trees, logins, and the model's features."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from django.db.models import Count, Q
from django.test import override_settings

from opensrm.core.visibility import visible
from opensrm.crm.models import (
    Account,
    Activity,
    Contact,
    Lead,
    Opportunity,
    OpportunityLine,
    Order,
    OrderLine,
    Product,
    Stage,
    StageChange,
    Territory,
)
from opensrm.demo.catalog import DEMO_LOGINS
from opensrm.demo.generate import DemoConfig, generate_company
from opensrm.demo.load import TABLE_MODELS, DemoDataExists, demo_data_present, load_company, reset_database
from opensrm.demo.outcome import FEATURES
from opensrm.people.models import RepProfile, Team, User

CONFIG = DemoConfig(accounts=300, reps=8, years=2, seed=3, as_of=dt.date(2026, 6, 30))


@pytest.fixture(scope="module")
def company():
    return generate_company(CONFIG)


def _delete_demo_rows() -> None:
    from django.db import connection, transaction

    tables = []
    for model in reversed(list(TABLE_MODELS.values())):
        if hasattr(model, "history"):
            tables.append(model.history.model._meta.db_table)
        tables.append(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker, company, tmp_path_factory):
    """One committed load for the module (loading is the slow part); removed afterwards."""
    var = tmp_path_factory.mktemp("var")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var):
        report = load_company(company)
    report.var_dir = var
    yield company, report
    with django_db_blocker.unblock():
        _delete_demo_rows()


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once


def test_every_table_is_populated_with_the_generated_rows(loaded):
    company, report = loaded
    for key, model in TABLE_MODELS.items():
        assert model._default_manager.count() == company.rows(key) > 0, key
        assert report.rows[key] == company.rows(key)


def test_every_record_has_a_creation_history_row_by_the_demo_admin(loaded):
    company, _report = loaded
    admin = User.objects.get(username="admin")
    for key, model in TABLE_MODELS.items():
        if not hasattr(model, "history"):
            continue
        history = model.history.model.objects
        assert history.count() == company.rows(key), key
        assert history.filter(history_type="+", history_user=admin).count() == company.rows(key), key
    account = Account.objects.order_by("pk").first()
    row = account.history.get()
    assert row.history_date == account.created_at
    assert row.name == account.name


def test_trees_have_materialised_paths(loaded):
    for model in (Team, Territory):
        for node in model.objects.select_related("parent"):
            expected = (node.parent.path if node.parent else "") + f"{node.pk:06d}."
            assert node.path == expected
    assert Territory.objects.filter(parent__isnull=True).count() == 5
    assert Account.objects.filter(territory__parent__isnull=False).count() == Account.objects.count()


def test_demo_logins_work_and_roles_see_what_they_should(loaded):
    _company, report = loaded
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(report.passwords[login.username])
        assert user.role == login.role
    viewer = User.objects.get(username="viewer")
    assert viewer.is_read_only
    assert visible(viewer, Account.objects.all()).count() == Account.objects.count()
    rep = User.objects.get(username="rep")
    manager = User.objects.get(username="manager")
    assert RepProfile.objects.filter(user=rep).exists()
    assert rep.team.path.startswith(manager.team.path)
    own = Account.objects.filter(owner=rep).count()
    assert 0 < own == visible(rep, Account.objects.all()).count()
    assert own < visible(manager, Account.objects.all()).count() < Account.objects.count()


def test_account_owners_are_reps_of_the_accounts_region(loaded):
    for account in Account.objects.select_related("owner__team__parent", "territory__parent")[:200]:
        assert account.owner.role == "rep"
        region_team = account.owner.team.parent
        assert region_team.name.split(" ")[-1] in account.territory.parent.name


def test_closed_deals_end_in_their_final_stage_and_orders_follow_wins(loaded):
    closed = Opportunity.objects.filter(closed_at__isnull=False).select_related("stage")
    assert closed.exists()
    for opp in closed:
        last = StageChange.objects.filter(opportunity=opp).order_by("changed_at", "id").last()
        assert last.to_stage_id == opp.stage_id
        assert last.changed_at == opp.closed_at
        assert opp.stage.is_won or (opp.stage.is_lost and opp.lost_reason)
    won = Opportunity.objects.filter(stage__is_won=True)
    assert Order.objects.filter(opportunity__in=won).count() == won.count()
    open_deals = Opportunity.objects.filter(closed_at__isnull=True)
    assert not open_deals.filter(Q(stage__is_won=True) | Q(stage__is_lost=True)).exists()


def test_order_totals_are_the_sum_of_their_lines(loaded):
    for order in Order.objects.annotate(n=Count("lines"))[:300]:
        assert order.n >= 1
        assert sum(line.amount for line in order.lines.all()) == order.total


def test_database_features_match_the_win_model(loaded):
    """What a scorer reads from the database is what the outcome was drawn from."""
    company, _report = loaded
    truth = company.truth
    col = {name: i for i, name in enumerate(FEATURES)}
    for row, opp_id in enumerate(truth.closed_opportunity_id[:150]):
        opp = Opportunity.objects.select_related("account", "owner__rep_profile").get(pk=int(opp_id))
        done = Activity.objects.filter(opportunity=opp, done_at__lt=opp.closed_at).count()
        assert done - 4 == truth.features[row, col["activities"]]
        assert math.isclose(math.log(opp.account.employees) - 5, truth.features[row, col["log_employees"]])
        discount = OpportunityLine.objects.filter(opportunity=opp).first().discount_pct
        assert math.isclose((float(discount) - 10) / 10, truth.features[row, col["discount"]])
        assert math.isclose(
            math.log(float(opp.amount)) - math.log(1e5), truth.features[row, col["log_amount"]], abs_tol=1e-6
        )
        match = opp.account.industry in opp.owner.rep_profile.industries
        assert float(match) == truth.features[row, col["skill_match"]]
        assert opp.stage.is_won == bool(truth.won[row])


def test_leads_contacts_and_activities_hang_together(loaded):
    converted = Lead.objects.filter(status="converted")
    assert converted.exists()
    for lead in converted:
        assert lead.converted_account.name == lead.company
        assert lead.converted_contact.account_id == lead.converted_account_id
    assert not Contact.objects.exclude(account__isnull=False).exists()
    assert Activity.objects.filter(done_at__isnull=True, due_at__isnull=False).exists()
    assert not Activity.objects.exclude(contact__account=models_f("account")).exists()
    assert Product.objects.values("product_line").distinct().count() == 5
    assert Stage.objects.count() == 6


def models_f(name):
    from django.db.models import F

    return F(name)


def test_records_created_after_the_demo_get_fresh_ids(loaded):
    rep = User.objects.get(username="rep")
    before = Account.all_objects.order_by("-pk").values_list("pk", flat=True).first()
    account = Account.objects.create(name="After the demo", owner=rep)
    assert account.pk > before


def test_loading_twice_is_refused_and_changes_nothing(loaded):
    company, _report = loaded
    before = Account.objects.count()
    with pytest.raises(DemoDataExists):
        load_company(company)
    assert Account.objects.count() == before


def test_reset_empties_the_database_for_a_fresh_load(loaded):
    from django.contrib.contenttypes.models import ContentType

    company, _report = loaded
    reset_database()
    ContentType.objects.clear_cache()  # flush recreates content types; this test's changes roll back
    assert not demo_data_present()
    assert OrderLine.objects.count() == 0
    load_company(company)
    assert Account.objects.count() == company.rows("account")
    assert np.array_equal(
        np.array(Account.objects.order_by("pk").values_list("name", flat=True)),
        np.array(company.tables["account"]["name"]),
    )
    ContentType.objects.clear_cache()


def test_every_demo_user_has_its_own_password_and_salt(loaded):
    _company, report = loaded
    users = list(User.objects.all())
    assert set(report.passwords) == {u.username for u in users}
    assert len(set(report.passwords.values())) == len(users)
    assert len({u.password for u in users}) == len(users)
    salts = {u.password.split("$")[2] for u in users}
    assert len(salts) == len(users)
    for user in users:  # a published password opens no account
        assert user.has_usable_password()
        assert not any(user.check_password(p) for p in ("demo-rep-2026", "demo-manager-2026", "rep", "manager"))
    other = User.objects.get(username="rep002")
    assert other.check_password(report.passwords["rep002"])
    assert not other.check_password(report.passwords["rep"])


def test_the_logins_file_lists_every_password_readable_by_its_owner_only(loaded):
    import stat

    from opensrm.demo.load import read_logins

    _company, report = loaded
    path = report.var_dir / "demo-logins.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with override_settings(VAR_DIR=report.var_dir):
        assert read_logins() == report.passwords


def test_an_existing_logins_file_is_narrowed_to_its_owner(tmp_path):
    import stat

    from opensrm.demo.load import write_logins

    (tmp_path / "demo-logins.txt").write_text("old")
    (tmp_path / "demo-logins.txt").chmod(0o644)
    with override_settings(VAR_DIR=tmp_path):
        path = write_logins({"rep": "x"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().endswith("rep\tx\n")


@pytest.mark.parametrize(
    ("env", "overrides"),
    [
        ({"OPENSRM_PRODUCTION": "1"}, {}),
        ({}, {"SESSION_COOKIE_SECURE": True}),
        ({}, {"SECURE_SSL_REDIRECT": True}),
        ({}, {"SECURE_HSTS_SECONDS": 3600}),
    ],
)
def test_demo_users_are_refused_under_production_settings(db, company, monkeypatch, env, overrides):
    from opensrm.demo.load import DemoRefused

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    users = User.objects.count()
    with override_settings(DEBUG=False, **overrides), pytest.raises(DemoRefused, match="production"):
        load_company(company)
    assert User.objects.count() == users


def test_debug_mode_allows_the_demo_even_with_the_production_flag(monkeypatch):
    from opensrm.demo.load import production_reasons

    monkeypatch.setenv("OPENSRM_PRODUCTION", "1")
    with override_settings(DEBUG=True):
        assert production_reasons() == []
    with override_settings(DEBUG=False):
        assert production_reasons() == ["OPENSRM_PRODUCTION"]
