"""A bound for every plan the network allows, not only for the routes the planner models.

The planner's model prunes each movement to a few candidate routes (optimizer/timing.py,
`movement_window`), so its LP relaxation bounds only plans on those routes. Built with
`every_route`, the same model keeps every (fleet, leg, period) a movement may use and reach a
sector in time (both let it wait to the horizon): its LP relaxation is a
lower bound on every plan the network and the model's rules allow. It is several times the
size, so it is solved by barrier alone (no crossover: its objective, not a vertex, is wanted)
within an iteration budget, on the planner's second core while the search runs on the first;
above `SearchSettings.network_bound_columns` it is not built.

Where it is not built or not solved, `lift_free_bound` still holds for every plan: a
relaxation of that LP in which every force is in its sector from the earliest period any
route brings it there, lift, ports, airfields and depots unlimited. It solves in under a
second at any size; it is weaker (Baltic: 326.2 against 412.9), and the share of a plan's
objective it holds is what readiness and distance alone cost.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from contracts.network import Network
from optimizer.aggregate import movements
from optimizer.lagrangian import lagrangian_bound, prices_by_row_key
from optimizer.lp import LinearModel
from optimizer.model import (
    KT,
    FlowKey,
    Model,
    MustUse,
    add_force_days_awaited,
    add_readiness_gaps,
    build_model,
)
from optimizer.settings import SearchSettings
from optimizer.sifting import sift
from optimizer.solve import SolveResult, Status, solve
from optimizer.timing import leg_timings, movement_window

BARRIER_FROM = 20_000  # columns
# tons a route must carry in the LP to join the planner's model, in kilotons (0.1 t): barrier
# without crossover leaves crumbs on routes a vertex would not use; on ANZUS this keeps 40
# new routes against 41 at 1e-6 kt, with the same LP value
ROUTE_KT = 1e-4
# the lift-free LP has a column per movement and sector and solves in under a second at XL;
# the limit only keeps a solver fault from hanging the plan
LIFT_FREE_SAFETY_NET_S = 600.0
BOUND_NETWORK = "LP relaxation over every route the network allows (no route pruning)"
BOUND_LIFT_FREE = ("every force in its sector at its earliest arrival over any route, lift, "
                   "nodes and depots unlimited (a relaxation of the LP over every route)")
BOUND_STOPPED = ("Lagrangian bound of the LP over every route at the prices where sifting "
                 "stopped, each movement's own rows kept (optimizer/lagrangian.py)")
BOUND_PATHS = ("Lagrangian bound of the LP over every route after rounds of column generation "
               "by paths from the planner's routes, each movement's own rows kept "
               "(optimizer/sifting.py, optimizer/lagrangian.py)")
BOUND_ROOT_PRICES = ("Lagrangian bound of the LP over every route at the row prices of the "
                     "planner's root LP, each movement's own rows kept "
                     "(optimizer/lagrangian.py)")
# The planner's root LP and its row prices, once it solved (None if it did not): a call
# that waits for the search on the other core
RootPrices = Callable[[], tuple[LinearModel, np.ndarray] | None]


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
    # which relaxation `value` is: the LP's optimum (BOUND_NETWORK); where a sifting
    # stopped short of it, a Lagrangian bound at that round's prices (BOUND_STOPPED); or one
    # at the planner's root LP prices (BOUND_ROOT_PRICES)
    source: str | None = None


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


@dataclass(frozen=True)
class EveryRouteLP:
    """The every-route model, its LP relaxation and that LP's solve (by sifting, `bound` is
    the Lagrangian bound of its last round, valid even if it stopped short)."""
    model: Model
    relaxed: LinearModel
    result: SolveResult
    method: str


def every_route_lp(net: Network, must_use: MustUse | None, settings: SearchSettings,
                   deadline: float = math.inf, say: Callable[[str], None] | None = None,
                   planned: Collection[FlowKey] | None = None, by_paths: bool = False,
                   ) -> EveryRouteLP:
    """Build the every-route model (holding `must_use`'s groups) and solve its LP relaxation
    within `settings.lp_iterations` (`deadline`, by time.perf_counter, is a safety net).
    Above `settings.sift_from_columns` by sifting from the planner's routes (`planned`: the
    tonnage keys of the planner's model built with the same `must_use`; built here if
    None); else barrier without crossover on big models (on small ones it may stop short of
    optimal, and simplex is instant). `say` hears each sifting round. `by_paths`: column
    generation by each movement's own LP, for `settings.bound_rounds` rounds (the LP's
    optimum only if it converges sooner; its Lagrangian bound either way)."""
    model = build_model(net, must_use=must_use, every_route=True)
    relaxed = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    if by_paths or relaxed.num_cols > settings.sift_from_columns:
        if planned is None:
            planned = build_model(net, must_use=must_use).flow.keys()
        return EveryRouteLP(model, relaxed,
                            _sifted(model, relaxed, planned, settings, deadline, say,
                                    by_paths),
                            "column generation by paths from the planner's routes"
                            if by_paths else "sifting from the planner's routes")
    barrier = relaxed.num_cols > BARRIER_FROM
    result = solve(relaxed, "highs", max(1.0, deadline - time.perf_counter()),
                   interior_point=barrier, iteration_limit=settings.lp_iterations)
    return EveryRouteLP(model, relaxed, result, "barrier" if barrier else "simplex")


def first_working_set(model: Model, planned: Collection[FlowKey]) -> np.ndarray:
    """Where sifting the every-route `model` starts: every column but tonnage, and the
    tonnage columns of the planner's model (`planned`: its routes), as a mask."""
    first = np.ones(model.lp.num_cols, dtype=bool)
    first[list(model.flow.values())] = False
    first[[model.flow[key] for key in planned]] = True
    return first


