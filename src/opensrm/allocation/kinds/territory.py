"""The territory alignment: redraw territories as compact, balanced groups of units.

The accounts in scope are grouped into units (cities, or single accounts); the pure engine
(:func:`opensrm.engines.allocation.territory.align_territories`) groups the units into p compact
territories whose workload and potential each stay within ``mean × (1 ± tolerance)``.

When the territories the plan redraws already exist — the scope territory has exactly p
sub-territories (or, without a territory scope, there are exactly p top-level territories) —
they are reused: each proposed territory takes the name and code of the existing one it shares
the most workload with, so applying moves only the accounts that really change territory.
Otherwise the plan proposes new sub-territories "<scenario> T1" … with codes ``S<id>-T1`` ….

Applying moves the plan's accounts into their territories in one transaction; rolling back
gives them back exactly.

Territories the plan proposes are reused when they exist (the redrawn sub-territories, or a
territory with the proposed code) and created under the scope territory (or at the top level)
otherwise. Every changed account gets a history row with the acting user and its ``version``
bumped; apply refuses, changing nothing, when an account it would move changed territory or city,
or was deleted, since the plan was solved. Rollback gives each account the territory it had just
before apply and moves the territories apply created to the recycle bin once they are empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

from opensrm.allocation.engine import TerritoryProblem, TerritoryResult, align_territories, alignment_summary
from opensrm.allocation.kinds.base import Report, lock_plan, refuse_changed, save_plan, set_with_history, store_result
from opensrm.allocation.models import AllocationPlan, ScenarioStatus, TerritoryUnitLine
from opensrm.allocation.parameters import TerritoryParameters, plan_parameters
from opensrm.allocation.selectors import (
    GatheredUnits,
    default_territory_count,
    delaunay_adjacency,
    gather_units,
    reusable_territories,
    unit_key,
)
from opensrm.core.errors import Conflict
from opensrm.core.services import record_delete
from opensrm.crm.models import Account, Territory
from opensrm.crm.services import territory_create
from opensrm.people.models import User

__all__ = ["apply", "gather", "rollback", "solve", "store"]

# The engine holds unit × unit distance matrices: 3,000 units take about 70 MB each.
MAX_UNITS = 3000


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


def _locks(params: TerritoryParameters, units: GatheredUnits, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    p = len(codes)
    locked = np.full(units.n, -1, dtype=np.int64)
    pinned = np.full(p, -1, dtype=np.int64)
    for unit, target in (params.locked_units or {}).items():
        locked[_unit_index(unit, units)] = _territory_index(target, codes)
    for centre_of, unit_ref in (params.pinned_centres or {}).items():
        t, i = _territory_index(centre_of, codes), _unit_index(str(unit_ref), units)
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


@dataclass
class GatheredAlignment:
    """The units to align, the territories they go to and the planner's locks; ``failure`` says
    why there is nothing to solve."""

    units: GatheredUnits
    p: int
    existing: list[Territory] = field(default_factory=list)
    reuse: bool = False
    names: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    locked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pinned: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    failure: str = ""


def gather(*, plan: AllocationPlan, actor: User, params: TerritoryParameters) -> GatheredAlignment:
    """The units in scope, the number of territories, the names and codes they get (reused when
    the territories the plan redraws exist) and the locks and pinned centres."""
    scenario = plan
    units = gather_units(scenario=scenario, actor=actor, level=params.unit_level)
    p = int(params.territories or default_territory_count(scenario=scenario))
    if p < 1:
        return GatheredAlignment(
            units, p, failure=_("Give the number of territories: the scope has no sub-territories and no reps.")
        )
    if units.n > MAX_UNITS:
        return GatheredAlignment(
            units,
            p,
            failure=_(
                "There are %(n)s units; an alignment takes at most %(max)s. Group by city or narrow the scope."
            )
            % {"n": units.n, "max": MAX_UNITS},
        )
    if units.n == 0 or p > units.n:
        return GatheredAlignment(
            units,
            p,
            failure=_(
                "There are %(n)s units with a location for %(p)s territories; choose fewer territories "
                "or the account level."
            )
            % {"n": units.n, "p": p},
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
        return GatheredAlignment(units, p, failure=str(exc))
    return GatheredAlignment(units, p, existing, reuse, names, codes, locked, pinned)


def solve(gathered: GatheredAlignment, *, params: TerritoryParameters, report: Report) -> TerritoryResult | None:
    """The engine's alignment of the units into ``p`` territories; None when there is nothing to solve."""
    if gathered.failure:
        return None
    units = gathered.units
    report(0.1, _("aligning territories"))
    problem = TerritoryProblem(
        lat=units.lat,
        lon=units.lon,
        attributes=np.column_stack([units.workload, units.potential]),
        p=gathered.p,
        tolerance=float(params.tolerance),
        adjacency=delaunay_adjacency(units.lat, units.lon) if params.contiguity else None,
        locked=gathered.locked,
        pinned_centres=gathered.pinned,
    )
    result = align_territories(problem, time_limit=float(params.time_limit), seed=int(params.seed))
    report(0.95, _("storing the plan"))
    return result


