"""Territory alignment scenarios: validate the parameters, solve, store the plan.

The accounts in scope are grouped into units (cities, or single accounts); the pure engine
(:func:`opensrm.engines.allocation.territory.align_territories`) groups the units into p compact
territories whose workload and potential each stay within ``mean × (1 ± tolerance)``.

When the territories the plan redraws already exist — the scope territory has exactly p
sub-territories (or, without a territory scope, there are exactly p top-level territories) —
they are reused: each proposed territory takes the name and code of the existing one it shares
the most workload with, so applying moves only the accounts that really change territory.
Otherwise the plan proposes new sub-territories "<scenario> T1" … with codes ``S<id>-T1`` ….
Applying and rolling back live in :mod:`opensrm.allocation.alignment_apply`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

from opensrm.core.errors import ValidationFailed
from opensrm.crm.models import Territory
from opensrm.engines.allocation.territory import TerritoryProblem, TerritoryResult, align_territories
from opensrm.people.models import User
from opensrm.allocation.alignment_selectors import (
    GatheredUnits,
    default_territory_count,
    delaunay_adjacency,
    gather_units,
    reusable_territories,
)
from opensrm.allocation.models import AllocationPlan, ScenarioStatus, TerritoryUnitLine
from opensrm.allocation.params import check_number

TERRITORY_DEFAULTS: dict[str, Any] = {
    "territories": None,
    "tolerance": 0.10,
    "unit_level": "city",
    "contiguity": False,
    "locked_units": {},
    "pinned_centres": {},
    "time_limit": 30.0,
    "seed": 0,
}
UNIT_LEVELS = ("city", "account")
MAX_TERRITORIES = 1000
# The engine holds unit × unit distance matrices: 3,000 units take about 70 MB each.
MAX_UNITS = 3000


def territory_parameters(scenario: AllocationPlan) -> dict[str, Any]:
    return {**TERRITORY_DEFAULTS, **(scenario.parameters or {})}


def validated_parameters(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters of a territory scenario, or ValidationFailed naming each bad one."""
    params = dict(raw or {})
    errors: dict[str, list[str]] = {}

    def number(name: str, low: float, high: float, *, integer: bool = False, nullable: bool = False) -> None:
        check_number(params, errors, name, low, high, integer=integer, nullable=nullable)

    number("territories", 1, MAX_TERRITORIES, integer=True, nullable=True)
    number("tolerance", 0.0, 10.0)
    number("time_limit", 1, 3600)
    number("seed", 0, 2**31 - 1, integer=True)
    if params.get("unit_level", "city") not in UNIT_LEVELS:
        errors["unit_level"] = [_("Choose city or account.")]
    if not isinstance(params.get("contiguity", False), bool):
        errors["contiguity"] = [_("Choose true or false.")]
    for name in ("locked_units", "pinned_centres"):
        value = params.get(name) or {}
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str | int) and str(v).strip() for k, v in value.items()
        ):
            errors[name] = [_("Give pairs of a unit and a territory number or code.")]
        elif name in params:
            params[name] = {k.strip(): v.strip() if isinstance(v, str) else v for k, v in value.items()}
    for name in set(params) - set(TERRITORY_DEFAULTS):
        errors[name] = [_("Unknown parameter.")]
    if errors:
        raise ValidationFailed(
            _("Some parameters are not valid."),
            field_errors={f"parameters.{k}": v for k, v in errors.items()},
        )
    return params


def _territory_index(ref: Any, codes: list[str]) -> int:
    """A territory named by its number (3, "3", "T3") or by its code → its index."""
    text = str(ref).strip()
    if text in codes:
        return codes.index(text)
    digits = text[1:] if text[:1] in ("T", "t") else text
    if digits.isdigit() and 1 <= int(digits) <= len(codes):
        return int(digits) - 1
    folded = [c.casefold() for c in codes]
    if text.casefold() in folded:
        return folded.index(text.casefold())
    raise ValueError(
        _("“%(ref)s” is not one of the proposed territories (1–%(p)s or a code: %(codes)s).")
        % {"ref": text, "p": len(codes), "codes": ", ".join(codes[:10])}
    )


def _unit_index(ref: str, units: GatheredUnits) -> int:
    """A unit named by its city (or "city (province)", or country/province/city), or an account id."""
    text = ref.strip().casefold()
    key = f"account:{text}" if text.isdigit() else text
    if key in units.keys:
        return units.keys.index(key)
    found = [i for i in range(units.n) if text in (units.cities[i], units.labels[i].casefold())]
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(_("“%(ref)s” names more than one city; write it as country/province/city.") % {"ref": ref})
    raise ValueError(_("“%(ref)s” is not a unit with accounts in scope.") % {"ref": ref})