def _sifted(model: Model, relaxed: LinearModel, planned: Collection[FlowKey],
            settings: SearchSettings, deadline: float, say: Callable[[str], None] | None,
            by_paths: bool = False) -> SolveResult:
    """The every-route LP by sifting (`by_paths`: by column generation for
    `settings.bound_rounds` rounds): the working set starts with every column but tonnage
    and the tonnage columns of the planner's model (`planned`: its routes)."""
    sifted = sift(relaxed, first_working_set(model, planned), settings.lp_iterations,
                  deadline, say=say,
                  blocks=list(model.movement_columns().values()), by_paths=by_paths,
                  max_rounds=settings.bound_rounds if by_paths else None)
    status = Status.OPTIMAL if sifted.converged else (
        Status.TIME_LIMIT if sifted.by_clock else Status.WORK_LIMIT)
    # the LP's value only when no column prices out; its Lagrangian bound either way
    return SolveResult(
        "highs", status, sifted.bound if sifted.converged else None, sifted.bound, None,
        sifted.seconds,
        None if sifted.values is None else sifted.values.tolist(), "sifting", sifted.by_clock)


def network_bound(
    net: Network, must_use: MustUse | None = None, settings: SearchSettings | None = None,
    deadline: float = math.inf, keep_routes: bool = False,
    planned: Collection[FlowKey] | None = None, root_prices: RootPrices | None = None,
) -> NetworkBound:
    """The LP relaxation of the every-route model, if its tonnage columns are within
    `settings.network_bound_columns`. With `must_use` (the groups of the plan the planner's
    model was widened to hold) it contains the planner's model, so it is at most that
    model's LP. `deadline` is a safety net. `keep_routes`: also return the groups the LP
    moves tons on (an optimal LP's routes; empty if it did not solve). `planned`: the
    planner's tonnage keys, if it has its model (see `every_route_lp`). Above that and up to
    `settings.priced_bound_columns`, the Lagrangian bound over every route at `root_prices`
    instead (see `bound_at_root_prices`)."""
    settings = settings or SearchSettings()
    started = time.perf_counter()
    size = tonnage_columns(net)
    by_paths = settings.network_bound_columns < size <= settings.paths_bound_columns
    if size > settings.network_bound_columns and not by_paths:
        if size <= settings.priced_bound_columns:
            if root_prices is None:
                return NetworkBound(None, size, 0, time.perf_counter() - started,
                                    "no root LP prices to price every route at")
            return bound_at_root_prices(net, must_use, root_prices)
        limit = max(settings.network_bound_columns, settings.priced_bound_columns,
                    settings.paths_bound_columns)
        return NetworkBound(None, size, 0, time.perf_counter() - started,
                            f"{size:,} tonnage columns, over the limit of {limit:,}")
    every = every_route_lp(net, must_use, settings, deadline, planned=planned,
                           by_paths=by_paths)
    model, lp, result = every.model, every.relaxed, every.result
    # an LP that stopped bounds nothing (bound None), except by sifting (its Lagrangian)
    value = result.bound
    routes: MustUse | None = None
    if keep_routes:
        routes = {}
        if value is not None and result.values is not None:
            for (mid, g), col in model.flow.items():
                if result.values[col] > ROUTE_KT:
                    routes.setdefault(mid, set()).add((g.timing.fleet, g.timing.leg.id, g.period))
    source = None if value is None else (
        BOUND_NETWORK if result.status == Status.OPTIMAL
        else BOUND_PATHS if by_paths else BOUND_STOPPED)
    return NetworkBound(
        value, lp.num_cols, lp.num_rows, time.perf_counter() - started,
        None if value is not None else f"the LP stopped ({result.status.value})", routes,
        result.by_clock, source,
    )


