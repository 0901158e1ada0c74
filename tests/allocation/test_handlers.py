from __future__ import annotations

from decimal import Decimal

from opensrm.allocation import services
from opensrm.allocation.models import RoutingPolicy, ScenarioStatus
from opensrm.core.services import record_create
from opensrm.crm.models import Lead
from opensrm.crm.services import lead_create
from tests.allocation.conftest import BEIJING, HANGZHOU


def test_new_lead_without_owner_is_routed_to_an_eligible_rep(alloc, django_capture_on_commit_callbacks):
    RoutingPolicy.objects.create(name="Default", enabled=True)

    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(
            actor=alloc.org.ops,
            data={
                "name": "Li",
                "company": "Bank of Somewhere",
                "industry": "finance",
                "lat": BEIJING[0],
                "lon": BEIJING[1],
            },
        )

    lead.refresh_from_db()
    # Only rep_b (finance) and rep_a (every industry) may take it; rep_b is next door.
    assert lead.owner == alloc.org.rep_b
    routed = lead.history.order_by("-history_id").first()
    assert routed.history_user == alloc.org.ops
    assert routed.history_change_reason == "routed"


def test_lead_routing_respects_skills_and_team_of_the_policy(alloc, django_capture_on_commit_callbacks):
    RoutingPolicy.objects.create(name="East only", enabled=True, team=alloc.org.team_a)

    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(
            actor=alloc.org.ops,
            data={
                "name": "Wang",
                "company": "Fab",
                "industry": "finance",
                "lat": BEIJING[0],
                "lon": BEIJING[1],
            },
        )

    lead.refresh_from_db()
    assert lead.owner == alloc.org.rep_a  # rep_b is outside the team; rep_a1 does not do finance


def test_no_routing_without_a_policy_and_reps_keep_their_own_leads(alloc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        by_ops = lead_create(actor=alloc.org.ops, data={"name": "A", "company": "A Co"})
    RoutingPolicy.objects.create(name="Default", enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        by_rep = lead_create(actor=alloc.org.rep_a1, data={"name": "B", "company": "B Co"})

    by_ops.refresh_from_db()
    by_rep.refresh_from_db()
    assert by_ops.owner == alloc.org.ops
    assert by_rep.owner == alloc.org.rep_a1


def test_routing_scenario_distributes_unowned_leads_and_applies(alloc):
    ops = alloc.org.ops
    for k in range(4):
        record_create(
            model=Lead,
            actor=ops,
            data={
                "name": f"L{k}",
                "company": f"Co {k}",
                "industry": "manufacturing" if k % 2 else "finance",
                "lat": HANGZHOU[0] if k % 2 else BEIJING[0],
                "lon": HANGZHOU[1] if k % 2 else BEIJING[1],
                "estimated_value": Decimal(10_000 * (k + 1)),
                "owner": None,
            },
        )
    scenario = services.plan_create(actor=ops, data={"name": "Route", "kind": "routing"})

    scenario = services.plan_solve(scenario=scenario, actor=ops)

    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.moves == 4
    services.plan_apply(scenario=scenario, actor=ops)
    owners = {lead.industry: set() for lead in Lead.objects.all()}
    for lead in Lead.objects.all():
        owners[lead.industry].add(lead.owner_id)
    assert None not in owners["finance"] | owners["manufacturing"]
    assert owners["finance"] <= {alloc.org.rep_a.pk, alloc.org.rep_b.pk}
    assert owners["manufacturing"] <= {alloc.org.rep_a.pk, alloc.org.rep_a1.pk}
    services.plan_rollback(scenario=scenario, actor=ops)
    assert not Lead.objects.filter(owner__isnull=False).exists()
