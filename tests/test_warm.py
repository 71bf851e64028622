"""Warm re-solve (`plan_with_mip(..., warm_from=plan)`, `mobilize whatif --warm`): the search
starts from a nearby world's plan, in a model that holds that plan's routes, and skips what a
cold solve spends before and around it (the LP over every route first, the second search, the
sector branch-and-bound's root). What a planner relies on: the warm plan keeps the routes the
previous plan found, still carries the bound over every route, is checked, and does only the
work it says."""

from __future__ import annotations

import dataclasses
from typing import Any

from checker import check_plan
from contracts import examples as tiny
from contracts.network import Network
from contracts.plan import Plan
from optimizer.model import Model
from optimizer.planner import WITH_PREVIOUS_ROUTES, WITH_ROUTES, plan_with_mip, planning_model
from optimizer.settings import SearchSettings

SEARCH = SearchSettings(exact_up_to=0)  # the relax-round-fix search, even on tiny networks
FIRST_MODEL_ONLY = dataclasses.replace(SEARCH, network_routes_columns=0)


def solved(resolved: dict[str, Any], settings: SearchSettings = SEARCH,
           warm_from: Plan | None = None) -> tuple[Plan, list[str]]:
    lines: list[str] = []
    plan = plan_with_mip(resolved, settings=settings, warm_from=warm_from,
                         progress=lines.append)[0]
    assert check_plan(resolved, plan.to_json()) == []
    return plan, lines


def without_a400() -> dict[str, Any]:
    """three_fleets_on_one_leg without the fleet only the LP over every route flies: the
    previous plan's a400 trips name a fleet this world lacks."""
    resolved = tiny.three_fleets_on_one_leg()
    resolved["fleets"] = [f for f in resolved["fleets"] if f["id"] != "a400"]
    for leg in resolved["legs"]:
        del leg["fleets"]["a400"]
    return resolved


def four_fleets() -> dict[str, Any]:
    """three_fleets_on_one_leg with a 100 t brigade and a fourth, slower fleet, kc390: the
    planner's routes keep c17 and c5, the greedy plan flies a400 and c17, so no model of the
    planner's has kc390."""
    c17 = tiny.fleet("c17", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    c5 = tiny.fleet("c5", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    a400 = tiny.fleet("a400", "air", 1, 50.0, 780.0, turnaround_h=4.0)
    kc390 = tiny.fleet("kc390", "air", 1, 50.0, 700.0, turnaround_h=4.0)
    fleets = [c17, c5, a400, kc390]
    return tiny.resolved(
        places=[tiny.place("H", "base")],
        sectors=[tiny.sector("S", [{"capability": "armor", "amount": 3, "by_day": 10}])],
        forces=[tiny.force("bde", "H", 100.0, {"armor": 3})],
        fleets=fleets, legs=[tiny.leg("H", "S", "air", 8000.0, fleets)], horizon_days=4)


def test_a_warm_solve_keeps_the_routes_the_previous_plan_used() -> None:
    """A previous plan that flew kc390 (a fleet only the LP over every route would bring)
    gives the warm model that route, and each of its other trips'; without it no model of
    the planner's has kc390."""
    resolved = four_fleets()
    net = Network.from_json(resolved)
    cold, _ = solved(resolved)
    assert "kc390" not in {t.fleet for t in cold.trips}
    moved = cold.to_json()
    moved["trips"][0]["fleet"] = "kc390"
    previous = Plan.from_json(moved)
    used = {(t.fleet, t.leg, int(t.depart_h // net.period_hours)) for t in previous.trips}

    def routes(model: Model) -> set[tuple[str, str, int]]:
        return {(g.timing.fleet, g.timing.leg.id, g.period) for _, g in model.flow}

    assert used <= routes(planning_model(net, previous)[0])
    assert "kc390" not in {fleet for fleet, _, _ in routes(planning_model(net)[0])}
    warm, _ = solved(resolved, warm_from=previous)
    assert warm.kpis.gap_days == cold.kpis.gap_days


def test_a_warm_solve_skips_the_lp_first_and_the_sector_root_but_keeps_the_bound() -> None:
    """The cold search solves the LP over every route first, searches two models and runs
    the sector root in each; the warm one runs one search, no sector root (unless
    `warm_sector_nodes` asks for it), and the bound over every route beside it: the same
    bound as cold, as the world is the same."""
    resolved = tiny.three_fleets_on_one_leg()
    cold, cold_lines = solved(resolved)
    warm, warm_lines = solved(resolved, warm_from=cold)
    assert warm.solver.method.startswith("relax-round-fix from a previous plan's sectors")
    assert WITH_PREVIOUS_ROUTES in warm.solver.method and WITH_ROUTES not in warm.solver.method

    def count(lines: list[str], text: str) -> int:
        return sum(text in line for line in lines)

    assert count(cold_lines, "its routes join the model") == 1
    assert count(cold_lines, "relax-round-fix") == 2  # one search per model
    assert count(cold_lines, "branch-and-bound over sector choices") == 2
    assert count(warm_lines, "its routes join the model") == 0
    assert count(warm_lines, "relax-round-fix") == 1
    assert count(warm_lines, "branch-and-bound over sector choices") == 0
    assert warm.solver.network_bound is not None
    assert warm.solver.network_bound == cold.solver.network_bound
    assert warm.solver.network_bound_source == cold.solver.network_bound_source

    rooted = dataclasses.replace(SEARCH, warm_sector_nodes=1)
    _, lines = solved(resolved, rooted, warm_from=cold)
    assert count(lines, "branch-and-bound over sector choices") == 1


def test_a_warm_solve_drops_the_previous_plans_trips_this_world_cannot_name() -> None:
    """From the plan that flew a400, in a world without a400, and with one of its trips
    carrying a force this world lacks too (a member that opted out): neither is an error,
    and the warm plan is this world's best, as cold."""
    previous = solved(tiny.three_fleets_on_one_leg())[0].to_json()
    assert "a400" in {t["fleet"] for t in previous["trips"]}
    previous["trips"][0]["cargo"].append(dict(previous["trips"][0]["cargo"][0], force="gone"))
    world = without_a400()
    cold, _ = solved(world)
    warm, _ = solved(world, warm_from=Plan.from_json(previous))
    assert "a400" not in {t.fleet for t in warm.trips}
    assert abs(warm.kpis.gap_days - cold.kpis.gap_days) < 1e-6
    assert warm.kpis.gap_days >= 2.0 - 1e-6
