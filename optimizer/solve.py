"""Hand a LinearModel to a solver and wrap what comes back in mobilize's own result type.

HiGHS goes through highspy's array interface (fastest to build, live progress callbacks);
SCIP and CP-SAT go through OR-Tools' pywraplp. A solution is read only when the status says
there is one.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from optimizer.lp import LinearModel

BACKENDS = ("highs", "scip", "cp-sat")
# HiGHS spends 5% of its effort on primal heuristics by default; these models have an easy
# bound and hard-to-find good plans, so it is worth more.
HEURISTIC_EFFORT = 0.3
CP_SAT_BOUND = 1e6  # kilotons, vehicles: far above anything real


class Status(StrEnum):
    """How a solve ended."""
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped at the requested gap
    TIME_LIMIT = "time_limit"  # stopped by the clock (the safety net) with a plan
    WORK_LIMIT = "work_limit"  # stopped by its work budget with a plan, short of the gap
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"  # stopped by the clock before any plan was found


@dataclass(frozen=True)
class SolveResult:
    """A solve's status, values, objective, bound and time."""
    backend: str
    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    values: list[float] | None
    method: str = "branch-and-bound"
    by_clock: bool = False  # the time limit, not a work budget or the gap, stopped it

    @property
    def has_plan(self) -> bool:
        return self.values is not None


Progress = Callable[[str], None]


def stderr_progress(line: str) -> None:
    """Print a progress line on stderr."""
    print(line, file=sys.stderr, flush=True)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(objective - bound) / |objective|, or None without both."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def solve(
    lp: LinearModel, backend: str = "highs", time_limit_s: float = 60.0,
    gap: float = 1e-4, progress: Progress | None = None, start: list[float] | None = None,
    interior_point: bool = False, iteration_limit: int | None = None,
) -> SolveResult:
    """Solve; `start` is a complete feasible column vector to begin from (optional).
    `interior_point` (HiGHS, LPs): barrier without crossover, for big relaxations whose
    values are only rounded: three times faster than simplex on the M benchmark.
    `iteration_limit` (HiGHS): simplex or barrier iterations, a budget of work that, unlike
    the time limit, ends at the same point on every run."""
    if backend == "highs":
        return _solve_highs(lp, time_limit_s, gap, progress, start, interior_point,
                            iteration_limit)
    if backend in ("scip", "cp-sat"):
        return _solve_pywraplp(lp, backend, time_limit_s, gap, progress, start)
    raise ValueError(f"unknown solver backend {backend!r}; choose one of {list(BACKENDS)}")


