"""A bound for every plan the network allows, not only for the routes the planner models.

The planner's model prunes each movement to a few candidate routes (optimizer/timing.py,
`movement_window`), so its LP relaxation bounds only plans on those routes. Built with
`every_route`, the same model keeps every (fleet, leg, period) a movement may use and reach a
sector in time (both let it wait to the horizon): its LP relaxation is a
lower bound on every plan the network and the model's rules allow. It is several times the
size, so it is solved by barrier alone (no crossover: its objective, not a vertex, is wanted)
within an iteration budget, on the planner's second core while the search runs on the first;
above `SearchSettings.network_bound_columns` it is not built.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

from contracts.network import Network
from optimizer.aggregate import movements
from optimizer.model import MustUse, build_model
from optimizer.settings import SearchSettings
from optimizer.solve import Status, solve
from optimizer.timing import leg_timings, movement_window

BARRIER_FROM = 20_000  # columns
# tons a route must carry in the LP to join the planner's model, in kilotons (0.1 t): barrier
# without crossover leaves crumbs on routes a vertex would not use; on ANZUS this keeps 40
# new routes against 41 at 1e-6 kt, with the same LP value
ROUTE_KT = 1e-4
BOUND_NETWORK = "LP relaxation over every route the network allows (no route pruning)"


@dataclass(frozen=True)
class NetworkBound:
    """The network-wide LP bound (None if not computed or not solved within budget), why
    not, and the size of its model."""
    value: float | None
    columns: int
    rows: int
    seconds: float
    skipped: str | None = None
    # (fleet, leg id, period) groups the LP moves tons on, by movement (with `keep_routes`)
    routes: MustUse | None = None
    by_clock: bool = False  # the safety net, not the iteration budget, stopped its LP


def tonnage_columns(net: Network) -> int:
    """How many tonnage columns the every-route model would have: its size, before building
    it (it is most of the model; waiting columns add about as many again)."""
    timings = leg_timings(net)
    total = 0
    for m in movements(net):
        w = movement_window(net, m, timings, every_route=True)
        for tm in w.timings:
            fleet_start = net.period_of_day(net.fleets[tm.fleet].activation_day or 0)
            first = max(w.earliest[tm.leg.from_], fleet_start)
            total += max(0, net.periods - tm.offset - w.to_sector[tm.leg.to] - first + 1)
    return total


def network_bound(
    net: Network, must_use: MustUse | None = None, settings: SearchSettings | None = None,
    deadline: float = math.inf, keep_routes: bool = False,
) -> NetworkBound:
    """The LP relaxation of the every-route model, if its tonnage columns are within
    `settings.network_bound_columns`. With `must_use` (the groups of the plan the planner's
    model was widened to hold) it contains the planner's model, so it is at most that
    model's LP. `deadline` is a safety net. `keep_routes`: also return the groups the LP
    moves tons on (an optimal LP's routes; empty if it did not solve)."""
    settings = settings or SearchSettings()
    started = time.perf_counter()
    size = tonnage_columns(net)
    if size > settings.network_bound_columns:
        return NetworkBound(None, size, 0, time.perf_counter() - started,
                            f"{size:,} tonnage columns, over the limit of "
                            f"{settings.network_bound_columns:,}")
    model = build_model(net, must_use=must_use, every_route=True)
    lp = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    # barrier without crossover pays on big models; on small ones it may stop short of
    # optimal, and simplex is instant
    result = solve(lp, "highs", max(1.0, deadline - time.perf_counter()),
                   interior_point=lp.num_cols > BARRIER_FROM,
                   iteration_limit=settings.lp_iterations)
    value = result.objective if result.status == Status.OPTIMAL else None
    routes: MustUse | None = None
    if keep_routes:
        routes = {}
        if value is not None and result.values is not None:
            for (mid, g), col in model.flow.items():
                if result.values[col] > ROUTE_KT:
                    routes.setdefault(mid, set()).add((g.timing.fleet, g.timing.leg.id, g.period))
    return NetworkBound(
        value, lp.num_cols, lp.num_rows, time.perf_counter() - started,
        None if value is not None else f"the LP stopped ({result.status.value})", routes,
        result.by_clock,
    )
