"""The bound over every route the network allows (optimizer/bound.py): its model contains the
planner's, so on any network it is at most the planner's LP bound and at most any plan's
objective. A bound that rose above a plan would make every "within x% of the best" a lie.
Where that LP is too big, the lift-free relaxation (every force at its earliest arrival,
capacities unlimited) stands in: below it, and still below every plan."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from test_properties import SETTINGS, networks

from contracts import examples as tiny
from contracts.network import Network
from optimizer.backend import HighsRelaxation
from optimizer.bound import (
    BOUND_LIFT_FREE,
    BOUND_NETWORK,
    BOUND_PATHS,
    BOUND_ROOT_PRICES,
    NetworkBound,
    bound_at_root_prices,
    lift_free_bound,
    network_bound,
    network_valid,
    tonnage_columns,
)
from optimizer.model import Model, build_model
from optimizer.planner import plan_with_mip, planning_model
from optimizer.settings import SearchSettings
from optimizer.solve import solve

TOLERANCE = 1e-6  # barrier without crossover: its objective within solver tolerance


@SETTINGS
@given(networks())
def test_the_bound_over_every_route_is_below_the_model_bound_and_every_plan(
    resolved: dict[str, Any]
) -> None:
    net = Network.from_json(resolved)
    model, _ = planning_model(net)
    found = network_bound(net, model.must_use)
    assert found.value is not None and found.skipped is None
    relaxed = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    model_lp = solve(relaxed, "highs", 60).objective
    assert model_lp is not None
    scale = max(1.0, abs(model_lp))
    assert found.value <= model_lp + TOLERANCE * scale
    plan = plan_with_mip(resolved, time_limit_s=60)[0]
    assert plan.solver.network_bound is not None and plan.solver.objective is not None
    assert plan.solver.network_bound == found.value  # the planner reports the same bound
    assert plan.solver.network_bound_source == BOUND_NETWORK
    assert plan.solver.network_bound <= plan.solver.objective + TOLERANCE * scale
    lift_free = lift_free_bound(net)
    assert lift_free is not None and lift_free <= found.value + TOLERANCE * scale


@SETTINGS
@given(networks())
def test_every_route_keeps_every_route_the_planner_models(resolved: dict[str, Any]) -> None:
    """Column for column: each (movement, fleet, leg, period) of the planner's model is in
    the every-route model, which is why its LP can only be lower."""
    net = Network.from_json(resolved)
    model, _ = planning_model(net)
    wide = build_model(net, must_use=model.must_use, every_route=True)

    def groups(m: Any) -> set[tuple[str, str, str, int]]:
        return {(mid, g.timing.fleet, g.timing.leg.id, g.period) for mid, g in m.flow}

    assert groups(model) <= groups(wide)
    assert tonnage_columns(net) >= len(model.flow) - sum(
        len(v) for v in model.must_use.values())


def test_a_model_over_the_size_limit_is_not_built_and_says_why() -> None:

    net = Network.from_json(tiny.one_force_one_fleet())
    found = network_bound(net, None, SearchSettings(network_bound_columns=0,
                                                    priced_bound_columns=0,
                                                    paths_bound_columns=0))
    assert found.value is None
    assert found.skipped is not None and "over the limit of 0" in found.skipped


def test_the_lift_free_bound_by_hand() -> None:
    """one_force_one_fleet: even with lift unlimited the truck leg leaves A the day after the
    flight, so the force is in the sector from day 1: 1 gap-day and one force-day (0.01); the
    plan's 1.15 adds the ton-km cost. late_fleet(3): nothing flies before day 3: gap 1 on days
    0-3, the last after the by_day (x 1.1), and four force-days: 4.14. two_forces_one_aircraft:
    enough aircraft would fly both forces on day 0: 0, where one aircraft makes it 2."""

    def bound(doc: dict[str, Any]) -> float:
        value = lift_free_bound(Network.from_json(doc))
        assert value is not None
        return value

    assert abs(bound(tiny.one_force_one_fleet()) - 1.01) <= TOLERANCE
    assert abs(bound(tiny.late_fleet(3)) - 4.14) <= TOLERANCE
    assert abs(bound(tiny.two_forces_one_aircraft())) <= TOLERANCE


def test_over_the_size_limit_the_plan_carries_the_lift_free_bound() -> None:
    """No LP over every route (its model over the limit): plan.json still has a bound for
    every plan the network allows, and says it is the lift-free one."""

    doc = tiny.late_fleet(3)
    plan = plan_with_mip(doc, settings=SearchSettings(network_bound_columns=0,
                                                      priced_bound_columns=0,
                                                      paths_bound_columns=0))[0]
    assert plan.solver.network_bound_source == BOUND_LIFT_FREE
    assert plan.solver.network_bound is not None
    assert abs(plan.solver.network_bound - 4.14) <= TOLERANCE
    assert plan.solver.objective is not None
    assert plan.solver.network_bound <= plan.solver.objective


def _root_prices(model: Model) -> np.ndarray:
    """The planner's root LP's row prices, solved as the dive solves it."""
    root = HighsRelaxation(model.lp, barrier_first=False).run(10**6, math.inf)
    assert root.optimal and root.row_duals is not None
    return root.row_duals


def _priced_and_exact(net: Network) -> tuple[Model, NetworkBound, float]:
    """The planner's model, the bound at its root LP's prices, the LP over every route."""
    model, _ = planning_model(net)
    exact = network_bound(net, model.must_use)
    assert exact.value is not None
    priced = bound_at_root_prices(net, model.must_use,
                                  lambda: (model.lp, _root_prices(model)))
    return model, priced, exact.value


@SETTINGS
@given(networks())
def test_the_bound_at_the_root_prices_is_below_the_lp_over_every_route(
    resolved: dict[str, Any]
) -> None:
    """Priced at the planner's root LP, with no LP over every route solved, the bound still
    holds for every route: at most that LP's optimum, and so below every plan."""
    _, priced, exact = _priced_and_exact(Network.from_json(resolved))
    assert priced.value is not None and priced.source == BOUND_ROOT_PRICES
    assert priced.value <= exact + TOLERANCE * max(1.0, abs(exact))


