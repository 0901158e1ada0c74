"""Background jobs of allocation. Jobs are idempotent: a plan that is no longer solving is left
alone, so a retried or duplicated job does nothing.

A job body calls its service through a function-level import, the one such import the app has:
the services queue these jobs, so importing them at the top would make a cycle."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from opensrm.allocation.models import AllocationPlan, ParetoStatus, ScenarioStatus
from opensrm.core.errors import DomainError
from opensrm.core.services import record_save
from opensrm.people.models import User

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
        record_save(scenario, actor=actor, fields=list(fields))


@db_task()
def plan_solve_job(scenario_id: int, actor_id: int | None = None) -> str:
    """Solve a plan queued by ``services.plan_solve_request``; progress goes onto the plan's row."""
    from opensrm.allocation.services import plan_solve

    scenario = AllocationPlan.objects.filter(pk=scenario_id, status=ScenarioStatus.SOLVING).first()
    if scenario is None:
        return "skipped"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else scenario.created_by
    try:
        if actor is None:
            raise DomainError(_("The person who asked for this plan no longer exists."))
        scenario = plan_solve(scenario=scenario, actor=actor)
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
def tradeoff_job(scenario_id: int, actor_id: int | None = None) -> str:
    """Compute the balance-vs-moves front queued by ``services.tradeoff_request``; never leaves it
    computing."""
    from opensrm.allocation.services import tradeoff_compute

    scenario = AllocationPlan.objects.filter(pk=scenario_id, pareto_status=ParetoStatus.COMPUTING).first()
    if scenario is None:
        return "skipped"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else scenario.created_by
    try:
        if actor is None:
            raise DomainError(_("The person who asked for this plan no longer exists."))
        scenario = tradeoff_compute(scenario=scenario, actor=actor)
    except Exception:  # the trade-off must not stay "computing" forever
        log.exception("allocation trade-off for scenario %s failed", scenario_id)
        _failed(scenario_id, actor, pareto_status=ParetoStatus.FAILED)
        return "failed"
    return str(scenario.pareto_status)
