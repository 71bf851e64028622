"""resolved network -> plan: the two planners behind `mobilize solve`."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from contracts.errors import MobilizeError
from contracts.network import Network
from contracts.plan import Plan, SolverInfo
from optimizer.aggregate import movements
from optimizer.backend import HighsSubproblems
from optimizer.bound import (
    BOUND_NETWORK,
    BOUND_PATHS,
    BOUND_ROOT_PRICES,
    NetworkBound,
    RootPrices,
    network_bound,
    network_valid,
    tonnage_columns,
)
from optimizer.decompose import schedule_from_solution
from optimizer.greedy import greedy_schedule
from optimizer.lp import LinearModel, objective, rescaled
from optimizer.model import KT, FlowKey, Model, MustUse, build_model
from optimizer.neighbourhood import fix_and_optimize
from optimizer.plan import build_plan
from optimizer.polish import polished
from optimizer.rounding import HearPrices, Rounding, relax_round_fix
from optimizer.schedule import Schedule, schedule_from_plan
from optimizer.settings import SAFETY_NET_S, SearchSettings
from optimizer.solve import Progress, SolveResult, Status, relative_gap, solve
from optimizer.warmstart import groups_used, start_from_schedule

T = TypeVar("T")
FINISH_SHARE = 0.25  # of the build time, kept back for turning the solution into a plan
# Where a bound comes from, as plan.json's solver.bound_source says it
BOUND_LP = "LP relaxation of the model (its enumerated routes)"
BOUND_BB = "branch-and-bound on the model (its enumerated routes)"
BOUND_SECTORS = ("branch-and-bound over the model's sector choices, vehicles relaxed "
                 "(its enumerated routes)")
# plan.json's solver.method, when the plan comes from the model widened by the LP's routes
WITH_ROUTES = "on routes the LP over every route added"
# ... and when a warm start's model holds the previous plan's routes too
WITH_PREVIOUS_ROUTES = "on routes the previous plan used too"


class NoPlanError(MobilizeError):
    """The solver stopped before it found any plan."""


@dataclass(frozen=True)
class PlanStats:
    """Size and build time of the model a plan came from."""
    build_s: float
    columns: int
    rows: int
    integers: int


def plan_with_mip(
    resolved: dict[str, Any], backend: str = "highs", time_limit_s: float = SAFETY_NET_S,
    gap: float | None = None, progress: Progress | None = None,
    settings: SearchSettings | None = None, warm_from: Plan | None = None,
) -> tuple[Plan, PlanStats]:
    """Plan with the MIP: the greedy plan first, then branch-and-bound (small models, or
    SCIP and CP-SAT) or relax-round-fix and fix-and-optimize (HiGHS, above
    `settings.exact_up_to` movements). Budgets are work, so a plan does not depend on the
    machine's speed; `time_limit_s` is a safety net over everything from here to the plan,
    and a plan it cut says so (status time_limit, solver.cut_by_clock). `warm_from`: a plan
    of a nearby scenario (the base of a what-if) whose sectors relax-round-fix starts from
    (HiGHS search only).

    Up to `settings.network_routes_columns` the LP over every route is solved and the routes
    it uses join a second model (column generation, once). Branch-and-bound solves that one;
    the HiGHS search runs on both, one per core, and keeps the better plan: the LP's routes
    gave ANZUS a plan 10% better but sent the Romania search to one 9% worse."""
    started = time.perf_counter()
    settings = settings or SearchSettings()
    if gap is not None:
        settings = dataclasses.replace(settings, gap=gap)
    net = Network.from_json(resolved)
    nearby = None if warm_from is None else schedule_from_plan(warm_from)
    baseline, groups, model, start = _first_model(net, nearby)
    stats = PlanStats(
        time.perf_counter() - started, model.lp.num_cols, model.lp.num_rows,
        model.lp.num_integer,
    )
    if progress is not None:
        progress(
            f"model: {stats.columns} columns ({stats.integers} integer), {stats.rows} rows, "
            f"built in {stats.build_s:.2f} s; solving with {backend}"
        )
    # turning the solution into a plan takes about a fifth of the build (benchmarks L, M)
    deadline = started + max(1.0, time_limit_s - FINISH_SHARE * stats.build_s)
    previous = None if warm_from is None else {f.force: f.sector for f in warm_from.forces}
    routes_first = _routes_first(net, settings)
    every_route = _EveryRoute(net, baseline, groups, tuple(model.flow), settings, deadline,
                              progress)
    if backend == "highs" and start is not None and len(model.movements) > settings.exact_up_to:
        if previous is not None:
            routes_first = False  # the bound runs beside the search: it cuts no plan
            found, network = _warm_search(model, start, every_route, previous)
        else:
            found, network = _two_searches(model, start, every_route, routes_first)
    else:
        found, network = _one_branch_and_bound(model, start, backend, every_route,
                                               routes_first, previous)
    best = better_of(found, settings)
    if routes_first and network.by_clock:  # the plan may lack routes it would have had
        best = dataclasses.replace(best, result=dataclasses.replace(
            best.result, status=Status.TIME_LIMIT, by_clock=True))
    result = best.result
    if nearby is not None:  # every model here was built holding the previous plan's routes
        result = _named(result, WITH_PREVIOUS_ROUTES)
    if result.values is not None and (held := polished(best.model.lp, result.values)) \
            is not result.values:
        final = objective(best.model.lp, held)
        result = dataclasses.replace(result, values=held, objective=final,
                                     gap=relative_gap(final, result.bound))
    if result.values is None:
        if result.status == Status.INFEASIBLE:
            # every row can be met by moving nothing, so this is a modelling error, not input
            raise NoPlanError("the solver reports the model infeasible: please file a bug")
        raise NoPlanError(
            f"{backend} found no plan within {time_limit_s:g} s; raise --time-limit "
            "or use --planner greedy"
        )
    valid, valid_source = network_valid(net, network)
    if progress is not None:
        progress(f"bound over every route: {network.value:.2f}" if valid_source == BOUND_NETWORK
                 else "no LP over every route: " + (network.skipped or (
                     "above network_bound_columns, priced at the root LP's prices"
                     if network.source == BOUND_ROOT_PRICES
                     else "its column generation stopped after bound_rounds rounds"
                     if network.source == BOUND_PATHS
                     else "it stopped before its optimum"))
                 + ("; no other bound" if valid is None else f"; {valid:.2f}, {valid_source}"))
    schedule = schedule_from_solution(best.model, best.model.in_tons(result.values))
    # the whole planner, as the safety net counts it: model and greedy start, the LP over
    # every route where it runs first, both searches; not only the longer search's own time
    info = SolverInfo(
        "mip", backend, result.status.value, result.objective, result.bound, result.gap,
        time.perf_counter() - started, result.method, cut_by_clock=result.by_clock,
        bound_source=best.source if result.bound is not None else None,
        network_bound=valid, network_bound_source=valid_source,
    )
    return build_plan(net, schedule, info), stats


@dataclass(frozen=True)
class Found:
    """A model and what the search or branch-and-bound found in it."""
    model: Model
    result: SolveResult
    source: str  # of its bound


def better_of(found: list[Found], settings: SearchSettings) -> Found:
    """The better plan (the first on a tie). Each model's bound holds for the other's plan
    only if it is the lower, so the plan is given the lower bound and its gap to it."""
    with_plan = [f for f in found if f.result.objective is not None]
    if len(with_plan) < 2:
        return with_plan[0] if with_plan else found[0]
    best = min(with_plan, key=lambda f: f.result.objective or 0.0)
    bounds = [(f.result.bound, f.source) for f in with_plan if f.result.bound is not None]
    if not bounds:
        return best
    bound, source = min(bounds, key=lambda b: b[0])
    result = best.result
    rel = relative_gap(result.objective or 0.0, bound)
    status = result.status
    if status in (Status.OPTIMAL, Status.FEASIBLE) and (rel is None or rel > settings.gap):
        status = Status.WORK_LIMIT
    return Found(best.model, dataclasses.replace(result, bound=bound, gap=rel, status=status),
                 source)


@dataclass(frozen=True)
class _EveryRoute:
    """What the LP over every route needs, and what a search in the model it widens needs."""
    net: Network
    baseline: Schedule  # the greedy plan: a solution of every model here
    groups: MustUse  # its groups
    planned: tuple[FlowKey, ...]  # the tonnage columns of the planner's model (its routes)
    settings: SearchSettings
    deadline: float
    progress: Progress | None

    def bound(self, root_prices: RootPrices | None = None) -> NetworkBound:
        return network_bound(self.net, self.groups, self.settings, self.deadline,
                             planned=self.planned, root_prices=root_prices)

    def widened(self, progress: Progress | None
                ) -> tuple[NetworkBound, tuple[Model, list[float] | None] | None]:
        """The LP over every route, and the model widened by the routes it moves tons on
        (None if none) with the greedy plan as a solution of it."""
        network = network_bound(self.net, self.groups, self.settings, self.deadline,
                                keep_routes=True, planned=self.planned)
        if progress is not None:
            progress(f"LP over every route {network.value:.2f}"
                     + ("" if network.source == BOUND_NETWORK else " (stopped short: a bound)")
                     + f"; its routes join the model for {len(network.routes or {})} movements"
                     if network.value is not None
                     else f"LP over every route: {network.skipped}")
        if not network.routes:
            return network, None
        # the every-route model holds the greedy plan's groups, so it contains this model
        # too: its LP stays a bound for it
        model = build_model(self.net, must_use=_merged(self.groups, network.routes))
        return network, (model, start_from_schedule(model, self.baseline))


def _two_searches(
    model: Model, start: list[float], every_route: _EveryRoute, routes_first: bool,
) -> tuple[list[Found], NetworkBound]:
    """The search in the first model on this core; on the other, the bound over every route
    and, if `routes_first`, the search in the model its routes widen."""
    settings, deadline = every_route.settings, every_route.deadline

    def second() -> tuple[NetworkBound, Found | None]:
        progress = every_route.progress
        say = None if progress is None else (
            lambda line: progress(f"[with the every-route LP's routes] {line}"))
        network, widened = every_route.widened(say)
        if widened is None or widened[1] is None:
            return network, None
        wide, wide_start = widened[0], widened[1]
        result, source = _search(wide, wide_start, settings, deadline, say)
        return network, Found(wide, _named(result, WITH_ROUTES), source)

    prices = _Handover(model.lp)
    other = _Background(second if routes_first
                        else lambda: (every_route.bound(prices.wait), None))
    with prices:
        found = [Found(model, *_search(model, start, settings, deadline, every_route.progress,
                                       root_prices=prices.give))]
    network, routed = other.wait()
    return found + ([routed] if routed is not None else []), network


def _warm_search(
    model: Model, start: list[float], every_route: _EveryRoute,
    previous: dict[str, str | None],
) -> tuple[list[Found], NetworkBound]:
    """A warm start: one search, from the previous plan's sectors, in the model that holds
    that plan's routes beside the greedy plan's; the bound over every route on the other core.

    Why not the cold path: its time is the LP over every route before the search (its routes
    widen the model), a second search in the first model, and the sector branch-and-bound's
    root. The previous plan's routes stand in for the first: they are the routes that LP
    gave the nearby world. Its sectors stand in for the root's: they are what the root chose
    there. What is left is what the changed world needs: its root LP, moving the forces its
    LP wants elsewhere, and integer vehicles."""
    settings = dataclasses.replace(every_route.settings,
                                   sector_nodes=every_route.settings.warm_sector_nodes)
    prices = _Handover(model.lp)
    other = _Background(lambda: every_route.bound(prices.wait))
    with prices:
        result, source = _search(model, start, settings, every_route.deadline,
                                 every_route.progress, previous, root_prices=prices.give)
    return [Found(model, result, source)], other.wait()


def _one_branch_and_bound(
    model: Model, start: list[float] | None, backend: str, every_route: _EveryRoute,
    routes_first: bool, previous: dict[str, str | None] | None,
) -> tuple[list[Found], NetworkBound]:
    """Branch-and-bound on the model the every-route LP's routes widen (it contains the
    first) if `routes_first`, else on the first with the bound on the other core."""
    settings, deadline = every_route.settings, every_route.deadline
    if not routes_first:
        other = _Background(every_route.bound)
        result, source = _branch_and_bound(model, start, backend, settings, deadline,
                                           every_route.progress, previous)
        return [Found(model, result, source)], other.wait()
    network, widened = every_route.widened(every_route.progress)
    to_solve, to_start = widened if widened is not None else (model, start)
    result, source = _branch_and_bound(to_solve, to_start, backend, settings, deadline,
                                       every_route.progress, previous)
    if to_solve is not model:
        result = _named(result, WITH_ROUTES)
    return [Found(to_solve, result, source)], network


def _named(result: SolveResult, routes: str) -> SolveResult:
    """The result with plan.json's method naming where its model's routes came from."""
    return dataclasses.replace(result, method=f"{result.method}, {routes}")


def _merged(a: MustUse, b: MustUse) -> MustUse:
    return {m: set(a.get(m, set())) | set(b.get(m, set())) for m in sorted(set(a) | set(b))}


def _branch_and_bound(
    model: Model, start: list[float] | None, backend: str, settings: SearchSettings,
    deadline: float, progress: Progress | None,
    sectors_from: dict[str, str | None] | None = None,
) -> tuple[SolveResult, str]:
    """Relax-round-fix for a better start, then the backend's branch-and-bound."""
    start, rounding = _best_start(model, start, settings, deadline, progress, sectors_from)
    left = max(1.0, deadline - time.perf_counter())
    if backend == "cp-sat":  # integral data: tons, not kilotons
        lp = rescaled(model.lp, model.tonnage, KT)
        tons_start = None if start is None else model.in_tons(start)
        result = solve(lp, backend, left, settings.gap, progress, tons_start)
        if result.values is not None:
            result = dataclasses.replace(
                result, values=[v / KT if i in model.tonnage else v
                                for i, v in enumerate(result.values)])
    else:
        result = solve(model.lp, backend, left, settings.gap, progress, start)
    result = _with_bound(_no_worse_than_start(result, model, start), rounding.bound)
    if rounding.by_clock:
        result = dataclasses.replace(result, status=Status.TIME_LIMIT, by_clock=True)
    source = BOUND_BB if result.bound is not None and (
        math.isnan(rounding.bound) or result.bound > rounding.bound + 1e-9) else BOUND_LP
    return result, source


