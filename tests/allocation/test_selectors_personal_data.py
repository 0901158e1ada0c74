"""A plan's distances follow from where each rep lives (decision 6): the plan's lines, their
explanations and the comparison show them only to readers who may see that rep's personal data
— the rep, their managers, sales ops and administrators — on the page and over the API."""

from __future__ import annotations

import pytest
from django.test import Client

from opensrm.allocation import selectors, services
from opensrm.allocation.models import AllocationPlan, AssignmentLine

BASE = "/api/v1/allocation"


@pytest.fixture
def solved(alloc) -> AllocationPlan:
    scenario = services.plan_create(
        actor=alloc.org.ops, data={"name": "Homes", "parameters": {"tolerance": None, "time_limit": 10}}
    )
    scenario = services.plan_solve(scenario=scenario, actor=alloc.org.ops)
    assert scenario.status == "solved"
    assert scenario.moves
    proposed = set(scenario.lines.values_list("proposed_owner", flat=True))
    assert proposed == {u.pk for u in alloc.reps}, "every rep gets lines, so each reader sees some and not others"
    return scenario


def _reader(alloc, name: str, scenario: AllocationPlan):
    """The reader, made the scenario's author where their role would not see it otherwise (reps
    and managers read only their own scenarios)."""
    user = getattr(alloc.org, name)
    if name in ("rep_a", "rep_b", "manager_a", "manager_b"):
        AllocationPlan.objects.filter(pk=scenario.pk).update(created_by=user)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


READERS = ["viewer", "rep_a", "rep_b", "manager_a", "manager_b", "ops"]
# whose personal data each reader may read, among the plan's reps
SEES = {
    "viewer": set(),
    "rep_a": {"rep_a"},
    "rep_b": {"rep_b"},
    "manager_a": {"rep_a", "rep_a1"},  # East and East / Shanghai are in manager_a's subtree
    "manager_b": {"rep_b"},
    "ops": {"rep_a", "rep_a1", "rep_b"},
}


def _usernames(alloc) -> dict[int, str]:
    return {u.pk: u.username for u in alloc.reps}


@pytest.mark.parametrize("name", READERS)
def test_api_lines_show_a_distance_only_to_readers_of_that_reps_personal_data(alloc, solved, name):
    client = _reader(alloc, name, solved)
    names = _usernames(alloc)
    items = client.get(f"{BASE}/scenarios/{solved.pk}/lines", {"limit": 100}).json()["items"]

    assert len(items) == 12
    for item in items:
        owner = names[item["proposed_owner_id"]]
        explanation = item["explanation"]
        if owner in SEES[name]:
            assert item["distance_km"] is not None, (name, owner)
            assert "distance_km" in explanation
            assert "cost" in explanation
        else:
            assert item["distance_km"] is None, (name, owner)
            assert not {"distance_km", "cost", "detail"} & explanation.keys(), (name, owner, explanation)
        second = explanation.get("second_best")
        if second:
            both = owner in SEES[name] and names[second["rep_id"]] in SEES[name]
            assert ("distance_km" in second and "extra_cost" in second) == both, (name, second)
            assert second["rep"], "the runner-up is still named"
    # the stored plan is intact: only the reader's copy is blanked
    assert not AssignmentLine.objects.filter(scenario=solved, distance_km__isnull=True).exists()


@pytest.mark.parametrize("name", READERS)
def test_plan_page_shows_a_distance_only_to_readers_of_that_reps_personal_data(alloc, solved, name):
    client = _reader(alloc, name, solved)
    page = client.get(f"/allocation/{solved.pk}/")

    assert page.status_code == 200
    lines = page.context["lines"]
    assert lines, "the plan moves accounts"
    html = page.content.decode()
    for line in lines:
        shown = line.proposed_owner.username in SEES[name]
        assert (line.distance_km is not None) == shown, (name, line.proposed_owner.username)
        assert (line.current_distance_km is not None) == (line.current_owner.username in SEES[name])
        if not shown:
            assert "detail" not in line.explanation  # the English tooltip states the distance
    stored = {line.pk: line.distance_km for line in AssignmentLine.objects.filter(scenario=solved)}
    hidden = [line for line in lines if line.distance_km is None]  # the table cell reads "—"
    assert html.count('<td class="num">—</td>') >= len(hidden)
    for line in hidden:
        assert stored[line.pk] is not None


@pytest.mark.parametrize("name", READERS)
def test_result_shows_capacity_and_travel_only_in_the_readers_scope(alloc, solved, name):
    client = _reader(alloc, name, solved)
    result = client.get(f"{BASE}/scenarios/{solved.pk}/result").json()
    names = _usernames(alloc)

    for rep in result["reps"]:
        seen = names[rep["rep_id"]] in SEES[name]
        assert (rep["capacity_hours"] is not None) == seen, (name, rep)
        assert (rep["travel_km_after"] is not None) == seen, (name, rep)
    hidden = len(set(names.values()) - SEES[name])
    # the largest utilisation is one rep's workload over their capacity
    assert (result["max_utilisation_after"] is not None) == (hidden == 0)
    # travel totals less the reps one sees are the others' travel: with one rep hidden, his own
    assert (result["travel_km_after"] is not None) == (hidden != 1)


def test_lines_for_viewer_leaves_a_planner_every_figure(alloc, solved):
    lines = list(selectors.scenario_lines(scenario=solved))
    before = [(line.distance_km, dict(line.explanation)) for line in lines]

    selectors.lines_for_viewer(lines, alloc.org.ops)

    assert [(line.distance_km, line.explanation) for line in lines] == before
