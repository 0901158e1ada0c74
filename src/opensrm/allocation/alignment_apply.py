"""Apply a solved territory alignment (accounts moved into their territories in one transaction)
and roll it back exactly.

Territories the plan proposes are reused when they exist (the redrawn sub-territories, or a
territory with the proposed code) and created under the scope territory (or at the top level)
otherwise. Every changed account gets a history row with the acting user and its ``version``
bumped; apply refuses, changing nothing, when an account it would move changed territory or city,
or was deleted, since the plan was solved. Rollback gives each account the territory it had just
before apply and moves the territories apply created to the recycle bin once they are empty.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict
from opensrm.core.services import check_write, record_delete
from opensrm.crm.models import Account, Territory
from opensrm.crm.services import territory_create
from opensrm.people.models import User
from opensrm.allocation.alignment_selectors import unit_key
from opensrm.allocation.models import AllocationPlan, ScenarioStatus, TerritoryUnitLine
from opensrm.allocation.plan_apply import _lock_scenario, _save, refuse_changed, set_with_history


def _check_planner(actor: User, scenario: AllocationPlan) -> None:
    from opensrm.allocation.services import check_planner

    check_planner(actor, scenario.scope_team)
    check_write(actor, Territory)  # an alignment redraws territories, which only sales ops and admins change


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


def territory_plan_apply(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Move every account of the plan into its proposed territory, all or nothing."""
    _check_planner(actor, scenario)
    with transaction.atomic():
        current = _lock_scenario(scenario, ScenarioStatus.SOLVED, _("Only a solved scenario can be applied."))
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
        _save(current, actor)
    return current


def territory_plan_rollback(*, scenario: AllocationPlan, actor: User) -> AllocationPlan:
    """Give every account back its territory from before apply; refuse if any changed since."""
    _check_planner(actor, scenario)
    with transaction.atomic():
        current = _lock_scenario(scenario, ScenarioStatus.APPLIED, _("Only an applied scenario can be rolled back."))
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
        _save(current, actor)
    return current
