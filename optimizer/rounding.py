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

from optimizer.model import Model, arrival_days
from optimizer.solve import solve

UPGRADE_FROM = 1e-6  # any fraction of a vehicle the LP wants is rounded up first: flooring
# 10.03 vehicles to 10 strands the last tons of a brigade and leaves it "not closed"
DIVE_STEPS = 3  # forces' sectors are fixed in this many rounds
# Above this many columns the relaxations are solved by barrier (values only, no vertex);
# the last LP, whose values become the plan, always by simplex so they are exact.
INTERIOR_POINT_FROM = 100_000
FINAL_LP_MIN_S = 10.0


def relax_round_fix(model: Model, time_limit_s: float) -> tuple[list[float] | None, float]:
    """A feasible column vector for the MIP (or None), and the LP bound it came from.

    Sectors are fixed by diving: the LP splits big forces across sectors, and rounding all of
    them at once nearly doubled the gap on the Baltic scenario; fixing the most decided third
    of the forces and solving again, three or four times, loses little."""
    started = time.perf_counter()
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
        left = time_limit_s - (time.perf_counter() - started)
        result = solve(dataclasses.replace(relaxed, col_lb=lower, col_ub=upper), "highs",
                       max(1.0, left), interior_point=lp.num_cols > INTERIOR_POINT_FROM)
        open_moves = [mid for mid, cols in by_movement.items() if lower[cols[0]] != upper[cols[0]]]
        if result.values is None or result.objective is None:
            if values is None:
                return None, bound  # not even the first relaxation in time
            _fix_sectors(open_moves, by_movement, values, copies, lower, upper)
            break  # out of time mid-dive: the last relaxation decides the rest
        if math.isnan(bound):
            bound = result.objective
        values = result.values
        if not open_moves:
            break
        left = time_limit_s - (time.perf_counter() - started)
        step = math.ceil(len(open_moves) / DIVE_STEPS)
        if left < 2 * result.seconds:  # no time for another round: fix the rest now
            step = len(open_moves)
        decided = sorted(
            open_moves, key=lambda mid: -max(values[c] for c in by_movement[mid]) / copies[mid]
        )
        _fix_sectors(decided[: max(1, step)], by_movement, values, copies, lower, upper)
    for col, n in _rounded_vehicles(model, values).items():
        lower[col] = upper[col] = n
    # with every integer fixed this LP is quick (well under a second on the Baltic scenario):
    # it gets a floor of time, so a dive that used the budget still ends in a plan
    left = time_limit_s - (time.perf_counter() - started)
    final = solve(dataclasses.replace(relaxed, col_lb=lower, col_ub=upper), "highs",
                  max(FINAL_LP_MIN_S, left))
    if final.values is None:
        return None, bound
    out = list(final.values)
    for col in [*model.vehicles.values(), *model.assigned.values()]:
        out[col] = round(out[col])
    return out, bound


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
    inputs = model.inputs
    chosen = {col: math.ceil(values[col] - UPGRADE_FROM) for col in model.vehicles.values()}
    busy: dict[tuple[str, int], list[tuple[object, int]]] = defaultdict(list)
    ground: dict[tuple[str, int], list[tuple[object, int, float]]] = defaultdict(list)
    for g, col in model.vehicles.items():
        for q in range(g.period, min(inputs.periods, g.period + g.timing.busy)):
            busy[(g.timing.fleet, q)].append((g, col))
        for day, hours in _ground_hours(model, g).items():
            ground[(g.timing.leg.to, day)].append((g, col, hours))
    for (fleet_id, _), groups in sorted(busy.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        count = inputs.fleets[fleet_id].count
        _take_back(chosen, values, [(col, 1.0) for _, col in groups], float(count))
    for (place_id, _), landing in sorted(ground.items()):
        place = inputs.places.get(place_id)
        mog = place.mog if place is not None else None
        if mog is not None:
            _take_back(chosen, values, [(col, h) for _, col, h in landing], mog * 24.0)
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


def _ground_hours(model: Model, g: object) -> dict[int, float]:
    """Aircraft-hours on the ground per day one more vehicle of this group adds (air only)."""
    timing = g.timing  # type: ignore[attr-defined]
    if timing.leg.mode != "air":
        return {}
    unload = model.inputs.fleets[timing.fleet].unload_h
    return {day: n * unload for day, n in arrival_days(model, g).items()}  # type: ignore[arg-type]


def _rounded_assignment(cols: list[int], values: list[float], copies: int) -> dict[int, int]:
    """Whole forces to sectors, largest remainder first, the total kept."""
    base = {col: math.floor(values[col] + 1e-6) for col in cols}
    left = copies - sum(base.values())
    for col in sorted(cols, key=lambda c: -(values[c] - base[c]))[: max(0, left)]:
        base[col] += 1
    return base
