"""Explain why an assignment problem cannot be solved: which constraint, which reps or accounts."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .problem import Arrays, AssignmentProblem, eligible_block, validate

IntArray = NDArray[np.int64]


def diagnose_arrays(arr: Arrays, chunk: int = 4000) -> tuple[list[str], dict[int, str]]:
    """Return (blocking reasons, unassignable account → reason). Empty reasons = no proof found.

    Checks: accounts with no eligible rep (reported, not blocking); locked accounts overfilling
    their owner (capacity, max accounts, balance upper bound); total capacity / max counts below
    the total need; a skill group whose accounts only reps of a small set can serve exceeding that
    set's capacity; potential that cannot reach the balance band's lower bound; moves forced above
    the cap.
    """
    n, m = arr.workload.shape[0], arr.capacity.shape[0]
    reasons: list[str] = []
    unassignable: dict[int, str] = {}
    only_rep = np.full(n, -1, dtype=np.int64)
    for s in range(0, n, chunk):
        idx = np.arange(s, min(s + chunk, n), dtype=np.int64)
        ok = eligible_block(arr, idx)
        count = ok.sum(axis=1)
        for a in idx[count == 0]:
            unassignable[int(a)] = f"account {a} requires skills {int(arr.askills[a]):#x} that no rep has"
        single = count == 1
        only_rep[idx[single]] = np.argmax(ok[single], axis=1)
        for a in idx[(arr.workload[idx] > arr.capacity.max()) & (count > 0)]:
            unassignable[int(a)] = f"account {a} needs {arr.workload[a]:.1f} h, more than any rep's capacity"
    assignable = np.ones(n, dtype=bool)
    if unassignable:
        assignable[np.fromiter(unassignable, np.int64, len(unassignable))] = False
    forced = (only_rep >= 0) & assignable
    fw = np.bincount(only_rep[forced], weights=arr.workload[forced], minlength=m)
    fc = np.bincount(only_rep[forced], minlength=m)
    for r in np.nonzero(fw > arr.capacity + 1e-9)[0]:
        reasons.append(
            f"capacity: rep {r} alone can serve accounts needing {fw[r]:.1f} h "
            f"(locked or skill-restricted) but has {arr.capacity[r]:.1f} h"
        )
    for r in np.nonzero(fc > arr.max_accounts)[0]:
        reasons.append(f"max accounts: rep {r} must keep {fc[r]} accounts but may hold {arr.max_accounts[r]:.0f}")
    total_w = float(arr.workload[assignable].sum())
    if total_w > float(arr.capacity.sum()) + 1e-9:
        reasons.append(
            f"capacity: total workload {total_w:.1f} h exceeds total rep capacity {arr.capacity.sum():.1f} h"
        )
    if int(assignable.sum()) > float(arr.max_accounts.sum()):
        reasons.append(
            f"max accounts: {int(assignable.sum())} accounts but the reps may hold "
            f"{arr.max_accounts.sum():.0f} in total"
        )
    if arr.tol is not None:
        mean = float(arr.potential[assignable].sum()) / m
        hi, lo = mean * (1 + arr.tol), mean * (1 - arr.tol)
        fp = np.bincount(only_rep[forced], weights=arr.potential[forced], minlength=m)
        for r in np.nonzero(fp > hi + 1e-9)[0]:
            reasons.append(
                f"balance: rep {r} must keep potential {fp[r]:.0f} (locked or only eligible rep), "
                f"above the band's upper end {hi:.0f}"
            )
        big = np.nonzero(assignable & (arr.potential > hi + 1e-9))[0]
        for a in big[:20]:
            reasons.append(
                f"balance: account {a} alone has potential {arr.potential[a]:.0f}, above the "
                f"per-rep upper bound {hi:.0f}"
            )
        if lo > 0 and float(arr.potential[assignable].sum()) < m * lo - 1e-9:
            reasons.append("balance: total potential cannot give every rep the band's lower end")
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
                    f"moves: {must_move} accounts are owned by reps no longer eligible for them, "
                    f"above the cap of {arr.max_moves} moves"
                )
    return reasons, unassignable


def diagnose_infeasibility(problem: AssignmentProblem) -> list[str]:
    """Human-readable reasons the problem is infeasible (plus unassignable accounts); empty if none
    of the checks proves infeasibility (the solver may still find the candidate model infeasible)."""
    reasons, unassignable = diagnose_arrays(validate(problem))
    return reasons + [f"unassignable: {why}" for why in unassignable.values()]
