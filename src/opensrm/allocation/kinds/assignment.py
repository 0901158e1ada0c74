"""The rep ↔ account plan: every account in scope to one rep, balancing potential, respecting
capacity, skills and locks, with as few moves as asked (see :mod:`opensrm.allocation.selectors`
for what is gathered). Applying reassigns owners in one transaction and tells the reps by e-mail;
rolling back gives every record the owner it had just before apply.

Applying and rolling back work on the plan's lines whatever record they name (an account, or a
lead for a routing plan), so :mod:`opensrm.allocation.kinds.routing` applies through this module.
Each changed record gets a history row with the acting user (``bulk_update_with_history``) and its
``version`` bumped, as any other write. Reps whose books changed are told after the transaction
commits; every e-mail is recorded as an :class:`AllocationNotice`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from opensrm.allocation import engine, presentation, selectors
from opensrm.allocation.engine import PlanOutcome
from opensrm.allocation.kinds.base import (
    Report,
    clear_plan,
    lock_plan,
    record_names,
    refuse_changed,
    save_plan,
    set_with_history,
    store_result,
)
from opensrm.allocation.models import AllocationNotice, AllocationPlan, AssignmentLine, RepLoad, ScenarioStatus
from opensrm.allocation.parameters import AssignmentParameters
from opensrm.allocation.selectors import GatheredProblem
from opensrm.core.errors import PermissionDenied
from opensrm.core.services import may_assign_owner
from opensrm.crm.models import Account, Lead
from opensrm.people.models import User

_TARGETS: tuple[tuple[str, type[Account | Lead]], ...] = (("account", Account), ("lead", Lead))


def gather(*, plan: AllocationPlan, actor: User, params: AssignmentParameters) -> GatheredProblem:
    del params  # the selector reads the plan's parameters itself
    return selectors.assignment_problem_for(scenario=plan, actor=actor)


def solve(gathered: GatheredProblem, *, params: AssignmentParameters, report: Report) -> PlanOutcome:
    return engine.solve_plan(
        gathered.input,
        time_limit=float(params.time_limit),
        seed=int(params.seed),
        progress=lambda f, m: report(0.05 + 0.9 * f, m),
    )


def tradeoff(gathered: GatheredProblem, *, params: AssignmentParameters) -> list[dict[str, Any]]:
    """The balance-vs-moves front of the gathered problem: one point per cap on moves."""
    return engine.pareto_front(gathered.input, time_limit=float(params.time_limit), seed=int(params.seed))


def _rep_label(rep_ids: list[int], names: dict[int, str], i: int) -> dict[str, Any]:
    return {"rep_id": rep_ids[i], "rep": names.get(rep_ids[i], "")}


def store(*, plan: AllocationPlan, actor: User, gathered: GatheredProblem, result: PlanOutcome) -> AllocationPlan:
    """The plan's lines (one per account) and per-rep loads when solved; the diagnosis when not."""
    scenario, outcome = plan, result
    rep_ids = gathered.rep_ids
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=rep_ids)}
    solved = outcome.status in ("optimal", "feasible")
    infeasibility = None
    if outcome.infeasibility is not None:
        infeasibility = {
            **outcome.infeasibility,
            "reps": [_rep_label(rep_ids, names, i) for i in outcome.infeasibility.get("reps", [])],
            "accounts": [gathered.account_ids[j] for j in outcome.infeasibility.get("accounts", [])],
        }
    with transaction.atomic():
        clear_plan(scenario)
        if solved:
            _store_lines_and_loads(scenario, gathered, outcome, names)
        return store_result(
            scenario,
            actor,
            status=ScenarioStatus.SOLVED if solved else ScenarioStatus.FAILED,
            result_status=outcome.status,
            objective=outcome.objective,
            bound=outcome.bound,
            gap=outcome.gap,
            seconds=outcome.seconds,
            moves=outcome.moves if solved else None,
            message="\n".join([outcome.message, *gathered.warnings]),
            outcome=outcome.summary,
            infeasibility=infeasibility,
        )


