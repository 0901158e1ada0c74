"""REST endpoints of allocation, mounted at ``/api/v1/allocation``.

Only sales ops, administrators and managers (inside their team subtree) create, solve, apply
or roll back scenarios; a scenario the caller cannot see is 404, like any other record.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from opensrm.allocation import policies, selectors, services
from opensrm.allocation.models import AllocationPlan, ScenarioKind, ScenarioStatus
from opensrm.allocation.schemas import (
    TERRITORY_ONLY,
    LeadRouteOut,
    LineOut,
    ParetoOut,
    ParetoUseIn,
    ResultOut,
    RouteIn,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
    TerritoryLineOut,
)
from opensrm.core.api.auth import actor
from opensrm.core.api.errors import Problem
from opensrm.core.api.etag import openapi, required_version, set_etag
from opensrm.core.api.pagination import Page, PageParams, paginate
from opensrm.core.visibility import get_visible
from opensrm.crm.models import Lead, Territory
from opensrm.people.models import Team

router = Router(tags=["allocation"])

ERR_READ = {401: Problem, 404: Problem}
ERR_CREATE = {401: Problem, 403: Problem, 422: Problem}
ERR_ACTION = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
ERR_WRITE = {**ERR_ACTION, 412: Problem, 428: Problem}


class ScenarioListParams(PageParams):
    status: ScenarioStatus | None = None
    kind: ScenarioKind | None = None


class LineParams(PageParams):
    moved_only: bool = False


def _scenario(request: HttpRequest, pk: int) -> AllocationPlan:
    return get_visible(actor(request), AllocationPlan.objects.all(), pk)


def _parameters(payload: ScenarioIn) -> dict[str, Any]:
    """A territory alignment stores only the parameters sent (its defaults differ); the other
    kinds store every parameter of theirs, defaults included."""
    if payload.kind == ScenarioKind.TERRITORY:
        return payload.parameters.dict(exclude_unset=True)
    return {k: v for k, v in payload.parameters.dict().items() if k not in TERRITORY_ONLY}


def _refs(payload: dict[str, Any]) -> dict[str, Any]:
    data = dict(payload)
    if "scope_team_id" in data:
        data["scope_team"] = data.pop("scope_team_id")
    if "scope_territory_id" in data:
        ref = data.pop("scope_territory_id")
        data["scope_territory"] = None if ref is None else Territory.objects.filter(pk=ref).first() or ref
    return data


@router.get(
    "/scenarios",
    response={200: Page[ScenarioOut], 401: Problem, 422: Problem},
    operation_id="allocation_scenario_list",
    summary="List allocation scenarios",
)
def scenario_list(request: HttpRequest, params: Query[ScenarioListParams]) -> Any:
    qs = selectors.scenario_list(actor=actor(request))
    if params.status:
        qs = qs.filter(status=params.status)
    if params.kind:
        qs = qs.filter(kind=params.kind)
    return paginate(request, qs, ordering="-id", allowed=("id",), page=params)


@router.post(
    "/scenarios",
    response={201: ScenarioOut, **ERR_CREATE},
    operation_id="allocation_scenario_create",
    summary="Draft a scenario",
    openapi_extra=openapi(etag=(201,)),
)
def scenario_create(request: HttpRequest, payload: ScenarioIn, response: HttpResponse) -> Any:
    data = {**_refs(payload.dict()), "parameters": _parameters(payload)}
    scenario = services.plan_create(actor=actor(request), data=data)
    set_etag(response, scenario)
    response["Location"] = f"{request.path.rstrip('/')}/{scenario.pk}"
    return Status(201, scenario)


@router.get(
    "/scenarios/{id}",
    response={200: ScenarioOut, **ERR_READ},
    operation_id="allocation_scenario_get",
    summary="Read a scenario (poll it for progress while it is solving)",
    openapi_extra=openapi(etag=(200,)),
)
def scenario_get(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    scenario = _scenario(request, id)
    set_etag(response, scenario)
    return scenario


@router.patch(
    "/scenarios/{id}",
    response={200: ScenarioOut, **ERR_WRITE},
    operation_id="allocation_scenario_update",
    summary="Change a draft (send If-Match); a solved plan goes back to draft",
    openapi_extra=openapi(if_match=True, etag=(200,)),
)
def scenario_update(request: HttpRequest, id: int, payload: ScenarioPatch, response: HttpResponse) -> Any:
    scenario = _scenario(request, id)
    policies.check_planner(actor(request), scenario.scope_team)
    version = required_version(request)
    scenario = services.plan_update(
        scenario=scenario,
        actor=actor(request),
        data=_refs(payload.dict(exclude_unset=True)),
        expected_version=version,
    )
    set_etag(response, scenario)
    return scenario


@router.delete(
    "/scenarios/{id}",
    response={204: None, **ERR_WRITE},
    operation_id="allocation_scenario_delete",
    summary="Move a scenario to the recycle bin (send If-Match)",
    openapi_extra=openapi(if_match=True),
)
def scenario_delete(request: HttpRequest, id: int) -> Any:
    scenario = _scenario(request, id)
    policies.check_planner(actor(request), scenario.scope_team)
    services.plan_delete(scenario=scenario, actor=actor(request), expected_version=required_version(request))
    return Status(204, None)


@router.post(
    "/scenarios/{id}/solve",
    response={202: ScenarioOut, **ERR_ACTION},
    operation_id="allocation_scenario_solve",
    summary="Queue the solve; poll the scenario for progress and status",
)
def scenario_solve(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    scenario = services.plan_solve_request(scenario=_scenario(request, id), actor=actor(request))
    response["Location"] = request.path.rsplit("/", 1)[0]
    return Status(202, scenario)


@router.get(
    "/scenarios/{id}/result",
    response={200: ResultOut, **ERR_READ},
    operation_id="allocation_scenario_result",
    summary="Diagnostics and the per-rep comparison, before and after",
)
def scenario_result(request: HttpRequest, id: int) -> Any:
    scenario = _scenario(request, id)
    result = {"scenario": scenario, **selectors.assignment_plan_compare(scenario=scenario, viewer=actor(request))}
    if scenario.kind == ScenarioKind.TERRITORY:
        result["moves"] = scenario.moves or 0
        result["alignment"] = scenario.alignment and selectors.alignment_compare(scenario=scenario)
    return result


@router.post(
    "/scenarios/{id}/pareto",
    response={202: ParetoOut, **ERR_ACTION},
    operation_id="allocation_scenario_pareto_compute",
    summary="Queue the balance-vs-moves trade-off (Pareto front); poll GET for the points",
)
def scenario_pareto_compute(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    scenario = services.tradeoff_request(scenario=_scenario(request, id), actor=actor(request))
    response["Location"] = request.path
    return Status(202, scenario)


@router.get(
    "/scenarios/{id}/pareto",
    response={200: ParetoOut, **ERR_READ},
    operation_id="allocation_scenario_pareto_get",
    summary="The balance-vs-moves trade-off: one point per cap on moves",
)
def scenario_pareto_get(request: HttpRequest, id: int) -> Any:
    return _scenario(request, id)


@router.post(
    "/scenarios/{id}/pareto/use",
    response={201: ScenarioOut, **ERR_ACTION},
    operation_id="allocation_scenario_pareto_use",
    summary="Draft a new scenario with the cap on moves of one of the trade-off's points",
    openapi_extra=openapi(etag=(201,)),
)
def scenario_pareto_use(request: HttpRequest, id: int, payload: ParetoUseIn, response: HttpResponse) -> Any:
    scenario = services.tradeoff_point_adopt(
        scenario=_scenario(request, id), actor=actor(request), max_moves=payload.max_moves
    )
    set_etag(response, scenario)
    response["Location"] = f"{request.path.split('/scenarios/')[0]}/scenarios/{scenario.pk}"
    return Status(201, scenario)


@router.get(
    "/scenarios/{id}/lines",
    response={200: Page[LineOut], 401: Problem, 404: Problem, 422: Problem},
    operation_id="allocation_scenario_lines",
    summary="The plan's lines, one per account or lead",
)
def scenario_lines(request: HttpRequest, id: int, params: Query[LineParams]) -> Any:
    scenario = _scenario(request, id)
    qs = selectors.scenario_lines(scenario=scenario, moved_only=params.moved_only)
    page = paginate(request, qs, ordering="id", allowed=("id",), page=params)
    selectors.lines_for_viewer(page["items"], actor(request))
    return page


@router.get(
    "/scenarios/{id}/territory-lines",
    response={200: Page[TerritoryLineOut], 401: Problem, 404: Problem, 422: Problem},
    operation_id="allocation_scenario_territory_lines",
    summary="A territory alignment's units (cities or accounts), each with its proposed territory",
)
def scenario_territory_lines(request: HttpRequest, id: int, params: Query[LineParams]) -> Any:
    scenario = _scenario(request, id)
    qs = selectors.territory_lines(scenario=scenario, moved_only=params.moved_only)
    return paginate(request, qs, ordering="id", allowed=("id",), page=params)


@router.post(
    "/scenarios/{id}/apply",
    response={200: ScenarioOut, **ERR_ACTION},
    operation_id="allocation_scenario_apply",
    summary="Reassign owners (or, for a territory alignment, territories) as planned, in one transaction",
)
def scenario_apply(request: HttpRequest, id: int) -> Any:
    return services.plan_apply(scenario=_scenario(request, id), actor=actor(request))


@router.post(
    "/scenarios/{id}/rollback",
    response={200: ScenarioOut, **ERR_ACTION},
    operation_id="allocation_scenario_rollback",
    summary="Give every record back its owner (or territory) from before apply (409 if any changed since)",
)
def scenario_rollback(request: HttpRequest, id: int) -> Any:
    return services.plan_rollback(scenario=_scenario(request, id), actor=actor(request))


@router.post(
    "/leads/route",
    response={200: ScenarioOut, **ERR_ACTION},
    operation_id="allocation_leads_route",
    summary="Route every open unowned lead you see, as a routing scenario",
)
def leads_route(request: HttpRequest, payload: RouteIn) -> Any:
    user = actor(request)
    team = None if payload.scope_team_id is None else Team.objects.filter(pk=payload.scope_team_id).first()
    scenario = services.plan_create(
        actor=user,
        data={
            "name": "Lead routing",
            "kind": ScenarioKind.ROUTING,
            "scope_team": team or payload.scope_team_id,
            "parameters": {"max_open_leads": payload.max_open_leads, "tolerance": None},
        },
    )
    scenario = services.plan_solve(scenario=scenario, actor=user)
    if payload.apply and scenario.moves:
        scenario = services.plan_apply(scenario=scenario, actor=user)
    return scenario


@router.post(
    "/leads/{id}/route",
    response={200: LeadRouteOut, **ERR_ACTION},
    operation_id="allocation_lead_route",
    summary="Route one unowned lead now (unchanged if it has an owner or no rep has room)",
)
def lead_route(request: HttpRequest, id: int) -> Any:
    user = actor(request)
    lead = get_visible(user, Lead.objects.all(), id)
    policies.check_lead_router(user)
    return services.lead_route(lead=lead, actor=user)
