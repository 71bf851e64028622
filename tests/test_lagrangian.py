"""The Lagrangian bound with each movement's own rows kept (optimizer/lagrangian.py). It must
hold at any row prices, right or wrong: a bound above the LP's optimum would make "within x%
of the best" a lie. At the LP's own prices it must be the optimum, and where sifting stops
short it must be no weaker than the bound that keeps no rows."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, networks

from contracts import examples as tiny
from contracts.loader import load_scenario
from contracts.network import Network
from geodata.network import build_network
from optimizer.backend import HighsColumnSubset
from optimizer.bound import (
    BOUND_LIFT_FREE,
    BOUND_NETWORK,
    BOUND_STOPPED,
    NetworkBound,
    lift_free_bound,
    network_valid,
)
from optimizer.lagrangian import lagrangian_bound, prices_by_row_key
from optimizer.lp import ColumnView, LinearModel
from optimizer.model import Model, build_model
from optimizer.sifting import sift

BALTIC = Path(__file__).resolve().parents[1] / "scenarios" / "baltic_article5.yaml"


def _two_columns() -> LinearModel:
    """min -x - 2y, x + y <= 1, x in [0, 5], y in [0, 1]: the optimum is y = 1, -2, with the
    row priced at -1."""
    lp = LinearModel()
    x = lp.add_var("x", ub=5.0, cost=-1.0)
    y = lp.add_var("y", ub=1.0, cost=-2.0)
    lp.add_row("share", [(x, 1.0), (y, 1.0)], ub=1.0)
    return lp


def test_by_hand_a_kept_row_binds_where_a_priced_one_does_not() -> None:
    """Unpriced (y = 0) the row is dropped but for the bound it implies on each column (x <= 1,
    not its own 5): x = 1, y = 1, -3. Kept in a block holding both columns, it binds as it
    is: -2, the optimum, at any price. At the optimum's price (-1) both are -2: -1 x 1 for
    the row, and reduced costs 0 and -1."""
    lp = _two_columns()
    assert lagrangian_bound(lp, np.array([0.0]), []).value == pytest.approx(-3.0)
    assert lagrangian_bound(lp, np.array([0.0]), [[0, 1]]).value == pytest.approx(-2.0)
    assert lagrangian_bound(lp, np.array([-1.0]), []).value == pytest.approx(-2.0)
    assert lagrangian_bound(lp, np.array([-3.0]), [[0, 1]]).value == pytest.approx(-2.0)
    # a block of x alone cannot keep the row (y is outside it): priced as before
    assert lagrangian_bound(lp, np.array([-1.0]), [[0]]).value == pytest.approx(-2.0)


def test_a_price_of_the_wrong_sign_counts_as_none() -> None:
    """A <= row prices at most 0 (its lower bound is -inf): +4 would pair with -inf."""
    lp = _two_columns()
    assert lagrangian_bound(lp, np.array([4.0]), []).value == pytest.approx(-3.0)


def test_a_column_bounded_only_by_a_row_takes_its_bound_from_the_row() -> None:
    """x has no upper bound of its own; x + y <= 1 with both nonnegative caps it at 1, so at
    y = 0 the bound is -1 - 2 (both at 1), not -inf."""
    lp = _two_columns()
    lp.col_ub[0] = float("inf")
    assert lagrangian_bound(lp, np.array([0.0]), []).value == pytest.approx(-3.0)
    lp.row_ub[0] = float("inf")  # nothing caps it now: no bound
    assert lagrangian_bound(lp, np.array([0.0]), []).value is None


def _one_ton_two_per_vehicle(vehicle_cost: float) -> LinearModel:
    """One movement ships 1 kt (t = 1, its own row); t - 2v <= 0 (a vehicle carries 2);
    v <= 1; each vehicle costs `vehicle_cost`. The optimum: v = 0.5, half the cost."""
    lp = LinearModel()
    t = lp.add_var("tons", ub=1.0)
    v = lp.add_var("vehicles", ub=1.0, cost=vehicle_cost)
    lp.add_row("ship", [(t, 1.0)], 1.0, 1.0)
    lp.add_row("payload", [(t, 1.0), (v, -2.0)], ub=0.0)
    return lp


@pytest.mark.parametrize("vehicle_cost", [3.0, 0.5])
def test_by_hand_the_tons_pay_for_the_vehicles_they_need(vehicle_cost: float) -> None:
    """At no prices the vehicle's cost would leave it at 0 while the ton rides free: bound 0.
    The payload row takes the vehicle's cost instead (-cost/2 a kt), so the ton pays half a
    vehicle: the optimum, cost/2, whatever the cost."""
    lp = _one_ton_two_per_vehicle(vehicle_cost)
    found = lagrangian_bound(lp, np.zeros(2), [[0]])
    assert found.value == pytest.approx(vehicle_cost / 2)
    # a row the movement's columns enter with a negative sign is no capacity: left alone
    lp.row_vals[1] = -1.0  # -t - 2v <= 0
    assert lagrangian_bound(lp, np.zeros(2), [[0]]).value == pytest.approx(0.0)


def test_by_hand_with_two_kinds_of_vehicle_the_ton_pays_for_the_cheaper() -> None:
    """t - 2v - 2w <= 0, v costs 3 and w 1: half a w, 0.5. Charging the ton for half a v
    (1.5) would make w pay to take (1 - 2 x 1.5 < 0) and sink the bound to -0.5."""
    lp = _one_ton_two_per_vehicle(3.0)
    w = lp.add_var("other vehicles", ub=1.0, cost=1.0)
    lp.row_cols.append(w)
    lp.row_vals.append(-2.0)
    lp.row_start[-1] += 1
    assert lp.row_terms(1) == [(0, 1.0), (1, -2.0), (w, -2.0)]
    assert lagrangian_bound(lp, np.zeros(2), [[0]]).value == pytest.approx(0.5)


def test_prices_follow_their_rows_by_key_into_a_model_with_more_rows() -> None:
    """The wider model has the narrower one's rows in another order, with one of its own
    between them: each price lands on the row of its key, whatever the rows are called,
    and the new row gets none. A row without a key is never matched, even by name."""
    narrow, wide = LinearModel(), LinearModel()
    x = narrow.add_var("x")
    narrow.add_row("a", [(x, 1.0)], ub=1.0, key=("cap", "a", 0))
    narrow.add_row("b", [(x, 1.0)], ub=1.0, key=("cap", "b", 0))
    narrow.add_row("loose", [(x, 1.0)], ub=1.0)
    x = wide.add_var("x")
    wide.add_row("renamed b", [(x, 1.0)], ub=1.0, key=("cap", "b", 0))
    wide.add_row("a", [(x, 1.0)], ub=1.0, key=("cap", "a", 1))  # a's name, another key
    wide.add_row("loose", [(x, 1.0)], ub=1.0)
    wide.add_row("renamed a", [(x, 1.0)], ub=1.0, key=("cap", "a", 0))
    assert prices_by_row_key(narrow, np.array([-1.0, -2.0, -3.0]), wide).tolist() == [
        -2.0, 0.0, 0.0, -1.0]
    with pytest.raises(ValueError, match="1 prices for 3 rows"):
        prices_by_row_key(narrow, np.array([-1.0]), wide)


def test_every_row_of_a_built_model_has_its_own_key() -> None:
    """Rows are found by key (prices, stock columns, gap rows), so each row `build_model`
    makes carries one, and no two share it."""
    model = build_model(Network.from_json(build_network(load_scenario(BALTIC), BALTIC).to_json()))
    keys = model.lp.row_keys
    assert len(keys) == model.lp.num_rows and None not in keys
    assert len(set(keys)) == len(keys)
    assert {k[0] for k in keys if k is not None} >= {
        "conserve", "arrive", "payload", "fleet_count", "throughput", "mog", "sector_share",
        "assign_all", "sustain", "depot_stock", "depot_throughput", "gap"}


def test_blocks_that_share_a_column_are_a_callers_bug() -> None:
    with pytest.raises(ValueError, match="share a column"):
        lagrangian_bound(_two_columns(), np.array([0.0]), [[0, 1], [1]])


def _every_route(resolved: dict[str, Any]) -> tuple[Model, LinearModel, list[list[int]]]:
    model = build_model(Network.from_json(resolved), every_route=True)
    relaxed = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    return model, relaxed, list(model.movement_columns().values())


def _optimum(lp: LinearModel) -> tuple[float, np.ndarray]:
    whole = HighsColumnSubset(lp, ColumnView.of(lp))
    whole.add_columns(np.arange(lp.num_cols))
    found = whole.run(10**6, 60.0)
    assert found.optimal and found.objective is not None and found.row_duals is not None
    return found.objective, found.row_duals


@SETTINGS
@given(networks(), st.integers(0, 2**32 - 1))
def test_on_any_network_the_bound_holds_at_any_prices_and_is_exact_at_the_optimums(
    resolved: dict[str, Any], seed: int,
) -> None:
    _, lp, blocks = _every_route(resolved)
    optimum, duals = _optimum(lp)
    scale = max(1.0, abs(optimum))
    at_optimum = lagrangian_bound(lp, duals, blocks).value
    assert at_optimum == pytest.approx(optimum, rel=1e-6, abs=1e-6)
    rng = np.random.default_rng(seed)
    for spread in (0.1, 1.0, 10.0):  # near the optimum's prices and far from them
        noisy = duals + rng.normal(0.0, spread * (1.0 + np.abs(duals)))
        kept = lagrangian_bound(lp, noisy, blocks).value
        assert kept is None or kept <= optimum + 1e-6 * scale
        none_kept = lagrangian_bound(lp, noisy, []).value
        assert none_kept is None or none_kept <= optimum + 1e-6 * scale


@SETTINGS
@given(networks())
def test_a_sifting_stopped_after_one_round_bounds_at_least_as_well_with_movements_kept(
    resolved: dict[str, Any],
) -> None:
    model, lp, blocks = _every_route(resolved)
    optimum, _ = _optimum(lp)
    first = np.ones(lp.num_cols, dtype=bool)
    first[list(model.flow.values())] = False  # from the lift alone: every route priced
    plain = sift(lp, first, 10**6, max_rounds=1)
    kept = sift(lp, first, 10**6, max_rounds=1, blocks=blocks)
    assert plain.bound is not None and kept.bound is not None
    assert plain.bound <= kept.bound <= optimum + 1e-6 * max(1.0, abs(optimum))


def test_a_stopped_siftings_bound_gives_way_to_a_higher_lift_free_one() -> None:
    """Before, a sifting cut short by its budget or the clock reported its Lagrangian as the
    bound over every route, however low. Each holds, so the higher one stands, named."""
    net = Network.from_json(tiny.late_fleet(3))
    lift_free = lift_free_bound(net)
    assert lift_free is not None
    low = NetworkBound(lift_free - 100.0, 10, 10, 0.0, source=BOUND_STOPPED)
    assert network_valid(net, low) == (lift_free, BOUND_LIFT_FREE)
    high = dataclasses.replace(low, value=lift_free + 0.5)
    assert network_valid(net, high) == (lift_free + 0.5, BOUND_STOPPED)
    # the LP's optimum is never below the lift-free relaxation of it: taken as it is
    solved = dataclasses.replace(low, value=lift_free + 0.25, source=BOUND_NETWORK)
    assert network_valid(net, solved) == (lift_free + 0.25, BOUND_NETWORK)


def test_a_sifting_whose_next_round_runs_out_keeps_movements_at_the_last_prices_it_had() -> None:
    """The round after the first gets one simplex iteration, too few: the bound is then the
    one at the first round's prices, movements kept, as if it had stopped there."""
    model, lp, blocks = _every_route(tiny.weighted_sectors(3.0))
    first = np.ones(lp.num_cols, dtype=bool)
    first[list(model.flow.values())] = False
    one = sift(lp, first, 10**6, max_rounds=1, blocks=blocks)
    plain = sift(lp, first, one.iterations + 1)
    cut = sift(lp, first, one.iterations + 1, blocks=blocks)
    assert cut.objective is None and cut.rounds == 2  # the second round did not solve
    assert one.bound is not None and plain.bound is not None and cut.bound is not None
    assert cut.bound == pytest.approx(one.bound) and cut.bound > plain.bound + 1e-6