@pytest.mark.parametrize("doc", [tiny.a_long_wait_for_one_aircraft(),
                                 tiny.two_forces_one_aircraft(), tiny.late_fleet(3)],
                         ids=["long-wait", "two-forces", "late-fleet"])
def test_where_the_planner_prunes_nothing_the_root_prices_give_the_lp_over_every_route(
    doc: dict[str, Any]
) -> None:
    """On these networks the planner's model is the every-route model, so its root LP's
    prices are that LP's optimal prices, and the bound is its optimum (a_long_wait: 122.995,
    against 0.125 with no prices at all: prices lost on the way would show)."""
    net = Network.from_json(doc)
    model, priced, exact = _priced_and_exact(net)
    unpriced = bound_at_root_prices(net, model.must_use,
                                    lambda: (model.lp, np.zeros(model.lp.num_rows)))
    assert priced.value == pytest.approx(exact, abs=TOLERANCE)
    assert unpriced.value is not None and unpriced.value < exact - 0.1


PRICED = SearchSettings(exact_up_to=0, network_bound_columns=0, paths_bound_columns=0,
                        priced_bound_columns=10**9)


def test_the_plan_carries_the_bound_at_its_own_root_prices() -> None:
    """Between the size limits of sifting and of pricing, the search hands its root LP's
    prices to the other core: plan.json's network bound is the bound at those prices (or the
    lift-free one where higher), named, and below the plan."""
    doc = tiny.a_long_wait_for_one_aircraft()
    plan = plan_with_mip(doc, settings=PRICED)[0]
    net = Network.from_json(doc)
    model, _ = planning_model(net)
    expected = network_valid(net, bound_at_root_prices(
        net, model.must_use, lambda: (model.lp, _root_prices(model))))
    assert expected[1] == BOUND_ROOT_PRICES
    assert plan.solver.network_bound_source == BOUND_ROOT_PRICES
    assert plan.solver.network_bound == pytest.approx(expected[0], abs=TOLERANCE)
    assert plan.solver.objective is not None and plan.solver.network_bound is not None
    assert plan.solver.network_bound <= plan.solver.objective + TOLERANCE


def test_a_search_whose_root_lp_does_not_solve_leaves_the_lift_free_bound() -> None:
    """No root prices (the root LP's budget is one iteration): the other core does not wait
    for ever, the plan is greedy's, and its bound is the lift-free one, named."""
    doc = tiny.a_long_wait_for_one_aircraft()
    plan = plan_with_mip(doc, settings=dataclasses.replace(PRICED, lp_iterations=1))[0]
    assert plan.solver.network_bound_source == BOUND_LIFT_FREE
    assert plan.solver.network_bound == lift_free_bound(Network.from_json(doc))


def _by_paths(rounds: int) -> SearchSettings:
    return SearchSettings(network_bound_columns=0, paths_bound_columns=10**9,
                          bound_rounds=rounds)


def test_column_generation_by_paths_bounds_after_each_round_and_reaches_the_lp() -> None:
    """three_fleets_on_one_leg: the planner's routes lack what the LP over every route uses,
    so by paths the Lagrangian bound after one round (-3.89) and two (-2.89) is below that
    LP's optimum (0.125), named as a stopped column generation, and the third round reaches
    it, named as the LP itself. A budget of rounds not passed on would end at the optimum
    in round one's place; a stopped bound named as the LP's would claim too much."""
    net = Network.from_json(tiny.three_fleets_on_one_leg())
    exact = network_bound(net, None)
    assert exact.source == BOUND_NETWORK and exact.value == pytest.approx(0.125, abs=TOLERANCE)
    one, two, three = (network_bound(net, None, _by_paths(r)) for r in (1, 2, 3))
    assert one.source == BOUND_PATHS and two.source == BOUND_PATHS
    assert one.value is not None and two.value is not None and exact.value is not None
    assert one.value < two.value < exact.value - 1.0
    assert three.source == BOUND_NETWORK
    assert three.value == pytest.approx(exact.value, abs=TOLERANCE)


@SETTINGS
@given(networks())
def test_by_paths_every_rounds_bound_is_below_the_lp_over_every_route(
    resolved: dict[str, Any]
) -> None:
    """On any network, column generation by paths stopped after one round still bounds every
    route, and given rounds enough it reaches the LP over every route."""
    net = Network.from_json(resolved)
    exact = network_bound(net, None).value
    assert exact is not None
    stopped = network_bound(net, None, _by_paths(1)).value
    assert stopped is not None and stopped <= exact + TOLERANCE * max(1.0, abs(exact))
    ended = network_bound(net, None, _by_paths(100))
    assert ended.source == BOUND_NETWORK
    assert ended.value == pytest.approx(exact, rel=1e-6, abs=1e-6)
