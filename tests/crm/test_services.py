"""Service-layer behaviour of the CRM records (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from opensrm.core.errors import PermissionDenied, ValidationFailed, VersionMismatch
from opensrm.core.services import record_create, record_update
from opensrm.crm.models import (
    Account,
    AccountTeamMember,
    Activity,
    Contact,
    Lead,
    LeadStatus,
    Opportunity,
    Order,
    OrderLine,
    Product,
    StageChange,
    Territory,
)
from opensrm.crm.services import (
    lead_convert,
    opportunity_line_add,
    opportunity_move_stage,
    opportunity_update,
    order_cancel,
    order_create,
    territory_create,
    territory_update,
)
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def test_owner_defaults_to_actor_and_rep_cannot_assign_to_others(org):
    acc = record_create(model=Account, actor=org.rep_a, data={"name": "Sinopec East"})
    assert acc.owner == org.rep_a
    with pytest.raises(ValidationFailed) as err:
        record_create(model=Account, actor=org.rep_a, data={"name": "X", "owner": org.rep_b})
    assert "owner" in err.value.field_errors
    assert Account.objects.count() == 1


def test_manager_assigns_within_subtree_only(org):
    acc = record_create(model=Account, actor=org.manager_a, data={"name": "Y", "owner": org.rep_a1})
    assert acc.owner == org.rep_a1
    with pytest.raises(ValidationFailed):
        record_create(model=Account, actor=org.manager_a, data={"name": "Z", "owner": org.rep_b})
    assert not Account.objects.filter(name="Z").exists()


def test_reference_to_invisible_record_is_refused(org):
    other = make_account(org.rep_b, name="North Co")
    with pytest.raises(ValidationFailed) as err:
        record_create(model=Contact, actor=org.rep_a, data={"account": other, "name": "Spy"})
    assert list(err.value.field_errors) == ["account"]
    assert Contact.objects.count() == 0


def test_account_team_member_sees_account_and_its_children(org, pipeline):
    from opensrm.core.visibility import visible

    acc = make_account(org.rep_b, name="Shared")
    opp = make_opportunity(acc, org.rep_b, pipeline)
    assert not visible(org.rep_a, Opportunity.objects.all()).exists()
    AccountTeamMember.objects.create(account=acc, user=org.rep_a, role="technical")
    assert list(visible(org.rep_a, Opportunity.objects.all())) == [opp]
    assert list(visible(org.manager_a, Account.objects.all())) == [acc]
    assert not visible(org.rep_a1, Account.objects.all()).exists()


def test_manager_sees_the_whole_subtree(org):
    a = make_account(org.rep_a, name="A")
    a1 = make_account(org.rep_a1, name="A1")
    make_account(org.rep_b, name="B")
    from opensrm.core.visibility import visible

    assert set(visible(org.manager_a, Account.objects.all())) == {a, a1}
    assert set(visible(org.manager_b, Account.objects.all())).isdisjoint({a, a1})
    assert visible(org.viewer, Account.objects.all()).count() == 3


def test_stage_move_records_history_and_requires_lost_reason(org, pipeline):
    acc = make_account(org.rep_a)
    opp = make_opportunity(acc, org.rep_a, pipeline)
    lost = pipeline.stages.get(is_lost=True)
    with pytest.raises(ValidationFailed) as err:
        opportunity_move_stage(opportunity=opp, stage=lost, actor=org.rep_a, expected_version=opp.version)
    assert "lost_reason" in err.value.field_errors
    opp.refresh_from_db()
    assert opp.stage.order == 1
    assert StageChange.objects.filter(opportunity=opp).count() == 1
    opp = opportunity_move_stage(
        opportunity=opp, stage=lost, actor=org.rep_a, expected_version=opp.version, lost_reason="Price"
    )
    assert opp.closed_at is not None
    assert opp.lost_reason == "Price"
    changes = list(
        StageChange.objects.filter(opportunity=opp).values_list("from_stage__name", "to_stage__name")
    )
    assert changes == [(None, "Qualify"), ("Qualify", "Lost")]


def test_stage_from_another_pipeline_is_refused(org, pipeline):
    from tests.factories import make_pipeline

    other = make_pipeline("Renewals")
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    with pytest.raises(ValidationFailed) as err:
        opportunity_update(
            opportunity=opp,
            actor=org.rep_a,
            data={"stage": other.stages.first()},
            expected_version=opp.version,
        )
    assert "stage" in err.value.field_errors
    opp.refresh_from_db()
    assert opp.stage.pipeline == pipeline


def test_stale_version_is_refused_without_change(org, pipeline):
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    opportunity_update(opportunity=opp, actor=org.rep_a, data={"amount": Decimal("2000")}, expected_version=1)
    with pytest.raises(VersionMismatch):
        opportunity_update(
            opportunity=opp, actor=org.rep_a, data={"amount": Decimal("3000")}, expected_version=1
        )
    opp.refresh_from_db()
    assert (opp.amount, opp.version) == (Decimal("2000.00"), 2)


def test_lead_conversion_creates_account_contact_opportunity_in_one_step(org, pipeline):
    lead = record_create(
        model=Lead,
        actor=org.rep_a,
        data={
            "name": "张伟",
            "company": "Hangzhou Robotics",
            "industry": "manufacturing",
            "city": "Hangzhou",
            "estimated_value": Decimal("50000"),
            "source": "web",
        },
    )
    account, contact, opp = lead_convert(lead=lead, actor=org.rep_a, expected_version=lead.version)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert (lead.converted_account, lead.converted_contact, lead.converted_opportunity) == (
        account,
        contact,
        opp,
    )
    assert account.name == "Hangzhou Robotics"
    assert account.owner == org.rep_a
    assert contact.account == account
    assert contact.is_primary
    assert opp.amount == Decimal("50000")
    assert opp.stage.order == 1
    assert opp.source == "web"
    with pytest.raises(ValidationFailed):
        lead_convert(lead=lead, actor=org.rep_a)
    assert Account.objects.count() == 1


def test_failed_lead_conversion_leaves_nothing_behind(org):
    lead = record_create(model=Lead, actor=org.rep_a, data={"name": "Li", "company": "NoPipeline Co"})
    with pytest.raises(ValidationFailed):
        lead_convert(lead=lead, actor=org.rep_a)  # no pipeline exists
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW
    assert Account.objects.count() == 0
    assert Contact.objects.count() == 0


def test_order_total_is_sum_of_lines_and_bad_line_saves_nothing(org):
    acc = make_account(org.rep_a)
    p1 = record_create(
        model=Product,
        actor=org.ops,
        data={"code": "SRV-1", "name": "Server", "unit_price": Decimal("999.50")},
    )
    order = order_create(
        actor=org.rep_a,
        data={"number": "SO-1", "account": acc, "order_date": dt.date(2026, 5, 1)},
        lines=[{"product": p1, "quantity": 2}, {"product": p1.pk, "quantity": 1, "unit_price": "10"}],
    )
    assert order.total == Decimal("2009.00")
    assert order.lines.count() == 2
    with pytest.raises(ValidationFailed) as err:
        order_create(
            actor=org.rep_a,
            data={"number": "SO-2", "account": acc, "order_date": dt.date(2026, 5, 1)},
            lines=[{"product": p1, "quantity": 1}, {"product": 999999, "quantity": 1}],
        )
    assert "lines[1].product" in err.value.field_errors
    assert not Order.all_objects.filter(number="SO-2").exists()
    assert OrderLine.objects.count() == 2
    cancelled = order_cancel(order=order, actor=org.rep_a, expected_version=order.version)
    assert cancelled.status == "cancelled"


def test_opportunity_lines(org, pipeline):
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    product = record_create(
        model=Product, actor=org.ops, data={"code": "LIC", "name": "Licence", "unit_price": Decimal("100")}
    )
    line = opportunity_line_add(
        opportunity=opp, actor=org.rep_a, product=product, quantity=Decimal("3"), discount_pct=Decimal("10")
    )
    assert line.amount == Decimal("270.00")
    with pytest.raises(ValidationFailed):
        opportunity_line_add(opportunity=opp, actor=org.rep_a, product=product, quantity=Decimal("0"))
    assert opp.lines.count() == 1


def test_territory_tree_paths_follow_moves(org):
    east = territory_create(actor=org.ops, data={"name": "East", "code": "E"})
    sh = territory_create(actor=org.ops, data={"name": "Shanghai", "code": "E-SH", "parent": east})
    pudong = territory_create(actor=org.ops, data={"name": "Pudong", "code": "E-SH-PD", "parent": sh})
    north = territory_create(actor=org.ops, data={"name": "North", "code": "N"})
    assert pudong.path.startswith(sh.path)
    assert sh.path.startswith(east.path)
    territory_update(territory=sh, actor=org.ops, data={"parent": north}, expected_version=sh.version)
    pudong.refresh_from_db()
    assert pudong.path.startswith(north.path)
    assert set(Territory.objects.filter(path__startswith=north.path)) == {north, sh, pudong}
    with pytest.raises(ValidationFailed):
        territory_update(territory=north, actor=org.ops, data={"parent": pudong}, expected_version=None)
    with pytest.raises(PermissionDenied):
        territory_create(actor=org.rep_a, data={"name": "Rogue", "code": "R"})


def test_activity_links_and_validation(org):
    acc = make_account(org.rep_a)
    act = record_create(
        model=Activity,
        actor=org.rep_a,
        data={"kind": "visit", "subject": "Site visit", "account": acc, "duration_minutes": 90},
    )
    assert act.owner == org.rep_a
    assert not act.is_done
    with pytest.raises(ValidationFailed) as err:
        record_create(model=Activity, actor=org.rep_a, data={"kind": "dance", "subject": ""})
    assert {"kind", "subject"} <= set(err.value.field_errors)
    act = record_update(
        instance=act,
        actor=org.rep_a,
        data={"done_at": dt.datetime(2026, 5, 1, tzinfo=dt.UTC), "outcome": "Interested"},
        expected_version=1,
    )
    assert act.is_done
    assert act.version == 2
