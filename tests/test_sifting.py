"""Sifting (optimizer/sifting.py): the every-route LP solved over a growing working set of
columns must reach the same optimum as the whole LP, and every bound it reports on the way,
finished or stopped by its budget, must lie below that optimum: a bound above it would make
"within x% of the best" a lie."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from test_properties import SETTINGS, networks

from contracts import examples as tiny
from contracts.network import Network
from optimizer.bound import every_route_lp, network_bound
from optimizer.lp import LinearModel
from optimizer.model import build_model
from optimizer.settings import SearchSettings
from optimizer.sifting import sift
from optimizer.solve import Status, solve

SIFT = SearchSettings(sift_from_columns=0)
WHOLE = SearchSettings(sift_from_columns=10**9)


def _two_columns() -> LinearModel:
    """min -x - 2y, x + y <= 1, x in [0, 5], y in [0, 1]: the optimum is y = 1, -2."""
    lp = LinearModel()
    x = lp.add_var("x", ub=5.0, cost=-1.0)  # above 1, so the row, not x's bound, holds x
    y = lp.add_var("y", ub=1.0, cost=-2.0)
    lp.add_row("share", [(x, 1.0), (y, 1.0)], ub=1.0)
    return lp


def test_by_hand_the_priced_out_column_joins_and_the_first_bound_is_the_lagrangian() -> None:
    """From x alone the working set's optimum is x = 1, -1, with the row priced at -1 (x is
    inside its bounds, so its reduced cost is 0); y's reduced
    cost is then -2 - (-1) = -1, so the Lagrangian bound is -1 + 1 x (-1) = -2, and y joins:
    -2, proven in a second round."""
    said: list[str] = []
    found = sift(_two_columns(), np.array([True, False]), 100, say=said.append)
    assert found.converged and found.rounds == 2 and found.columns == 2
    assert found.objective == pytest.approx(-2.0)
    assert found.bound == pytest.approx(-2.0)
    assert found.values is not None and list(found.values) == pytest.approx([0.0, 1.0])
    assert "bound -2.0000, 1 priced out" in said[0]


def test_a_sifting_stopped_by_its_budget_still_bounds_from_below() -> None:
    """One round: the working set's own optimum (-1) is no bound, its Lagrangian (-2) is."""
    found = sift(_two_columns(), np.array([True, False]), 100, max_rounds=1)
    assert not found.converged and found.objective == pytest.approx(-1.0)
    assert found.bound == pytest.approx(-2.0)


def test_a_column_without_an_upper_bound_must_start_in_the_working_set() -> None:
    lp = _two_columns()
    lp.col_ub[1] = float("inf")  # its price times its bound would be unbounded
    with pytest.raises(ValueError, match="must start in the working set"):
        sift(lp, np.array([True, False]), 100)


def _whole_and_sifted(net: Network) -> tuple[float, Any]:
    model = build_model(net, every_route=True)
    relaxed = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    whole = solve(relaxed, "highs", 60)  # simplex to its vertex: the LP's optimum
    assert whole.status == Status.OPTIMAL and whole.objective is not None
    return whole.objective, every_route_lp(net, None, SIFT)


def test_on_two_sectors_sifting_reaches_the_whole_lps_optimum() -> None:
    net = Network.from_json(tiny.weighted_sectors(3.0))
    optimum, sifted = _whole_and_sifted(net)
    assert sifted.method.startswith("sifting")
    assert sifted.result.status == Status.OPTIMAL
    assert sifted.result.objective == pytest.approx(optimum, rel=1e-7, abs=1e-7)


@SETTINGS
@given(networks())
def test_on_any_network_sifting_reaches_the_whole_lps_optimum_and_never_bounds_above_it(
    resolved: dict[str, Any],
) -> None:
    net = Network.from_json(resolved)
    optimum, sifted = _whole_and_sifted(net)
    scale = max(1.0, abs(optimum))
    assert sifted.result.status == Status.OPTIMAL
    assert sifted.result.objective == pytest.approx(optimum, rel=1e-6, abs=1e-6)
    assert sifted.result.objective <= optimum + 1e-7 * scale
    # the planner's bound is the same number whichever way it is solved
    by_sifting = network_bound(net, None, SIFT).value
    by_barrier = network_bound(net, None, WHOLE).value
    assert by_sifting is not None and by_barrier is not None
    assert by_sifting == pytest.approx(by_barrier, rel=1e-6, abs=1e-6)
    # stopped after its first round, from the lift alone, it still bounds
    relaxed = sifted.relaxed
    first = np.ones(relaxed.num_cols, dtype=bool)
    first[list(sifted.model.flow.values())] = False
    stopped = sift(relaxed, first, 10**6, max_rounds=1)
    assert stopped.bound is not None and stopped.bound <= optimum + 1e-7 * scale


def test_the_planners_own_routes_start_sifting_as_a_rebuilt_model_would() -> None:
    """The planner hands its model's tonnage columns to the bound instead of the bound
    building that model again: the same first working set, so the same LP path, bound and
    routes to the last digit (the plan must not depend on which of the two ran)."""
    net = Network.from_json(tiny.weighted_sectors(3.0))
    planners = build_model(net)
    handed = every_route_lp(net, None, SIFT, planned=tuple(planners.flow))
    rebuilt = every_route_lp(net, None, SIFT)
    assert handed.result.status == Status.OPTIMAL
    assert handed.result.values == rebuilt.result.values
    assert handed.result.bound == rebuilt.result.bound
    routes = network_bound(net, None, SIFT, keep_routes=True, planned=tuple(planners.flow))
    assert routes == dataclasses.replace(network_bound(net, None, SIFT, keep_routes=True),
                                         seconds=routes.seconds)
    with pytest.raises(KeyError):  # keys of another network's model are a caller's bug
        every_route_lp(net, None, SIFT, planned=[("no-such-movement", next(iter(
            planners.flow))[1])])


def _one_movement_three_routes() -> LinearModel:
    """One movement (the block: columns 0-2) ships 1 kt on one of three routes, costs 0, -3
    and -2, its row `tons` its own; from the 0-cost route alone, both others price out."""
    lp = LinearModel()
    routes = [lp.add_var(f"route{i}", ub=1.0, cost=c) for i, c in enumerate((0.0, -3.0, -2.0))]
    lp.add_row("tons", [(r, 1.0) for r in routes], lb=1.0, ub=1.0)
    return lp


def test_by_paths_only_the_route_the_movements_own_lp_takes_joins() -> None:
    """The movement's own LP at the first round's prices ships its ton on route 1 (-3), so
    by paths only route 1 joins, and the second round's optimum (-3) meets the bound: two
    columns. Plain sifting adds route 2 as well (reduced cost -2 < 0): three."""
    first = np.array([True, False, False])
    by_paths = sift(_one_movement_three_routes(), first, 100, blocks=[[0, 1, 2]],
                    by_paths=True)
    plain = sift(_one_movement_three_routes(), first, 100, blocks=[[0, 1, 2]])
    for found in (by_paths, plain):
        assert found.converged and found.objective == pytest.approx(-3.0)
        assert found.bound == pytest.approx(-3.0)
    assert by_paths.columns == 2 and plain.columns == 3
    assert by_paths.values is not None and list(by_paths.values) == pytest.approx([0, 1, 0])


def test_by_paths_needs_blocks() -> None:
    with pytest.raises(ValueError, match="needs the blocks"):
        sift(_two_columns(), np.array([True, False]), 100, by_paths=True)
