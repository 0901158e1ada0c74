"""A planning job that fails marks its scenario failed as a write: version bumped, the history
row naming who asked — so a failed solve or trade-off is in the record's history like any other."""

from __future__ import annotations

from opensrm.allocation import services, tasks
from opensrm.allocation.models import AllocationPlan, ParetoStatus, ScenarioStatus


def _draft(alloc) -> AllocationPlan:
    return services.plan_create(
        actor=alloc.org.ops, data={"name": "Fails", "parameters": {"tolerance": None, "time_limit": 5}}
    )


def _newest(scenario: AllocationPlan):
    return scenario.history.order_by("-history_date", "-history_id").first()


def test_a_failed_solve_job_bumps_the_version_and_names_who_asked(alloc):
    scenario = _draft(alloc)
    services.plan_solve_request(scenario=scenario, actor=alloc.org.ops)  # not committed: not run
    scenario.refresh_from_db()
    before = scenario.version
    # asked for by a rep: the solve refuses them, so the job fails
    assert tasks.plan_solve_job.call_local(scenario.pk, alloc.org.rep_a.pk) == "failed"

    scenario.refresh_from_db()
    assert (scenario.status, scenario.result_status) == (ScenarioStatus.FAILED, "error")
    assert scenario.version == before + 1
    newest = _newest(scenario)
    assert newest.version == scenario.version
    assert newest.history_user_id == alloc.org.rep_a.pk


def test_a_failed_trade_off_job_bumps_the_version_and_names_who_asked(alloc):
    scenario = _draft(alloc)
    services.tradeoff_request(scenario=scenario, actor=alloc.org.ops)
    scenario.refresh_from_db()
    before = scenario.version
    assert tasks.tradeoff_job.call_local(scenario.pk, alloc.org.rep_a.pk) == "failed"

    scenario.refresh_from_db()
    assert scenario.pareto_status == ParetoStatus.FAILED
    assert scenario.version == before + 1
    assert _newest(scenario).history_user_id == alloc.org.rep_a.pk