def store(
    *, plan: AllocationPlan, actor: User, gathered: GatheredAlignment, result: TerritoryResult | None
) -> AllocationPlan:
    """The unit lines and the per-territory summary; the plan fails with the reason when there was
    nothing to solve."""
    scenario = plan
    if result is None:
        with transaction.atomic():
            scenario.unit_lines.all().delete()
            AllocationPlan.objects.filter(pk=scenario.pk).update(alignment=None)
            return store_result(
                scenario, actor, status=ScenarioStatus.FAILED, result_status="error", message=gathered.failure
            )
    params = plan_parameters(scenario)
    units, p, existing, reuse = gathered.units, gathered.p, gathered.existing, gathered.reuse
    names, codes, locked, pinned = list(gathered.names), list(gathered.codes), gathered.locked, gathered.pinned
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
        # English like the engine's own text (a detail); the outcome carries the count for display.
        skipped = f"; {units.skipped} accounts without a location left out" if units.skipped else ""
        scenario = store_result(
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
            outcome=alignment_summary(result, skipped_accounts=units.skipped),
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
    params: TerritoryParameters,
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
        "unit_level": params.unit_level,
        "units": units.n,
        "accounts": int(counts.sum()),
        "skipped_accounts": units.skipped,
        "tolerance": float(params.tolerance),
        "balanced": result.balanced,
        "contiguous": result.contiguous,
        "max_deviation": result.max_deviation,
        "spread_after": float(np.abs(ratio - 1).max()),
        "spread_before": float(np.abs(ratio_before - 1).max()) if reuse else None,
        "bound_scope": result.bound_scope,
    }


def _free_code(code: str) -> str:
    """``code``, or ``code-2``, ``code-3`` … when a territory in the recycle bin holds it."""
    candidate, n = code, 1
    while Territory.all_objects.filter(code=candidate).exists():
        n += 1
        candidate = f"{code}-{n}"[:40]
    return candidate


def _territories(scenario: AllocationPlan, actor: User, summary: dict[str, Any]) -> list[Territory]:
    """The proposed territories, in index order: reused, found by code, or created."""
    out = []
    for t in summary["territories"]:
        if t.get("territory_id") is not None:
            territory = Territory.objects.filter(pk=t["territory_id"]).first()
            if territory is None:
                raise Conflict(
                    _("The territory %(code)s no longer exists; solve the scenario again.") % {"code": t["code"]}
                )
        else:
            territory = Territory.objects.filter(code=t["code"]).first()
            if territory is None:
                territory = territory_create(
                    actor=actor,
                    data={"name": t["name"], "code": _free_code(t["code"]), "parent": scenario.scope_territory},
                )
                summary.setdefault("created_territory_ids", []).append(territory.pk)
        t["territory_id"], t["code"] = territory.pk, territory.code
        out.append(territory)
    return out


