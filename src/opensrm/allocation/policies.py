"""Who may plan allocations, on top of :mod:`opensrm.core.visibility` (who sees a plan).

Sales operations and administrators plan anywhere; a manager plans only inside their own team
subtree; nobody else plans. Drafting, solving, computing the trade-off, applying and rolling back a
plan all take the planner's right over the plan's team scope; a territory alignment also redraws
territories, which only the people who may write territories change. Routing one lead by hand is
a planner's right over the planner's own team (a manager) or everywhere.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opensrm.allocation.models import AllocationPlan, ScenarioKind, ScenarioStatus
from opensrm.core.errors import Conflict, PermissionDenied
from opensrm.core.services import check_write
from opensrm.crm.models import Territory
from opensrm.people.models import Role, Team, User

__all__ = [
    "EDITABLE",
    "check_applier",
    "check_editable",
    "check_lead_router",
    "check_planner",
    "may_plan",
]

# A plan in these states may be changed or solved again (a solved or failed one goes back to draft).
EDITABLE = (ScenarioStatus.DRAFT, ScenarioStatus.SOLVED, ScenarioStatus.FAILED)


def check_planner(actor: User, scope_team: Team | None) -> None:
    """Sales ops and admins plan anywhere; a manager only inside their own team subtree."""
    if not getattr(actor, "is_authenticated", False) or actor.is_read_only:
        raise PermissionDenied(_("Only sales operations, administrators and managers may plan allocations."))
    if actor.is_superuser or actor.role in (Role.ADMIN, Role.SALES_OPS):
        return
    if (
        actor.role == Role.MANAGER
        and actor.team is not None
        and scope_team is not None
        and scope_team.path.startswith(actor.team.path)
    ):
        return
    if actor.role == Role.MANAGER:
        raise PermissionDenied(_("Managers may plan only for their own team or a team below it."))
    raise PermissionDenied(_("Only sales operations, administrators and managers may plan allocations."))


def may_plan(user: Any, team: Team | None) -> bool:
    """Whether the pages offer planning to ``user`` (for ``team``, or their own team when None)."""
    try:
        check_planner(user, team if team is not None else getattr(user, "team", None))
    except PermissionDenied:
        return False
    return True


def check_applier(actor: User, plan: AllocationPlan) -> None:
    """Applying or rolling back a plan: a planner of its scope; for a territory alignment also
    someone who may change territories."""
    check_planner(actor, plan.scope_team)
    if plan.kind == ScenarioKind.TERRITORY:
        check_write(actor, Territory)


def check_editable(plan: AllocationPlan) -> None:
    if plan.status not in EDITABLE:
        raise Conflict(_("An applied or solving scenario cannot be changed; copy it into a new draft."))


def check_lead_router(actor: User) -> None:
    """Routing one lead now: a planner over their own team (a manager) or over everyone."""
    check_planner(actor, actor.team if actor.role == Role.MANAGER else None)
