"""The typed seam of every allocation result: status, bound scope and structured violations.

Each enum is a ``StrEnum`` whose values are the strings the engine has always written, so
``result.status == "feasible"`` and a stored ``bound_scope`` keep working. A :class:`Violation`
carries a stable :class:`ViolationCode` and every number a caller needs to explain it (the rep,
account or territory at fault, the amount and the limit it breaks), so callers never parse the
English ``message`` (kept for logs and the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"  # proved optimal (objective meets the bound)
    FEASIBLE = "feasible"  # every constraint met; gap to the bound reported
    INFEASIBLE = "infeasible"  # proved that no solution exists (``violations`` say why)
    TIME_LIMIT = "time_limit"  # no feasible solution found in time (``violations``: the best one's)
    VIOLATED = "violated"  # territories: the best plan found misses balance or contiguity


class BoundScope(StrEnum):
    """The problem ``bound`` is certified for."""

    FULL_PROBLEM = "full problem"
    FULL_ELIGIBLE = "full problem (all eligible reps)"
    CANDIDATE_RESTRICTED = "candidate-restricted problem"
    PMEDIAN_RELAXATION = "p-median relaxation (balance, contiguity, locks and pins dropped)"
    BALANCED_LP_RELAXATION = "balanced p-median LP relaxation (contiguity and locks dropped)"


class Constraint(StrEnum):
    """The constraint family a violation belongs to."""

    CAPACITY = "capacity"
    MAX_ACCOUNTS = "max_accounts"
    BALANCE = "balance"
    MOVES = "moves"
    SKILLS = "skills"
    SKILLS_CAPACITY = "skills_capacity"  # accounts only some reps may take exceed those reps' capacity
    CONTIGUITY = "contiguity"
    COMBINED = "combined"  # no single family: capacity, skills, locks, balance and moves together


class ViolationCode(StrEnum):
    """One code per kind of message the engine writes; the fields each fills are listed."""

    # accounts no rep can take (not blocking: the plan leaves them out), ``account``
    ACCOUNT_NO_SKILLED_REP = "account_no_skilled_rep"
    ACCOUNT_OVER_CAPACITY = "account_over_capacity"  # amount: its workload, limit: the largest capacity
    # proofs of infeasibility found before solving
    REP_FORCED_WORKLOAD = "rep_forced_workload"  # rep, amount: forced hours, limit: its capacity
    REP_FORCED_ACCOUNTS = "rep_forced_accounts"  # rep, amount: forced accounts, limit: its max accounts
    TOTAL_WORKLOAD = "total_workload"  # amount: total hours, limit: total capacity
    TOTAL_ACCOUNTS = "total_accounts"  # amount: accounts, limit: total max accounts
    REP_FORCED_POTENTIAL = "rep_forced_potential"  # rep, amount: forced potential, limit: band's upper end
    ACCOUNT_POTENTIAL_ABOVE_BAND = "account_potential_above_band"  # account, amount: potential, limit: upper end
    TOTAL_POTENTIAL_BELOW_BAND = "total_potential_below_band"  # amount: total potential, limit: reps × lower end
    FORCED_MOVES = "forced_moves"  # amount: accounts that must move, limit: the moves cap
    SKILL_GROUP_CAPACITY = "skill_group_capacity"  # reps, accounts: the group, amount: hours, limit: capacity
    # rows the best plan found still breaks (``constraint`` says which row; rep None: the plan's row)
    ROW_OVER = "row_over"  # rep, amount: excess
    ROW_UNDER = "row_under"  # rep, amount: shortfall
    MOVES_CAP_USED_UP = "moves_cap_used_up"  # amount: moves used, limit: the cap
    # proofs from the solver
    NO_PLAN = "no_plan"  # no plan satisfies every constraint (full problem)
    NO_PLAN_AMONG_CANDIDATES = "no_plan_among_candidates"  # limit: candidates per account
    COUPLING = "coupling"  # capacity, balance and moves cannot all hold (no row singled out)
    SOLVER_INFEASIBLE = "solver_infeasible"  # HiGHS proved the model infeasible
    # the exact model, relaxing one family at a time
    BALANCE_BAND_TOO_TIGHT = "balance_band_too_tight"  # a plan exists without the band
    MOVES_CAP_TOO_TIGHT = "moves_cap_too_tight"  # a plan exists without the cap (limit: the cap)
    CAPACITY_SKILLS_LOCKS = "capacity_skills_locks"  # not even without band and cap
    # generalised assignment
    JOB_OVER_CAPACITY = "job_over_capacity"  # account: the job, amount: its least weight, limit: largest capacity
    # territories
    TERRITORY_UNBALANCED = "territory_unbalanced"  # territory, attribute, amount: value / mean, limit: tolerance
    TERRITORY_NOT_CONTIGUOUS = "territory_not_contiguous"  # territory, amount: its connected pieces


NOT_BLOCKING = frozenset({ViolationCode.ACCOUNT_NO_SKILLED_REP, ViolationCode.ACCOUNT_OVER_CAPACITY})


@dataclass(frozen=True)
class Violation:
    """One reason a problem has no solution, or one row the best solution found still breaks.

    ``rep``, ``account``, ``territory`` and ``attribute`` are 0-based indices into the problem's
    arrays (None when the reason is about a total); ``reps`` and ``accounts`` list a group at
    fault (a skill group and its reps). ``amount`` is the offending quantity and
    ``limit`` the bound it breaks, in the units of ``constraint`` (hours, accounts, potential,
    moves). ``message`` is the English line the engine logs for it.
    """

    code: ViolationCode
    constraint: Constraint
    rep: int | None = None
    account: int | None = None
    amount: float | None = None
    limit: float | None = None
    territory: int | None = None
    attribute: int | None = None
    message: str = ""
    reps: tuple[int, ...] = ()
    accounts: tuple[int, ...] = ()

    @property
    def blocking(self) -> bool:
        """False for an account no rep can take: it is left out, the rest is still planned."""
        return self.code not in NOT_BLOCKING


__all__ = ["NOT_BLOCKING", "BoundScope", "Constraint", "Status", "Violation", "ViolationCode"]
