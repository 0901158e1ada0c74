"""Explain why an assignment problem cannot be solved: which constraint, which reps or accounts."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..common.outcome import Constraint, Violation, ViolationCode
from .problem import Arrays, AssignmentProblem, eligible_block, validate

IntArray = NDArray[np.int64]
C, V = Constraint, ViolationCode


def diagnose_arrays(arr: Arrays, chunk: int = 4000) -> tuple[list[Violation], dict[int, Violation]]:
    """Return (blocking reasons, unassignable account → reason). Empty reasons = no proof found.

    Checks: accounts with no eligible rep (reported, not blocking); locked accounts overfilling
    their owner (capacity, max accounts, balance upper bound); total capacity / max counts below
    the total need; a skill group whose accounts only reps of a small set can serve exceeding that
    set's capacity; potential that cannot reach the balance band's lower bound; moves forced above
    the cap.
    """
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    reasons: list[Violation] = []
    unassignable: dict[int, Violation] = {}
    only_rep = np.full(n, -1, dtype=np.int64)
    for s in range(0, n, chunk):
        idx = np.arange(s, min(s + chunk, n), dtype=np.int64)
        ok = eligible_block(arr, idx)
        count = ok.sum(axis=1)
        for a in idx[count == 0]:
            unassignable[int(a)] = Violation(
                V.ACCOUNT_NO_SKILLED_REP,
                C.SKILLS,
                account=int(a),
                message=f"account {a} has no eligible rep"
                if arr.elig is not None
                else f"account {a} requires skills {int(arr.askills[a]):#x} that no rep has",
            )
        single = count == 1
        only_rep[idx[single]] = np.argmax(ok[single], axis=1)
        for a in idx[(arr.workload[idx] > arr.capacity.max()) & (count > 0)]:
            unassignable[int(a)] = Violation(
                V.ACCOUNT_OVER_CAPACITY,
                C.CAPACITY,
                account=int(a),
                amount=float(arr.workload[a]),
                limit=float(arr.capacity.max()),
                message=f"account {a} needs {arr.workload[a]:.1f} h, more than any rep's capacity",
            )
    assignable = np.ones(n, dtype=bool)
    if unassignable:
        assignable[np.fromiter(unassignable, np.int64, len(unassignable))] = False
    forced = (only_rep >= 0) & assignable
    fw = np.bincount(only_rep[forced], weights=arr.workload[forced], minlength=m)
    fc = np.bincount(only_rep[forced], minlength=m)
    for r in np.nonzero(fw > arr.capacity + 1e-9)[0]:
        reasons.append(
            Violation(
                V.REP_FORCED_WORKLOAD,
                C.CAPACITY,
                rep=int(r),
                amount=float(fw[r]),
                limit=float(arr.capacity[r]),
                message=f"capacity: rep {r} alone can serve accounts needing {fw[r]:.1f} h "
                f"(locked or skill-restricted) but has {arr.capacity[r]:.1f} h",
            )
        )
    for r in np.nonzero(fc > arr.max_accounts)[0]:
        reasons.append(
            Violation(
                V.REP_FORCED_ACCOUNTS,
                C.MAX_ACCOUNTS,
                rep=int(r),
                amount=float(fc[r]),
                limit=float(arr.max_accounts[r]),
                message=f"max accounts: rep {r} must keep {fc[r]} accounts but may hold {arr.max_accounts[r]:.0f}",
            )
        )
    total_w = float(arr.workload[assignable].sum())
    if total_w > float(arr.capacity.sum()) + 1e-9:
        reasons.append(
            Violation(
                V.TOTAL_WORKLOAD,
                C.CAPACITY,
                amount=total_w,
                limit=float(arr.capacity.sum()),
                message=f"capacity: total workload {total_w:.1f} h exceeds total rep capacity "
                f"{arr.capacity.sum():.1f} h",
            )
        )
    if int(assignable.sum()) > float(arr.max_accounts.sum()):
        reasons.append(
            Violation(
                V.TOTAL_ACCOUNTS,
                C.MAX_ACCOUNTS,
                amount=float(assignable.sum()),
                limit=float(arr.max_accounts.sum()),
                message=f"max accounts: {int(assignable.sum())} accounts but the reps may hold "
                f"{arr.max_accounts.sum():.0f} in total",
            )
        )
    reasons += _skill_groups(arr, assignable & ~arr.locked)
    if arr.tol is not None:
        mean = float(arr.potential[assignable].sum()) / m
        hi, lo = mean * (1 + arr.tol), mean * (1 - arr.tol)
        fp = np.bincount(only_rep[forced], weights=arr.potential[forced], minlength=m)
        for r in np.nonzero(fp > hi + 1e-9)[0]:
            reasons.append(
                Violation(
                    V.REP_FORCED_POTENTIAL,
                    C.BALANCE,
                    rep=int(r),
                    amount=float(fp[r]),
                    limit=hi,
                    message=f"balance: rep {r} must keep potential {fp[r]:.0f} (locked or only eligible rep), "
                    f"above the band's upper end {hi:.0f}",
                )
            )
        big = np.nonzero(assignable & (arr.potential > hi + 1e-9))[0]
        for a in big[:20]:
            reasons.append(
                Violation(
                    V.ACCOUNT_POTENTIAL_ABOVE_BAND,
                    C.BALANCE,
                    account=int(a),
                    amount=float(arr.potential[a]),
                    limit=hi,
                    message=f"balance: account {a} alone has potential {arr.potential[a]:.0f}, above the "
                    f"per-rep upper bound {hi:.0f}",
                )
            )
        if lo > 0 and float(arr.potential[assignable].sum()) < m * lo - 1e-9:
            reasons.append(
                Violation(
                    V.TOTAL_POTENTIAL_BELOW_BAND,
                    C.BALANCE,
                    amount=float(arr.potential[assignable].sum()),
                    limit=m * lo,
                    message="balance: total potential cannot give every rep the band's lower end",
                )
            )
    if arr.max_moves is not None:
        has = (arr.owner >= 0) & assignable
        if has.any():
            elig_owner = np.zeros(n, dtype=bool)
            for s in range(0, n, chunk):
                idx = np.arange(s, min(s + chunk, n), dtype=np.int64)
                sel = idx[has[idx]]
                if sel.size:
                    ok = eligible_block(arr, sel)
                    elig_owner[sel] = ok[np.arange(sel.size), arr.owner[sel]]
            must_move = int((has & ~elig_owner).sum())
            if must_move > arr.max_moves:
                reasons.append(
                    Violation(
                        V.FORCED_MOVES,
                        C.MOVES,
                        amount=float(must_move),
                        limit=float(arr.max_moves),
                        message=f"moves: {must_move} accounts are owned by reps no longer eligible for them, "
                        f"above the cap of {arr.max_moves} moves",
                    )
                )
    return reasons, unassignable


def _skill_groups(arr: Arrays, free: NDArray[np.bool_]) -> list[Violation]:
    """Accounts that only the same few reps may take (one eligibility pattern) must fit those reps'
    capacity; a pattern of one rep is the forced check above."""
    idx = np.flatnonzero(free)
    if idx.size == 0:
        return []
    if arr.elig is None:
        keys, first, inv = np.unique(arr.askills[idx], return_index=True, return_inverse=True)
        group = [np.flatnonzero((k & ~arr.rskills) == 0) for k in keys]
    else:
        # a row's pattern by a random projection (equal rows, equal keys; others differ almost surely)
        proj = np.random.default_rng(0).random(arr.capacity.shape[0])
        hashed: NDArray[np.float64] = np.asarray(arr.elig[idx] @ proj, dtype=np.float64)
        keys, first, inv = np.unique(hashed, return_index=True, return_inverse=True)
        group = [arr.elig[int(idx[f])].indices.astype(np.int64) for f in first]
    need = np.bincount(inv.reshape(-1), weights=arr.workload[idx], minlength=keys.shape[0])
    out: list[Violation] = []
    for g, reps in enumerate(group):
        have = float(arr.capacity[reps].sum())
        if reps.size > 1 and need[g] > have + 1e-9:
            members = idx[inv.reshape(-1) == g]
            out.append(
                Violation(
                    V.SKILL_GROUP_CAPACITY,
                    C.SKILLS_CAPACITY,
                    amount=float(need[g]),
                    limit=have,
                    reps=tuple(int(r) for r in reps),
                    accounts=tuple(int(a) for a in members),
                    message=f"capacity: {members.size} accounts that only reps {reps[:10].tolist()} may take need "
                    f"{need[g]:.1f} h, more than those reps' {have:.1f} h",
                )
            )
    return out


def diagnose_violations(problem: AssignmentProblem) -> tuple[Violation, ...]:
    """The reasons the problem is infeasible, then the accounts no rep can take (``blocking`` is
    False for those); empty if none of the checks proves infeasibility (the solver may still find
    the candidate model infeasible)."""
    reasons, unassignable = diagnose_arrays(validate(problem))
    return (*reasons, *unassignable.values())


def diagnose_infeasibility(problem: AssignmentProblem) -> list[str]:
    """Human-readable reasons the problem is infeasible (plus unassignable accounts); empty if none
    of the checks proves infeasibility (the solver may still find the candidate model infeasible).
    :func:`diagnose_violations` gives the same reasons structured."""
    return [v.message if v.blocking else f"unassignable: {v.message}" for v in diagnose_violations(problem)]
