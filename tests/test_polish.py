"""A MIP solution a hair outside its rows (HiGHS's MIP tolerance is 1e-6, a kilogram in
kilotons) is held to the plan contract's 0.1 kg before it becomes a plan; one within it is
left exactly as it is."""

from __future__ import annotations

import pytest

from optimizer.lp import LinearModel, row_violations
from optimizer.polish import ROW_SLACK, polished


def _truck() -> LinearModel:
    """Kilotons x on one truck of 0.02 kt (v integer): x <= 0.02 v, most tons wanted."""
    lp = LinearModel()
    x = lp.add_var("tons", ub=1.0, cost=-1.0)
    v = lp.add_var("trucks", ub=3.0, integer=True)
    lp.add_row("empty", [], ub=0.0)  # a row without terms is within its bounds at 0
    lp.add_row("payload", [(x, 1.0), (v, -0.02)], ub=0.0)
    lp.add_row("floor", [], lb=-1.0)  # and so is one at the end
    return lp


def test_row_violations_measure_each_row_outside_its_bounds() -> None:
    over = row_violations(_truck(), [0.0200002, 1.0])
    assert over.tolist() == pytest.approx([0.0, 2e-7, 0.0], abs=1e-15)
    assert row_violations(_truck(), [0.01, 1.0]).tolist() == [0.0, 0.0, 0.0]


def test_a_solution_over_the_slack_keeps_its_integers_and_fits() -> None:
    lp = _truck()
    held = polished(lp, [0.0200002, 1.0])  # 0.2 kg over one truck
    assert held[1] == 1.0  # the same trucks
    assert held[0] == pytest.approx(0.02, abs=1e-9)
    assert float(row_violations(lp, held).max()) <= ROW_SLACK


def test_a_solution_within_the_slack_is_left_as_it_is() -> None:
    values = [0.02000005, 1.0]  # 0.05 kg over: within the contract
    assert polished(_truck(), values) is values