def _locks(params: dict[str, Any], units: GatheredUnits, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    p = len(codes)
    locked = np.full(units.n, -1, dtype=np.int64)
    pinned = np.full(p, -1, dtype=np.int64)
    for unit, territory in (params["locked_units"] or {}).items():
        locked[_unit_index(unit, units)] = _territory_index(territory, codes)
    for territory, unit in (params["pinned_centres"] or {}).items():
        t, i = _territory_index(territory, codes), _unit_index(str(unit), units)
        if pinned[t] >= 0 or (locked[i] >= 0 and locked[i] != t) or i in pinned:
            raise ValueError(_("The centre of %(code)s conflicts with another lock or centre.") % {"code": codes[t]})
        pinned[t] = i
    return locked, pinned


def _within(units: GatheredUnits, existing: list[Territory]) -> np.ndarray:
    """within[i, j, :] = workload, potential and accounts of unit i already inside existing[j]."""
    by_path = {t.path: j for j, t in enumerate(existing)}
    lengths = sorted({len(p) for p in by_path})
    out = np.zeros((units.n, len(existing), 3))
    for i, accounts in enumerate(units.accounts):
        for _tid, path, work, pot in accounts.values():
            for length in lengths:
                j = by_path.get(path[:length])
                if j is not None:
                    out[i, j] += (work, pot, 1.0)
                    break
    return out


def _relabel(assign: np.ndarray, within: np.ndarray, fixed: set[int]) -> np.ndarray:
    """Engine territory t → the existing territory sharing most workload with it (Hungarian);
    territories named by a lock or centre keep their index."""
    p = within.shape[1]
    shared = np.zeros((p, p))
    np.add.at(shared, assign, within[:, :, 0])
    cost = -shared
    big = 1.0 + float(np.abs(cost).sum())
    for t in fixed:
        cost[t, :] = big
        cost[t, t] = -shared[t, t]
    rows, cols = linear_sum_assignment(cost)
    perm = np.empty(p, dtype=np.int64)
    perm[rows] = cols
    return perm


# A redrawn territory keeps its name only when at least this share of its workload was in it before.
KEEP_NAME_OVERLAP = 0.5


def _poorly_matched(
    assign: np.ndarray, perm: np.ndarray, within: np.ndarray, workload: np.ndarray, fixed: set[int]
) -> list[int]:
    """Territory indices whose new grouping shares too little with the territory matched to it."""
    p = within.shape[1]
    final = perm[assign]
    total = np.bincount(final, weights=workload, minlength=p)
    kept = np.array([within[final == t, t, 0].sum() for t in range(p)])
    share = np.divide(kept, total, out=np.ones(p), where=total > 0)
    return [t for t in range(p) if t not in fixed and share[t] < KEEP_NAME_OVERLAP]


def _content_name(units: GatheredUnits, members: np.ndarray) -> str:
    """“Suzhou, Tokyo +12”: the two units with most workload and how many more there are."""
    order = np.flatnonzero(members)[np.argsort(-units.workload[members], kind="stable")]
    top = [units.labels[i] for i in order[:2]]
    name = ", ".join(top)
    if order.size > 2:
        name += f" +{order.size - 2}"
    return name[:120]


def territory_plan_store(
    *,
    scenario: AllocationPlan,
    actor: User,
    report: Callable[[float, str], None],
    store: Callable[..., AllocationPlan],
) -> AllocationPlan:
    """Gather the units, align them into territories, store the lines and the summary."""
    params = territory_parameters(scenario)
    units = gather_units(scenario=scenario, actor=actor, level=params["unit_level"])
    p = int(params["territories"] or default_territory_count(scenario=scenario))

    def failed(message: str) -> AllocationPlan:
        with transaction.atomic():
            scenario.unit_lines.all().delete()
            AllocationPlan.objects.filter(pk=scenario.pk).update(alignment=None)
            return store(scenario, actor, status=ScenarioStatus.FAILED, result_status="error", message=message)

    if p < 1:
        return failed(_("Give the number of territories: the scope has no sub-territories and no reps."))
    if units.n > MAX_UNITS:
        return failed(
            _("There are %(n)s units; an alignment takes at most %(max)s. Group by city or narrow the scope.")
            % {"n": units.n, "max": MAX_UNITS}
        )
    if units.n == 0 or p > units.n:
        return failed(
            _(
                "There are %(n)s units with a location for %(p)s territories; choose fewer territories "
                "or the account level."
            )
            % {"n": units.n, "p": p}
        )
    existing = reusable_territories(scenario=scenario)
    reuse = len(existing) == p
    if reuse:
        names, codes = [t.name for t in existing], [t.code for t in existing]
    else:
        names = [f"{scenario.name} T{k}"[:120] for k in range(1, p + 1)]
        codes = [f"S{scenario.pk}-T{k}" for k in range(1, p + 1)]
    try:
        locked, pinned = _locks(params, units, codes)
    except ValueError as exc:
        return failed(str(exc))
    report(0.1, _("aligning territories"))
    problem = TerritoryProblem(
        lat=units.lat,
        lon=units.lon,
        attributes=np.column_stack([units.workload, units.potential]),
        p=p,
        tolerance=float(params["tolerance"]),
        adjacency=delaunay_adjacency(units.lat, units.lon) if params["contiguity"] else None,
        locked=locked,
        pinned_centres=pinned,
    )
    result = align_territories(problem, time_limit=float(params["time_limit"]), seed=int(params["seed"]))
    report(0.95, _("storing the plan"))
    within = _within(units, existing) if reuse else np.zeros((units.n, p, 3))
    fixed = {int(t) for t in locked[locked >= 0]} | {int(t) for t in np.flatnonzero(pinned >= 0)}
    perm = _relabel(result.assignment, within, fixed) if reuse else np.arange(p)
    if reuse:
        for t in _poorly_matched(result.assignment, perm, within, units.workload, fixed):
            # Mostly other territories' cities: an old name would mislabel it, so it becomes a new
            # territory named after what it holds.
            names[t] = _content_name(units, perm[result.assignment] == t)
            codes[t] = f"S{scenario.pk}-T{t + 1}"
    targets = {t.code: t for t in Territory.objects.filter(code__in=codes)}
    with transaction.atomic():
        scenario.unit_lines.all().delete()
        moves = _store_lines(scenario, units, result, perm, locked, names, codes, targets)
        summary = _summary(params, units, result, perm, within, names, codes, targets, reuse, p)
        AllocationPlan.objects.filter(pk=scenario.pk).update(alignment=summary)
        # English like the engine's own text; engine_text translates it for display.
        skipped = f"; {units.skipped} accounts without a location left out" if units.skipped else ""
        scenario = store(
            scenario,
            actor,
            status=ScenarioStatus.SOLVED,
            result_status=result.status,
            objective=result.objective,
            bound=result.bound,
            gap=result.gap,
            seconds=result.seconds,
            moves=moves,
            message=result.message + skipped,
        )
    return scenario


def _store_lines(
    scenario: AllocationPlan,
    units: GatheredUnits,
    result: TerritoryResult,
    perm: np.ndarray,
    locked: np.ndarray,
    names: list[str],
    codes: list[str],
    targets: dict[str, Territory],
) -> int:
    centres = {int(result.centres[t]) for t in range(len(codes))}
    lines, moves = [], 0
    for i in range(units.n):
        t = int(perm[result.assignment[i]])
        target = targets.get(codes[t])
        # an account already inside the proposed territory (or one of its sub-territories) stays
        moved = [pk for pk, a in units.accounts[i].items() if target is None or not a[1].startswith(target.path)]
        moves += len(moved)
        lines.append(
            TerritoryUnitLine(
                scenario=scenario,
                key=units.keys[i][:255],
                label=units.labels[i][:255],
                lat=float(units.lat[i]),
                lon=float(units.lon[i]),
                accounts=len(units.accounts[i]),
                workload=float(units.workload[i]),
                potential=float(units.potential[i]),
                current_territory_id=units.current[i],
                proposed_index=t,
                proposed_name=names[t],
                proposed_code=codes[t],
                proposed_territory=target,
                locked=bool(locked[i] >= 0),
                centre=i in centres,
                moved=bool(moved),
                accounts_moved=len(moved),
                account_territories={str(pk): a[0] for pk, a in units.accounts[i].items()},
            )
        )
    TerritoryUnitLine.objects.bulk_create(lines, batch_size=2000)
    return moves


def _summary(
    params: dict[str, Any],
    units: GatheredUnits,
    result: TerritoryResult,
    perm: np.ndarray,
    within: np.ndarray,
    names: list[str],
    codes: list[str],
    targets: dict[str, Territory],
    reuse: bool,
    p: int,
) -> dict[str, Any]:
    assign = perm[result.assignment]
    counts = np.array([len(a) for a in units.accounts], dtype=float)
    after = np.zeros((p, 4))
    np.add.at(after, assign, np.column_stack([units.workload, units.potential, counts, np.ones(units.n)]))
    before = within.sum(axis=0)  # (p, 3): workload, potential, accounts inside each reused territory
    mean = np.array([units.workload.sum(), units.potential.sum()]) / p
    ratio = np.divide(after[:, :2], mean, out=np.ones((p, 2)), where=mean > 0)
    ratio_before = np.divide(before[:, :2], mean, out=np.ones((p, 2)), where=mean > 0)
    territories = [
        {
            "index": t,
            "name": names[t],
            "code": codes[t],
            "territory_id": targets[codes[t]].pk if codes[t] in targets else None,
            "workload": float(after[t, 0]),
            "potential": float(after[t, 1]),
            "workload_balance": float(ratio[t, 0]),
            "potential_balance": float(ratio[t, 1]),
            "accounts": int(after[t, 2]),
            "units": int(after[t, 3]),
            "workload_before": float(before[t, 0]) if reuse else None,
            "potential_before": float(before[t, 1]) if reuse else None,
            "accounts_before": int(before[t, 2]) if reuse else None,
        }
        for t in range(p)
    ]
    return {
        "territories": territories,
        "p": p,
        "reused": reuse,
        "unit_level": params["unit_level"],
        "units": units.n,
        "accounts": int(counts.sum()),
        "skipped_accounts": units.skipped,
        "tolerance": float(params["tolerance"]),
        "balanced": result.balanced,
        "contiguous": result.contiguous,
        "max_deviation": result.max_deviation,
        "spread_after": float(np.abs(ratio - 1).max()),
        "spread_before": float(np.abs(ratio_before - 1).max()) if reuse else None,
        "bound_scope": result.bound_scope,
    }
