"""Engine results → the user's language (the presentation layer of allocation).

The allocation engine is a pure package and speaks English. Its codes (statuses, bound scopes,
violations) and the plan's stored outcome (:class:`~opensrm.allocation.models.OutcomeCode` and its
parameters) are mapped here to gettext strings at display time, so a plan solved by a job in one
language reads right in another. No engine text is read here: the raw message is kept and shown
only as a detail.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from opensrm.allocation.engine import BoundScope, RoutingMethod, Status, ViolationCode
from opensrm.allocation.models import OutcomeCode


def status_label(code: str) -> str:
    """A solve's status (the engine's :class:`Status` code, or "error") in the user's language."""
    labels: dict[str, str] = {
        Status.OPTIMAL: _("Optimal"),
        Status.FEASIBLE: _("Feasible"),
        Status.INFEASIBLE: _("Infeasible"),
        Status.TIME_LIMIT: _("Time limit reached"),
        Status.VIOLATED: _("Constraints not met"),
        "error": _("Error"),
    }
    return labels.get(code, code)


def bound_scope_label(scope: str) -> str:
    """The problem a bound is certified for (the engine's :class:`BoundScope` code)."""
    labels: dict[str, str] = {
        BoundScope.FULL_PROBLEM: _("full problem (all eligible reps)"),
        BoundScope.FULL_ELIGIBLE: _("full problem (all eligible reps)"),
        BoundScope.CANDIDATE_RESTRICTED: _("candidate-restricted problem"),
    }
    return labels.get(scope, scope)


def alignment_bound_note(scope: str | None) -> str:
    """What a territory alignment's bound is a bound of (its :class:`BoundScope` code)."""
    if not scope:
        return ""
    if scope == BoundScope.BALANCED_LP_RELAXATION:
        return _("Bound: the LP relaxation of the balanced problem (contiguity and locks left out).")
    return _(
        "Bound: the same problem without balance, contiguity and locks, so the gap can look large when balance binds."
    )


def outcome_summary(outcome: dict[str, Any] | None) -> str:
    """A translated one-line reading of how a solve ended (the plan's stored ``outcome``: an
    :class:`OutcomeCode` and its parameters); "" when there is none or nothing to add to the page."""
    if not outcome:
        return ""
    code, params = outcome.get("code"), outcome.get("params") or {}
    render = _SUMMARIES.get(str(code))
    return render(params) if render else ""


def _certified(params: dict[str, Any]) -> str:
    return _("%(status)s; the bound is certified for the %(scope)s.") % {
        "status": status_label(str(params.get("status", ""))),
        "scope": bound_scope_label(str(params.get("bound_scope", ""))),
    }


def _exact_model(params: dict[str, Any]) -> str:
    del params
    return _("Plan found by the exact model (the engine's quick search had run out of time).")


def _time_limit(params: dict[str, Any]) -> str:
    summary = _("No feasible plan was found within the time limit.")
    if params.get("moves_cap") is not None:
        summary += " " + _(
            "The best plan found uses up the cap of %(cap)s moves: a higher cap or a wider balance band may "
            "allow a plan."
        ) % {"cap": number_format(params["moves_cap"], 0, force_grouping=True)}
    return summary


def _no_plan(params: dict[str, Any]) -> str:
    del params
    return _("No plan satisfies every constraint.")


def _no_plan_among_candidates(params: dict[str, Any]) -> str:
    return _(
        "No plan was found among the %(k)s cheapest eligible reps per account; the full problem may still have one."
    ) % {"k": params.get("candidates")}


def _aligned(params: dict[str, Any]) -> str:
    summary = (
        _("Every territory is within the balance tolerance (and contiguous when asked); best of %(n)s starts.")
        if params.get("constraints_met")
        else _("The best plan found misses the balance tolerance or contiguity; best of %(n)s starts.")
    ) % {"n": params.get("starts")}
    if skipped := params.get("skipped_accounts"):
        summary += " " + _("%(n)s accounts without a location were left out.") % {"n": skipped}
    return summary


