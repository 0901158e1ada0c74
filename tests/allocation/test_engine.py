"""The shell's use of the engine's explanations and diagnoses, and their translation."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.utils import translation

from opensrm.allocation import engine, presentation, services
from opensrm.allocation.models import AssignmentLine, ScenarioStatus
from opensrm.people.models import RepProfile


def solved(alloc, **params):
    scenario = services.plan_create(
        actor=alloc.org.ops, data={"name": "Plan", "parameters": {"tolerance": None, "time_limit": 20, **params}}
    )
    return services.plan_solve(scenario=scenario, actor=alloc.org.ops)


def test_explanations_come_from_the_engine_with_balance_and_runner_up(alloc):
    scenario = solved(alloc)

    lines = list(AssignmentLine.objects.filter(scenario=scenario))
    assert lines
    assert all(line.explanation.get("detail") for line in lines)
    assert all(line.explanation["skills_ok"] for line in lines)
    assert all(line.explanation["balance_share"] > 0 for line in lines)
    rep_ids = {u.pk for u in alloc.reps}
    with_runner_up = [line for line in lines if line.explanation["second_best"]]
    assert with_runner_up
    for line in with_runner_up:
        second = line.explanation["second_best"]
        assert second["rep_id"] in rep_ids
        assert second["rep_id"] != line.proposed_owner_id
        assert second["extra_cost"] is not None


def test_engine_diagnosis_names_the_rep_whose_locked_accounts_overflow(alloc):
    RepProfile.objects.update(weekly_capacity_hours=Decimal("0.5"))

    scenario = solved(alloc)

    assert scenario.status == ScenarioStatus.FAILED
    assert scenario.infeasibility["constraint"] == "capacity"
    assert scenario.infeasibility["details"]
    assert all(
        d.startswith(("capacity", "max accounts")) for d in scenario.infeasibility["details"]
    )
    assert not AssignmentLine.objects.filter(scenario=scenario).exists()


def test_engine_messages_are_translated_and_the_raw_text_is_only_a_detail(alloc):
    scenario = solved(alloc)
    client = Client()
    client.force_login(alloc.org.ops)

    with translation.override("zh-hans"):
        summary = presentation.outcome_summary(scenario.outcome)
    html = client.get(f"/allocation/{scenario.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert scenario.message.startswith(scenario.result_status)  # the engine's own English text
    assert scenario.outcome["code"] == "certified"
    assert scenario.outcome["params"]["status"] == scenario.result_status
    assert summary
    assert "bound certified" not in summary
    assert summary in html
    assert "<details" in html
    assert scenario.message in html


def test_known_engine_texts_map_to_translations():
    with translation.override("zh-hans"):
        assert presentation.status_label("time_limit") != "Time limit reached"
        assert presentation.bound_scope_label("candidate-restricted problem") != "candidate-restricted problem"
        assert presentation.outcome_summary({"code": "time_limit", "params": {}})
        assert presentation.outcome_summary({"code": "something the shell has never seen"}) == ""
        assert presentation.outcome_summary(None) == ""


def test_the_engine_s_violations_become_the_stored_diagnosis_by_code():
    from opensrm.engines.allocation import Constraint, Violation, ViolationCode

    forced = Violation(ViolationCode.REP_FORCED_ACCOUNTS, Constraint.MAX_ACCOUNTS, rep=2, amount=4.0, limit=3.0)
    skills = Violation(ViolationCode.ACCOUNT_NO_SKILLED_REP, Constraint.SKILLS, account=3)
    total = Violation(ViolationCode.TOTAL_WORKLOAD, Constraint.CAPACITY, amount=10.0, limit=5.0)
    group = Violation(ViolationCode.SKILL_GROUP_CAPACITY, Constraint.CAPACITY, account=1)

    assert engine._diagnosis([skills], 4) is None  # an account no rep can take does not block the plan
    found = engine._diagnosis([forced, skills, total], 4)
    assert found["constraint"] == "max_accounts"
    assert found["reps"] == [0, 1, 2, 3]
    assert found["accounts"] == []
    assert [v["code"] for v in found["violations"]] == ["rep_forced_accounts", "total_workload"]
    assert found["violations"][0] == {
        "code": "rep_forced_accounts", "constraint": "max_accounts", "rep": 2, "account": None, "amount": 4.0,
        "limit": 3.0,
    }
    assert engine._diagnosis([group], 4)["constraint"] == "skills_capacity"


def test_a_kept_owner_outside_their_specialisation_may_keep_the_account(alloc):
    from opensrm.allocation import selectors
    from opensrm.crm.models import Account

    retail = alloc.accounts[5]  # rep_b takes finance only; it holds this retail account today
    Account.objects.filter(pk=retail.pk).update(owner=alloc.org.rep_b)

    def gathered(**params):
        scenario = services.plan_create(actor=alloc.org.ops, data={"name": "P", "parameters": params})
        return selectors.assignment_problem_for(scenario=scenario, actor=alloc.org.ops)

    strict, kept = gathered(), gathered(keep_owner_eligible=True)
    i, j = strict.rep_ids.index(alloc.org.rep_b.pk), strict.account_ids.index(retail.pk)

    assert not strict.input.eligible[i, j]
    assert kept.input.eligible[i, j]
    assert kept.input.skill_fit[i, j] == selectors.KEPT_OWNER_FIT
    # Only the owner is let in: rep_b may still not take retail accounts it does not hold.
    other = strict.account_ids.index(alloc.accounts[6].pk)
    assert not kept.input.eligible[i, other]
    assert (kept.input.eligible.sum() - strict.input.eligible.sum()) == 1


def test_any_eligibility_reaches_the_engine_exactly():
    import numpy as np

    from opensrm.allocation.engine import _skill_bits

    rng = np.random.default_rng(0)
    eligible = rng.random((20, 400)) < 0.4  # far more than 62 distinct patterns
    accounts, reps = _skill_bits(eligible)

    assert ((accounts[None, :] & ~reps[:, None]) == 0).tolist() == eligible.tolist()
    assert _skill_bits(rng.random((70, 400)) < 0.4) is None  # too many reps: the fallback's case


def test_when_the_engine_finds_no_plan_in_time_a_small_problem_gets_the_exact_model(alloc, monkeypatch):
    import numpy as np

    real = engine._engine

    class NoPlanInTime:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def solve(problem, *, time_limit, seed):
            n = problem.n_accounts
            return real.AssignmentResult(
                "time_limit", np.full(n, -1, dtype=np.int64), float("inf"), 0.0, float("inf"), 0.1, 0,
                "no feasible plan found within the time limit; still violated: balance",
            )

    monkeypatch.setattr(engine, "_engine", NoPlanInTime())

    scenario = solved(alloc)

    assert scenario.status == ScenarioStatus.SOLVED
    assert scenario.message.startswith("exact model after: ")
    assert scenario.outcome == {
        "code": "exact_model",
        "params": {"status": scenario.result_status, "bound_scope": "full problem (all eligible reps)"},
    }
    assert scenario.bound <= scenario.objective + 1e-9
    assert all(line.explanation.get("detail") for line in scenario.lines.all())
    with translation.override("zh-hans"):
        assert presentation.outcome_summary(scenario.outcome) not in ("", scenario.message)


def test_a_used_up_moves_cap_is_named_in_the_failure_message_in_both_languages():
    from opensrm.engines.allocation import AssignmentResult, Constraint, Violation, ViolationCode
    from opensrm.engines.allocation.product import failure_message

    text = failure_message(["balance: rep 3 over by 7.0"], 12_500.0, 12_500.0)
    assert text.startswith("no feasible plan found within the time limit; still violated: balance: rep 3")
    assert "the moves cap (12,500) is used up" in text
    # moves left, or no cap at all: no hint
    assert "moves cap" not in failure_message(["balance: rep 3 over by 7.0"], 12_000.0, 12_500.0)
    assert "moves cap" not in failure_message(["capacity: rep 1 over by 2.0 h"], 0.0, float("inf"))

    def timed_out(*violations):
        return AssignmentResult("time_limit", [], float("inf"), 0.0, float("inf"), 1.0, 0, "x", violations=violations)

    row = Violation(ViolationCode.ROW_OVER, Constraint.BALANCE, rep=3, amount=7.0)
    cap = Violation(ViolationCode.MOVES_CAP_USED_UP, Constraint.MOVES, amount=12_500.0, limit=12_500.0)
    used_up = engine.plan_summary(timed_out(row, cap))
    assert used_up == {"code": "time_limit", "params": {"moves_used": 12_500, "moves_cap": 12_500}}
    with translation.override("en"):
        assert "cap of 12,500 moves" in presentation.outcome_summary(used_up)
    with translation.override("zh-hans"):
        summary = presentation.outcome_summary(used_up)
    assert "12,500" in summary
    assert "cap of" not in summary
    with translation.override("en"):
        # moves left: the summary has no hint
        assert presentation.outcome_summary(engine.plan_summary(timed_out(row))) == (
            "No feasible plan was found within the time limit."
        )


def test_an_account_no_rep_can_take_says_why_from_the_engine_s_code_in_the_reader_s_language():
    over = {"code": "account_over_capacity", "constraint": "capacity", "amount": 50.0, "limit": 40.0}
    skills = {"code": "account_no_skilled_rep", "constraint": "skills"}
    with translation.override("en"):
        assert presentation.unassigned_reason(over) == (
            "This account needs 50.0 hours a week, more than any rep in scope can take (40.0)."
        )
        assert presentation.unassigned_reason(skills).startswith("No rep in scope may take this account")
        assert presentation.unassigned_reason(None) == "No eligible rep with room."
    with translation.override("zh-hans"):
        assert presentation.unassigned_reason(over) == (
            "该客户每周需要 50.0 小时，超过范围内任何销售代表可承担的容量（40.0）。"
        )
