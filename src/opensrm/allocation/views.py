"""Pages of allocation: scenario list, draft form, result (compare, map, apply, roll back)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError, NotFound, PermissionDenied
from opensrm.core.visibility import visible
from opensrm.crm.models import Account, AccountStatus, Territory
from opensrm.people.models import Team
from opensrm.allocation import alignment_selectors, basemap, engine_text, selectors, services, tradeoff
from opensrm.allocation.models import AllocationPlan, ScenarioKind, ScenarioStatus
from opensrm.allocation.params import MIN_TIME_LIMIT, default_time_limit

LINES_SHOWN = 200
DEFAULT_TOLERANCE = 0.10
DEFAULT_TIME_LIMIT = MIN_TIME_LIMIT


class ScenarioForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (ScenarioKind.ASSIGNMENT, ScenarioKind.ASSIGNMENT.label),
            (ScenarioKind.TERRITORY, ScenarioKind.TERRITORY.label),
            (ScenarioKind.ROUTING, ScenarioKind.ROUTING.label),
        ],
    )
    scope_team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.all(),
        required=False,
        help_text=gettext_lazy("Plan this team and the teams below it."),
    )
    scope_territory = forms.ModelChoiceField(
        label=gettext_lazy("Territory"), queryset=Territory.objects.all(), required=False
    )
    # The defaults are chosen so a first plan on a company like the demo's is feasible: owners keep
    # accounts outside their specialisation and potential within ±10 % (±5 % is often infeasible).
    tolerance = forms.FloatField(
        label=gettext_lazy("Balance tolerance (± share of the mean potential)"),
        initial=DEFAULT_TOLERANCE,
        min_value=0,
        max_value=10,
        required=False,
        help_text=gettext_lazy("Leave empty to plan without balancing potential."),
    )
    max_moves = forms.IntegerField(
        label=gettext_lazy("Maximum moves"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Leave empty for no cap on the accounts that change owner."),
    )
    keep_owner_eligible = forms.BooleanField(
        label=gettext_lazy("Owners may keep accounts outside their specialisation"),
        initial=True,
        required=False,
        help_text=gettext_lazy(
            "New assignments still follow industry, language and product line; without this, every account "
            "whose owner lacks the specialisation must move."
        ),
    )
    weight_distance = forms.FloatField(label=gettext_lazy("Weight of travel"), initial=1.0, min_value=0)
    weight_skill = forms.FloatField(label=gettext_lazy("Weight of skill fit"), initial=0.5, min_value=0)
    weight_continuity = forms.FloatField(label=gettext_lazy("Weight of continuity"), initial=2.0, min_value=0)
    time_limit = forms.FloatField(
        label=gettext_lazy("Time limit (seconds)"),
        initial=DEFAULT_TIME_LIMIT,
        min_value=1,
        max_value=3600,
        help_text=gettext_lazy(
            "The default grows with the accounts you plan: 60 s up to 3,000 accounts, a second more per 50 "
            "accounts beyond, at most 10 minutes."
        ),
    )
    seed = forms.IntegerField(label=gettext_lazy("Seed"), initial=0, min_value=0)
    territories = forms.IntegerField(
        label=gettext_lazy("Number of territories"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=gettext_lazy("Empty: as many as the territory scope has sub-territories, else one per rep in scope."),
    )
    territory_tolerance = forms.FloatField(
        label=gettext_lazy("Balance tolerance (± share of the mean workload and potential)"),
        initial=0.10,
        min_value=0,
        max_value=10,
        required=False,
    )
    unit_level = forms.ChoiceField(
        label=gettext_lazy("Units"),
        choices=[
            ("city", gettext_lazy("Cities: the accounts of a city move together")),
            ("account", gettext_lazy("Accounts: each account moves on its own")),
        ],
        initial="city",
        required=False,
    )
    contiguity = forms.BooleanField(label=gettext_lazy("Contiguous territories"), required=False)
    locked_units = forms.CharField(
        label=gettext_lazy("Locked units"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("One per line: city = territory number or code, e.g. “Hangzhou = T2”."),
    )
    pinned_centres = forms.CharField(
        label=gettext_lazy("Pinned centres"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("One per line: territory number or code = city, e.g. “T1 = Shanghai”."),
    )
    COMMON = ("name", "kind", "scope_team", "scope_territory", "time_limit", "seed")
    ASSIGNMENT = (
        "tolerance",
        "max_moves",
        "keep_owner_eligible",
        "weight_distance",
        "weight_skill",
        "weight_continuity",
    )
    TERRITORY = ("territories", "territory_tolerance", "unit_level", "contiguity", "locked_units", "pinned_centres")

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [
            (None, [self[name] for name in self.COMMON]),
            (ScenarioKind.ASSIGNMENT.label, [self[name] for name in self.ASSIGNMENT]),
            (ScenarioKind.TERRITORY.label, [self[name] for name in self.TERRITORY]),
        ]

    def _pairs(self, name: str) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for number, line in enumerate((self.cleaned_data.get(name) or "").splitlines(), start=1):
            if not line.strip():
                continue
            left, sep, right = line.partition("=")
            if not sep or not left.strip() or not right.strip():
                raise forms.ValidationError(_("Line %(n)s: write it as “left = right”.") % {"n": number}, code="pairs")
            pairs[left.strip()] = right.strip()
        return pairs

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            # a first plan over many accounts needs more time to be found at all
            accounts = visible(user, Account.objects.exclude(status=AccountStatus.CHURNED)).count()
            self.fields["time_limit"].initial = default_time_limit(accounts)
        # The examples name a city the planner's accounts really have (the demo's are in Chinese),
        # so an example copied into the field is accepted.
        city = self._cities().most_common(1)
        if city:
            example = city[0][0]
            self.fields["locked_units"].help_text = _(
                "One per line: city = territory number or code, e.g. “%(city)s = T2”."
            ) % {"city": example}
            self.fields["pinned_centres"].help_text = _(
                "One per line: territory number or code = city, e.g. “T1 = %(city)s”."
            ) % {"city": example}

    def _cities(self) -> Counter[str]:
        if self.user is None:
            return Counter()
        rows = visible(self.user, Account.objects.exclude(city="")).values_list("city", flat=True)[:20000]
        return Counter(c.strip() for c in rows if c and c.strip())

    def _check_unit(self, name: str, number: int, ref: str, cities: set[str]) -> None:
        if ref.isdigit() or "/" in ref:  # an account id, or country/province/city: checked when solved
            return
        if ref.casefold() not in cities:
            self.add_error(
                name,
                _("Line %(n)s: no account in scope is in “%(city)s”; write the city as the accounts have it.")
                % {"n": number, "city": ref},
            )

    def _check_territory(self, name: str, number: int, ref: str) -> None:
        count = self.cleaned_data.get("territories")
        text = ref.strip()
        digits = text[1:] if text[:1] in ("T", "t") else text
        if digits.isdigit() and count and not 1 <= int(digits) <= count:
            self.add_error(
                name,
                _("Line %(n)s: there are %(p)s territories; use T1 to T%(p)s or a territory code.")
                % {"n": number, "p": count},
            )

    def clean_locked_units(self) -> dict[str, str]:
        return self._pairs("locked_units")

    def clean_pinned_centres(self) -> dict[str, str]:
        return self._pairs("pinned_centres")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") != ScenarioKind.TERRITORY or not (data.get("locked_units") or data.get("pinned_centres")):
            return data
        cities = {c.casefold() for c in self._cities()} if self.user is not None else None
        for number, (unit, territory) in enumerate((data.get("locked_units") or {}).items(), start=1):
            if cities is not None:
                self._check_unit("locked_units", number, unit, cities)
            self._check_territory("locked_units", number, territory)
        for number, (territory, unit) in enumerate((data.get("pinned_centres") or {}).items(), start=1):
            if cities is not None:
                self._check_unit("pinned_centres", number, unit, cities)
            self._check_territory("pinned_centres", number, territory)
        return data

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["kind"] == ScenarioKind.TERRITORY:
            territory = {
                "territories": d["territories"],
                "tolerance": d["territory_tolerance"],
                "unit_level": d["unit_level"] or "city",
                "contiguity": d["contiguity"],
                "locked_units": d["locked_units"],
                "pinned_centres": d["pinned_centres"],
                "time_limit": d["time_limit"],
                "seed": d["seed"],
            }
            return {
                "name": d["name"],
                "kind": d["kind"],
                "scope_team": d["scope_team"],
                "scope_territory": d["scope_territory"],
                "parameters": {k: v for k, v in territory.items() if v is not None},
            }
        return {
            "name": d["name"],
            "kind": d["kind"],
            "scope_team": d["scope_team"],
            "scope_territory": d["scope_territory"],
            "parameters": {
                "tolerance": d["tolerance"],
                "max_moves": d["max_moves"],
                "keep_owner_eligible": bool(d.get("keep_owner_eligible")),
                "time_limit": d["time_limit"],
                "seed": d["seed"],
                "weights": {
                    "distance": d["weight_distance"],
                    "skill": d["weight_skill"],
                    "continuity": d["weight_continuity"],
                },
            },
        }


def _can_plan(user: Any, team: Team | None) -> bool:
    try:
        services.check_planner(user, team if team is not None else getattr(user, "team", None))
    except PermissionDenied:
        return False
    return True


def _get(request: HttpRequest, pk: int) -> AllocationPlan:
    scenario = (
        visible(
            request.user,
            AllocationPlan.objects.select_related("scope_team", "scope_territory", "created_by"),
        )
        .filter(pk=pk)
        .first()
    )
    if scenario is None:
        from django.http import Http404

        raise Http404(_("The record does not exist."))
    return scenario


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Allocation"), reverse("territories:scenario_list")), *extra]


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
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
def scenario_create(request: HttpRequest) -> HttpResponse:
    if not _can_plan(request.user, None):
        messages.error(request, _("Only sales operations, administrators and managers may plan allocations."))
        return HttpResponseRedirect(reverse("territories:scenario_list"))
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(actor=request.user, data=form.service_data())
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
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
            "result_label": engine_text.status_label(scenario.result_status),
            "message_summary": engine_text.message_summary(scenario.message),
            "infeasibility": engine_text.infeasibility_display(scenario.infeasibility),
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
            "can_solve": can_plan and scenario.status in services.EDITABLE,
            "can_apply": can_plan and scenario.status == ScenarioStatus.SOLVED and bool(compare["moves"]),
            "can_rollback": can_plan and scenario.status == ScenarioStatus.APPLIED,
            "solving": scenario.status == ScenarioStatus.SOLVING
            or scenario.pareto_status == tradeoff.ParetoStatus.COMPUTING,
            "pareto": selectors.pareto_chart_data(scenario=scenario),
            "pareto_labels": {
                "moves": _("Moves"),
                "balance": _("Largest deviation from the mean potential"),
                "cap": _("Cap on moves"),
            },
            "can_pareto": can_plan
            and scenario.kind == ScenarioKind.ASSIGNMENT
            and scenario.status != ScenarioStatus.SOLVING
            and scenario.pareto_status != tradeoff.ParetoStatus.COMPUTING,
            "breadcrumbs": _crumbs((scenario.name, None)),
        },
    )


def _map_context(data: dict[str, Any]) -> dict[str, Any]:
    """The map's points and which base map they sit on (the page loads only that one)."""
    return {"map": {**data, "base_map": basemap.base_map(data["points"])}}


