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

import numpy as np
from numpy.typing import NDArray

from ..common.geo import haversine_km
from ..common.outcome import BoundScope, Constraint, Status, Violation, ViolationCode
from ..common.result import relative_gap
from .balance import balance
from .candidates import add_pairs, build_candidates, restrict
from .infeasibility import diagnose_arrays
from .lagrange import ascend, certify, locate, make_pairs, make_rows, reduced_costs
from .problem import Arrays, AssignmentProblem, validate
from .result import PlanResult
from .search import improve, regrets, rep_groups, violation
from .submip import solve_sub

IntArray = NDArray[np.int64]
SMALL_ACCOUNTS = 3000
# Large-neighbourhood steps: 25 nearby reps, 300 of their accounts free, 1.25 s per sub-MIP.
# HiGHS rarely closes such a sub-MIP (tight balance bands) but finds its improvement early, so many
# short steps beat few long ones (docs/engines/allocation.md, "Product plan").
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
    """
    t0 = time.perf_counter()
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    arr = validate(problem)
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    reasons, unassignable = diagnose_arrays(arr)
    if reasons:
        return _failed(Status.INFEASIBLE, n, t0, reasons[0].message, tuple(reasons), unassignable)
    accounts = np.setdiff1d(np.arange(n), np.fromiter(unassignable, np.int64, len(unassignable)))
    accounts = accounts.astype(np.int64)
    cand = build_candidates(problem, arr, problem.candidates)
    cand = restrict(cand, np.isin(cand.account, accounts), n)
    # margin for the work after the last sub-MIP (certification, statistics) and HiGHS overruns
    deadline = t0 + 0.96 * time_limit
    diag: dict[str, float] = {"setup_seconds": time.perf_counter() - t0}
    pairs, rows = make_pairs(arr, cand, accounts), make_rows(arr, accounts)
    small = accounts.shape[0] <= SMALL_ACCOUNTS
    # shares of the time left after setup
    phase_end = time.perf_counter() + (0.15 if small else 0.25) * (deadline - time.perf_counter())
    u, lag, iters = ascend(pairs, rows, m, deadline=phase_end, max_iter=400 if small else 250)
    bound = -math.inf
    scope = BoundScope.CANDIDATE_RESTRICTED
    rnd = 0
    while full_bound:
        # certify at the current multipliers; the improving non-candidate pairs it finds become
        # columns, and the ascent goes on over the enlarged set (column generation)
        full, new_a, new_r, scanned = certify(problem, arr, cand, pairs, rows, u)
        diag["certify_scanned_accounts"] = float(scanned)
        if full > bound:
            bound, scope = full, BoundScope.FULL_ELIGIBLE
        if new_a.size:
            rnd += 1
            cand = add_pairs(problem, arr, cand, new_a, new_r)
            pairs = make_pairs(arr, cand, accounts)
        elif small or time.perf_counter() > phase_end:
            break
        if time.perf_counter() > phase_end + 0.1 * time_limit:
            break
        u, lag, more = ascend(
            pairs,
            rows,
            m,
            deadline=max(phase_end, time.perf_counter() + 0.02 * time_limit),
            max_iter=250,
            start=u,
            theta=0.5,
        )
        iters += more
    diag["column_generation_rounds"] = float(rnd)
    diag["bound_seconds"] = time.perf_counter() - t0
    if not full_bound:
        bound = lag
    diag.update(lagrangian_iterations=float(iters), candidate_lagrangian=lag, candidate_pairs=float(pairs.acc.size))
    complete = bool((pairs.counts == cand.n_eligible[accounts]).all())
    red = reduced_costs(pairs, u)
    _, choice = regrets(pairs, red)
    subs = 0
    if small:
        all_free = np.arange(accounts.shape[0], dtype=np.int64)
        sub = solve_sub(
            pairs,
            rows,
            m,
            choice,
            all_free,
            np.arange(pairs.acc.size, dtype=np.int64),
            time_limit=max(0.1, deadline - time.perf_counter()),
            seed=seed,
            gap=min(mip_gap, 1e-6),
        )
        subs, choice = 1, sub.choice
        viol, _ = violation(pairs, rows, m, choice)
        names: list[Violation] = list(sub.violated)
        if (complete or not full_bound) and math.isfinite(sub.bound):
            bound = max(bound, sub.bound)
            scope = BoundScope.FULL_ELIGIBLE if complete else scope
        if viol > 0 and sub.optimal:
            hard = solve_sub(
                pairs,
                rows,
                m,
                choice,
                all_free,
                np.arange(pairs.acc.size, dtype=np.int64),
                time_limit=max(0.1, deadline - time.perf_counter()),
                seed=seed,
                hard=True,
            )
            if hard.status == "Infeasible":
                return _infeasible(n, t0, complete, names, unassignable, diag, problem.candidates)
            if math.isfinite(hard.violation) and hard.violation == 0:
                choice, viol, names = hard.choice, 0.0, []
    else:
        # potential flows between reps take the Lagrangian choice close to feasible; the penalised
        # sub-MIPs below repair what is left
        # (one rep group: the sub-MIPs alone repair it, more cheaply)
        groups = rep_groups(arr.rlat, arr.rlon, group_size, seed)
        if len(groups) > 1:
            cand, pairs, choice, b_rounds = balance(problem, arr, cand, pairs, rows, choice, deadline=deadline)
            red = reduced_costs(pairs, u)
            diag.update(balance_rounds=float(b_rounds), balance_seconds=time.perf_counter() - t0)
        diag["rep_groups"] = float(len(groups))
        size, viol, names = free_per_group, math.inf, []
        balanced = len(groups) > 1
        for rnd in range(8):
            before = viol
            groups = rep_groups(arr.rlat, arr.rlon, group_size, seed + rnd)
            choice, viol, names, runs = improve(
                pairs,
                rows,
                m,
                choice,
                red,
                groups,
                deadline=deadline,
                seed=seed + rnd,
                free_per_group=size,
                repair=True,
            )
            subs += runs
            if viol <= 0 or time.perf_counter() > deadline:
                break
            if not balanced:
                # what the first sub-MIPs leave goes to potential flows and single moves (seconds,
                # where doubling sub-MIPs can take minutes); smaller sub-MIPs then repair the rest
                cand, pairs, choice, b_rounds = balance(problem, arr, cand, pairs, rows, choice, deadline=deadline)
                red, balanced = reduced_costs(pairs, u), True
                diag.update(balance_rounds=float(b_rounds), balance_seconds=time.perf_counter() - t0)
                viol, _ = violation(pairs, rows, m, choice)
                if viol <= 0:
                    break
                size = free_per_group
                continue
            if viol >= before - 1e-9:
                size *= 2
        diag["repair_seconds"] = time.perf_counter() - t0
        rnd = 0
        while viol <= 0 and time.perf_counter() < deadline - 0.02 * time_limit:
            objective = float(pairs.cost[choice].sum())
            if relative_gap(objective, bound) <= mip_gap:
                break
            rnd += 1
            if full_bound and rnd % 4 == 1 and deadline - time.perf_counter() > 0.25 * time_limit:
                # tighten the bound with the incumbent as the Polyak target, then re-certify
                u, lag, more = ascend(
                    pairs,
                    rows,
                    m,
                    deadline=min(time.perf_counter() + 0.05 * time_limit, deadline - 0.02 * time_limit),
                    max_iter=2000,
                    start=u,
                    upper=objective,
                    theta=0.5,
                )
                iters += more
                full, new_a, new_r, _ = certify(problem, arr, cand, pairs, rows, u)
                bound = max(bound, full)
                if new_a.size:
                    keep = (pairs.acc[choice], pairs.rep[choice])
                    cand = add_pairs(problem, arr, cand, new_a, new_r)
                    pairs = make_pairs(arr, cand, accounts)
                    choice = locate(pairs, keep[0], keep[1], m)
                red = reduced_costs(pairs, u)
                if relative_gap(objective, bound) <= mip_gap:
                    break
            # many small regional neighbourhoods (a few dozen reps, LNS_FREE accounts each)
            groups = rep_groups(arr.rlat, arr.rlon, LNS_GROUP, seed + 100 + rnd)
            choice, _, _, runs = improve(
                pairs,
                rows,
                m,
                choice,
                red,
                groups,
                deadline=deadline - 0.02 * time_limit,
                seed=seed + 100 + rnd,
                free_per_group=LNS_FREE,
                mip_seconds=LNS_SECONDS,
                repair=False,
                stop_objective=bound * (1 + mip_gap) if math.isfinite(bound) else -math.inf,
            )
            subs += runs
        diag["improvement_passes"] = float(rnd)
        diag["lagrangian_iterations"] = float(iters)
    diag["sub_mips"] = float(subs)
    if viol > 0:
        moves_used = float(pairs.moved[choice].sum())
        msg = failure_message([v.message for v in names], moves_used, rows.moves)
        hint = moves_cap_used_up(moves_used, rows.moves)
        return _failed(
            Status.TIME_LIMIT,
            n,
            t0,
            msg,
            (*names, *([hint] if hint is not None else [])),
            unassignable,
            bound=bound,
            diagnostics=diag,
            bound_scope=scope,
        )
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[pairs.acc[choice]] = pairs.rep[choice]
    objective = float(pairs.cost[choice].sum())
    return _result(arr, assignment, objective, min(bound, objective), t0, diag, unassignable, scope, subs)


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
