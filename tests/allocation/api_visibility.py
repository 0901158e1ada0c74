"""The allocation rows of the R1 visibility matrix (``tests/api/test_visibility_matrix.py``).

Team B's manager drafts and solves an assignment plan for team B (its lines name team B's
account) and a lead-routing scenario; both carry the secret in their names. Seen from team A:

* a scenario of team B is 404 on every endpoint, whatever the role, because the scenario is
  looked up through the visibility rule before anyone asks whether the caller may plan;
* drafting a plan or routing leads for team B is 403: a rep may not plan at all, and a manager
  only inside their own team subtree;
* routing one of team B's leads is 404, like reading it.
"""

from __future__ import annotations

from typing import Any

from opensrm.allocation import services
from opensrm.allocation.models import AllocationPlan, AssignmentLine, ScenarioKind, ScenarioStatus
from opensrm.people.models import RepProfile
from opensrm.people.services import rep_profile_upsert
from tests.api.conftest import SECRET

EXPECTED: dict[str, tuple[int, Any]] = {
    "GET /allocation/scenarios": (200, None),
    "POST /allocation/scenarios": (403, {"name": "Mine", "scope_team_id": "{team_b}"}),
    "GET /allocation/scenarios/{id}": (404, None),
    "PATCH /allocation/scenarios/{id}": (404, {"name": "Taken"}),
    "DELETE /allocation/scenarios/{id}": (404, None),
    "POST /allocation/scenarios/{id}/solve": (404, None),
    "GET /allocation/scenarios/{id}/result": (404, None),
    "GET /allocation/scenarios/{id}/lines": (404, None),
    "GET /allocation/scenarios/{id}/territory-lines": (404, None),
    "POST /allocation/scenarios/{id}/apply": (404, None),
    "POST /allocation/scenarios/{id}/rollback": (404, None),
    "POST /allocation/scenarios/{id}/pareto": (404, None),
    "GET /allocation/scenarios/{id}/pareto": (404, None),
    "POST /allocation/scenarios/{id}/pareto/use": (404, {"max_moves": 0}),
    "POST /allocation/leads/route": (403, {"scope_team_id": "{team_b}", "apply": True}),
    "POST /allocation/leads/{id}/route": (404, None),
}

LOOSE = {"tolerance": None, "time_limit": 20}


def targets(org: Any, world: dict[str, Any], pipeline: Any) -> dict[str, Any]:
    """Team B's solved plan and routing scenario; the lead to route is team B's own lead."""
    if not RepProfile.objects.filter(user=org.rep_b).exists():
        rep_profile_upsert(user=org.rep_b, actor=org.ops, data={"home_city": "Beijing"})
    plan = services.plan_create(
        actor=org.manager_b,
        data={"name": f"{SECRET} plan", "scope_team": org.team_b, "parameters": LOOSE},
    )
    plan = services.plan_solve(scenario=plan, actor=org.manager_b)
    # The lines must exist, or "no lines leak" would be true of an empty plan.
    assert plan.status == ScenarioStatus.SOLVED
    assert plan.lines.filter(account=world["b"]["account"]).exists()
    routing = services.plan_create(
        actor=org.manager_b,
        data={"name": f"{SECRET} routing", "kind": ScenarioKind.ROUTING, "parameters": LOOSE},
    )
    services.plan_solve(scenario=routing, actor=org.manager_b)
    return {"/allocation/scenarios": plan, "/allocation/leads": world["b"]["lead"]}


def snapshot() -> dict[str, list[Any]]:
    """What a leak by write would change: scenarios (status, version, bin) and their lines."""
    return {
        "AllocationPlan": sorted(
            AllocationPlan.all_objects.values_list("id", "version", "status", "deleted_at", "pareto_status")
        ),
        "AssignmentLine": sorted(
            AssignmentLine.objects.values_list("id", "scenario_id", "proposed_owner_id", "applied")
        ),
    }
