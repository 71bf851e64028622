"""Time on the model's grid: how a fleet works a leg, and when a movement can be where.

A *group* is `vehicles` of one fleet starting work on one leg at the start of a period. When a
round trip is shorter than a period, each vehicle flies (sails, drives) `trips` back-to-back
round trips inside the period. Cargo of the group is available at the far end `offset`
periods later (loading, transit, unloading and the place's handling time all included); the
vehicles are taken for `busy` periods.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from optimizer.aggregate import Movement
from optimizer.inputs import Inputs, Leg

NEVER = 10**9


@dataclass(frozen=True)
class Timing:
    fleet: str
    leg: Leg
    trips: int
    offset: int
    busy: int
    transit_h: float
    cycle_h: float
    handling_h: float

    def depart_h(self, period: int, period_hours: int, trip: int) -> float:
        return period * period_hours + trip * self.cycle_h

    def arrive_h(self, period: int, period_hours: int, trip: int) -> float:
        return self.depart_h(period, period_hours, trip) + self.transit_h + self.handling_h

    def return_h(self, period: int, period_hours: int, trip: int) -> float:
        return self.depart_h(period, period_hours, trip) + self.cycle_h


def leg_timings(inputs: Inputs) -> list[Timing]:
    """Every (fleet, leg) pair that can run, with its timing on the period grid."""
    period = inputs.period_hours
    out = []
    for leg in inputs.legs:
        handling = inputs.places[leg.to].handling_h if leg.to in inputs.places else 0.0
        for fleet_id, lt in sorted(leg.fleets.items()):
            fleet = inputs.fleets.get(fleet_id)
            if fleet is None or fleet.activation_day is None:
                continue
            trips = max(1, math.floor(period / lt.cycle_h)) if lt.cycle_h > 0 else 1
            last_available = (trips - 1) * lt.cycle_h + lt.transit_h + handling
            out.append(
                Timing(
                    fleet=fleet_id,
                    leg=leg,
                    trips=trips,
                    offset=max(1, math.ceil(last_available / period - 1e-9)),
                    busy=max(1, math.ceil(trips * lt.cycle_h / period - 1e-9)),
                    transit_h=lt.transit_h,
                    cycle_h=lt.cycle_h,
                    handling_h=handling,
                )
            )
    return out


@dataclass(frozen=True)
class Window:
    """Where and when one movement can be: earliest period at each node, periods to a sector."""

    earliest: dict[str, int]
    to_sector: dict[str, int]
    timings: list[Timing]  # the (fleet, leg) pairs worth modelling for this movement
    sectors: list[str]  # sectors it can reach within the horizon


def movement_window(
    inputs: Inputs, m: Movement, timings: list[Timing], slack_periods: int
) -> Window:
    """Prune the network to what one movement could use: a timing is kept when a route through
    it reaches a sector no more than `slack_periods` (or the uncongested time again) after the
    fastest route, and within the horizon."""
    horizon = inputs.periods
    usable = [
        tm for tm in timings
        if inputs.fleets[tm.fleet].may_carry(inputs.forces[m.forces[0]])
        and tm.leg.to != m.home
    ]
    targets = [m.sector] if m.sector is not None else sorted(inputs.sectors)
    start = inputs.period_of_day(m.activation_day)
    fleet_start = {
        tm.fleet: inputs.period_of_day(inputs.fleets[tm.fleet].activation_day or 0)
        for tm in usable
    }

    earliest = _forward(m.home, start, usable, fleet_start, set(inputs.sectors))
    to_sector = _backward(targets, usable)
    reach = [s for s in targets if earliest.get(s, NEVER) <= horizon]
    if not reach:
        return Window(earliest, to_sector, [], [])
    best = min(earliest[s] for s in reach)
    limit = min(horizon, best + max(slack_periods, best - start))
    kept = []
    for tm in usable:
        leave = max(earliest.get(tm.leg.from_, NEVER), fleet_start[tm.fleet])
        if leave + tm.offset + to_sector.get(tm.leg.to, NEVER) <= limit:
            if tm.leg.to in inputs.sectors and tm.leg.to not in targets:
                continue
            kept.append(tm)
    return Window(earliest, to_sector, kept, reach)


def _forward(
    home: str, start: int, usable: list[Timing], fleet_start: dict[str, int],
    sectors: set[str],
) -> dict[str, int]:
    out_of: dict[str, list[Timing]] = {}
    for tm in usable:
        out_of.setdefault(tm.leg.from_, []).append(tm)
    best = {home: start}
    heap = [(start, home)]
    while heap:
        t, node = heapq.heappop(heap)
        if t > best.get(node, NEVER) or node in sectors:
            continue
        for tm in out_of.get(node, []):
            arrive = max(t, fleet_start[tm.fleet]) + tm.offset
            if arrive < best.get(tm.leg.to, NEVER):
                best[tm.leg.to] = arrive
                heapq.heappush(heap, (arrive, tm.leg.to))
    return best


def _backward(targets: list[str], usable: list[Timing]) -> dict[str, int]:
    into: dict[str, list[Timing]] = {}
    for tm in usable:
        into.setdefault(tm.leg.to, []).append(tm)
    best = dict.fromkeys(targets, 0)
    heap = [(0, s) for s in targets]
    while heap:
        t, node = heapq.heappop(heap)
        if t > best.get(node, NEVER):
            continue
        for tm in into.get(node, []):
            if tm.leg.from_ in targets:
                continue
            back = t + tm.offset
            if back < best.get(tm.leg.from_, NEVER):
                best[tm.leg.from_] = back
                heapq.heappush(heap, (back, tm.leg.from_))
    return best
