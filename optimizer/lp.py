"""A solver-neutral sparse MIP: named columns and rows, built once, handed to any backend.

Building rows as (column, coefficient) lists and passing whole arrays to the solver is the
fastest path measured here (operator-overloaded expressions cost more than the solve).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

INF = float("inf")

# What a row is, as data: its family and key, e.g. ("conserve", movement, place, period).
# Code that finds a row (its price, its stock column) finds it by key, never by parsing a
# name; names are for people and solver files.
RowKey = tuple[str | int, ...]


@dataclass
class LinearModel:
    """A mixed-integer linear model built by rows and columns, solver-neutral."""
    col_names: list[str] = field(default_factory=list)
    col_lb: list[float] = field(default_factory=list)
    col_ub: list[float] = field(default_factory=list)
    col_cost: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_keys: list[RowKey | None] = field(default_factory=list)  # None: a row with no key
    row_lb: list[float] = field(default_factory=list)
    row_ub: list[float] = field(default_factory=list)
    # CSR: row_start[i]..row_start[i+1] index into row_cols/row_vals
    row_start: list[int] = field(default_factory=lambda: [0])
    row_cols: list[int] = field(default_factory=list)
    row_vals: list[float] = field(default_factory=list)
    offset: float = 0.0  # constant added to the objective

    @property
    def num_cols(self) -> int:
        return len(self.col_names)

    @property
    def num_rows(self) -> int:
        return len(self.row_names)

    @property
    def num_integer(self) -> int:
        return sum(self.col_integer)

    def add_var(
        self, name: str, lb: float = 0.0, ub: float = INF, cost: float = 0.0,
        integer: bool = False,
    ) -> int:
        self.col_names.append(name)
        self.col_lb.append(lb)
        self.col_ub.append(ub)
        self.col_cost.append(cost)
        self.col_integer.append(integer)
        return len(self.col_names) - 1

    def add_cost(self, col: int, cost: float) -> None:
        self.col_cost[col] += cost

    def add_row(
        self, name: str, terms: Iterable[tuple[int, float]], lb: float = -INF, ub: float = INF,
        key: RowKey | None = None,
    ) -> int:
        merged: dict[int, float] = {}
        for col, val in terms:
            merged[col] = merged.get(col, 0.0) + val
        for col, val in merged.items():
            if val != 0.0:
                self.row_cols.append(col)
                self.row_vals.append(val)
        self.row_start.append(len(self.row_cols))
        self.row_names.append(name)
        self.row_keys.append(key)
        self.row_lb.append(lb)
        self.row_ub.append(ub)
        return len(self.row_names) - 1

    def row_terms(self, row: int) -> list[tuple[int, float]]:
        a, b = self.row_start[row], self.row_start[row + 1]
        return list(zip(self.row_cols[a:b], self.row_vals[a:b], strict=True))


def objective(lp: LinearModel, values: list[float]) -> float:
    """The objective's value at `values`."""
    return lp.offset + sum(c * v for c, v in zip(lp.col_cost, values, strict=True) if c)


def rescaled(lp: LinearModel, columns: set[int], factor: float) -> LinearModel:
    """The same model with `columns` measured in units `factor` times smaller (x' = x*factor):
    for solvers that want integral data, such as CP-SAT, which rounds a kiloton rhs of 0.1
    into an empty domain."""
    scale = [factor if i in columns else 1.0 for i in range(lp.num_cols)]
    return LinearModel(
        col_names=list(lp.col_names),
        col_lb=[v * f for v, f in zip(lp.col_lb, scale, strict=True)],
        col_ub=[v * f for v, f in zip(lp.col_ub, scale, strict=True)],
        col_cost=[c / f for c, f in zip(lp.col_cost, scale, strict=True)],
        col_integer=list(lp.col_integer),
        row_names=list(lp.row_names),
        row_keys=list(lp.row_keys),
        row_lb=list(lp.row_lb),
        row_ub=list(lp.row_ub),
        row_start=list(lp.row_start),
        row_cols=list(lp.row_cols),
        row_vals=[v / scale[c] for c, v in zip(lp.row_cols, lp.row_vals, strict=True)],
        offset=lp.offset,
    )


def row_violations(lp: LinearModel, values: list[float]) -> np.ndarray:
    """How far each row's activity at `values` lies outside its bounds (0 where within)."""
    x = np.asarray(values, dtype=np.float64)
    starts = np.asarray(lp.row_start, dtype=np.int64)
    terms = np.asarray(lp.row_vals, dtype=np.float64) * x[np.asarray(lp.row_cols, dtype=np.int64)]
    # a 0 after the last term, so an empty last row's start is an index reduceat accepts
    activity = np.add.reduceat(np.append(terms, 0.0), starts[:-1]) if lp.num_rows else \
        np.zeros(0)
    activity[starts[:-1] == starts[1:]] = 0.0  # reduceat gives an empty row its next term
    return np.maximum(0.0, np.maximum(np.asarray(lp.row_lb) - activity,
                                      activity - np.asarray(lp.row_ub)))


@dataclass(frozen=True)
class ColumnView:
    """`lp`'s matrix by columns (CSC), for handing a solver some of its columns and pricing
    the rest (optimizer/sifting.py)."""
    starts: np.ndarray  # column j's entries are starts[j]..starts[j+1]
    rows: np.ndarray
    values: np.ndarray
    entry_rows: np.ndarray  # CSR order: the row of each entry of lp.row_cols
    entry_cols: np.ndarray
    entry_values: np.ndarray
    row_starts: np.ndarray  # lp.row_start: row i's entries are row_starts[i]..[i+1]

    @classmethod
    def of(cls, lp: LinearModel) -> ColumnView:
        entry_cols = np.asarray(lp.row_cols, dtype=np.int64)
        entry_values = np.asarray(lp.row_vals, dtype=np.float64)
        starts = np.asarray(lp.row_start, dtype=np.int64)
        entry_rows = np.repeat(np.arange(lp.num_rows, dtype=np.int64), starts[1:] - starts[:-1])
        order = np.argsort(entry_cols, kind="stable")
        counts = np.bincount(entry_cols, minlength=lp.num_cols)
        return cls(np.concatenate([[0], np.cumsum(counts)]), entry_rows[order],
                   entry_values[order], entry_rows, entry_cols, entry_values, starts)

    def select(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The columns `cols`, in that order, as (starts, row indices, values)."""
        lengths = self.starts[cols + 1] - self.starts[cols]
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        entries = np.repeat(self.starts[cols] - starts, lengths) + np.arange(lengths.sum())
        return starts, self.rows[entries], self.values[entries]

    def transpose_times(self, row_values: np.ndarray) -> np.ndarray:
        """A^T y: for each column, its entries weighted by `row_values` of their rows."""
        return np.bincount(self.entry_cols, weights=self.entry_values * row_values[
            self.entry_rows], minlength=len(self.starts) - 1)