def _store_lines_and_loads(
    scenario: AllocationPlan,
    gathered: GatheredProblem,
    outcome: PlanOutcome,
    names: dict[int, str],
) -> None:
    inp = gathered.input
    m, n = inp.shape
    dist = outcome.distance_km
    rep_ids = gathered.rep_ids
    lines = []
    for j in range(n):
        i = int(outcome.assignment[j])
        cur = int(inp.current[j])
        explanation = dict(outcome.explanations[j]) if j < len(outcome.explanations) else {}
        second = explanation.get("second_best")
        if second:
            label = _rep_label(rep_ids, names, int(second["rep"]))
            explanation["second_best"] = {**{k: v for k, v in second.items() if k != "rep"}, **label}
        proposed = rep_ids[i] if i >= 0 else None
        lat, lon = gathered.latlon[j]
        lines.append(
            AssignmentLine(
                scenario=scenario,
                account_id=gathered.account_ids[j],
                current_owner_id=gathered.owner_ids[j],
                proposed_owner_id=proposed,
                moved=proposed is not None and proposed != gathered.owner_ids[j],
                locked=bool(inp.locked[j]),
                workload=float(inp.workload[j]),
                potential=float(inp.potential[j]),
                distance_km=float(dist[i, j]) if i >= 0 else None,
                current_distance_km=float(dist[cur, j]) if cur >= 0 else None,
                lat=None if np.isnan(lat) else float(lat),
                lon=None if np.isnan(lon) else float(lon),
                explanation=explanation,
                unassigned_reason=""
                if i >= 0
                else _unassigned_reason(bool(inp.eligible[:, j].any()), outcome.unassigned.get(j)),
            )
        )
    AssignmentLine.objects.bulk_create(lines, batch_size=2000)
    cols = np.arange(n)
    before, after = inp.current, outcome.assignment

    def per_rep(assign: np.ndarray, values: np.ndarray) -> np.ndarray:
        ok = assign >= 0
        return np.bincount(assign[ok], weights=values[ok], minlength=m)

    travel_before = per_rep(before, dist[np.maximum(before, 0), cols])
    travel_after = per_rep(after, dist[np.maximum(after, 0), cols])
    moved = (after >= 0) & (after != before)
    loads = [
        RepLoad(
            scenario=scenario,
            rep_id=rep_ids[i],
            capacity_hours=float(gathered.capacity_hours[i]),
            workload_before=float(per_rep(before, inp.workload)[i]),
            workload_after=float(per_rep(after, inp.workload)[i]),
            potential_before=float(per_rep(before, inp.potential)[i]),
            potential_after=float(per_rep(after, inp.potential)[i]),
            accounts_before=int((before == i).sum()),
            accounts_after=int((after == i).sum()),
            travel_km_before=float(travel_before[i]),
            travel_km_after=float(travel_after[i]),
            moves_in=int((moved & (after == i)).sum()),
            moves_out=int((moved & (before == i)).sum()),
        )
        for i in range(m)
    ]
    RepLoad.objects.bulk_create(loads)


def _unassigned_reason(has_eligible_rep: bool, violation: dict[str, Any] | None) -> str:
    if not has_eligible_rep:
        return _("No rep in scope may take this account (industry, language or product line).")
    return presentation.unassigned_reason(violation)[:255]



def _reassign(
    lines: list[AssignmentLine],
    *,
    field: str,
    model: type[Account | Lead],
    actor: User,
    owner_of_line: Any,
    expected_of_line: Any,
    reason: str,
) -> list[Any]:
    """Set owners of the lines' records; refuse (Conflict) if any record is gone or changed owner."""
    by_pk = {getattr(line, f"{field}_id"): line for line in lines}
    if not by_pk:
        return []
    records = list(model._default_manager.select_for_update().filter(pk__in=list(by_pk)).order_by("pk"))
    refuse_changed(
        set(by_pk) - {r.pk for r in records},
        [r for r in records if r.owner_id != expected_of_line(by_pk[r.pk])],
    )
    owners = {r.pk: owner_of_line(by_pk[r.pk]) for r in records}
    set_with_history(records, model, "owner", owners, actor=actor, reason=reason)
    return records


def apply(*, plan: AllocationPlan, actor: User) -> AllocationPlan:
    """Reassign every moved record to its proposed owner, all or nothing, and notify the reps."""
    scenario = plan
    with transaction.atomic():
        current = lock_plan(scenario, ScenarioStatus.SOLVED, _("Only a solved scenario can be applied."))
        lines = list(current.lines.filter(moved=True, proposed_owner__isnull=False).order_by("id"))
        owners = User.objects.filter(pk__in={line.proposed_owner_id for line in lines})
        refused = [u for u in owners if not may_assign_owner(actor, u)]
        if refused:
            raise PermissionDenied(_("You cannot assign records to: %(users)s.") % {"users": record_names(refused)})
        for field, model in _TARGETS:
            mine = [line for line in lines if getattr(line, f"{field}_id") is not None]
            _reassign(
                mine,
                field=field,
                model=model,
                actor=actor,
                owner_of_line=lambda line: line.proposed_owner_id,
                expected_of_line=lambda line: line.current_owner_id,
                reason=f"allocation {current.pk}: applied",
            )
        for line in lines:
            line.applied = True
            line.owner_before_apply_id = line.current_owner_id
        AssignmentLine.objects.bulk_update(lines, ["applied", "owner_before_apply"], batch_size=2000)
        current.status = ScenarioStatus.APPLIED
        current.applied_at = timezone.now()
        current.applied_by = actor
        save_plan(current, actor)
        notices = _notices(current, lines, event="applied")
        transaction.on_commit(lambda: notices_send(notice_ids=[n.pk for n in notices]))
    return current


