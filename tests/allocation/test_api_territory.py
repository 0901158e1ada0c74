"""Territory alignment through the API and the pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from opensrm.allocation.models import AllocationPlan, ScenarioStatus
from opensrm.crm.models import Account, Territory

BASE = "/api/v1/allocation"
ALIGN = {"kind": "territory", "parameters": {"territories": 4, "time_limit": 5}}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None):
    return client.post(
        f"{BASE}{path}", data=json.dumps(body) if body is not None else "", content_type="application/json"
    )


def territory_codes(grid) -> set[str | None]:
    return set(Account.objects.filter(pk__in=[a.pk for a in grid.accounts]).values_list("territory__code", flat=True))


def test_draft_solve_result_lines_apply_rollback_flow(grid, django_capture_on_commit_callbacks):
    ops = client_for(grid.org.ops)
    created = post(ops, "/scenarios", {"name": "Regions", **ALIGN})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "territory"
    assert body["parameters"] == {"territories": 4, "time_limit": 5}  # the territory defaults stay defaults
    sid = body["id"]

    with django_capture_on_commit_callbacks(execute=True):
        queued = post(ops, f"/scenarios/{sid}/solve")
    assert queued.status_code == 202
    assert queued.json()["status"] == "solving"

    result = ops.get(f"{BASE}/scenarios/{sid}/result").json()
    assert result["scenario"]["status"] == "solved"
    assert result["scenario"]["result_status"] == "feasible"
    alignment = result["alignment"]
    assert alignment["p"] == 4
    assert alignment["balanced"] is True
    assert alignment["units"] == 16
    assert [t["code"] for t in alignment["territories"]] == [f"S{sid}-T{k}" for k in range(1, 5)]
    assert sum(t["accounts"] for t in alignment["territories"]) == 32 == result["moves"]
    first = ops.get(f"{BASE}/scenarios/{sid}/territory-lines", {"limit": 5}).json()
    rest = ops.get(f"{BASE}/scenarios/{sid}/territory-lines", {"limit": 50, "cursor": first["next_cursor"]}).json()
    lines = first["items"] + rest["items"]
    assert len(lines) == 16
    assert len({line["key"] for line in lines}) == 16
    assert {line["proposed_index"] for line in lines} == {0, 1, 2, 3}
    assert ops.get(f"{BASE}/scenarios/{sid}/lines").json()["items"] == []

    applied = post(ops, f"/scenarios/{sid}/apply")
    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert territory_codes(grid) == {f"S{sid}-T{k}" for k in range(1, 5)}
    assert post(ops, f"/scenarios/{sid}/apply").status_code == 409

    rolled = post(ops, f"/scenarios/{sid}/rollback")
    assert rolled.status_code == 200
    assert rolled.json()["status"] == "rolled_back"
    assert territory_codes(grid) == {None}
    assert not Territory.objects.exists()


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"territories": 0}, "parameters.territories"),
        ({"unit_level": "street"}, "parameters.unit_level"),
        ({"tolerance": None}, "parameters.tolerance"),
        ({"locked_units": {"Hangzhou": ""}}, "parameters.locked_units"),
    ],
)
def test_bad_parameters_are_422_and_nothing_is_saved(grid, parameters, field):
    response = post(
        client_for(grid.org.ops), "/scenarios", {"name": "Bad", "kind": "territory", "parameters": parameters}
    )

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not AllocationPlan.objects.exists()


def test_another_teams_alignment_is_404_and_untouched(grid):
    org = grid.org
    created = post(client_for(org.manager_b), "/scenarios", {"name": "North", **ALIGN})
    assert created.status_code == 201
    sid = created.json()["id"]

    manager_a = client_for(org.manager_a)
    assert manager_a.get(f"{BASE}/scenarios/{sid}/territory-lines").status_code == 404
    assert manager_a.get(f"{BASE}/scenarios/{sid}/result").status_code == 404
    assert post(manager_a, f"/scenarios/{sid}/solve").status_code == 404
    assert post(manager_a, f"/scenarios/{sid}/apply").status_code == 404
    assert AllocationPlan.objects.get(pk=sid).status == ScenarioStatus.DRAFT


def test_reading_territory_lines_takes_a_fixed_number_of_queries(grid, django_assert_num_queries):
    from opensrm.allocation import services

    scenario = services.plan_create(actor=grid.org.ops, data={"name": "Q", **ALIGN})
    services.plan_solve(scenario=scenario, actor=grid.org.ops)
    ops = client_for(grid.org.ops)
    ops.get("/api/v1/me")
    for limit in (5, 50):
        # session, user, the scenario through the visibility rule, the page
        with django_assert_num_queries(4):
            response = ops.get(f"{BASE}/scenarios/{scenario.pk}/territory-lines", {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, 16)


def test_pages_draft_solve_compare_apply_in_both_languages(grid, django_capture_on_commit_callbacks):
    ops = client_for(grid.org.ops)
    assert ops.get("/allocation/new/").status_code == 200
    response = ops.post(
        "/allocation/new/",
        {
            "name": "Page regions",
            "kind": "territory",
            "territories": "4",
            "territory_tolerance": "0.1",
            "unit_level": "city",
            "contiguity": "on",
            "locked_units": "City 0-0 = T2\n",
            "pinned_centres": "",
            "weight_distance": "1",
            "weight_skill": "0.5",
            "weight_continuity": "2",
            "time_limit": "5",
            "seed": "0",
        },
    )
    scenario = AllocationPlan.objects.get(name="Page regions")
    assert response.status_code == 302
    assert response["Location"] == f"/allocation/{scenario.pk}/"
    assert scenario.parameters["locked_units"] == {"City 0-0": "T2"}
    assert scenario.parameters["contiguity"] is True

    with django_capture_on_commit_callbacks(execute=True):
        ops.post(f"/allocation/{scenario.pk}/solve/")
    en = ops.get(f"/allocation/{scenario.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = en.content.decode()
    assert en.status_code == 200
    assert 'id="territory-table"' in html
    assert 'id="allocation-map-data"' in html
    assert 'id="apply-button"' in html
    assert "Page regions T1" in html
    assert 'data-balanced="true"' in html
    assert "Territories, current and proposed" in html
    assert "<script>" not in html.replace("<script src=", "")
    assert "Bound: the LP relaxation of the balanced problem" in html  # 16 units: the balanced LP bound
    zh = ops.get(f"/allocation/{scenario.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200
    assert "Territories, current and proposed" not in zh.content.decode()
    assert "下界：保留均衡约束的线性规划松弛" in zh.content.decode()

    ops.post(f"/allocation/{scenario.pk}/apply/")
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.APPLIED
    assert territory_codes(grid) == {f"S{scenario.pk}-T{k}" for k in range(1, 5)}
    assert Account.objects.get(pk=grid.city(0, 0)[0].pk).territory.code == f"S{scenario.pk}-T2"


def test_page_form_reports_a_badly_written_lock(grid):
    response = client_for(grid.org.ops).post(
        "/allocation/new/",
        {
            "name": "Bad lock",
            "kind": "territory",
            "locked_units": "Hangzhou T2",
            "time_limit": "5",
            "seed": "0",
            "weight_distance": "1",
            "weight_skill": "0.5",
            "weight_continuity": "2",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Line 1" in response.content.decode()
    assert not AllocationPlan.objects.exists()
