"""The draft form of allocation plans; its ranges and defaults come from
:mod:`opensrm.allocation.parameters` (the labels and help texts are the page's own)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opensrm.allocation import parameters as P
from opensrm.allocation.models import ScenarioKind
from opensrm.core.visibility import visible
from opensrm.crm.models import Account, AccountStatus, Territory
from opensrm.people.models import Team

A, T, W = P.AssignmentParameters, P.TerritoryParameters, P.Weights


def _low(model: Any, name: str) -> Any:
    return P.limits(model, name)[0]


def _high(model: Any, name: str) -> Any:
    return P.limits(model, name)[1]


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
        initial=P.DRAFT_TOLERANCE,
        min_value=_low(A, "tolerance"),
        max_value=_high(A, "tolerance"),
        required=False,
        help_text=gettext_lazy("Leave empty to plan without balancing potential."),
    )
    max_moves = forms.IntegerField(
        label=gettext_lazy("Maximum moves"),
        min_value=_low(A, "max_moves"),
        max_value=_high(A, "max_moves"),
        required=False,
        help_text=gettext_lazy("Leave empty for no cap on the accounts that change owner."),
    )
    keep_owner_eligible = forms.BooleanField(
        label=gettext_lazy("Owners may keep accounts outside their specialisation"),
        initial=P.DRAFT_KEEP_OWNER_ELIGIBLE,
        required=False,
        help_text=gettext_lazy(
            "New assignments still follow industry, language and product line; without this, every account "
            "whose owner lacks the specialisation must move."
        ),
    )
    weight_distance = forms.FloatField(
        label=gettext_lazy("Weight of travel"), initial=P.default(W, "distance"), min_value=_low(W, "distance")
    )
    weight_skill = forms.FloatField(
        label=gettext_lazy("Weight of skill fit"), initial=P.default(W, "skill"), min_value=_low(W, "skill")
    )
    weight_continuity = forms.FloatField(
        label=gettext_lazy("Weight of continuity"),
        initial=P.default(W, "continuity"),
        min_value=_low(W, "continuity"),
    )
    time_limit = forms.FloatField(
        label=gettext_lazy("Time limit (seconds)"),
        initial=P.MIN_TIME_LIMIT,
        min_value=_low(A, "time_limit"),
        max_value=_high(A, "time_limit"),
        help_text=gettext_lazy(
            "The default grows with the accounts you plan: 60 s up to 3,000 accounts, a second more per 50 "
            "accounts beyond, at most 10 minutes."
        ),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"), initial=P.default(A, "seed"), min_value=_low(A, "seed"), max_value=_high(A, "seed")
    )
    territories = forms.IntegerField(
        label=gettext_lazy("Number of territories"),
        min_value=_low(T, "territories"),
        max_value=_high(T, "territories"),
        required=False,
        help_text=gettext_lazy("Empty: as many as the territory scope has sub-territories, else one per rep in scope."),
    )
    territory_tolerance = forms.FloatField(
        label=gettext_lazy("Balance tolerance (± share of the mean workload and potential)"),
        initial=P.default(T, "tolerance"),
        min_value=_low(T, "tolerance"),
        max_value=_high(T, "tolerance"),
        required=False,
    )
    unit_level = forms.ChoiceField(
        label=gettext_lazy("Units"),
        choices=[
            ("city", gettext_lazy("Cities: the accounts of a city move together")),
            ("account", gettext_lazy("Accounts: each account moves on its own")),
        ],
        initial=P.default(T, "unit_level"),
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
            self.fields["time_limit"].initial = P.default_time_limit(accounts)
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
        super().clean()
        data = self.cleaned_data
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