def rollback(*, plan: AllocationPlan, actor: User) -> AllocationPlan:
    """Give every record back the owner it had before apply; refuse if any changed owner since."""
    scenario = plan
    with transaction.atomic():
        current = lock_plan(scenario, ScenarioStatus.APPLIED, _("Only an applied scenario can be rolled back."))
        lines = list(current.lines.filter(applied=True).order_by("id"))
        for field, model in _TARGETS:
            mine = [line for line in lines if getattr(line, f"{field}_id") is not None]
            _reassign(
                mine,
                field=field,
                model=model,
                actor=actor,
                owner_of_line=lambda line: line.owner_before_apply_id,
                expected_of_line=lambda line: line.proposed_owner_id,
                reason=f"allocation {current.pk}: rolled back",
            )
        AssignmentLine.objects.filter(pk__in=[line.pk for line in lines]).update(applied=False)
        current.status = ScenarioStatus.ROLLED_BACK
        current.rolled_back_at = timezone.now()
        current.rolled_back_by = actor
        save_plan(current, actor)
        notices = _notices(current, lines, event="rolled_back")
        transaction.on_commit(lambda: notices_send(notice_ids=[n.pk for n in notices]))
    return current


def _notices(scenario: AllocationPlan, lines: list[AssignmentLine], *, event: str) -> list[AllocationNotice]:
    """One notice per rep who gains or loses records (sent after commit)."""
    gained: dict[int, list[AssignmentLine]] = defaultdict(list)
    lost: dict[int, list[AssignmentLine]] = defaultdict(list)
    for line in lines:
        new, old = line.proposed_owner_id, line.current_owner_id
        if event == "rolled_back":
            new, old = old, new
        if new:
            gained[new].append(line)
        if old:
            lost[old].append(line)
    reps = User.objects.in_bulk(set(gained) | set(lost))
    notices = []
    for pk, rep in reps.items():
        with override(rep.language or None):
            subject, body = _message(scenario, event, gained.get(pk, []), lost.get(pk, []))
        notices.append(
            AllocationNotice(
                scenario=scenario,
                rep=rep,
                event=event,
                email=rep.email,
                subject=subject,
                body=body,
                gained=len(gained.get(pk, [])),
                lost=len(lost.get(pk, [])),
            )
        )
    return AllocationNotice.objects.bulk_create(notices)


def _message(
    scenario: AllocationPlan, event: str, gained: list[AssignmentLine], lost: list[AssignmentLine]
) -> tuple[str, str]:
    def names(lines: list[AssignmentLine]) -> str:
        return "\n".join(f"  - {line.account or line.lead}" for line in lines[:50]) + (
            "\n  …" if len(lines) > 50 else ""
        )

    if event == "applied":
        subject = _("New assignment: %(name)s") % {"name": scenario.name}
    else:
        subject = _("Assignment rolled back: %(name)s") % {"name": scenario.name}
    parts = [_("Your book of business changed (plan “%(name)s”).") % {"name": scenario.name}]
    if gained:
        parts.append(_("You now own %(n)s more records:") % {"n": len(gained)} + "\n" + names(gained))
    if lost:
        parts.append(_("%(n)s records moved to a colleague:") % {"n": len(lost)} + "\n" + names(lost))
    return subject, "\n\n".join(parts)


def notices_send(*, notice_ids: list[int]) -> int:
    """Send the notices not sent yet; idempotent, so a retry never sends twice."""
    sent = 0
    for notice in AllocationNotice.objects.filter(pk__in=notice_ids, sent_at__isnull=True).select_related("rep"):
        if not notice.email:
            AllocationNotice.objects.filter(pk=notice.pk).update(error=_("The rep has no e-mail address."))
            continue
        try:
            send_mail(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [notice.email])
        except Exception as exc:  # a mail outage must not undo an applied plan
            AllocationNotice.objects.filter(pk=notice.pk).update(error=str(exc)[:255])
            continue
        AllocationNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now(), error="")
        sent += 1
    return sent