def _search(
    model: Model, start: list[float], settings: SearchSettings, deadline: float,
    progress: Progress | None, sectors_from: dict[str, str | None] | None = None,
    root_prices: HearPrices | None = None,
) -> tuple[SolveResult, str]:
    """Relax-round-fix (sectors by look-ahead dive, then vehicles), then fix-and-optimize
    from the better of its plan and the greedy one, with the LP's bound to stop at. All on
    one core, so the plan does not depend on what the other core does. `root_prices` hears
    the root LP's row prices (for the bound over every route on the other core)."""
    started = time.perf_counter()
    say = progress or (lambda _: None)
    say(f"greedy plan: objective {objective(model.lp, start):.2f}; relax-round-fix")
    rounded = relax_round_fix(model, settings, deadline, sectors_from, progress, root_prices)
    bound = None if math.isnan(rounded.bound) else rounded.bound
    if bound is not None:
        say(f"LP relaxation bound {bound:.2f}; {rounded.relaxations} relaxations to fix "
            "sectors")
    values, final = start, objective(model.lp, start)
    if rounded.values is not None and (value := objective(model.lp, rounded.values)) < final:
        values, final = rounded.values, value
        say(f"relax-round-fix plan, objective {final:.2f}")
    known = [b for b in (bound, rounded.sector_bound) if b is not None]
    stop_at = max(known) if known else None
    found = fix_and_optimize(model, values, HighsSubproblems(model.lp, settings.gap), settings,
                             deadline, progress, bound=lambda: stop_at)
    values, final = found.values, objective(model.lp, found.values)
    by_clock = rounded.by_clock or found.by_clock
    # on a tie the one that proves more: branch-and-bound, sectors, then the LP
    bounds = [(b, src) for b, src in ((found.bound, BOUND_BB),
                                      (rounded.sector_bound, BOUND_SECTORS), (bound, BOUND_LP))
              if b is not None]
    best_bound, source = max(bounds, key=lambda b: b[0]) if bounds else (None, BOUND_LP)
    # as branch-and-bound reports it: optimal at the bound, feasible within the gap of it
    rel = relative_gap(final, best_bound)
    status = Status.TIME_LIMIT if by_clock else Status.WORK_LIMIT
    if not by_clock and rel is not None and rel <= 1e-6:
        status = Status.OPTIMAL
    elif not by_clock and rel is not None and rel <= settings.gap:
        status = Status.FEASIBLE
    say(f"fix-and-optimize: {found.steps} subproblems, {found.improvements} improvements")
    return SolveResult(
        "highs", status, float(final), best_bound, rel, time.perf_counter() - started,
        values, _method(bool(sectors_from), rounded.look_ahead), by_clock=by_clock,
    ), source


