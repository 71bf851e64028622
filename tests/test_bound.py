"""The bound over every route the network allows (optimizer/bound.py): its model contains the
planner's, so on any network it is at most the planner's LP bound and at most any plan's
objective. A bound that rose above a plan would make every "within x% of the best" a lie.
Where that LP is too big, the lift-free relaxation (every force at its earliest arrival,
capacities unlimited) stands in: below it, and still below every plan."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given
from test_properties import SETTINGS, networks

from contracts.network import Network
from optimizer.bound import (
    BOUND_LIFT_FREE,
    BOUND_NETWORK,
    BOUND_STOPPED,
    lift_free_bound,
    network_bound,
    network_valid,
    tonnage_columns,
)
from optimizer.model import build_model
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


@SETTINGS
@given(networks())
def test_one_round_of_sifting_bounds_below_the_lp_it_stopped_short_of(
    resolved: dict[str, Any]
) -> None:
    """Between the two size limits the every-route LP gets one round of sifting from the
    planner's routes: its Lagrangian bound, at most the LP's optimum; where the round happens
    to reach the optimum, the optimum itself. The plan reports the higher of it and the
    lift-free bound, each named."""
    net = Network.from_json(resolved)
    model, _ = planning_model(net)
    exact = network_bound(net, model.must_use)
    assert exact.value is not None and exact.source == BOUND_NETWORK
    scale = max(1.0, abs(exact.value))
    lift_free = lift_free_bound(net)
    assert lift_free is not None
    one_round = SearchSettings(network_bound_columns=0, stopped_bound_columns=10**9)
    # from the planner's routes (on networks this small, one round is often the optimum),
    # and from none at all (the lift alone: the first round cannot be)
    for planned in (tuple(model.flow), ()):
        one = network_bound(net, model.must_use, one_round, planned=planned)
        assert one.value is not None and one.source in (BOUND_NETWORK, BOUND_STOPPED)
        assert one.value <= exact.value + TOLERANCE * scale
        if one.source == BOUND_NETWORK:
            assert abs(one.value - exact.value) <= TOLERANCE * scale
        value, source = network_valid(net, one)
        assert value is not None
        assert value == max(one.value, lift_free) <= exact.value + TOLERANCE * scale
        assert source == (one.source if one.value >= lift_free else BOUND_LIFT_FREE)
    assert one.source == BOUND_STOPPED or not model.flow


def test_a_model_over_the_size_limit_is_not_built_and_says_why() -> None:
    from contracts import examples as tiny

    net = Network.from_json(tiny.one_force_one_fleet())
    found = network_bound(net, None, SearchSettings(network_bound_columns=0,
                                                    stopped_bound_columns=0))
    assert found.value is None
    assert found.skipped is not None and "over the limit of 0" in found.skipped


def test_the_lift_free_bound_by_hand() -> None:
    """one_force_one_fleet: even with lift unlimited the truck leg leaves A the day after the
    flight, so the force is in the sector from day 1: 1 gap-day and one force-day (0.01); the
    plan's 1.15 adds the ton-km cost. late_fleet(3): nothing flies before day 3: gap 1 on days
    0-3, the last after the by_day (x 1.1), and four force-days: 4.14. two_forces_one_aircraft:
    enough aircraft would fly both forces on day 0: 0, where one aircraft makes it 2."""
    from contracts import examples as tiny

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
    from contracts import examples as tiny

    doc = tiny.late_fleet(3)
    plan = plan_with_mip(doc, settings=SearchSettings(network_bound_columns=0,
                                                      stopped_bound_columns=0))[0]
    assert plan.solver.network_bound_source == BOUND_LIFT_FREE
    assert plan.solver.network_bound is not None
    assert abs(plan.solver.network_bound - 4.14) <= TOLERANCE
    assert plan.solver.objective is not None
    assert plan.solver.network_bound <= plan.solver.objective


def test_the_plan_carries_the_one_round_bound_the_planner_computed() -> None:
    """plan.json's network bound between the two size limits is the one-round bound (or the
    lift-free one where higher), under the name of the one it is, and below the plan."""
    from contracts import examples as tiny

    doc = tiny.weighted_sectors(3.0)
    settings = SearchSettings(network_bound_columns=0, stopped_bound_columns=10**9)
    plan = plan_with_mip(doc, settings=settings)[0]
    net = Network.from_json(doc)
    model, _ = planning_model(net)
    expected = network_valid(net, network_bound(net, model.must_use, settings,
                                                planned=tuple(model.flow)))
    assert (plan.solver.network_bound, plan.solver.network_bound_source) == expected
    assert plan.solver.network_bound_source in (BOUND_NETWORK, BOUND_STOPPED, BOUND_LIFT_FREE)
    assert plan.solver.objective is not None and plan.solver.network_bound is not None
    assert plan.solver.network_bound <= plan.solver.objective + TOLERANCE
