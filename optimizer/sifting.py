"""Sifting: the LP relaxation of a model with far more columns than its optimum uses, solved
over a working set of them that grows by the columns priced out at the working set's duals
(delayed column generation over columns already built; Bixby et al., "Very large-scale
linear programming", Operations Research 1992).

The every-route model (optimizer/bound.py) is such a model: most of its tonnage columns are
routes no optimal flow takes. Starting from the routes the planner models and adding, each
round, the columns with the most negative reduced cost, the Baltic scenario's LP over every
route reached the same optimum over 46% of its columns.

Every round also gives a bound, the LP's Lagrangian at the working set's duals: the working
set's optimum plus, for each column outside it, its upper bound times its reduced cost where
that is negative (each such column starts at zero). So a sifting stopped by its budget still
bounds, and one that ends proves its optimum to within `PRICE_TOLERANCE`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.backend import ColumnSubsetSolver, HighsColumnSubset
from optimizer.lagrangian import lagrangian_bound
from optimizer.lp import ColumnView, LinearModel

# a column joins when its reduced cost is below this (objective units per column unit)
PRICE_TOLERANCE = 1e-7
# sifting by paths ends when the Lagrangian bound is within this (relative) of the working
# set's optimum: the LP's optimum to within it
PATHS_CLOSED = 1e-9


@dataclass(frozen=True)
class Sifted:
    """A sifting's outcome: the best Lagrangian bound of any round (None if no round solved),
    the last working set's optimum and values (every column; zero outside the set), whether
    no column priced out at the end, and the work."""
    bound: float | None
    objective: float | None
    values: np.ndarray | None
    converged: bool
    rounds: int
    columns: int  # in the working set at the end
    iterations: int
    seconds: float
    by_clock: bool
    # the last solved working set's row prices (None if no round solved)
    row_duals: np.ndarray | None = None
    # each round's working-set optimum and its two bounds: keeping no rows, and keeping each
    # block's own rows (None without `blocks`, or in the round that ended it)
    history: tuple[tuple[float, float, float | None], ...] = ()
    round_columns: tuple[int, ...] = ()  # the working set's size in each round of `history`


def sift(
    lp: LinearModel, first: np.ndarray, iteration_limit: int, deadline: float = math.inf,
    solver: Callable[[LinearModel, ColumnView], ColumnSubsetSolver] = HighsColumnSubset,
    say: Callable[[str], None] | None = None, max_rounds: int | None = None,
    blocks: Sequence[Sequence[int]] | None = None, kept_every_round: bool = False,
    by_paths: bool = False,
) -> Sifted:
    """Solve `lp`'s LP relaxation from the columns `first` (a boolean mask: every column with
    a nonzero lower bound, or an infinite upper bound, must be in it, so the working set is
    feasible if the LP is and every bound is finite). Each round adds at most a quarter of
    the working set (at least 5,000 columns), the most negative reduced cost first.
    `iteration_limit` counts simplex iterations over all rounds, `max_rounds` the working
    set's solves; `deadline` (by time.perf_counter) is a safety net. `solver` makes the
    backend that solves each working set.

    `blocks`: disjoint column sets (a movement's) whose own rows are kept rather than priced
    in the bound of a sifting that stops short of its optimum, at the last prices it has
    (optimizer/lagrangian.py; on the Baltic scenario 411.68 after three rounds against
    223.45 for the plain bound, where the optimum is 412.87); `kept_every_round`: in every
    round's, not only the last (the benchmark's history; a few seconds a round).

    `by_paths` (with `blocks`): column generation rather than plain sifting. Each round
    prices every block by its own LP (a movement's cheapest flow through the time-expanded
    network at the round's prices: a shortest path in all but name) and adds only the
    columns those flows use, with the columns of no block whose reduced cost is negative;
    it ends when that Lagrangian bound meets the working set's optimum (then the optimum
    is the LP's) or no column joins."""
    if by_paths and blocks is None:
        raise ValueError("sifting by paths needs the blocks to price")
    started = time.perf_counter()
    cost = np.asarray(lp.col_cost, dtype=np.float64)
    lower = np.asarray(lp.col_lb, dtype=np.float64)
    upper = np.asarray(lp.col_ub, dtype=np.float64)
    inside = np.asarray(first, dtype=bool).copy()
    outside_ok = (lower == 0.0) & np.isfinite(upper)
    if not outside_ok[~inside].all():
        raise ValueError("sifting: a column with a nonzero lower bound or no upper bound "
                         "must start in the working set")
    view = ColumnView.of(lp)
    in_block = np.zeros(lp.num_cols, dtype=bool)  # only by paths reads it
    for cols in blocks if by_paths and blocks is not None else ():
        in_block[np.asarray(cols, dtype=np.int64)] = True
    order = np.flatnonzero(inside)  # the solver's columns, in the order added
    lp_solver = solver(lp, view)
    lp_solver.add_columns(order)
    bound: float | None = None
    rounds = iterations = 0
    history: list[tuple[float, float, float | None]] = []
    round_columns: list[int] = []
    duals: np.ndarray | None = None  # the last solved round's row prices

    def keeping(prices: np.ndarray | None) -> float | None:
        if blocks is None or prices is None:
            return None
        return lagrangian_bound(lp, prices, blocks, view).value

    while True:
        rounds += 1
        outcome = lp_solver.run(max(1, iteration_limit - iterations),
                                deadline - time.perf_counter())
        iterations += outcome.iterations
        if (not outcome.optimal or outcome.row_duals is None or outcome.objective is None
                or outcome.values is None):
            # by paths, or every round, the last prices' Lagrangian is in `bound` already
            kept = None if kept_every_round or by_paths else keeping(duals)
            if kept is not None:
                bound = kept if bound is None else max(bound, kept)
            return Sifted(bound, None, None, False, rounds, len(order), iterations,
                          time.perf_counter() - started, outcome.by_clock, duals,
                          tuple(history), tuple(round_columns))
        duals = outcome.row_duals
        reduced = cost - view.transpose_times(duals)
        outside = ~inside
        priced = np.minimum(0.0, reduced[outside])
        plain = outcome.objective + float(np.dot(priced, upper[outside]))
        joining = np.flatnonzero(outside & (reduced < -PRICE_TOLERANCE))
        kept = None
        if by_paths and len(joining):
            assert blocks is not None
            pricing = lagrangian_bound(lp, duals, blocks, view)
            kept = pricing.value
            if kept is not None:  # else some block is unbounded: price plainly this round
                joining = _priced_in(pricing.used, joining, in_block, inside, reduced)
                if kept >= outcome.objective - PATHS_CLOSED * max(1.0, abs(outcome.objective)):
                    joining = joining[:0]  # the bound meets the optimum: nothing can help
        last = len(joining) == 0 or iterations >= iteration_limit or rounds == max_rounds
        if kept is None and len(joining) and (last or kept_every_round):
            kept = keeping(duals)
        history.append((outcome.objective, plain, kept))
        round_columns.append(len(order))
        lagrangian = plain if kept is None else max(plain, kept)
        bound = lagrangian if bound is None else max(bound, lagrangian)
        if say is not None:
            say(f"sifting round {rounds}: {len(order):,} columns, LP {outcome.objective:.4f}, "
                f"bound {lagrangian:.4f}, {len(joining):,} priced out, "
                f"{time.perf_counter() - started:.0f} s")
        if last:
            values = np.zeros(lp.num_cols)
            values[order] = outcome.values
            return Sifted(bound, outcome.objective, values, len(joining) == 0, rounds,
                          len(order), iterations, time.perf_counter() - started, False,
                          duals, tuple(history), tuple(round_columns))
        # most negative first; ties by column index, so every run adds the same columns
        keep = len(joining) if by_paths and kept is not None else max(5_000, len(order) // 4)
        joining = joining[np.lexsort((joining, reduced[joining]))][:keep]
        inside[joining] = True
        order = np.concatenate([order, joining])
        lp_solver.add_columns(joining)


def _priced_in(used: np.ndarray, priced_out: np.ndarray, in_block: np.ndarray,
               inside: np.ndarray, reduced: np.ndarray) -> np.ndarray:
    """The columns that join by paths: those the blocks' own LPs use, outside the working
    set, at a negative reduced cost; and every column of no block that prices out."""
    paths = used[~inside[used] & (reduced[used] < -PRICE_TOLERANCE)]
    return np.union1d(paths, priced_out[~in_block[priced_out]])
