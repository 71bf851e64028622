"""The one door through which the search reaches a MIP solver: load once, then per subproblem
change column bounds, hand in a start, solve within a work budget, read status, plan and bound.

HiGHS serves (highspy, one persistent instance: only bounds change between subproblems, so
nothing is rebuilt). Another solver serves by implementing `SubproblemSolver`. The same door
holds the LP relaxation a dive re-solves (`RelaxationSolver`), an LP over some columns at a
time (sifting), and one LP solved once (`lp_optimum`: polishing a plan, its bottleneck
prices); no other module of the optimizer imports a solver (tests/test_architecture.py).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from optimizer.lp import ColumnView, LinearModel
from optimizer.solve import highs_with, set_start, set_time_limit


@dataclass(frozen=True)
class Outcome:
    """What one subproblem solve gave."""

    proven: bool  # solved to the requested gap: nothing better in this neighbourhood
    values: np.ndarray | None  # a feasible plan, if one was found
    bound: float | None  # the subproblem's dual bound (valid for the whole model only when
    # nothing was fixed)
    nodes: int  # branch-and-bound nodes used
    by_clock: bool  # stopped by the safety-net time limit, not by the work budget


class SubproblemSolver(Protocol):
    """What the search needs of a solver: bounds, a start, a budgeted run."""
    def set_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None: ...

    def set_start(self, values: np.ndarray) -> None: ...

    def run(
        self, node_limit: int, checkpoint_limit: int | None, time_limit_s: float
    ) -> Outcome: ...


class HighsSubproblems:
    """SubproblemSolver on one persistent highspy.Highs."""

    def __init__(self, lp: LinearModel, gap: float, restarts: bool = True,
                 rens: bool = True) -> None:
        """`restarts`: HiGHS may restart its root after presolve reductions; `rens`: it
        runs the RENS sub-MIP heuristic (SearchSettings.sector_restarts, sector_rens)."""
        self._h = highs_with(lp)
        self._h.setOptionValue("mip_rel_gap", gap)
        self._h.setOptionValue("mip_allow_restart", restarts)
        self._h.setOptionValue("mip_heuristic_run_rens", rens)
        self._cols = np.arange(lp.num_cols, dtype=np.int32)
        self._integer = np.asarray(lp.col_integer, dtype=bool)
        self._checkpoints, self._checkpoint_limit = 0, 0
        self._counting = False

    def _checkpoint(self, event: object) -> None:
        # HiGHS asks whether to stop at fixed points of its search (root separation rounds,
        # nodes, LP solves): counting them is a work measure that, unlike seconds, is the
        # same on every run. Its root cut loop has no other limit: on the Baltic scenario
        # one subproblem spent 120 s in 53 rounds there.
        self._checkpoints += 1
        if self._checkpoints > self._checkpoint_limit:
            event.interrupt()  # type: ignore[attr-defined]

    def set_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        self._h.changeColsBounds(len(self._cols), self._cols, lower, upper)

    def set_start(self, values: np.ndarray) -> None:
        set_start(self._h, values.tolist())

    def run(
        self, node_limit: int, checkpoint_limit: int | None, time_limit_s: float
    ) -> Outcome:
        import highspy

        h = self._h
        self._checkpoints = 0
        self._checkpoint_limit = checkpoint_limit or 0
        if checkpoint_limit is not None and not self._counting:
            h.cbMipInterrupt.subscribe(self._checkpoint)
            self._counting = True
        h.setOptionValue("mip_max_nodes", int(node_limit))
        set_time_limit(h, time_limit_s)
        h.run()
        status, info = h.getModelStatus(), h.getInfo()
        values = None
        if info.primal_solution_status == 2:  # kSolutionStatusFeasible
            values = np.asarray(h.getSolution().col_value, dtype=np.float64)
            values[self._integer] = np.round(values[self._integer])
        bound = float(info.mip_dual_bound)
        return Outcome(
            proven=status == highspy.HighsModelStatus.kOptimal,
            values=values,
            bound=bound if np.isfinite(bound) else None,
            nodes=int(info.mip_node_count),
            by_clock=status == highspy.HighsModelStatus.kTimeLimit,
        )


@dataclass(frozen=True)
class LpOutcome:
    """What one solve of the relaxation gave."""

    optimal: bool
    objective: float | None  # only when optimal
    values: np.ndarray | None  # only when optimal
    iterations: int  # simplex and barrier iterations used
    by_clock: bool  # stopped by the safety-net time limit
    # only when optimal: each column's reduced cost, the objective's rate of change as the
    # column moves off its value (for a column fixed by its bounds, the dual of that fixing)
    reduced_costs: np.ndarray | None = None
    # stopped by `stop_above`: the dual simplex proved the optimum lies above it
    above: bool = False
    row_duals: np.ndarray | None = None  # only when optimal: each row's price
    failure: str | None = None  # when not optimal: the solver's status, in its words


def lp_optimum(lp: LinearModel, primal_tolerance: float | None = None) -> LpOutcome:
    """`lp` solved once as an LP (its integers ignored): HiGHS's choice of method, or, given
    `primal_tolerance`, simplex holding each row to it."""
    import highspy

    h = highs_with(dataclasses.replace(lp, col_integer=[False] * lp.num_cols))
    if primal_tolerance is not None:
        h.setOptionValue("primal_feasibility_tolerance", primal_tolerance)
        h.setOptionValue("solver", "simplex")
    h.run()
    info = h.getInfo()
    used = int(info.simplex_iteration_count) + int(info.ipm_iteration_count)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return LpOutcome(False, None, None, used, False,
                         failure=h.modelStatusToString(h.getModelStatus()))
    solution = h.getSolution()
    return LpOutcome(True, float(info.objective_function_value),
                     np.asarray(solution.col_value, dtype=np.float64), used, False,
                     np.asarray(solution.col_dual, dtype=np.float64),
                     row_duals=np.asarray(solution.row_dual, dtype=np.float64))


class RelaxationSolver(Protocol):
    """What a dive needs of an LP solver: change some columns' bounds, solve again from
    where the last solve ended (a warm start), within an iteration budget."""
    def set_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None: ...

    def run(self, iteration_limit: int, time_limit_s: float,
            stop_above: float = math.inf) -> LpOutcome: ...


class HighsRelaxation:
    """RelaxationSolver on one persistent highspy.Highs holding the LP relaxation. The first
    solve is barrier with crossover when the model is big (twice as fast as simplex on the
    Baltic scenario, and it leaves a basis); every later one is dual simplex from the last
    basis, a few thousand iterations after a bound change instead of tens of thousands.
    `stop_above` is HiGHS's objective bound: dual simplex stops once its (exact, unperturbed)
    dual objective, a floor under the optimum, passes it, as HiGHS prunes a node."""

    def __init__(self, lp: LinearModel, barrier_first: bool) -> None:
        self._h = highs_with(dataclasses.replace(lp, col_integer=[False] * lp.num_cols))
        if barrier_first:
            self._h.setOptionValue("solver", "ipm")
        self._first = True

    def set_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self._h.changeColsBounds(len(cols), cols.astype(np.int32), lower, upper)

    def run(self, iteration_limit: int, time_limit_s: float,
            stop_above: float = math.inf) -> LpOutcome:
        import highspy

        h = self._h
        h.setOptionValue("objective_bound", stop_above if math.isfinite(stop_above)
                         else highspy.kHighsInf)
        h.setOptionValue("simplex_iteration_limit", int(iteration_limit))
        h.setOptionValue("ipm_iteration_limit", int(iteration_limit))
        set_time_limit(h, time_limit_s)
        h.run()
        if self._first:
            h.setOptionValue("solver", "simplex")
            self._first = False
        status, info = h.getModelStatus(), h.getInfo()
        used = int(info.simplex_iteration_count) + int(info.ipm_iteration_count)
        by_clock = status == highspy.HighsModelStatus.kTimeLimit
        if status == highspy.HighsModelStatus.kObjectiveBound:
            return LpOutcome(False, None, None, used, False, above=True)
        if status != highspy.HighsModelStatus.kOptimal:
            return LpOutcome(False, None, None, used, by_clock)
        solution = h.getSolution()
        values = np.asarray(solution.col_value, dtype=np.float64)
        reduced = np.asarray(solution.col_dual, dtype=np.float64)
        return LpOutcome(True, float(info.objective_function_value), values, used, False,
                         reduced, row_duals=np.asarray(solution.row_dual, dtype=np.float64))


@dataclass(frozen=True)
class SubsetOutcome:
    """What one solve of an LP over a subset of its columns gave."""

    optimal: bool
    objective: float | None  # only when optimal
    values: np.ndarray | None  # only when optimal: the subset's columns, in the order added
    row_duals: np.ndarray | None  # only when optimal: each row's price
    iterations: int
    by_clock: bool


class ColumnSubsetSolver(Protocol):
    """What sifting needs of an LP solver: add columns, solve again from the last basis."""
    def add_columns(self, cols: np.ndarray) -> None: ...

    def run(self, iteration_limit: int, time_limit_s: float) -> SubsetOutcome: ...


class HighsColumnSubset:
    """ColumnSubsetSolver on one persistent highspy.Highs holding every row of `lp` and the
    columns added so far, solved by simplex each time: later solves start from the last
    basis, which stays primal feasible when columns join at zero. Simplex, not barrier with
    crossover, for the first solve too: on the Baltic scenario its basis needed 5 rounds and
    151 s in all, barrier's 6 rounds and 859 s (benchmarks/sifting.py)."""

    def __init__(self, lp: LinearModel, view: ColumnView) -> None:
        import highspy

        self._view = view
        inf = highspy.kHighsInf
        # once, not per round: the lists hold every column (1.4M on M)
        self._cost, self._lower, self._upper = (
            np.clip(np.asarray(xs, dtype=np.float64), -inf, inf)
            for xs in (lp.col_cost, lp.col_lb, lp.col_ub))
        self._h = highs_with(LinearModel(
            row_names=list(lp.row_names), row_lb=list(lp.row_lb), row_ub=list(lp.row_ub),
            row_start=[0] * (lp.num_rows + 1), offset=lp.offset))

    def add_columns(self, cols: np.ndarray) -> None:
        starts, rows, values = self._view.select(cols)
        self._h.addCols(len(cols), self._cost[cols], self._lower[cols], self._upper[cols],
                        len(rows), starts.astype(np.int32), rows.astype(np.int32), values)

    def run(self, iteration_limit: int, time_limit_s: float) -> SubsetOutcome:
        import highspy

        h = self._h
        h.setOptionValue("simplex_iteration_limit", int(iteration_limit))
        set_time_limit(h, time_limit_s)
        h.run()
        status, info = h.getModelStatus(), h.getInfo()
        used = int(info.simplex_iteration_count)
        if status != highspy.HighsModelStatus.kOptimal:
            return SubsetOutcome(False, None, None, None, used,
                                 status == highspy.HighsModelStatus.kTimeLimit)
        solution = h.getSolution()
        return SubsetOutcome(True, float(info.objective_function_value),
                             np.asarray(solution.col_value, dtype=np.float64),
                             np.asarray(solution.row_dual, dtype=np.float64), used, False)