def _alignment_detail(request: HttpRequest, scenario: AllocationPlan, can_plan: bool) -> HttpResponse:
    moved = alignment_selectors.territory_lines(scenario=scenario, moved_only=True).order_by("id")
    return render(
        request,
        "allocation/scenario_detail.html",
        {
            "scenario": scenario,
            "compare": {"moves": scenario.moves or 0},
            "gap_pct": _pct(scenario.gap),
            "apply_accounts": scenario.moves or 0,
            "alignment": alignment_selectors.alignment_compare(scenario=scenario),
            "result_label": engine_text.status_label(scenario.result_status),
            "message_summary": engine_text.message_summary(scenario.message),
            "unit_lines": moved[:LINES_SHOWN],
            "lines_shown": LINES_SHOWN,
            **_map_context(alignment_selectors.alignment_map_data(scenario=scenario)),
            "map_labels": {
                "unassigned": _("Unassigned"),
                "moved": _("changes territory"),
                "lon": _("Longitude"),
                "lat": _("Latitude"),
                "accounts": _("accounts"),
            },
            "can_solve": can_plan and scenario.status in services.EDITABLE,
            "can_apply": can_plan and scenario.status == ScenarioStatus.SOLVED and bool(scenario.moves),
            "can_rollback": can_plan and scenario.status == ScenarioStatus.APPLIED,
            "solving": scenario.status == ScenarioStatus.SOLVING,
            "pareto": {},
            "breadcrumbs": _crumbs((scenario.name, None)),
        },
    )