def _solve_highs(
    lp: LinearModel, time_limit_s: float, gap: float, progress: Progress | None,
    start: list[float] | None, interior_point: bool = False,
    iteration_limit: int | None = None,
) -> SolveResult:
    import highspy

    h = highs_with(lp)
    h.setOptionValue("time_limit", float(time_limit_s))
    if iteration_limit is not None:
        h.setOptionValue("simplex_iteration_limit", int(iteration_limit))
        h.setOptionValue("ipm_iteration_limit", int(iteration_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    if interior_point and not lp.num_integer:
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    if start is not None:
        set_start(h, start)
    if progress is not None:
        _highs_progress(h, progress)
    began = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - began
    model_status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    ms = highspy.HighsModelStatus
    by_clock = model_status == ms.kTimeLimit
    if model_status == ms.kInfeasible:
        return SolveResult("highs", Status.INFEASIBLE, None, None, None, seconds, None)
    if not has_solution:
        return SolveResult("highs", Status.NO_SOLUTION, None, None, None, seconds, None,
                           by_clock=by_clock)
    objective = float(info.objective_function_value)
    bound: float | None = float(info.mip_dual_bound) if lp.num_integer else (
        objective if model_status == ms.kOptimal else None)  # an unfinished LP bounds nothing
    if bound is not None and not math.isfinite(bound):
        bound = None  # stopped before the root LP: no bound yet
    if model_status == ms.kOptimal:
        status = Status.OPTIMAL
        rel = relative_gap(objective, bound)
        if rel is not None and rel > 1e-6:
            status = Status.FEASIBLE  # optimal within the requested gap
    else:
        status = Status.TIME_LIMIT if by_clock else Status.WORK_LIMIT
    values = list(h.getSolution().col_value)
    return SolveResult(
        "highs", status, objective, bound, relative_gap(objective, bound), seconds, values,
        by_clock=by_clock,
    )


def set_time_limit(h: Any, seconds: float) -> None:
    """Let `h` run `seconds` more (at least 0.1). HiGHS compares its time limit with the run
    time summed over every run() of the instance (HiGHS issue #1477, still so in 1.16), so on
    a persistent instance a limit of the seconds left ran out at about half the safety net:
    a dive beside three other jobs was cut after 30 minutes of a 60-minute net."""
    h.setOptionValue("time_limit", float(h.getRunTime()) + max(0.1, float(seconds)))


def set_start(h: Any, values: Sequence[float]) -> None:
    """Hand a highspy.Highs a complete feasible column vector to start from."""
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = list(values)
    solution.value_valid = True
    h.setSolution(solution)


def highs_with(lp: LinearModel) -> Any:
    """A silent highspy.Highs holding `lp`, with mobilize's standing options."""
    import highspy

    with _stdout_silenced():  # HiGHS prints a banner from C++ on creation
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    # one thread: HiGHS 1.16's MIP may spread work over parallel workers, and a plan must not
    # depend on how they interleave (the second core runs relax-round-fix instead)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_heuristic_effort", HEURISTIC_EFFORT)
    inf = highspy.kHighsInf
    clip = lambda xs: np.clip(np.asarray(xs, dtype=np.float64), -inf, inf)  # noqa: E731
    integrality = np.asarray([1 if i else 0 for i in lp.col_integer], dtype=np.int32)
    h.passModel(
        lp.num_cols, lp.num_rows, len(lp.row_vals), 2,  # 2: row-wise (CSR)
        1, float(lp.offset),  # minimize
        np.asarray(lp.col_cost, dtype=np.float64), clip(lp.col_lb), clip(lp.col_ub),
        clip(lp.row_lb), clip(lp.row_ub),
        np.asarray(lp.row_start, dtype=np.int32), np.asarray(lp.row_cols, dtype=np.int32),
        np.asarray(lp.row_vals, dtype=np.float64), integrality,
    )
    return h


_FD1 = threading.Lock()  # solves may run in two threads; fd 1 is the process's


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Point file descriptor 1 at /dev/null for a moment: the plan summary owns stdout."""
    with _FD1:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _highs_progress(h: object, progress: Progress) -> None:
    last = [0.0]

    def report(event: object, force: bool = False) -> None:
        out = event.data_out  # type: ignore[attr-defined]
        now = float(out.running_time)
        if not force and now - last[0] < 2.0:
            return
        last[0] = now
        primal, dual = float(out.mip_primal_bound), float(out.mip_dual_bound)
        gap = relative_gap(primal, dual) if math.isfinite(primal) else None
        gap_text = f"{100 * gap:.2f}%" if gap is not None else "-"
        incumbent = f"{primal:.2f}" if math.isfinite(primal) else "none yet"
        progress(f"  {now:6.1f}s  incumbent {incumbent}  bound {dual:.2f}  gap {gap_text}")

    h.cbMipInterrupt.subscribe(lambda e: report(e))  # type: ignore[attr-defined]
    h.cbMipImprovingSolution.subscribe(lambda e: report(e, force=True))  # type: ignore[attr-defined]


def _solve_pywraplp(
    lp: LinearModel, backend: str, time_limit_s: float, gap: float, progress: Progress | None,
    start: list[float] | None,
) -> SolveResult:
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver({"scip": "SCIP", "cp-sat": "CP_SAT"}[backend])
    if solver is None:
        raise RuntimeError(f"OR-Tools was built without the {backend} backend")
    # CP-SAT scales every column to integers and rejects an unbounded one as invalid
    inf = solver.infinity() if backend == "scip" else CP_SAT_BOUND
    fin = lambda v: max(-inf, min(inf, v))  # noqa: E731
    cols = [
        solver.Var(fin(lo), fin(hi), integer, name)
        for name, lo, hi, integer in zip(
            lp.col_names, lp.col_lb, lp.col_ub, lp.col_integer, strict=True
        )
    ]
    for i, name in enumerate(lp.row_names):
        row = solver.Constraint(fin(lp.row_lb[i]), fin(lp.row_ub[i]), name)
        for c, v in lp.row_terms(i):
            row.SetCoefficient(cols[c], v)
    objective = solver.Objective()
    for col, cost in zip(cols, lp.col_cost, strict=True):
        if cost:
            objective.SetCoefficient(col, cost)
    objective.SetOffset(lp.offset)
    objective.SetMinimization()
    solver.SetTimeLimit(int(time_limit_s * 1000))
    if start is not None:
        solver.SetHint(cols, list(start))
    if backend == "cp-sat":
        solver.SetNumThreads(2)
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, gap)
    if progress is not None:
        progress(f"  {backend}: solving {lp.num_cols} columns, {lp.num_rows} rows")
    began = time.perf_counter()
    code = solver.Solve(params)
    seconds = time.perf_counter() - began
    if code == pywraplp.Solver.INFEASIBLE:
        return SolveResult(backend, Status.INFEASIBLE, None, None, None, seconds, None)
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return SolveResult(backend, Status.NO_SOLUTION, None, None, None, seconds, None)
    value = objective.Value()
    bound = objective.BestBound() if lp.num_integer else value
    rel = relative_gap(value, bound)
    if code == pywraplp.Solver.OPTIMAL:
        status = Status.OPTIMAL if (rel is None or rel <= 1e-6) else Status.FEASIBLE
    else:
        status = Status.TIME_LIMIT
    return SolveResult(
        backend, status, value, bound, rel, seconds, [c.solution_value() for c in cols]
    )
