"""Confirming bottleneck values by re-solving (`mobilize bottlenecks --confirm K`): each of
the first estimates of optimizer.bottlenecks applied to the scenario file the plan was made
from, resolved and planned again with the same settings. A what-if, so it lives here: it
needs the network builder as well as the planner."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from optimizer.bottlenecks import UNIT_T, BottleneckError, Change, Prices
from optimizer.planner import plan_with_mip
from optimizer.settings import SearchSettings
from optimizer.solve import Progress
from whatif.share import World, best_plan

Resolver = Callable[[Change], dict[str, Any]]  # a change -> the changed resolved network


def confirm(prices: Prices, count: int, resolve: Resolver, settings: SearchSettings,
            base: World, time_limit_s: float = 900.0,
            progress: Progress | None = None, warm: bool = True) -> Prices:
    """The first `count` estimates confirmed: the whole MIP re-solved with the change, with
    the same settings; the saving is the plan's gap-days (`base`: the world it was planned
    in and the plan) minus the re-solved plan's. With `warm` (the default) each re-solve's
    search starts from the plan being priced, its sectors and routes (plan_with_mip's warm
    start, a fifth of a cold solve or less on the Baltic what-ifs), so what moves is what
    the unit more allows; `warm=False` searches each changed world afresh.

    A change only adds (a vehicle, throughput, stock, an earlier decision), so the base plan
    is a plan of the changed world too. A search with a work budget can stop short of it:
    on the Baltic plan, re-solves with one more low-loader, US train or Lithuanian
    broad-gauge train stopped 5.7-12.2 gap-days worse. So the base plan is tried in the
    changed world as a what-if run tries plans across worlds (whatif.share), and kept where
    it is better: one unit more never reads as gap-days lost to the search's noise."""
    values = list(prices.values)
    for i, b in enumerate(values[:count]):
        if progress is not None:
            progress(f"confirming {i + 1}/{min(count, len(values))}: {b.change.resource}, "
                     f"{b.change.unit}")
        resolved = resolve(b.change)
        own, _ = plan_with_mip(resolved, "highs", time_limit_s, settings=settings,
                               warm_from=base.plan if warm else None)
        kept = best_plan(World(b.change.resource, resolved, own), [base])
        after = kept.plan.kpis.gap_days
        values[i] = dataclasses.replace(b, confirmed=prices.plan_gap_days - after,
                                        confirmed_gap_days=after,
                                        confirmed_by_base_plan=kept.taken_from is not None,
                                        confirmed_own_gap_days=own.kpis.gap_days,
                                        confirmed_method=own.solver.method)
    return dataclasses.replace(prices, values=values)


def changed_scenario_data(data: dict[str, Any], change: Change) -> dict[str, Any]:
    """A scenario document (the YAML's mapping) with one unit more of one resource. The
    what-if kinds only take away (fleet_loss, degrade_place also scales MOG, member_delay
    only delays), so the change is made on the document itself."""
    out = {k: ([dict(x) if isinstance(x, dict) else x for x in v] if isinstance(v, list) else v)
           for k, v in data.items()}

    def item(key: str, field: str) -> dict[str, Any]:
        for x in out[key]:
            if x.get(field) == change.target:
                return x
        raise BottleneckError(f"no {key[:-1]} {change.target!r} in the scenario")

    if change.kind == "fleet":
        item("fleets", "id")["count"] = int(item("fleets", "id")["count"]) + 1
    elif change.kind == "throughput":
        place = item("places", "id")
        place["throughput_tpd"] = float(place["throughput_tpd"]) + UNIT_T
    elif change.kind == "depot_stock":
        depot = item("depots", "id")
        depot["stock_t"] = float(depot["stock_t"]) + UNIT_T
    elif change.kind == "depot_throughput":
        depot = item("depots", "id")
        depot["throughput_tpd"] = float(depot["throughput_tpd"]) + UNIT_T
    else:
        member = item("members", "code")
        member["decision_delay_days"] = int(member.get("decision_delay_days", 0)) - 1
    return out


def scenario_resolver(resolved: dict[str, Any]) -> Resolver:
    """Changes applied to the scenario file resolved.json was built from, then resolved again
    (geodata), as `mobilize solve` does. BottleneckError if that file is gone or changed."""
    from contracts.loader import load_scenario
    from contracts.scenario import Scenario
    from geodata.network import build_network

    ref = resolved["scenario"]
    path = Path(ref.get("file") or "")
    if not path.is_file():
        raise BottleneckError(f"cannot confirm: the scenario file {str(path)!r} that "
                              "resolved.json was built from is not there")
    if load_scenario(path).fingerprint != ref["sha256"]:
        raise BottleneckError(f"cannot confirm: {path} has changed since resolved.json was "
                              "built from it (sha256 differs); solve it again first")
    base = load_scenario(path).model_dump(mode="json", by_alias=True, exclude_none=True)

    def resolve(change: Change) -> dict[str, Any]:
        s = Scenario.model_validate(changed_scenario_data(base, change))
        return build_network(s, path).to_json()

    return resolve
