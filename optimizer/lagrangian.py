"""A Lagrangian bound that keeps each movement's own rows: any row prices, one solve.

For min c.x over rows lb <= A x <= ub and column bounds, any row prices y of the right sign
(y_r >= 0 only where lb_r is finite, y_r <= 0 only where ub_r is) give a lower bound

    L(y) = sum_r (y_r lb_r if y_r > 0 else y_r ub_r) + min over the rest of (c - A^T y).x

and "the rest" may keep any rows undualized. Sifting (optimizer/sifting.py) keeps none: each
column outside the working set counts at its upper bound where its reduced cost is negative,
which on M's every-route model summed 63,626 such columns to -914,760. Here each movement's
own rows (flow conservation, arrival, readiness and sector shares: rows whose every column is
that movement's) stay as they are, so a movement can ship its tons once, along one time-
expanded path, not along every priced-out column at once. Each movement is then a small LP of
its own (a shortest path in all but name), and the bound is what column generation would
read off pricing routes by shortest path (Lübbecke & Desrosiers, "Selected topics in column
generation", Operations Research 2005, on Lagrangian bounds in column generation).

It holds for any y, so a wrong or stale price makes it weaker, never invalid: the duals of the
LP over the planner's routes, priced over every route, bound every plan the network allows.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.lp import ColumnView, LinearModel
from optimizer.solve import Status, solve

# each movement's LP is a few thousand columns of flow; the limit only guards a solver fault
BLOCK_SAFETY_NET_S = 120.0
# a block's column counts as used above its lower bound by more than this (a simplex vertex's
# zeros are exact; this only skips round-off)
USED_ABOVE = 1e-9


@dataclass(frozen=True)
class LagrangianBound:
    """The bound (None if some term is unbounded below: a column with no finite upper bound,
    implied or given, and a negative reduced cost), and how it splits."""
    value: float | None
    priced_rows: float  # the rows' part: sum of y_r times the bound it prices
    free_columns: float  # columns of no movement, each at the better end of its box
    movements: float  # each movement's own LP at the reduced costs
    blocks: int
    # the columns each movement's own LP moves off their lower bound at its optimum: the
    # routes these prices price in (column generation's new columns, where they lie outside
    # the LP that gave the prices)
    used: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros(0, dtype=np.int64))


def lagrangian_bound(lp: LinearModel, row_duals: np.ndarray,
                     blocks: Sequence[Sequence[int]], view: ColumnView | None = None,
                     ) -> LagrangianBound:
    """L(y) for the LP relaxation of `lp` at the row prices `row_duals` (HiGHS's sign: the
    objective's rate of change as the row's bound moves up; a wrong sign is set to 0), with
    the rows whose every column lies in one of `blocks` (disjoint column sets: a movement's)
    kept in that block's LP rather than priced."""
    view = view or ColumnView.of(lp)
    columns = [np.asarray(cols, dtype=np.int64) for cols in blocks]
    block_of = np.full(lp.num_cols, -1, dtype=np.int64)
    for b, cols in enumerate(columns):
        if (block_of[cols] >= 0).any():
            raise ValueError("lagrangian_bound: blocks share a column")
        block_of[cols] = b
    row_lb = np.asarray(lp.row_lb, dtype=np.float64)
    row_ub = np.asarray(lp.row_ub, dtype=np.float64)
    kept = _rows_within_one_block(lp, view, block_of)
    y = np.where(kept >= 0, 0.0, np.asarray(row_duals, dtype=np.float64))
    y[(y > 0) & ~np.isfinite(row_lb)] = 0.0
    y[(y < 0) & ~np.isfinite(row_ub)] = 0.0
    y = _priced_through(lp, view, block_of, kept, y)
    priced = float(np.dot(y[y > 0], row_lb[y > 0]) + np.dot(y[y < 0], row_ub[y < 0]))
    reduced = np.asarray(lp.col_cost, dtype=np.float64) - view.transpose_times(y)
    lower = np.asarray(lp.col_lb, dtype=np.float64)
    upper = np.minimum(np.asarray(lp.col_ub, dtype=np.float64), _implied_upper(lp, view))
    free = block_of < 0
    free_part = _box_minimum(reduced[free], lower[free], upper[free])
    movement_part = 0.0
    used: list[np.ndarray] = []
    for b, cols in enumerate(columns):
        found = _block_minimum(lp, view, cols, np.flatnonzero(kept == b), reduced, lower,
                               upper)
        if found is None:
            return LagrangianBound(None, priced, free_part, movement_part, len(blocks))
        value, at = found
        movement_part += value
        used.append(cols[at > lower[cols] + USED_ABOVE])
    total = lp.offset + priced + free_part + movement_part
    return LagrangianBound(total if math.isfinite(total) else None, priced, free_part,
                           movement_part, len(blocks),
                           np.concatenate(used) if used else np.zeros(0, dtype=np.int64))


def prices_by_row_key(source: LinearModel, row_duals: np.ndarray, target: LinearModel
                      ) -> np.ndarray:
    """`source`'s row prices on `target`'s rows of the same key, 0 on rows `source` lacks.

    For two models `build_model` made from one network (the planner's and the every-route
    model holding its routes: each of the first's rows is one of the second's): a row's key
    is its family and key (`LinearModel.row_keys`), unique in a model. Matched by key, not
    by position, because the wider model has rows the other lacks, in between. A row with
    no key is never matched. A row matched wrongly could only make the bound at these
    prices weaker, never invalid: it holds at any prices."""
    if len(row_duals) != source.num_rows:
        raise ValueError(f"prices_by_row_key: {len(row_duals)} prices for "
                         f"{source.num_rows} rows")
    at = {key: r for r, key in enumerate(target.row_keys) if key is not None}
    prices = np.zeros(target.num_rows)
    for key, price in zip(source.row_keys, np.asarray(row_duals, dtype=np.float64).tolist(),
                          strict=True):
        if key is not None and (r := at.get(key)) is not None:
            prices[r] = price
    return prices


def _rows_within_one_block(lp: LinearModel, view: ColumnView, block_of: np.ndarray
                           ) -> np.ndarray:
    """For each row, the block holding every one of its columns, or -1."""
    kept = np.full(lp.num_rows, -1, dtype=np.int64)
    if not len(view.entry_rows):
        return kept
    starts = view.row_starts
    nonempty = starts[:-1] < starts[1:]
    of_entry = block_of[view.entry_cols]
    first = starts[:-1][nonempty]
    low = np.minimum.reduceat(of_entry, first)
    high = np.maximum.reduceat(of_entry, first)
    kept[np.flatnonzero(nonempty)] = np.where(low == high, low, -1)
    return kept


def _priced_through(lp: LinearModel, view: ColumnView, block_of: np.ndarray,
                    kept: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Prices moved onto the rows through which a column serves the movements: where a row
    says "movements' tons <= capacity columns" (upper bound 0, movements' coefficients all
    positive, the others all negative), a capacity column priced above zero (vehicles whose
    fleet is busy in the LP) would sit at 0 in the bound while the tons it must carry ride
    free. Lowering the row's price until the cheapest of its capacity columns costs nothing
    charges the tons instead. The row's term (price x 0) does not change, the capacity
    columns stay at 0 and the movements' costs only rise, so the bound can only rise: on
    the Baltic scenario, at the prices of the LP over the planner's routes, 372.89 against
    277.15 (the optimum over every route is 412.87)."""
    starts = view.row_starts
    row_lb = np.asarray(lp.row_lb, dtype=np.float64)
    row_ub = np.asarray(lp.row_ub, dtype=np.float64)
    in_block = block_of[view.entry_cols] >= 0
    wrong = np.bincount(view.entry_rows[(in_block & (view.entry_values <= 0))
                                        | (~in_block & (view.entry_values >= 0))],
                        minlength=lp.num_rows) > 0
    serving = np.bincount(view.entry_rows[~in_block], minlength=lp.num_rows) > 0
    served = np.bincount(view.entry_rows[in_block], minlength=lp.num_rows) > 0
    rows = np.flatnonzero(~wrong & serving & served & (kept < 0) & (row_ub == 0.0)
                          & ~np.isfinite(row_lb))
    if not len(rows):
        return y
    y = y.copy()
    reduced = np.asarray(lp.col_cost, dtype=np.float64) - view.transpose_times(y)
    lower = np.asarray(lp.col_lb, dtype=np.float64)
    for r in rows.tolist():  # in row order: each column's first such row takes its price
        a, b = int(starts[r]), int(starts[r + 1])
        cols = view.entry_cols[a:b]
        values = view.entry_values[a:b]
        capacity = block_of[cols] < 0
        if (lower[cols[capacity]] != 0.0).any():
            continue
        step = float(np.min(reduced[cols[capacity]] / -values[capacity]))
        if step <= 0.0:
            continue
        y[r] -= step
        reduced[cols] += step * values
    return y


def _implied_upper(lp: LinearModel, view: ColumnView) -> np.ndarray:
    """Upper bounds rows imply for columns: from a row with a finite upper bound whose every
    column is nonnegative with a nonnegative coefficient, col <= row_ub / its coefficient
    (supply from a depot, within the depot's stock)."""
    implied = np.full(lp.num_cols, np.inf)
    if not len(view.entry_rows):
        return implied
    lower = np.asarray(lp.col_lb, dtype=np.float64)
    entry_ok = (view.entry_values >= 0) & (lower[view.entry_cols] >= 0)
    bad_rows = np.bincount(view.entry_rows[~entry_ok], minlength=lp.num_rows) > 0
    row_ub = np.asarray(lp.row_ub, dtype=np.float64)
    usable = ~bad_rows[view.entry_rows] & np.isfinite(row_ub[view.entry_rows]) & (
        view.entry_values > 0)
    limits = row_ub[view.entry_rows[usable]] / view.entry_values[usable]
    np.minimum.at(implied, view.entry_cols[usable], limits)
    return implied


def _box_minimum(reduced: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """min of reduced.x over lower <= x <= upper: each column at the end its sign prefers
    (-inf when that end is infinite)."""
    return _box_value(reduced, _box_point(reduced, lower, upper))


def _box_point(reduced: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Where `_box_minimum` puts each column: the end its reduced cost's sign prefers."""
    return np.where(reduced >= 0, lower, upper)


def _box_value(reduced: np.ndarray, at: np.ndarray) -> float:
    moving = reduced != 0  # a column at an infinite end with no cost adds 0, not nan
    return float(np.dot(reduced[moving], at[moving]))


def _block_minimum(lp: LinearModel, view: ColumnView, cols: np.ndarray, rows: np.ndarray,
                   reduced: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                   ) -> tuple[float, np.ndarray] | None:
    """min of reduced.x over one block's columns, its own rows and the columns' bounds (the
    LP: integers relaxed), and the block's columns' values at it; None if unbounded or not
    solved."""
    if not len(rows):
        at = _box_point(reduced[cols], lower[cols], upper[cols])
        value = _box_value(reduced[cols], at)
        return (value, at) if math.isfinite(value) else None
    local = np.full(lp.num_cols, -1, dtype=np.int64)
    local[cols] = np.arange(len(cols))
    # the rows' entries gathered at once (M's every-route model: 204,124 rows in 90 blocks;
    # a row at a time in Python was most of a pricing round); rows as `build_model` made
    # them, so no zeros and no column twice in a row
    starts = view.row_starts
    lengths = starts[rows + 1] - starts[rows]
    block_starts = np.concatenate([[0], np.cumsum(lengths)])
    entries = np.repeat(starts[rows] - block_starts[:-1], lengths) + np.arange(block_starts[-1])
    block = LinearModel(
        col_names=[lp.col_names[c] for c in cols.tolist()],
        col_lb=lower[cols].tolist(), col_ub=upper[cols].tolist(),
        col_cost=reduced[cols].tolist(), col_integer=[False] * len(cols),
        row_names=[lp.row_names[r] for r in rows.tolist()],
        row_keys=[lp.row_keys[r] for r in rows.tolist()],
        row_lb=[lp.row_lb[r] for r in rows.tolist()],
        row_ub=[lp.row_ub[r] for r in rows.tolist()],
        row_start=block_starts.tolist(),
        row_cols=local[view.entry_cols[entries]].tolist(),
        row_vals=view.entry_values[entries].tolist(),
    )
    result = solve(block, "highs", BLOCK_SAFETY_NET_S)
    if result.status != Status.OPTIMAL or result.objective is None or result.values is None:
        return None
    return result.objective, np.asarray(result.values, dtype=np.float64)
