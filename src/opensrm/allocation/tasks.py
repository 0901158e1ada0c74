"""Background jobs of allocation. Jobs are idempotent: a scenario that is no longer solving is
left alone, so a retried or duplicated job does nothing."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from opensrm.core.errors import DomainError
from opensrm.people.models import User
from opensrm.allocation.models import AllocationPlan, ScenarioStatus

log = logging.getLogger(__name__)


def _failed(scenario_id: int, actor: User | None, **fields: object) -> None:
    """Mark a job's scenario failed as a write like any other: version bumped, the history row
    naming who asked (none when that person is gone)."""
    with transaction.atomic():
        scenario = AllocationPlan.objects.select_for_update().filter(pk=scenario_id).first()
        if scenario is None:
            return
        for name, value in fields.items():
            setattr(scenario, name, value)
        scenario.version += 1
        scenario._history_user = actor  # type: ignore[attr-defined]
        scenario.save(update_fields=[*fields, "version", "updated_at"])


@db_task()
def assignment_plan_solve_job(scenario_id: int, actor_id: int | None = None) -> str:
    """Solve a scenario queued by ``assignment_plan_request``; progress goes onto the scenario row."""
    from opensrm.allocation.services import assignment_plan_create

    scenario = AllocationPlan.objects.filter(pk=scenario_id, status=ScenarioStatus.SOLVING).first()
    if scenario is None:
        return "skipped"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else scenario.created_by
    try:
        if actor is None:
            raise DomainError(_("The person who asked for this plan no longer exists."))
        scenario = assignment_plan_create(scenario=scenario, actor=actor)
    except Exception as exc:  # the scenario must not stay "solving" forever
        log.exception("allocation scenario %s failed", scenario_id)
        message = exc.message if isinstance(exc, DomainError) else _("The solve failed: %(error)s") % {"error": exc}
        _failed(
            scenario_id,
            actor,
            status=ScenarioStatus.FAILED,
            result_status="error",
            message=str(message)[:2000],
            progress=100,
            progress_message=_("failed: the solve stopped with an error"),
        )
        return "failed"
    return str(scenario.status)


@db_task()
def pareto_job(scenario_id: int, actor_id: int | None = None) -> str:
    """Compute the balance-vs-moves front queued by ``pareto_request``; never leaves it computing."""
    from opensrm.allocation.tradeoff import ParetoStatus, pareto_compute

    scenario = AllocationPlan.objects.filter(pk=scenario_id, pareto_status=ParetoStatus.COMPUTING).first()
    if scenario is None:
        return "skipped"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else scenario.created_by
    try:
        if actor is None:
            raise DomainError(_("The person who asked for this plan no longer exists."))
        scenario = pareto_compute(scenario=scenario, actor=actor)
    except Exception:  # the trade-off must not stay "computing" forever
        log.exception("allocation trade-off for scenario %s failed", scenario_id)
        _failed(scenario_id, actor, pareto_status=ParetoStatus.FAILED)
        return "failed"
    return str(scenario.pareto_status)
