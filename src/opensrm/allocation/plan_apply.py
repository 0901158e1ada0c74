"""Apply a solved plan (owners reassigned in one transaction) and roll it back exactly.

Each changed record gets a history row with the acting user (``bulk_update_with_history``)
and its ``version`` bumped, as any other write. Reps whose books changed are told by e-mail
after the transaction commits; every e-mail is recorded as an :class:`AllocationNotice`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from simple_history.utils import bulk_update_with_history

from opensrm.core.errors import Conflict, PermissionDenied
from opensrm.core.services import lock_for_update, may_assign_owner
from opensrm.crm.models import Account, Lead
from opensrm.people.models import User
from opensrm.allocation.models import (
    AllocationNotice,
    AllocationPlan,
    AssignmentLine,
    ScenarioKind,
    ScenarioStatus,
)

_TARGETS: tuple[tuple[str, type[models.Model]], ...] = (("account", Account), ("lead", Lead))
_LIST_LIMIT = 20


def _names(records: list[Any]) -> str:
    shown = ", ".join(str(r) for r in records[:_LIST_LIMIT])
    return shown + (" …" if len(records) > _LIST_LIMIT else "")


def refuse_changed(missing: set[int], changed: list[Any]) -> None:
    """Conflict naming the records that changed (or how many are gone) since the plan was made."""
    if missing or changed:
        detail = _names(changed) if changed else _("%(n)s deleted records") % {"n": len(missing)}
        raise Conflict(
            _("Some records changed since the plan was made, so nothing was changed: %(records)s.")
            % {"records": detail},
            changed=[r.pk for r in changed],
            missing=sorted(missing),
        )


def set_with_history(
    records: list[Any], model: type[models.Model], field: str, value: dict[int, Any], *, actor: User, reason: str
) -> list[tuple[int, Any]]:
    """Set ``field`` (a foreign key) of each record to ``value[pk]``, bump versions and write history
    rows in bulk; returns (pk, value before) per record."""
    now = timezone.now()
    before = []
    for record in records:
        before.append((record.pk, getattr(record, f"{field}_id")))
        setattr(record, f"{field}_id", value[record.pk])
        record.version += 1
        record.updated_at = now
    bulk_update_with_history(
        records,
        model,
        [field, "version", "updated_at"],
        batch_size=1000,
        default_user=actor,
        default_change_reason=reason,
    )
    return before


def _reassign(
    lines: list[AssignmentLine],
    *,
    field: str,
    model: type[models.Model],
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


def _lock_scenario(scenario: AllocationPlan, status: str, message: str) -> AllocationPlan:
    current = lock_for_update(scenario)
    if current.status != status:
        raise Conflict(message, scenario_status=current.status)
    return current


def assignment_plan_apply(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Reassign every moved record to its proposed owner, all or nothing, and notify the reps."""
    from opensrm.allocation.services import check_planner

    if scenario.kind == ScenarioKind.TERRITORY:
        from opensrm.allocation.alignment_apply import territory_plan_apply

        return territory_plan_apply(scenario=scenario, actor=actor)

    check_planner(actor, scenario.scope_team)
    with transaction.atomic():
        current = _lock_scenario(scenario, ScenarioStatus.SOLVED, _("Only a solved scenario can be applied."))
        lines = list(current.lines.filter(moved=True, proposed_owner__isnull=False).order_by("id"))
        owners = User.objects.filter(pk__in={line.proposed_owner_id for line in lines})
        refused = [u for u in owners if not may_assign_owner(actor, u)]
        if refused:
            raise PermissionDenied(_("You cannot assign records to: %(users)s.") % {"users": _names(refused)})
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
        _save(current, actor)
        notices = _notices(current, lines, event="applied")
        transaction.on_commit(lambda: notices_send(notice_ids=[n.pk for n in notices]))
    return current


def assignment_plan_rollback(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Give every record back the owner it had before apply; refuse if any changed owner since."""
    from opensrm.allocation.services import check_planner

    if scenario.kind == ScenarioKind.TERRITORY:
        from opensrm.allocation.alignment_apply import territory_plan_rollback

        return territory_plan_rollback(scenario=scenario, actor=actor)

    check_planner(actor, scenario.scope_team)
    with transaction.atomic():
        current = _lock_scenario(scenario, ScenarioStatus.APPLIED, _("Only an applied scenario can be rolled back."))
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
        _save(current, actor)
        notices = _notices(current, lines, event="rolled_back")
        transaction.on_commit(lambda: notices_send(notice_ids=[n.pk for n in notices]))
    return current


def _save(scenario: AllocationPlan, actor: User) -> None:
    scenario.version += 1
    scenario._history_user = actor  # type: ignore[attr-defined]
    scenario.save()


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
