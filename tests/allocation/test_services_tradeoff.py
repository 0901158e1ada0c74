"""The balance-vs-moves trade-off: computed as a job, shown as a chart and table, and each point
turned into a new draft scenario with its cap on moves."""

from __future__ import annotations

import itertools
import json

from django.test import Client

from opensrm.allocation import services
from opensrm.allocation.models import AllocationPlan, ScenarioStatus

BASE = "/api/v1/allocation"
PARAMS = {"tolerance": None, "time_limit": 10}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None):
    return client.post(
        f"{BASE}{path}", data=json.dumps(body) if body is not None else "", content_type="application/json"
    )


def draft(alloc, **params) -> AllocationPlan:
    return services.plan_create(
        actor=alloc.org.ops, data={"name": "Trade-off", "parameters": {**PARAMS, **params}}
    )


def test_api_computes_the_front_as_a_job_and_a_point_becomes_a_new_draft(
    alloc, django_capture_on_commit_callbacks
):
    scenario = draft(alloc)
    ops = client_for(alloc.org.ops)
    assert ops.get(f"{BASE}/scenarios/{scenario.pk}/pareto").json() == {
        "scenario_id": scenario.pk,
        "status": "",
        "accounts": None,
        "points": [],
    }

    with django_capture_on_commit_callbacks(execute=True):
        queued = post(ops, f"/scenarios/{scenario.pk}/pareto")
    assert queued.status_code == 202
    assert queued.json()["status"] == "computing"
    assert queued["Location"].endswith(f"/scenarios/{scenario.pk}/pareto")

    front = ops.get(f"{BASE}/scenarios/{scenario.pk}/pareto").json()
    assert front["status"] == "done"
    assert front["accounts"] == 12
    points = front["points"]
    assert len(points) >= 2
    caps = [p["max_moves"] for p in points]
    assert caps == sorted(caps)
    for p in points:
        assert p["moves"] <= p["max_moves"]
        assert p["status"] in ("optimal", "feasible")
    # More allowed moves never shows a worse balance.
    deviations = [p["balance_deviation"] for p in points]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(deviations))

    chosen = points[-1]
    before = AllocationPlan.objects.count()
    created = post(ops, f"/scenarios/{scenario.pk}/pareto/use", {"max_moves": chosen["max_moves"]})
    assert created.status_code == 201, created.content
    new = AllocationPlan.objects.get(pk=created.json()["id"])
    assert AllocationPlan.objects.count() == before + 1
    assert new.status == ScenarioStatus.DRAFT
    assert new.parameters["max_moves"] == chosen["max_moves"]
    solved = services.plan_solve(scenario=new, actor=alloc.org.ops)
    assert solved.status == ScenarioStatus.SOLVED
    assert solved.moves <= chosen["max_moves"]


def test_a_cap_not_on_the_front_is_refused_and_nothing_is_created(alloc, django_capture_on_commit_callbacks):
    scenario = draft(alloc)
    ops = client_for(alloc.org.ops)
    with django_capture_on_commit_callbacks(execute=True):
        post(ops, f"/scenarios/{scenario.pk}/pareto")
    caps = {p["max_moves"] for p in ops.get(f"{BASE}/scenarios/{scenario.pk}/pareto").json()["points"]}
    before = AllocationPlan.objects.count()

    refused = post(ops, f"/scenarios/{scenario.pk}/pareto/use", {"max_moves": max(caps) + 1})

    assert refused.status_code == 422
    assert AllocationPlan.objects.count() == before


def test_reps_may_not_compute_the_trade_off_and_it_stays_uncomputed(alloc):
    scenario = AllocationPlan.objects.create(
        name="Rep's own?", created_by=alloc.org.rep_a, status=ScenarioStatus.SOLVED
    )

    response = post(client_for(alloc.org.rep_a), f"/scenarios/{scenario.pk}/pareto")

    assert response.status_code == 403
    scenario.refresh_from_db()
    assert scenario.pareto_status == ""
    assert scenario.pareto is None


def test_result_page_shows_the_front_as_chart_data_and_table_and_use_this_drafts(
    alloc, django_capture_on_commit_callbacks
):
    scenario = services.plan_solve(scenario=draft(alloc), actor=alloc.org.ops)
    ops = client_for(alloc.org.ops)
    html = ops.get(f"/allocation/{scenario.pk}/").content.decode()
    assert 'id="pareto-button"' in html
    assert 'id="pareto-table"' not in html

    with django_capture_on_commit_callbacks(execute=True):
        ops.post(f"/allocation/{scenario.pk}/pareto/")
    page = ops.get(f"/allocation/{scenario.pk}/")
    html = page.content.decode()

    assert 'id="pareto-table"' in html
    assert 'id="pareto-data"' in html
    assert "pareto_chart.js" in html
    assert "<script>" not in html.replace("<script src=", "")  # nothing inline under the strict CSP
    points = page.context["pareto"]["points"]
    assert points
    assert html.count('name="max_moves"') == len(points)
    response = ops.post(f"/allocation/{scenario.pk}/pareto/use/", {"max_moves": points[0]["max_moves"]})
    new = AllocationPlan.objects.exclude(pk=scenario.pk).get()
    assert response["Location"] == f"/allocation/{new.pk}/"
    assert new.parameters["max_moves"] == points[0]["max_moves"]


def test_reading_the_trade_off_takes_a_fixed_number_of_queries(
    alloc, django_capture_on_commit_callbacks, django_assert_num_queries
):
    scenario = draft(alloc)
    ops = client_for(alloc.org.ops)
    with django_capture_on_commit_callbacks(execute=True):
        post(ops, f"/scenarios/{scenario.pk}/pareto")
    ops.get(f"{BASE}/scenarios/{scenario.pk}/pareto")
    # session, user, the scenario through the visibility rule
    with django_assert_num_queries(3):
        response = ops.get(f"{BASE}/scenarios/{scenario.pk}/pareto")
    assert response.status_code == 200
    assert response.json()["points"]