def _routed(params: dict[str, Any]) -> str:
    if params.get("method") == RoutingMethod.ROUND_ROBIN:
        return _("Round-robin baseline.")
    if params.get("expected_value") is None or params.get("round_robin_value") is None:
        return ""
    return _("Expected value %(plan).0f against %(rr).0f for round-robin.") % {
        "plan": params["expected_value"],
        "rr": params["round_robin_value"],
    }


# A code without an entry (``diagnosed``: the diagnosis says it; ``empty``) adds no summary.
_SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    OutcomeCode.CERTIFIED: _certified,
    OutcomeCode.EXACT_MODEL: _exact_model,
    OutcomeCode.TIME_LIMIT: _time_limit,
    OutcomeCode.NO_PLAN: _no_plan,
    OutcomeCode.NO_PLAN_AMONG_CANDIDATES: _no_plan_among_candidates,
    OutcomeCode.ALIGNED: _aligned,
    OutcomeCode.ROUTED: _routed,
}


def unassigned_reason(violation: dict[str, Any] | None) -> str:
    """Why the plan leaves an account without a rep, from the engine's violation for it."""
    found = violation or {}
    if found.get("code") == ViolationCode.ACCOUNT_NO_SKILLED_REP:
        return _("No rep in scope may take this account (industry, language or product line).")
    if found.get("code") == ViolationCode.ACCOUNT_OVER_CAPACITY and found.get("amount") is not None:
        return _("This account needs %(hours)s hours a week, more than any rep in scope can take (%(capacity)s).") % {
            "hours": number_format(found["amount"], 1),
            "capacity": number_format(found.get("limit") or 0, 1),
        }
    return _("No eligible rep with room.")


def constraint_label(code: str) -> str:
    labels = {
        "capacity": _("The reps' capacity is too small for the workload they must take."),
        "max_accounts": _("The reps may not hold that many accounts."),
        "balance": _("Potential cannot be balanced within the tolerance."),
        "moves": _("The cap on moves is too tight."),
        "skills": _("Some accounts need skills no rep in scope has."),
        "skills_capacity": _("Accounts that only some reps may take exceed those reps' capacity."),
        "reps": _("There are no reps in scope."),
        "combined": _("Capacity, skills and locks cannot be met together."),
    }
    return labels.get(code, labels["combined"])


def infeasibility_display(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The stored diagnosis with a translated headline; engine lines stay as details."""
    if not data:
        return None
    return {
        **data,
        "headline": constraint_label(str(data.get("constraint", "combined"))),
        "hints": relaxation_hints(data.get("relax") or {}),
    }


def relaxation_hints(relax: dict[str, Any]) -> list[str]:
    """What to relax and by how much, from the computed relaxation (see engine.with_relaxation)."""
    hints: list[str] = []
    asked_tol, asked_cap = relax.get("asked_tolerance"), relax.get("asked_max_moves")
    band = relax.get("tolerance")
    if band is not None:
        # Whole per cent, rounded up: the plan found lies within the rounded band.
        percent = math.ceil(round(band * 100, 6))
        if asked_tol is None or percent > asked_tol * 100 + 1e-9:
            text = (
                _("Widen the balance band to ±%(pct)s %% (a plan exists there with the same cap on moves).")
                if asked_cap is not None
                else _("Widen the balance band to ±%(pct)s %% (a plan exists there).")
            )
            hints.append(text % {"pct": percent})
        else:
            hints.append(_("A plan exists with these settings but was not found in time: allow more seconds."))
    if forced := relax.get("forced_moves"):
        hints.append(
            _(
                "Allow at least %(n)s moves, or let owners keep accounts outside their specialisation: %(n)s "
                "accounts are held by reps who may no longer take them."
            )
            % {"n": number_format(forced, force_grouping=True)}
        )
    cap = relax.get("max_moves")
    if cap is not None and asked_cap is not None and cap > asked_cap:
        text = (
            _("Allow at least %(n)s moves (fewer cannot keep the balance band).")
            if relax.get("max_moves_exact")
            else _("Allow %(n)s moves (a plan exists there with the same balance band).")
        )
        hints.append(text % {"n": number_format(cap, force_grouping=True)})
    return hints
