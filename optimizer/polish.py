"""A MIP solution held to the plan contract's tolerance before it becomes a plan.

HiGHS's MIP accepts a row up to 1e-6 off (its `mip_feasibility_tolerance`), and tonnage columns
are in kilotons: 1 kg over a vehicle's payload, past the checker's 0.1 kg (docs/contracts.md,
tolerances). A hypothesis network found it: 20.0002 t on a 20 t truck. Where any row is
further off than `ROW_SLACK`, the integers stay as they are and the continuous columns are
solved again, tightly; plans already within it are left exactly as they are, so every plan
that passed the checker before is unchanged.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optimizer.backend import lp_optimum
from optimizer.lp import LinearModel, row_violations

ROW_SLACK = 1e-7  # kilotons on tonnage rows: the checker's 0.1 kg; what HiGHS's LPs hold to
TIGHT = 1e-9  # the polishing LP's primal feasibility tolerance


def polished(lp: LinearModel, values: list[float]) -> list[float]:
    """`values` if every row is within ROW_SLACK; else the same integers with the continuous
    columns re-solved (their LP's optimum: it may read a hair worse than `values`, which
    used the slack), or `values` if that LP fails."""
    if float(row_violations(lp, values).max(initial=0.0)) <= ROW_SLACK:
        return values
    x = np.asarray(values, dtype=np.float64)
    integer = np.asarray(lp.col_integer, dtype=bool)
    fixed_lb = np.asarray(lp.col_lb, dtype=np.float64)
    fixed_ub = np.asarray(lp.col_ub, dtype=np.float64)
    fixed_lb[integer] = fixed_ub[integer] = np.round(x[integer])
    found = lp_optimum(dataclasses.replace(
        lp, col_lb=fixed_lb.tolist(), col_ub=fixed_ub.tolist()), TIGHT)
    return values if found.values is None else found.values.tolist()
