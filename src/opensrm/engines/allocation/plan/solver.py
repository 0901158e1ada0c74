"""solve(): the product rep ↔ account assignment with balance, capacity, skills and continuity.

validate → explain obvious infeasibility → candidate pairs (each account's k cheapest eligible reps
among its nearest, found with a k-d tree, plus its owner; never a dense accounts × reps matrix) →
Lagrangian ascent on the coupling rows (capacity, max accounts, balance band, moves cap) →
certification of the bound for the FULL problem, adding the pairs it finds as columns (column
generation) → the Lagrangian choice repaired: potential flows between reps and single moves
(``product_balance``, ``product_fix``) when there are several rep groups or the sub-MIPs stall,
penalised sub-MIPs over the least-certain accounts otherwise → large-neighbourhood sub-MIPs over small
regional groups of reps until the gap target or the time limit. Small instances (all accounts fit one
sub-MIP) are solved as one HiGHS MIP.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..common.geo import haversine_km
from ..common.outcome import BoundScope, Constraint, Status, Violation, ViolationCode
from ..common.result import relative_gap
from .balance import balance
from .candidates import Candidates, add_pairs, build_candidates, restrict
from .infeasibility import diagnose_arrays
from .lagrange import Multipliers, Pairs, Rows, ascend, certify, locate, make_pairs, make_rows, reduced_costs
from .problem import Arrays, AssignmentProblem, validate
from .result import PlanResult
from .search import improve, regrets, rep_groups, violation
from .submip import solve_sub

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
SMALL_ACCOUNTS = 3000
# Large-neighbourhood steps: 25 nearby reps, 300 of their accounts free, 1.25 s per sub-MIP.
# HiGHS rarely closes such a sub-MIP (tight balance bands) but finds its improvement early, so many
# short steps beat few long ones (docs/engines/allocation/design.md, "Rep ↔ account plan").
LNS_GROUP, LNS_FREE, LNS_SECONDS = 25, 300, 1.25


def moves_cap_used_up(moves_used: float, moves_cap: float) -> Violation | None:
    """The hint of a plan search that ran out of time when its least-violating plan has used up the
    moves cap (balancing then needs more moves than allowed, a common reason why no plan exists)."""
    if not (math.isfinite(moves_cap) and moves_used >= moves_cap - 0.5):
        return None
    return Violation(
        ViolationCode.MOVES_CAP_USED_UP,
        Constraint.MOVES,
        amount=float(moves_used),
        limit=float(moves_cap),
        message=f"the moves cap ({moves_cap:,.0f}) is used up: a higher cap or a wider balance band may allow a plan",
    )


def failure_message(violated: list[str], moves_used: float, moves_cap: float) -> str:
    """The message of a plan search that ran out of time: the rows its least-violating plan still
    breaks, and a hint when that plan has used up the moves cap (balancing then needs more moves
    than allowed, a common reason why no plan exists)."""
    msg = "no feasible plan found within the time limit; still violated: " + "; ".join(violated[:10])
    if (hint := moves_cap_used_up(moves_used, moves_cap)) is not None:
        msg += "; " + hint.message
    return msg


def _failed(
    status: Status,
    n: int,
    t0: float,
    msg: str,
    reasons: tuple[Violation, ...],
    unassignable: dict[int, Violation],
    **kw: object,
) -> PlanResult:
    return PlanResult(
        status,
        np.full(n, -1, dtype=np.int64),
        math.inf,
        kw.pop("bound", math.inf),  # type: ignore[arg-type]
        math.inf,
        time.perf_counter() - t0,
        0,
        msg,
        infeasibility=tuple(r.message for r in reasons) if status == Status.INFEASIBLE else (),
        unassignable={a: why.message for a, why in unassignable.items()},
        violations=reasons,
        unassignable_reasons=tuple(unassignable.values()),
        **kw,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Budget:
    """The clock of one solve: ``deadline`` keeps a margin (4 % of the limit) for the work after
    the last sub-MIP (certification, statistics) and HiGHS overruns; phases take shares of it."""

    t0: float
    limit: float
    deadline: float

    @classmethod
    def start(cls, t0: float, time_limit: float) -> Budget:
        return cls(t0, time_limit, t0 + 0.96 * time_limit)

    def share_end(self, share: float) -> float:
        """The end of a phase that takes ``share`` of the time left."""
        return time.perf_counter() + share * (self.deadline - time.perf_counter())

    def fraction(self, share: float) -> float:
        """``share`` of the whole limit, in seconds."""
        return share * self.limit

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def since_start(self) -> float:
        return time.perf_counter() - self.t0


@dataclass
class Search:
    """What the phases of one solve hand on: the candidate pairs and rows, the multipliers, the
    bound and the plan (``choice``: a pair per modelled account) with what it still violates."""

    accounts: IntArray
    cand: Candidates
    pairs: Pairs
    rows: Rows
    diag: dict[str, float]
    u: Multipliers | None = None
    lag: float = -math.inf
    iters: int = 0
    bound: float = -math.inf
    scope: BoundScope = BoundScope.CANDIDATE_RESTRICTED
    choice: IntArray | None = None
    red: FloatArray | None = None
    viol: float = math.inf
    names: list[Violation] = field(default_factory=list)
    subs: int = 0


def solve(
    problem: AssignmentProblem,
    *,
    time_limit: float = 120.0,
    seed: int = 0,
    mip_gap: float = 0.005,
    full_bound: bool = True,
    group_size: int = 250,
    free_per_group: int = 8000,
) -> PlanResult:
    """Solve the assignment plan; never raises on infeasible data (status "infeasible" explains).

    ``full_bound`` certifies the bound for the full problem (every eligible rep), scanning only the
    accounts for which a non-candidate rep could be cheaper; when False it is certified for the
    candidate-restricted problem. ``mip_gap`` stops the improvement once reached.

    Phases (docs/engines/allocation/design.md): set up → bound → (small) one MIP, or (large)
    repair then improve → result.
    """
    t0 = time.perf_counter()
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    arr = validate(problem)
    n = arr.workload.shape[0]
    reasons, unassignable = diagnose_arrays(arr)
    if reasons:
        return _failed(Status.INFEASIBLE, n, t0, reasons[0].message, tuple(reasons), unassignable)
    st = _set_up(problem, arr, unassignable, t0)
    budget = Budget.start(t0, time_limit)
    small = st.accounts.shape[0] <= SMALL_ACCOUNTS
    _bound(problem, arr, st, budget, small=small, full_bound=full_bound)
    complete = bool((st.pairs.counts == st.cand.n_eligible[st.accounts]).all())
    assert st.u is not None
    st.red = reduced_costs(st.pairs, st.u)
    _, st.choice = regrets(st.pairs, st.red)
    if small:
        failed = _solve_whole(arr, st, budget, seed=seed, mip_gap=mip_gap, full_bound=full_bound, complete=complete)
        if failed:
            return _infeasible(n, t0, complete, st.names, unassignable, st.diag, problem.candidates)
    else:
        _repair(problem, arr, st, budget, seed=seed, group_size=group_size, free_per_group=free_per_group)
        _improve(problem, arr, st, budget, seed=seed, mip_gap=mip_gap, full_bound=full_bound)
    st.diag["sub_mips"] = float(st.subs)
    return _finish(arr, st, t0, unassignable)


def _set_up(problem: AssignmentProblem, arr: Arrays, unassignable: dict[int, Violation], t0: float) -> Search:
    """The accounts to plan (every one but the unassignable), their candidate pairs and the rows."""
    n = arr.workload.shape[0]
    accounts = np.setdiff1d(np.arange(n), np.fromiter(unassignable, np.int64, len(unassignable)))
    accounts = accounts.astype(np.int64)
    cand = build_candidates(problem, arr, problem.candidates)
    cand = restrict(cand, np.isin(cand.account, accounts), n)
    diag: dict[str, float] = {"setup_seconds": time.perf_counter() - t0}
    return Search(accounts, cand, make_pairs(arr, cand, accounts), make_rows(arr, accounts), diag)


def _bound(
    problem: AssignmentProblem, arr: Arrays, st: Search, budget: Budget, *, small: bool, full_bound: bool
) -> None:
    """Lagrangian ascent on the coupling rows, then (``full_bound``) certification for the full
    problem with the improving non-candidate pairs added as columns (column generation)."""
    m = arr.capacity.shape[0]
    # shares of the time left after setup
    phase_end = budget.share_end(0.15 if small else 0.25)
    st.u, st.lag, st.iters = ascend(st.pairs, st.rows, m, deadline=phase_end, max_iter=400 if small else 250)
    rnd = 0
    while full_bound:
        # certify at the current multipliers; the improving non-candidate pairs it finds become
        # columns, and the ascent goes on over the enlarged set (column generation)
        full, new_a, new_r, scanned = certify(problem, arr, st.cand, st.pairs, st.rows, st.u)
        st.diag["certify_scanned_accounts"] = float(scanned)
        if full > st.bound:
            st.bound, st.scope = full, BoundScope.FULL_ELIGIBLE
        if new_a.size:
            rnd += 1
            st.cand = add_pairs(problem, arr, st.cand, new_a, new_r)
            st.pairs = make_pairs(arr, st.cand, st.accounts)
        elif small or time.perf_counter() > phase_end:
            break
        if time.perf_counter() > phase_end + budget.fraction(0.1):
            break
        st.u, st.lag, more = ascend(
            st.pairs,
            st.rows,
            m,
            deadline=max(phase_end, time.perf_counter() + budget.fraction(0.02)),
            max_iter=250,
            start=st.u,
            theta=0.5,
        )
        st.iters += more
    st.diag["column_generation_rounds"] = float(rnd)
    st.diag["bound_seconds"] = budget.since_start()
    if not full_bound:
        st.bound = st.lag
    st.diag.update(
        lagrangian_iterations=float(st.iters), candidate_lagrangian=st.lag, candidate_pairs=float(st.pairs.acc.size)
    )


def _solve_whole(
    arr: Arrays, st: Search, budget: Budget, *, seed: int, mip_gap: float, full_bound: bool, complete: bool
) -> bool:
    """Small instances: every account in one MIP (penalised slack), and when its optimum still
    violates a row, the same MIP without slack to prove infeasibility. True when proved."""
    m = arr.capacity.shape[0]
    assert st.choice is not None
    all_free = np.arange(st.accounts.shape[0], dtype=np.int64)
    every_pair = np.arange(st.pairs.acc.size, dtype=np.int64)
    sub = solve_sub(
        st.pairs,
        st.rows,
        m,
        st.choice,
        all_free,
        every_pair,
        time_limit=max(0.1, budget.left()),
        seed=seed,
        gap=min(mip_gap, 1e-6),
    )
    st.subs, st.choice = 1, sub.choice
    st.viol, _ = violation(st.pairs, st.rows, m, st.choice)
    st.names = list(sub.violated)
    if (complete or not full_bound) and math.isfinite(sub.bound):
        st.bound = max(st.bound, sub.bound)
        st.scope = BoundScope.FULL_ELIGIBLE if complete else st.scope
    if st.viol > 0 and sub.optimal:
        hard = solve_sub(
            st.pairs,
            st.rows,
            m,
            st.choice,
            all_free,
            every_pair,
            time_limit=max(0.1, budget.left()),
            seed=seed,
            hard=True,
        )
        if hard.status == "Infeasible":
            return True
        if math.isfinite(hard.violation) and hard.violation == 0:
            st.choice, st.viol, st.names = hard.choice, 0.0, []
    return False


def _repair(
    problem: AssignmentProblem,
    arr: Arrays,
    st: Search,
    budget: Budget,
    *,
    seed: int,
    group_size: int,
    free_per_group: int,
) -> None:
    """Large instances: potential flows between reps take the Lagrangian choice close to feasible
    (one rep group: the sub-MIPs alone repair it, more cheaply); penalised sub-MIPs over regional
    rep groups repair what is left, freeing more accounts when a round does not help."""
    m = arr.capacity.shape[0]
    assert st.u is not None
    assert st.choice is not None
    assert st.red is not None
    groups = rep_groups(arr.rlat, arr.rlon, group_size, seed)
    if len(groups) > 1:
        st.cand, st.pairs, st.choice, b_rounds = balance(
            problem, arr, st.cand, st.pairs, st.rows, st.choice, deadline=budget.deadline
        )
        st.red = reduced_costs(st.pairs, st.u)
        st.diag.update(balance_rounds=float(b_rounds), balance_seconds=budget.since_start())
    st.diag["rep_groups"] = float(len(groups))
    size, st.viol, st.names = free_per_group, math.inf, []
    balanced = len(groups) > 1
    for rnd in range(8):
        before = st.viol
        groups = rep_groups(arr.rlat, arr.rlon, group_size, seed + rnd)
        st.choice, st.viol, st.names, runs = improve(
            st.pairs,
            st.rows,
            m,
            st.choice,
            st.red,
            groups,
            deadline=budget.deadline,
            seed=seed + rnd,
            free_per_group=size,
            repair=True,
        )
        st.subs += runs
        if st.viol <= 0 or time.perf_counter() > budget.deadline:
            break
        if not balanced:
            # what the first sub-MIPs leave goes to potential flows and single moves (seconds,
            # where doubling sub-MIPs can take minutes); smaller sub-MIPs then repair the rest
            st.cand, st.pairs, st.choice, b_rounds = balance(
                problem, arr, st.cand, st.pairs, st.rows, st.choice, deadline=budget.deadline
            )
            st.red, balanced = reduced_costs(st.pairs, st.u), True
            st.diag.update(balance_rounds=float(b_rounds), balance_seconds=budget.since_start())
            st.viol, _ = violation(st.pairs, st.rows, m, st.choice)
            if st.viol <= 0:
                break
            size = free_per_group
            continue
        if st.viol >= before - 1e-9:
            size *= 2
    st.diag["repair_seconds"] = budget.since_start()


def _improve(
    problem: AssignmentProblem,
    arr: Arrays,
    st: Search,
    budget: Budget,
    *,
    seed: int,
    mip_gap: float,
    full_bound: bool,
) -> None:
    """Large instances, once feasible: many small regional neighbourhoods (LNS_GROUP reps,
    LNS_FREE accounts each) until the gap target or the time limit; every fourth pass first
    tightens the bound with the incumbent as the Polyak target and re-certifies it."""
    m = arr.capacity.shape[0]
    assert st.u is not None
    assert st.choice is not None
    assert st.red is not None
    rnd = 0
    while st.viol <= 0 and time.perf_counter() < budget.deadline - budget.fraction(0.02):
        objective = float(st.pairs.cost[st.choice].sum())
        if relative_gap(objective, st.bound) <= mip_gap:
            break
        rnd += 1
        if full_bound and rnd % 4 == 1 and budget.left() > budget.fraction(0.25):
            # tighten the bound with the incumbent as the Polyak target, then re-certify
            st.u, st.lag, more = ascend(
                st.pairs,
                st.rows,
                m,
                deadline=min(time.perf_counter() + budget.fraction(0.05), budget.deadline - budget.fraction(0.02)),
                max_iter=2000,
                start=st.u,
                upper=objective,
                theta=0.5,
            )
            st.iters += more
            full, new_a, new_r, _ = certify(problem, arr, st.cand, st.pairs, st.rows, st.u)
            st.bound = max(st.bound, full)
            if new_a.size:
                keep = (st.pairs.acc[st.choice], st.pairs.rep[st.choice])
                st.cand = add_pairs(problem, arr, st.cand, new_a, new_r)
                st.pairs = make_pairs(arr, st.cand, st.accounts)
                st.choice = locate(st.pairs, keep[0], keep[1], m)
            st.red = reduced_costs(st.pairs, st.u)
            if relative_gap(objective, st.bound) <= mip_gap:
                break
        # many small regional neighbourhoods (a few dozen reps, LNS_FREE accounts each)
        groups = rep_groups(arr.rlat, arr.rlon, LNS_GROUP, seed + 100 + rnd)
        st.choice, _, _, runs = improve(
            st.pairs,
            st.rows,
            m,
            st.choice,
            st.red,
            groups,
            deadline=budget.deadline - budget.fraction(0.02),
            seed=seed + 100 + rnd,
            free_per_group=LNS_FREE,
            mip_seconds=LNS_SECONDS,
            repair=False,
            stop_objective=st.bound * (1 + mip_gap) if math.isfinite(st.bound) else -math.inf,
        )
        st.subs += runs
    st.diag["improvement_passes"] = float(rnd)
    st.diag["lagrangian_iterations"] = float(st.iters)


def _finish(arr: Arrays, st: Search, t0: float, unassignable: dict[int, Violation]) -> PlanResult:
    """The plan with its statistics, or (rows still violated) the time-limit failure."""
    n = arr.workload.shape[0]
    assert st.choice is not None
    if st.viol > 0:
        moves_used = float(st.pairs.moved[st.choice].sum())
        msg = failure_message([v.message for v in st.names], moves_used, st.rows.moves)
        hint = moves_cap_used_up(moves_used, st.rows.moves)
        return _failed(
            Status.TIME_LIMIT,
            n,
            t0,
            msg,
            (*st.names, *([hint] if hint is not None else [])),
            unassignable,
            bound=st.bound,
            diagnostics=st.diag,
            bound_scope=st.scope,
        )
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[st.pairs.acc[st.choice]] = st.pairs.rep[st.choice]
    objective = float(st.pairs.cost[st.choice].sum())
    return _result(arr, assignment, objective, min(st.bound, objective), t0, st.diag, unassignable, st.scope, st.subs)


def _infeasible(
    n: int,
    t0: float,
    complete: bool,
    names: list[Violation],
    unassignable: dict[int, Violation],
    diag: dict[str, float],
    k: int,
) -> PlanResult:
    head = (
        Violation(ViolationCode.NO_PLAN, Constraint.COMBINED, message="infeasible: no plan satisfies every constraint")
        if complete
        else Violation(
            ViolationCode.NO_PLAN_AMONG_CANDIDATES,
            Constraint.COMBINED,
            limit=float(k),
            message=f"infeasible with the {k} cheapest eligible reps per account (raise `candidates`)",
        )
    )
    coupling = Violation(
        ViolationCode.COUPLING, Constraint.COMBINED, message="coupling: capacity, balance and moves cannot all hold"
    )
    detail = tuple(names) or (coupling,)
    return _failed(
        Status.INFEASIBLE,
        n,
        t0,
        f"{head.message}; least violation: {'; '.join(v.message for v in detail[:5])}",
        (*detail, head),  # "constraint: rep r ..." first, as callers read the first reason
        unassignable,
        diagnostics=diag,
    )


def _result(
    arr: Arrays,
    assignment: IntArray,
    objective: float,
    bound: float,
    t0: float,
    diag: dict[str, float],
    unassignable: dict[int, Violation],
    scope: BoundScope,
    subs: int,
) -> PlanResult:
    m = arr.capacity.shape[0]
    ok = assignment >= 0
    idx = np.flatnonzero(ok)
    rep = assignment[idx]
    dist = haversine_km(arr.alat[idx], arr.alon[idx], arr.rlat[rep], arr.rlon[rep])
    gap = relative_gap(objective, bound)
    status = Status.OPTIMAL if gap <= 1e-9 else Status.FEASIBLE
    return PlanResult(
        status=status,
        assignment=assignment,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=time.perf_counter() - t0,
        iterations=subs,
        message=f"{status}; bound certified for the {scope}",
        diagnostics=diag,
        rep_workload=np.bincount(rep, weights=arr.workload[idx], minlength=m).astype(np.float64),
        rep_potential=np.bincount(rep, weights=arr.potential[idx], minlength=m).astype(np.float64),
        rep_count=np.bincount(rep, minlength=m).astype(np.int64),
        rep_distance_km=np.bincount(rep, weights=dist, minlength=m).astype(np.float64),
        moves=int(((arr.owner >= 0) & ok & (assignment != arr.owner)).sum()),
        unassignable={a: why.message for a, why in unassignable.items()},
        unassignable_reasons=tuple(unassignable.values()),
        bound_scope=scope,
    )


__all__ = ["solve"]
