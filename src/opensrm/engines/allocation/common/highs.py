"""The one HiGHS wrapper of the allocation engines: build a model from sparse arrays, warm start,
solve, read back. (The GAP portfolio alone runs ``scipy.optimize.milp`` untouched, on purpose: see
``gap.portfolio``.)"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class HighsOutcome:
    """What one HiGHS run produced (x is None when no feasible point was found)."""

    status: str
    x: FloatArray | None
    objective: float
    bound: float
    row_dual: FloatArray | None


def build_highs(
    cost: FloatArray,
    matrix: sparse.csc_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    *,
    integer: bool | BoolArray,
    time_limit: float,
    start: FloatArray | None = None,
    seed: int = 0,
    options: dict[str, float | int | str | bool] | None = None,
) -> highspy.Highs:
    """A silent single-threaded HiGHS instance holding the model (and a warm start), not yet run.

    ``integer``: every column integer (True), none (False), or per column (a boolean array: the
    integrality is then always set and a warm start always passed)."""
    n_col = int(cost.shape[0])
    n_row = int(row_lower.shape[0])
    csc = sparse.csc_matrix(matrix)
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = n_row
    lp.col_cost_ = np.ascontiguousarray(cost, dtype=np.float64)
    lp.col_lower_ = np.ascontiguousarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.ascontiguousarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.ascontiguousarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.ascontiguousarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = n_row
    per_column = not isinstance(integer, bool)
    if per_column:
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[bool(flag)] for flag in np.asarray(integer)]
    elif integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_col
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("random_seed", int(seed) % 2147483647)
    h.setOptionValue("threads", 1)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    if start is not None and (per_column or integer):
        sol = highspy.HighsSolution()
        sol.col_value = [float(v) for v in start]
        sol.value_valid = True
        h.setSolution(sol)
    return h


def read_outcome(h: highspy.Highs, n_col: int, *, integer: bool) -> HighsOutcome:
    """Status, point, objective and bound of a finished run."""
    model_status = h.getModelStatus()
    status = h.modelStatusToString(model_status)
    info = h.getInfo()
    solution = h.getSolution()
    has_point = bool(info.primal_solution_status == 2) and len(solution.col_value) == n_col
    x = np.asarray(solution.col_value, dtype=np.float64) if has_point else None
    objective = float(info.objective_function_value) if has_point else float("inf")
    if integer:
        bound = float(info.mip_dual_bound)
    elif model_status == highspy.HighsModelStatus.kOptimal:
        bound = objective
    else:
        bound = -float("inf")
    if model_status == highspy.HighsModelStatus.kInfeasible:
        bound = float("inf")
    row_dual = None
    if not integer and model_status == highspy.HighsModelStatus.kOptimal:
        row_dual = np.asarray(solution.row_dual, dtype=np.float64)
    return HighsOutcome(status=status, x=x, objective=objective, bound=bound, row_dual=row_dual)


def solve_highs(
    cost: FloatArray,
    matrix: sparse.csc_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    *,
    integer: bool,
    time_limit: float,
    start: FloatArray | None = None,
    seed: int = 0,
    options: dict[str, float | int | str | bool] | None = None,
) -> HighsOutcome:
    """Solve min cost·x subject to row and column bounds; MIP if ``integer``."""
    h = build_highs(
        cost,
        matrix,
        row_lower,
        row_upper,
        col_lower,
        col_upper,
        integer=integer,
        time_limit=time_limit,
        start=start,
        seed=seed,
        options=options,
    )
    h.run()
    return read_outcome(h, int(cost.shape[0]), integer=integer)


def run_highs(
    cost: FloatArray,
    a: sparse.csc_matrix,
    rlo: FloatArray,
    rhi: FloatArray,
    cup: FloatArray,
    integer: NDArray[np.bool_],
    start: FloatArray | None,
    time_limit: float,
    seed: int,
    gap: float,
) -> tuple[str, FloatArray | None, float]:
    """One run with per-column integrality, the columns' lower bounds 0 and a relative MIP gap:
    (status, point or None, dual bound; -inf when unknown, inf when infeasible)."""
    h = build_highs(
        cost,
        a,
        rlo,
        rhi,
        np.zeros(cost.shape[0]),
        cup,
        integer=integer,
        time_limit=max(time_limit, 0.05),
        start=start,
        seed=seed,
        options={"mip_rel_gap": float(gap)},
    )
    h.run()
    out = read_outcome(h, int(cost.shape[0]), integer=True)
    bound = out.bound if math.isfinite(out.bound) else -math.inf
    if out.status == "Infeasible":
        bound = math.inf
    return out.status, out.x, bound
