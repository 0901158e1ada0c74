"""Pages of allocation: scenario list, draft form, result (compare, map, apply, roll back)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opensrm.allocation import basemap, policies, presentation, selectors, services
from opensrm.allocation.forms import ScenarioForm
from opensrm.allocation.models import AllocationPlan, ParetoStatus, ScenarioKind, ScenarioStatus
from opensrm.core.errors import DomainError, NotFound
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.visibility import visible
from opensrm.people.models import Team

LINES_SHOWN = 200


def _can_plan(user: Any, team: Team | None) -> bool:
    return policies.may_plan(user, team)


def _get(request: AuthenticatedHttpRequest, pk: int) -> AllocationPlan:
    scenario = (
        visible(
            request.user,
            AllocationPlan.objects.select_related("scope_team", "scope_territory", "created_by"),
        )
        .filter(pk=pk)
        .first()
    )
    if scenario is None:
        raise Http404(_("The record does not exist."))
    return scenario


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Allocation"), reverse("territories:scenario_list")), *extra]


@login_required
def scenario_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scenarios = selectors.scenario_list(actor=request.user)[:200]
    return render(
        request,
        "allocation/scenario_list.html",
        {
            "scenarios": scenarios,
            "can_plan": _can_plan(request.user, None),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
def scenario_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _can_plan(request.user, None):
        messages.error(request, _("Only sales operations, administrators and managers may plan allocations."))
        return HttpResponseRedirect(reverse("territories:scenario_list"))
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.plan_create(actor=request.user, data=form.service_data())
        except DomainError as exc:
            form.add_error(None, exc.message)
            for name, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(None, f"{name}: {error}")
        else:
            messages.success(request, _("Draft saved. Solve it to see the plan."))
            return HttpResponseRedirect(reverse("territories:scenario_detail", args=[scenario.pk]))
    return render(
        request,
        "allocation/scenario_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs((_("New scenario"), None)),
        },
    )


@login_required
def scenario_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    can_plan = _can_plan(request.user, scenario.scope_team)
    if scenario.kind == ScenarioKind.TERRITORY:
        return _alignment_detail(request, scenario, can_plan)
    compare = selectors.assignment_plan_compare(scenario=scenario, viewer=request.user)
    # Only people who can carry accounts: a manager in scope without capacity or accounts is no row.
    compare["reps"] = [
        r for r in compare["reps"] if (r.capacity_hours or 0) > 0 or r.accounts_before or r.accounts_after
    ]
    lines = selectors.lines_for_viewer(
        list(selectors.scenario_lines(scenario=scenario, moved_only=True).order_by("id")[:LINES_SHOWN]),
        request.user,
    )
    return render(
        request,
        "allocation/scenario_detail.html",
        {
            "scenario": scenario,
            "compare": compare,
            "result_label": presentation.status_label(scenario.result_status),
            "outcome_summary": presentation.outcome_summary(scenario.outcome),
            "infeasibility": presentation.infeasibility_display(scenario.infeasibility),
            "gap_pct": _pct(scenario.gap),
            "spread_before_pct": _pct(compare["potential_spread_before"]),
            "spread_after_pct": _pct(compare["potential_spread_after"]),
            "apply_accounts": compare["moves"],
            "apply_reps": sum(1 for r in compare["reps"] if r.moves_in or r.moves_out),
            "lines": lines,
            "lines_shown": LINES_SHOWN,
            **_map_context(selectors.scenario_map_data(scenario=scenario)),
            "map_labels": {
                "unassigned": _("Unassigned"),
                "moved": _("moved"),
                "lon": _("Longitude"),
                "lat": _("Latitude"),
            },
            "can_solve": can_plan and scenario.status in policies.EDITABLE,
            "can_apply": can_plan and scenario.status == ScenarioStatus.SOLVED and bool(compare["moves"]),
            "can_rollback": can_plan and scenario.status == ScenarioStatus.APPLIED,
            "solving": scenario.status == ScenarioStatus.SOLVING
            or scenario.pareto_status == ParetoStatus.COMPUTING,
            "pareto": selectors.pareto_chart_data(scenario=scenario),
            "pareto_labels": {
                "moves": _("Moves"),
                "balance": _("Largest deviation from the mean potential"),
                "cap": _("Cap on moves"),
            },
            "can_pareto": can_plan
            and scenario.kind == ScenarioKind.ASSIGNMENT
            and scenario.status != ScenarioStatus.SOLVING
            and scenario.pareto_status != ParetoStatus.COMPUTING,
            "breadcrumbs": _crumbs((scenario.name, None)),
        },
    )


def _map_context(data: dict[str, Any]) -> dict[str, Any]:
    """The map's points and which base map they sit on (the page loads only that one)."""
    return {"map": {**data, "base_map": basemap.base_map(data["points"])}}


