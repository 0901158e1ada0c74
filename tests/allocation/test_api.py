from __future__ import annotations

import json

import pytest
from django.test import Client

from opensrm.allocation.models import AllocationPlan, RoutingPolicy, ScenarioStatus
from opensrm.crm.models import Account, Lead
from tests.allocation.conftest import BEIJING

BASE = "/api/v1/allocation"
LOOSE = {"tolerance": None, "time_limit": 20}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None, **headers):
    return client.post(
        f"{BASE}{path}",
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers,
    )


def test_reps_may_not_draft_and_nothing_is_saved(alloc):
    response = post(client_for(alloc.org.rep_a), "/scenarios", {"name": "Mine"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert not AllocationPlan.objects.exists()


def test_anonymous_is_401(alloc):
    assert Client().get(f"{BASE}/scenarios").status_code == 401


def test_manager_cannot_plan_another_team_and_cannot_see_its_scenarios(alloc):
    org = alloc.org
    other = post(client_for(org.manager_a), "/scenarios", {"name": "North", "scope_team_id": org.team_b.pk})
    assert other.status_code == 403
    created = post(client_for(org.manager_b), "/scenarios", {"name": "North plan"})
    assert created.status_code == 201
    sid = created.json()["id"]

    manager_a = client_for(org.manager_a)
    assert manager_a.get(f"{BASE}/scenarios/{sid}").status_code == 404
    assert manager_a.get(f"{BASE}/scenarios/{sid}/result").status_code == 404
    assert post(manager_a, f"/scenarios/{sid}/solve").status_code == 404
    assert post(manager_a, f"/scenarios/{sid}/apply").status_code == 404
    assert manager_a.get(f"{BASE}/scenarios").json()["items"] == []
    assert AllocationPlan.objects.get(pk=sid).status == ScenarioStatus.DRAFT


def test_invalid_parameters_are_422(alloc):
    response = post(client_for(alloc.org.ops), "/scenarios", {"name": "Bad", "parameters": {"time_limit": 0}})

    assert response.status_code == 422
    assert "parameters.time_limit" in response.json()["errors"]


def test_draft_solve_compare_apply_rollback_flow(alloc, django_capture_on_commit_callbacks):
    ops = client_for(alloc.org.ops)
    created = post(ops, "/scenarios", {"name": "Q3", "parameters": LOOSE})
    assert created.status_code == 201
    assert created["ETag"] == '"1"'
    sid = created.json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        queued = post(ops, f"/scenarios/{sid}/solve")
    assert queued.status_code == 202
    assert queued.json()["status"] == "solving"

    result = ops.get(f"{BASE}/scenarios/{sid}/result").json()
    assert result["scenario"]["status"] == "solved"
    assert result["scenario"]["bound"] <= result["scenario"]["objective"] + 1e-9
    assert {r["rep_id"] for r in result["reps"]} == {u.pk for u in alloc.reps}
    assert result["moves"] > 0
    first = ops.get(f"{BASE}/scenarios/{sid}/lines", {"limit": 5}).json()
    assert len(first["items"]) == 5
    assert first["next_cursor"]
    rest = ops.get(f"{BASE}/scenarios/{sid}/lines", {"limit": 50, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) + len(rest["items"]) == 12

    with django_capture_on_commit_callbacks(execute=True):
        applied = post(ops, f"/scenarios/{sid}/apply")
    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert Account.objects.exclude(owner=alloc.org.rep_a).count() == result["moves"]
    assert post(ops, f"/scenarios/{sid}/apply").status_code == 409

    rolled = post(ops, f"/scenarios/{sid}/rollback")
    assert rolled.status_code == 200
    assert rolled.json()["status"] == "rolled_back"
    assert Account.objects.exclude(owner=alloc.org.rep_a).count() == 0


def test_rep_cannot_apply_even_a_visible_scenario(alloc):
    scenario = AllocationPlan.objects.create(
        name="Rep's own?", created_by=alloc.org.rep_a, status=ScenarioStatus.SOLVED
    )

    response = post(client_for(alloc.org.rep_a), f"/scenarios/{scenario.pk}/apply")

    assert response.status_code == 403
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED


def test_patch_needs_if_match_and_resets_to_draft(alloc):
    ops = client_for(alloc.org.ops)
    sid = post(ops, "/scenarios", {"name": "Q3"}).json()["id"]

    missing = ops.patch(
        f"{BASE}/scenarios/{sid}", data=json.dumps({"name": "Q4"}), content_type="application/json"
    )
    changed = ops.patch(
        f"{BASE}/scenarios/{sid}",
        data=json.dumps({"name": "Q4"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )

    assert missing.status_code == 428
    assert changed.status_code == 200
    assert changed.json()["name"] == "Q4"
    assert changed["ETag"] == '"2"'


@pytest.mark.parametrize("apply", [True, False])
def test_route_leads_endpoint(alloc, apply):
    from opensrm.core.services import record_create

    lead = record_create(
        model=Lead,
        actor=alloc.org.ops,
        data={
            "name": "Li",
            "company": "Bank",
            "industry": "finance",
            "lat": BEIJING[0],
            "lon": BEIJING[1],
            "owner": None,
        },
    )

    response = post(client_for(alloc.org.ops), "/leads/route", {"apply": apply})

    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.owner_id == (alloc.org.rep_b.pk if apply else None)
    assert post(client_for(alloc.org.rep_a), "/leads/route", {}).status_code == 403


def test_route_single_lead_endpoint(alloc):
    from opensrm.core.services import record_create

    RoutingPolicy.objects.create(name="Default")
    lead = record_create(
        model=Lead,
        actor=alloc.org.ops,
        data={
            "name": "Li",
            "company": "Bank",
            "industry": "finance",
            "lat": BEIJING[0],
            "lon": BEIJING[1],
            "owner": None,
        },
    )

    response = post(client_for(alloc.org.ops), f"/leads/{lead.pk}/route")

    assert response.status_code == 200
    assert response.json()["owner_id"] == alloc.org.rep_b.pk