def bound_at_root_prices(net: Network, must_use: MustUse | None, root_prices: RootPrices
                         ) -> NetworkBound:
    """A bound for every plan the network allows without solving any LP over every route:
    the every-route model's Lagrangian bound (optimizer/lagrangian.py) at the row prices of
    the planner's root LP, each movement's own rows kept. Those prices are what one round
    of sifting from the planner's routes would price at (its working set is the planner's
    model: on L both LPs are 25,443.26), so the bound is that round's without solving the
    LP again: on L that round took 3,752 s, and on M it bounded at 4,969.4 where the root's
    prices give 4,992.7 (`python -m benchmarks.root_prices M`). The every-route model is
    built first, while the search solves its root LP on the other core."""
    started = time.perf_counter()
    model = build_model(net, must_use=must_use, every_route=True)
    lp = model.lp
    got = root_prices()
    if got is None:
        return NetworkBound(None, lp.num_cols, lp.num_rows, time.perf_counter() - started,
                            "the planner's root LP did not solve: no prices")
    planner_lp, row_duals = got
    found = lagrangian_bound(lp, prices_by_row_key(planner_lp, row_duals, lp),
                             list(model.movement_columns().values()))
    return NetworkBound(
        found.value, lp.num_cols, lp.num_rows, time.perf_counter() - started,
        None if found.value is not None else "unbounded at the root LP's prices",
        source=None if found.value is None else BOUND_ROOT_PRICES)


def lift_free_bound(net: Network) -> float | None:
    """A lower bound on every plan's objective: the every-route model with its capacities
    (fleets, throughput, MOG, depots, sustainment), whole-force assignment, burden-sharing
    caps and the non-negative cost terms (ton-km, LAD) dropped. Each movement's tons then
    count in a sector from the first period the every-route model lets them be delivered
    there (`movement_window`'s earliest arrival; delivered tons only grow, and a movement's
    sectors share its tons); gaps and force-days are priced as the model prices them. None
    if the LP does not solve."""
    timings = leg_timings(net)
    moves = movements(net)
    windows = {m.id: movement_window(net, m, timings, every_route=True) for m in moves}
    model = Model(net, LinearModel(), moves, windows)
    for m in moves:
        w, in_sector = windows[m.id], []
        for s in w.sectors:
            arrived = model.lp.add_var(f"arrived[{m.id}|{s}]", ub=m.tons / KT)
            in_sector.append(arrived)
            for q in range(max(0, w.earliest[s] - 1), net.periods):  # as _accumulate_in
                model.delivered[(m.id, s, q)] = arrived
        if in_sector:
            model.lp.add_row(f"tons_of[{m.id}]", [(c, 1.0) for c in in_sector],
                             ub=m.tons / KT, key=("tons_of", m.id))
    add_readiness_gaps(model)
    add_force_days_awaited(model)
    result = solve(model.lp, "highs", LIFT_FREE_SAFETY_NET_S)
    return result.objective if result.status == Status.OPTIMAL else None


def network_valid(net: Network, network: NetworkBound) -> tuple[float | None, str | None]:
    """The strongest bound for every plan the network allows, and its source: the LP over
    every route if it solved (the lift-free relaxation relaxes it, so is never higher), else
    the higher of the lift-free bound and a stopped sifting's Lagrangian bound (either can
    be the higher: after one round on the Baltic scenario 372.89 against 326.20, but 277.15
    before the tons were charged for their vehicles)."""
    if network.value is not None and network.source == BOUND_NETWORK:
        return network.value, BOUND_NETWORK
    found = [(v, source) for v, source in ((network.value, network.source),
                                          (lift_free_bound(net), BOUND_LIFT_FREE))
             if v is not None and source is not None]
    return max(found, key=lambda bound: bound[0]) if found else (None, None)