def _action(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
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
def scenario_solve(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, services.assignment_plan_request, _("Solving… this page refreshes until it is done."))


@login_required
@require_POST
def scenario_apply(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    if scenario.kind == ScenarioKind.TERRITORY:
        done = _("Plan applied: accounts moved to their new territories.")
    else:
        done = _("Plan applied: owners changed and reps notified.")
    return _action(request, pk, services.assignment_plan_apply, done)


@login_required
@require_POST
def scenario_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    if scenario.kind == ScenarioKind.TERRITORY:
        done = _("Plan rolled back: every account is in its previous territory again.")
    else:
        done = _("Plan rolled back: every record has its previous owner again.")
    return _action(request, pk, services.assignment_plan_rollback, done)


@login_required
@require_POST
def scenario_pareto(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        tradeoff.pareto_request,
        _("Computing the trade-off… this page refreshes until it is done."),
    )


@login_required
@require_POST
def scenario_pareto_use(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _get(request, pk)
    try:
        draft = tradeoff.pareto_point_adopt(
            scenario=scenario, actor=request.user, max_moves=request.POST.get("max_moves")
        )
    except (DomainError, NotFound) as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("territories:scenario_detail", args=[pk]))
    messages.success(request, _("New draft scenario with this cap on moves; solve it to see the plan."))
    return HttpResponseRedirect(reverse("territories:scenario_detail", args=[draft.pk]))