def _alignment_detail(request: AuthenticatedHttpRequest, scenario: AllocationPlan, can_plan: bool) -> HttpResponse:
    moved = selectors.territory_lines(scenario=scenario, moved_only=True).order_by("id")
    return render(
        request,
        "allocation/scenario_detail.html",
        {
            "scenario": scenario,
            "compare": {"moves": scenario.moves or 0},
            "gap_pct": _pct(scenario.gap),
            "apply_accounts": scenario.moves or 0,
            "alignment": selectors.alignment_compare(scenario=scenario),
            "alignment_bound_note": presentation.alignment_bound_note((scenario.alignment or {}).get("bound_scope")),
            "result_label": presentation.status_label(scenario.result_status),
            "outcome_summary": presentation.outcome_summary(scenario.outcome),
            "unit_lines": moved[:LINES_SHOWN],
            "lines_shown": LINES_SHOWN,
            **_map_context(selectors.alignment_map_data(scenario=scenario)),
            "map_labels": {
                "unassigned": _("Unassigned"),
                "moved": _("changes territory"),
                "lon": _("Longitude"),
                "lat": _("Latitude"),
                "accounts": _("accounts"),
            },
            "can_solve": can_plan and scenario.status in policies.EDITABLE,
            "can_apply": can_plan and scenario.status == ScenarioStatus.SOLVED and bool(scenario.moves),
            "can_rollback": can_plan and scenario.status == ScenarioStatus.APPLIED,
            "solving": scenario.status == ScenarioStatus.SOLVING,
            "pareto": {},
            "breadcrumbs": _crumbs((scenario.name, None)),
        },
    )


def _action(request: AuthenticatedHttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    scenario = _get(request, pk)
    try:
        run(scenario=scenario, actor=request.user)
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("territories:scenario_detail", args=[pk]))


@login_required
@require_POST
def scenario_solve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.plan_solve_request, _("Solving… this page refreshes until it is done."))


@login_required
@require_POST
def scenario_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    if scenario.kind == ScenarioKind.TERRITORY:
        done = _("Plan applied: accounts moved to their new territories.")
    else:
        done = _("Plan applied: owners changed and reps notified.")
    return _action(request, pk, services.plan_apply, done)


@login_required
@require_POST
def scenario_rollback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    if scenario.kind == ScenarioKind.TERRITORY:
        done = _("Plan rolled back: every account is in its previous territory again.")
    else:
        done = _("Plan rolled back: every record has its previous owner again.")
    return _action(request, pk, services.plan_rollback, done)


@login_required
@require_POST
def scenario_pareto(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        services.tradeoff_request,
        _("Computing the trade-off… this page refreshes until it is done."),
    )


@login_required
@require_POST
def scenario_pareto_use(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    try:
        draft = services.tradeoff_point_adopt(
            scenario=scenario, actor=request.user, max_moves=request.POST.get("max_moves")
        )
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("territories:scenario_detail", args=[pk]))
    messages.success(request, _("New draft scenario with this cap on moves; solve it to see the plan."))
    return HttpResponseRedirect(reverse("territories:scenario_detail", args=[draft.pk]))
