"""Relax, round, fix: a plan from the LP relaxation, for when branch-and-bound cannot find one.

On the Baltic scenario HiGHS's own heuristics found nothing better than the greedy start in
two minutes, while the LP relaxation promised a third fewer gap-days. So: solve the LP, take
the integer parts of its vehicle counts, add one vehicle where the LP wanted most of one and
the fleet, its timing and the airfield's MOG still allow, send whole forces to sectors by
largest remainder, fix all of that, and solve the LP again for the tons. What comes back
obeys every row of the MIP.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from dataclasses import dataclass

from optimizer.lp import LinearModel
from optimizer.model import Model
from optimizer.settings import SearchSettings
from optimizer.solve import SolveResult, Status, solve
from optimizer.timing import busy_periods, ground_hours

UPGRADE_FROM = 1e-6  # any fraction of a vehicle the LP wants is rounded up first: flooring
# 10.03 vehicles to 10 strands the last tons of a brigade and leaves it "not closed"
# Above this many columns the relaxations are solved by barrier (values only, no vertex);
# the last LP, whose values become the plan, always by simplex so they are exact.
INTERIOR_POINT_FROM = 100_000


@dataclass(frozen=True)
class Rounding:
    """The relax-round-fix plan, its LP bound and what it cost."""
    values: list[float] | None  # a feasible column vector for the MIP, or None
    bound: float  # the LP relaxation's objective (nan if it did not solve within budget)
    by_clock: bool = False  # the safety-net time limit cut it


def relax_round_fix(
    model: Model, settings: SearchSettings, deadline: float = math.inf
) -> Rounding:
    """A plan from the LP relaxation, and the LP bound it came from.

    Sectors are fixed by diving: the LP splits big forces across sectors, and rounding all of
    them at once nearly doubled the gap on the Baltic scenario; fixing the most decided share
    of the forces and solving again, `settings.dive_steps` times, loses little. Each LP has
    `settings.lp_iterations` iterations: a relaxation that needs more gives no plan (and the
    first, no bound), the same on every run. `deadline` is only a safety net."""
    lp = model.lp
    relaxed = dataclasses.replace(lp, col_integer=[False] * lp.num_cols)
    lower, upper = list(lp.col_lb), list(lp.col_ub)
    by_movement: dict[str, list[int]] = defaultdict(list)
    for (mid, _), col in model.assigned.items():
        by_movement[mid].append(col)
    copies = {m.id: m.copies for m in model.movements}
    bound = math.nan
    values: list[float] | None = None
    while True:
        result = _relaxation(relaxed, lower, upper, settings, deadline,
                             interior_point=lp.num_cols > INTERIOR_POINT_FROM)
        open_moves = [mid for mid, cols in by_movement.items() if lower[cols[0]] != upper[cols[0]]]
        if result.status != Status.OPTIMAL or result.values is None or result.objective is None:
            if values is None:
                return Rounding(None, bound, result.by_clock)
            _fix_sectors(open_moves, by_movement, values, copies, lower, upper)
            break  # a relaxation beyond budget: the last one decides the rest
        if math.isnan(bound):
            bound = result.objective
        values = result.values
        if not open_moves:
            break
        step = math.ceil(len(open_moves) / settings.dive_steps)
        decided = sorted(
            open_moves, key=lambda mid: -max(values[c] for c in by_movement[mid]) / copies[mid]
        )
        _fix_sectors(decided[: max(1, step)], by_movement, values, copies, lower, upper)
    for col, n in _rounded_vehicles(model, values).items():
        lower[col] = upper[col] = n
    # with every integer fixed this LP is quick (well under a second on the Baltic scenario)
    final = _relaxation(relaxed, lower, upper, settings, deadline, interior_point=False)
    if final.status != Status.OPTIMAL or final.values is None:
        return Rounding(None, bound, final.by_clock)
    out = list(final.values)
    for col in [*model.vehicles.values(), *model.assigned.values()]:
        out[col] = round(out[col])
    return Rounding(out, bound)


def _relaxation(
    relaxed: LinearModel, lower: list[float], upper: list[float], settings: SearchSettings,
    deadline: float, interior_point: bool,
) -> SolveResult:
    return solve(
        dataclasses.replace(relaxed, col_lb=lower, col_ub=upper), "highs",
        max(1.0, deadline - time.perf_counter()), interior_point=interior_point,
        iteration_limit=settings.lp_iterations,
    )


def _fix_sectors(
    moves: list[str], by_movement: dict[str, list[int]], values: list[float],
    copies: dict[str, int], lower: list[float], upper: list[float],
) -> None:
    for mid in moves:
        for col, n in _rounded_assignment(by_movement[mid], values, copies[mid]).items():
            lower[col] = upper[col] = n


def _rounded_vehicles(model: Model, values: list[float]) -> dict[int, int]:
    """Round every group up, then take vehicles back where the fleet is over its count or the
    airfield over its MOG, from the groups the LP wanted least."""
    net = model.net
    chosen = {col: math.ceil(values[col] - UPGRADE_FROM) for col in model.vehicles.values()}
    busy: dict[tuple[str, int], list[tuple[object, int]]] = defaultdict(list)
    ground: dict[tuple[str, int], list[tuple[object, int, float]]] = defaultdict(list)
    for g, col in model.vehicles.items():
        for q in busy_periods(net, g):
            busy[(g.timing.fleet, q)].append((g, col))
        for (place_id, day), hours in ground_hours(net, g.timing, g.period).items():
            ground[(place_id, day)].append((g, col, hours))
    for (fleet_id, _), groups in sorted(busy.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        count = net.fleets[fleet_id].count
        _take_back(chosen, values, [(col, 1.0) for _, col in groups], float(count))
    for (place_id, day), landing in sorted(ground.items()):
        place = net.places.get(place_id)
        allowed = place.ground_hours_on(day) if place is not None else None
        if allowed is not None:
            _take_back(chosen, values, [(col, h) for _, col, h in landing], allowed)
    return chosen


def _take_back(
    chosen: dict[int, int], values: list[float], terms: list[tuple[int, float]], cap: float
) -> None:
    """Lower the most rounded-up columns until sum(chosen x weight) <= cap."""
    total = sum(chosen[c] * w for c, w in terms)
    for col, weight in sorted(terms, key=lambda cw: values[cw[0]] - chosen[cw[0]]):
        while total > cap + 1e-9 and chosen[col] > math.floor(values[col] + 1e-6):
            chosen[col] -= 1
            total -= weight
        if total <= cap + 1e-9:
            return
    for col, weight in sorted(terms, key=lambda cw: values[cw[0]]):  # still over: below LP
        while total > cap + 1e-9 and chosen[col] > 0:
            chosen[col] -= 1
            total -= weight


def _rounded_assignment(cols: list[int], values: list[float], copies: int) -> dict[int, int]:
    """Whole forces to sectors, largest remainder first, the total kept."""
    base = {col: math.floor(values[col] + 1e-6) for col in cols}
    left = copies - sum(base.values())
    for col in sorted(cols, key=lambda c: -(values[c] - base[c]))[: max(0, left)]:
        base[col] += 1
    return base
