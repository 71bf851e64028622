"""Routes from the LP over every route (column generation, once): up to
`SearchSettings.network_routes_columns` the planner solves the every-route LP first and adds
every (fleet, leg, period) it moves tons on to a second model, searches both and keeps the
better plan. The rules a user relies on: that second model's LP is the network's (no route the
LP used is lost), the plan is never worse than the search without those routes, and the same
scenario still gives the same plan."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from hypothesis import given
from test_properties import SETTINGS, networks

from contracts import examples as tiny
from contracts.network import Network
from optimizer.bound import network_bound
from optimizer.greedy import greedy_schedule
from optimizer.model import MustUse, build_model
from optimizer.planner import (
    Found,
    better_of,
    groups_of,
    plan_with_mip,
    planning_model,
    search_models,
)
from optimizer.settings import SearchSettings
from optimizer.solve import SolveResult, Status, solve

TOLERANCE = 1e-6
SEARCH = SearchSettings(exact_up_to=0)  # the relax-round-fix search, even on tiny networks
WITHOUT = dataclasses.replace(SEARCH, network_routes_columns=0)


def lp_value(net: Network, must_use: MustUse | None) -> float:
    model = build_model(net, must_use=must_use)
    relaxed = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    value = solve(relaxed, "highs", 60).objective
    assert value is not None
    return value


def without_seconds(plan: dict[str, Any]) -> dict[str, Any]:
    plan["solver"].pop("seconds")
    return plan


def test_the_lps_routes_bring_the_fleet_the_planner_pruned() -> None:
    """three_fleets_on_one_leg: the planner's routes keep two of three fleets (2 gap-days in
    the LP); the LP over every route flies the third too (0), and its routes alone give the
    model that LP."""
    net = Network.from_json(tiny.three_fleets_on_one_leg())
    found = network_bound(net, None, keep_routes=True)
    assert found.value is not None and found.routes is not None
    assert ("a400", "air:H>S", 0) in found.routes["bde"]
    pruned = lp_value(net, None)
    assert pruned >= 2.0  # two gap-days: 50 t waits for day 2
    assert found.value < 0.5  # no gap-day: everything flies on day 0
    assert abs(lp_value(net, found.routes) - found.value) <= TOLERANCE


def test_the_search_models_are_the_planners_and_the_one_the_lps_routes_widen() -> None:
    """search_models (what the benchmarks of the search's phases solve) gives the models the
    planner searches: its own, then the one the every-route LP's routes widen, whose LP is
    the network's; with those routes off, the planner's alone."""
    net = Network.from_json(tiny.three_fleets_on_one_leg())
    models = search_models(net, SEARCH)
    assert [name for name, _ in models] == ["planner", "with the every-route LP's routes"]
    planner, widened = models[0][1], models[1][1]
    assert planner.lp == planning_model(net)[0].lp
    every = network_bound(net, None, keep_routes=True).value
    relaxed = dataclasses.replace(widened.lp, col_integer=[False] * widened.lp.num_cols)
    assert every is not None
    assert abs((solve(relaxed, "highs", 60).objective or 0.0) - every) <= TOLERANCE
    assert [name for name, _ in search_models(net, WITHOUT)] == ["planner"]


@SETTINGS
@given(networks())
def test_the_model_with_the_lps_routes_has_the_networks_lp(resolved: dict[str, Any]) -> None:
    """Whatever the network, nothing the every-route LP moves tons on is dropped on the way
    back into the planner's model: that model's LP equals the network's."""
    net = Network.from_json(resolved)
    groups = groups_of(net, greedy_schedule(net))
    found = network_bound(net, groups, keep_routes=True)
    assert found.value is not None and found.routes is not None
    merged = {m: groups.get(m, set()) | found.routes.get(m, set())
              for m in set(groups) | set(found.routes)}
    widened = lp_value(net, merged)
    assert abs(widened - found.value) <= TOLERANCE * max(1.0, abs(found.value))
    assert widened <= lp_value(net, groups) + TOLERANCE * max(1.0, abs(widened))


@SETTINGS
@given(networks())
def test_the_lps_routes_never_make_the_plan_worse(resolved: dict[str, Any]) -> None:
    """The search runs with and without the LP's routes and keeps the better: never worse
    than without them, and the same plan on a second run."""
    with_routes = plan_with_mip(resolved, settings=SEARCH)[0]
    alone = plan_with_mip(resolved, settings=WITHOUT)[0]
    assert with_routes.solver.objective is not None and alone.solver.objective is not None
    assert with_routes.solver.objective <= alone.solver.objective + 1e-9
    assert with_routes.solver.bound is not None and alone.solver.bound is not None
    # the reported bound holds for the better plan's model and the other's: the lower one
    assert with_routes.solver.bound <= alone.solver.bound + TOLERANCE
    again = plan_with_mip(resolved, settings=SEARCH)[0]
    assert without_seconds(again.to_json()) == without_seconds(with_routes.to_json())


def test_the_plans_seconds_count_the_whole_planner() -> None:
    """plan.json's seconds are what a planner waited, LP over every route first included:
    at least the span from the model's progress line to the last one. (It was the longer
    search's own time, which leaves out the LP the second search waits for: the Baltic
    scenario said 527 s for a 618 s solve.)"""
    stamps: list[tuple[float, str]] = []
    plan = plan_with_mip(tiny.three_fleets_on_one_leg(), settings=SEARCH,
                         progress=lambda line: stamps.append((time.perf_counter(), line)))[0]
    assert stamps[0][1].startswith("model:")
    assert any("LP over every route" in line for _, line in stamps)  # it ran before a search
    assert plan.solver.seconds >= stamps[-1][0] - stamps[0][0]


def solved(objective: float, bound: float, status: Status = Status.WORK_LIMIT) -> SolveResult:
    return SolveResult("highs", status, objective, bound, (objective - bound) / objective,
                       1.0, [0.0], "relax-round-fix, fix-and-optimize")


def test_the_better_plan_is_kept_with_the_lower_bound() -> None:
    """Two models, two plans: the plan with the lower objective wins (the first on a tie),
    and it is given the lower of the two bounds, which holds for both models."""
    pruned = build_model(Network.from_json(tiny.three_fleets_on_one_leg()))
    widened = build_model(Network.from_json(tiny.three_fleets_on_one_leg()))
    settings = SearchSettings()
    best = better_of([Found(pruned, solved(10.0, 8.0), "pruned"),
                      Found(widened, solved(9.0, 7.0), "widened")], settings)
    assert best.model is widened and best.result.objective == 9.0
    assert best.result.bound == 7.0 and best.source == "widened"
    best = better_of([Found(pruned, solved(9.0, 8.0, Status.OPTIMAL), "pruned"),
                      Found(widened, solved(10.0, 7.0), "widened")], settings)
    assert best.model is pruned and best.result.bound == 7.0
    assert abs((best.result.gap or 0.0) - 2.0 / 9.0) < 1e-12
    # optimal in its own model, but 22% from a bound that holds for the other model
    assert best.result.status == Status.WORK_LIMIT
    best = better_of([Found(pruned, solved(9.0, 8.0), "pruned"),
                      Found(widened, solved(9.0, 8.0), "widened")], settings)
    assert best.model is pruned