def apply(*, plan: AllocationPlan, actor: User) -> AllocationPlan:
    """Move every account of the plan into its proposed territory, all or nothing."""
    scenario = plan
    with transaction.atomic():
        current = lock_plan(scenario, ScenarioStatus.SOLVED, _("Only a solved scenario can be applied."))
        summary = dict(current.alignment or {})
        level = summary.get("unit_level", "city")
        lines = list(current.unit_lines.filter(moved=True).order_by("id"))
        snapshot = {int(pk): (line, tid) for line in lines for pk, tid in line.account_territories.items()}
        records = list(Account.objects.select_for_update().filter(pk__in=list(snapshot)).order_by("pk"))
        changed = [
            r
            for r in records
            if r.territory_id != snapshot[r.pk][1]
            or unit_key(level, r.pk, r.country, r.province, r.city) != snapshot[r.pk][0].key
        ]
        refuse_changed(set(snapshot) - {r.pk for r in records}, changed)
        territories = _territories(current, actor, summary)
        paths = dict(Territory.all_objects.filter(pk__in={r.territory_id for r in records}).values_list("id", "path"))
        target: dict[int, int | None] = {}
        for r in records:
            proposed = territories[snapshot[r.pk][0].proposed_index]
            if not paths.get(r.territory_id, "\0").startswith(proposed.path):
                target[r.pk] = proposed.pk
        moving = [r for r in records if r.pk in target]
        before = dict(
            set_with_history(
                moving, Account, "territory", target, actor=actor, reason=f"allocation {current.pk}: territory applied"
            )
        )
        for line in lines:
            line.applied = True
            line.proposed_territory = territories[line.proposed_index]
            line.proposed_code = line.proposed_territory.code
            line.territories_before_apply = {
                pk: tid for pk, tid in line.account_territories.items() if int(pk) in before
            }
        TerritoryUnitLine.objects.bulk_update(
            lines, ["applied", "proposed_territory", "proposed_code", "territories_before_apply"], batch_size=2000
        )
        current.alignment = summary
        current.moves = len(moving)
        current.status = ScenarioStatus.APPLIED
        current.applied_at = timezone.now()
        current.applied_by = actor
        save_plan(current, actor)
    return current


def rollback(*, plan: AllocationPlan, actor: User) -> AllocationPlan:
    """Give every account back its territory from before apply; refuse if any changed since."""
    scenario = plan
    with transaction.atomic():
        current = lock_plan(scenario, ScenarioStatus.APPLIED, _("Only an applied scenario can be rolled back."))
        lines = list(current.unit_lines.filter(applied=True).order_by("id"))
        expected = {
            int(pk): (line.proposed_territory_id, tid)
            for line in lines
            for pk, tid in line.territories_before_apply.items()
        }
        records = list(Account.objects.select_for_update().filter(pk__in=list(expected)).order_by("pk"))
        refuse_changed(
            set(expected) - {r.pk for r in records},
            [r for r in records if r.territory_id != expected[r.pk][0]],
        )
        set_with_history(
            records,
            Account,
            "territory",
            {pk: tid for pk, (_proposed, tid) in expected.items()},
            actor=actor,
            reason=f"allocation {current.pk}: territory rolled back",
        )
        TerritoryUnitLine.objects.filter(pk__in=[line.pk for line in lines]).update(applied=False)
        summary = dict(current.alignment or {})
        for pk in summary.pop("created_territory_ids", []):
            territory = Territory.objects.filter(pk=pk).first()
            if territory and not (territory.accounts.exists() or Territory.objects.filter(parent=territory).exists()):
                record_delete(instance=territory, actor=actor, expected_version=None)
        live = set(
            Territory.objects.filter(pk__in=[t["territory_id"] for t in summary.get("territories", [])]).values_list(
                "pk", flat=True
            )
        )
        for t in summary.get("territories", []):
            if t["territory_id"] not in live:
                t["territory_id"] = None  # created by apply and now in the recycle bin: created anew next time
        current.alignment = summary
        current.status = ScenarioStatus.ROLLED_BACK
        current.rolled_back_at = timezone.now()
        current.rolled_back_by = actor
        save_plan(current, actor)
    return current