def _method(warm: bool, look_ahead: bool) -> str:
    """plan.json's solver.method for the HiGHS search."""
    rounding = "relax-round-fix" + (" from a previous plan's sectors" if warm else "")
    if not look_ahead:
        rounding += " (sectors by largest remainder: model above the look-ahead's size)"
    return f"{rounding}, fix-and-optimize"


class _Handover:
    """A search's root LP prices, handed from its core to the bound's on the other: `give`
    once (later calls do nothing), `wait` until given. Used as a context around the search,
    it gives None on the way out if the search never did, so the other core never waits
    for ever."""

    def __init__(self, lp: LinearModel) -> None:
        self._lp = lp
        self._duals: np.ndarray | None = None
        self._given = threading.Event()

    def give(self, row_duals: np.ndarray | None) -> None:
        if not self._given.is_set():
            self._duals = row_duals
            self._given.set()

    def wait(self) -> tuple[LinearModel, np.ndarray] | None:
        self._given.wait()
        return None if self._duals is None else (self._lp, self._duals)

    def __enter__(self) -> _Handover:
        return self

    def __exit__(self, *_: object) -> None:
        self.give(None)


class _Background(Generic[T]):
    """Work in a thread: HiGHS releases the GIL while it solves, so it runs on the other
    core."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._done: T | None = None
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._done = work()
        except BaseException as failure:  # raised again in the caller's thread, by wait()
            self._failed = failure

    def wait(self) -> T:
        self._thread.join()
        if self._failed is not None:
            raise self._failed
        assert self._done is not None
        return self._done


def planning_model(net: Network, nearby: Plan | None = None
                   ) -> tuple[Model, list[float] | None]:
    """The MIP the planner solves first, and the greedy plan as a solution of it (None if it
    does not fit). The greedy plan is built first and the model widened to contain it, so the
    solver starts from it: the MIP can only improve on the baseline, even when time runs out.
    `nearby`: a warm start's plan, whose routes the model holds too.
    """
    _, _, model, start = _first_model(net, None if nearby is None else schedule_from_plan(nearby))
    return model, start


def search_models(net: Network, settings: SearchSettings) -> list[tuple[str, Model]]:
    """The models the HiGHS search runs on, by name: the planner's, and, if the model over
    every route is within `settings.network_routes_columns`, the one its LP's routes widen
    (as `plan_with_mip` builds them; for benchmarks of the search's phases)."""
    baseline, groups, model, _ = _first_model(net)
    models = [("planner", model)]
    if _routes_first(net, settings):
        every_route = _EveryRoute(net, baseline, groups, tuple(model.flow), settings,
                                  math.inf, None)
        _, widened = every_route.widened(None)
        if widened is not None:
            models.append(("with the every-route LP's routes", widened[0]))
    return models


def _routes_first(net: Network, settings: SearchSettings) -> bool:
    """Whether the every-route LP is solved first and its routes widen a second model."""
    return tonnage_columns(net) <= min(settings.network_routes_columns,
                                       settings.network_bound_columns)


def _first_model(net: Network, nearby: Schedule | None = None,
                 ) -> tuple[Schedule, MustUse, Model, list[float] | None]:
    """The greedy plan, its groups and the model widened to hold them (and the groups of
    `nearby`, a plan of a nearby world, where they exist here), with the greedy plan as a
    solution of it."""
    baseline = greedy_schedule(net)
    groups = groups_of(net, baseline)
    if nearby is not None:
        groups = _merged(groups, groups_of(net, _here(net, nearby)))
    model = build_model(net, must_use=groups)
    return baseline, groups, model, start_from_schedule(model, baseline)


def _here(net: Network, schedule: Schedule) -> Schedule:
    """A nearby world's schedule without the trips carrying a force this world lacks (a
    member opted out): they belong to no movement here. A fleet or leg it lacks needs no
    care: the model widens windows only by the (fleet, leg) pairs the network has."""
    trips = [t for t in schedule.trips if t.cargo.keys() <= net.forces.keys()]
    return dataclasses.replace(schedule, trips=trips)


def model_holding(net: Network, schedule: Schedule) -> Model:
    """The planner's model widened to hold a given plan's routes too, as the plan may come
    from the model with the every-route LP's routes: for pricing that plan's resources
    (optimizer/bottlenecks.py)."""
    groups = _merged(groups_of(net, greedy_schedule(net)), groups_of(net, schedule))
    return build_model(net, must_use=groups)


def groups_of(net: Network, baseline: Schedule) -> MustUse:
    """The (fleet, leg, period) groups a plan (the greedy one) uses, by movement."""
    movement_of = {f: m.id for m in movements(net) for f in m.forces}
    return groups_used(net.period_hours, baseline, movement_of)


def _best_start(
    model: Model, greedy_start: list[float] | None, settings: SearchSettings,
    deadline: float, progress: Progress | None,
    sectors_from: dict[str, str | None] | None = None,
) -> tuple[list[float] | None, Rounding]:
    """The better of the greedy plan and relax-round-fix, to start branch-and-bound from."""
    say = progress or (lambda _: None)
    if greedy_start is None:
        say("the greedy plan does not fit the model")
    rounding = relax_round_fix(model, settings, deadline, sectors_from, progress)
    say(f"LP relaxation bound {rounding.bound:.2f}")
    candidates = [(objective(model.lp, v), name, v)
                  for name, v in (("greedy", greedy_start), ("LP rounding", rounding.values))
                  if v is not None]
    if not candidates:
        return None, rounding
    value, name, best = min(candidates, key=lambda c: c[0])
    say(f"starting from the {name} plan, objective {value:.2f}")
    return best, rounding


def _no_worse_than_start(
    result: SolveResult, model: Model, start: list[float] | None
) -> SolveResult:
    """A solver may drop a start it finds slightly infeasible and stop with a worse plan:
    the start is a checked solution of the same model, so it stands if it is better."""
    if start is None:
        return result
    value = objective(model.lp, start)
    if result.values is not None and result.objective is not None and (
        result.objective <= value + 1e-6
    ):
        return result
    status = Status.TIME_LIMIT if result.status != Status.OPTIMAL else Status.FEASIBLE
    return dataclasses.replace(
        result, status=status, objective=value, values=start,
        gap=relative_gap(value, result.bound),
    )


def _with_bound(result: SolveResult, lp_bound: float) -> SolveResult:
    """The LP relaxation's bound is valid too: keep the stronger of the two."""
    if result.objective is None or math.isnan(lp_bound):
        return result
    bound = lp_bound if result.bound is None else max(result.bound, lp_bound)
    return dataclasses.replace(result, bound=bound, gap=relative_gap(result.objective, bound))


def plan_with_greedy(resolved: dict[str, Any]) -> Plan:
    """Plan with the greedy baseline: fast, feasible, no bound."""
    net: Network = Network.from_json(resolved)
    started = time.perf_counter()
    schedule = greedy_schedule(net)
    info = SolverInfo(
        "greedy", "dispatch", "feasible", None, None, None, time.perf_counter() - started,
        "earliest-ready-first dispatch",
    )
    return build_plan(net, schedule, info)
