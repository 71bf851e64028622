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
from collections import defaultdict
from dataclasses import dataclass

from contracts.network import DeploymentLine, Leg, Network
from optimizer.aggregate import Movement

NEVER = 10**9


@dataclass(frozen=True)
class Timing:
    """How one fleet works one leg on the model's grid (see the module docstring)."""
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


@dataclass(frozen=True)
class Group:
    """Vehicles of one fleet starting one leg in one period."""

    timing: Timing
    period: int


def blocked(net: Network, g: Group) -> bool:
    """A trip of the group would leave a place on a day it is closed, or deliver to one on a
    day it is closed (contracts.network.Place.outages)."""
    leg, ph = g.timing.leg, net.period_hours
    start, end = net.places.get(leg.from_), net.places.get(leg.to)
    if not (start is not None and start.outages) and not (end is not None and end.outages):
        return False
    for j in range(g.timing.trips):
        leave = net.day_of_hour(g.timing.depart_h(g.period, ph, j))
        deliver = net.day_of_hour(g.timing.arrive_h(g.period, ph, j))
        if (start is not None and start.closed_on(leave)) or (
                end is not None and end.closed_on(deliver)):
            return True
    return False


def debarks(net: Network, line: DeploymentLine, leg: Leg) -> bool:
    """Does this leg end the line's move to its debarkation: an air or sea leg, or for a line
    moving overland, the leg into its sector (contracts.network.DeploymentLine)."""
    if line.overland:
        return leg.to in net.sectors
    return leg.mode in ("air", "sea")


def ead_binds(net: Network, line: DeploymentLine, leg: Leg) -> bool:
    """Is this leg held to the line's EAD: it debarks the line, or brings it into a sector?"""
    return line.ead_day is not None and (debarks(net, line, leg) or leg.to in net.sectors)


def before_ead(net: Network, line: DeploymentLine, g: Group) -> bool:
    """A trip of the group would debark the line, or bring it into a sector, before its EAD."""
    if not ead_binds(net, line, g.timing.leg) or line.ead_day is None:
        return False
    ph = net.period_hours
    return any(net.day_of_hour(g.timing.arrive_h(g.period, ph, j)) < line.ead_day
               for j in range(g.timing.trips))


def days_after_lad(net: Network, line: DeploymentLine, g: Group) -> int:
    """Days the group's last trip debarks the line after its LAD (0 if none, or on time)."""
    if line.lad_day is None or not debarks(net, line, g.timing.leg):
        return 0
    last = g.timing.arrive_h(g.period, net.period_hours, g.timing.trips - 1)
    return max(0, net.day_of_hour(last) - line.lad_day)


def busy_periods(net: Network, g: Group) -> range:
    """The periods a group's vehicles are taken, cut at the horizon."""
    return range(g.period, min(net.periods, g.period + g.timing.busy))


def vehicles_needed(net: Network, g: Group, load: dict[str, float]) -> int:
    """Fewest vehicles that carry `load` (tons by force) in the group's `trips` trips each:
    within payload and, on a fleet with seats, with a seat for everyone riding with it."""
    fleet, k = net.fleets[g.timing.fleet], g.timing.trips
    need = math.ceil(sum(load.values()) / (k * fleet.payload_t) - 1e-9)
    if fleet.pax is not None and fleet.pax > 0:
        pax = sum(t * net.forces[f].pax_per_ton for f, t in load.items())
        need = max(need, math.ceil(pax / (k * fleet.pax) - 1e-9))
    return need


SUPPLY_KM_PER_DAY = 500.0  # depot-to-sector distribution: a day per 500 road km, at least one


def supply_lag_days(km: float) -> int:
    """Days from a depot shipping to the supplies being in the sector."""
    return max(1, math.ceil(km / SUPPLY_KM_PER_DAY))


def supply_km(net: Network) -> dict[tuple[str, str], float]:
    """(place, sector) -> km of the shortest road or rail leg between them: how far a depot's
    supplies travel to a sector (the model and the greedy planner both use this)."""
    km: dict[tuple[str, str], float] = {}
    for leg in net.legs:
        if leg.mode in ("road", "rail") and leg.to in net.sectors:
            key = (leg.from_, leg.to)
            km[key] = min(km.get(key, math.inf), leg.km)
    return km


def ground_hours(net: Network, timing: Timing, period: int) -> dict[tuple[str, int], float]:
    """Aircraft-hours on the ground that one vehicle of a group adds, by (airfield, day), at
    the airfields that have a MOG: loading at the airfield it leaves, on the day each trip
    departs, and unloading at the one it lands on, on the day that trip's cargo is available
    there. Air legs only; days as `Network.day_of_hour`, the checker's floor(hour / 24)."""
    out: dict[tuple[str, int], float] = defaultdict(float)
    if timing.leg.mode != "air":
        return out
    fleet = net.fleets[timing.fleet]

    def has_mog(place_id: str) -> bool:
        place = net.places.get(place_id)
        return place is not None and place.mog is not None

    for j in range(timing.trips):
        if fleet.load_h > 0 and has_mog(timing.leg.from_):
            depart = timing.depart_h(period, net.period_hours, j)
            out[(timing.leg.from_, net.day_of_hour(depart))] += fleet.load_h
        if fleet.unload_h > 0 and has_mog(timing.leg.to):
            arrive = timing.arrive_h(period, net.period_hours, j)
            out[(timing.leg.to, net.day_of_hour(arrive))] += fleet.unload_h
    return out


def leg_timings(net: Network) -> list[Timing]:
    """Every (fleet, leg) pair that can run, with its timing on the period grid."""
    period = net.period_hours
    out = []
    for leg in net.legs:
        handling = net.places[leg.to].handling_h if leg.to in net.places else 0.0
        for fleet_id, lt in sorted(leg.fleets.items()):
            fleet = net.fleets.get(fleet_id)
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


# Routes through the fastest few places of each kind are generated per movement.
VIA_KINDS = {"airfield": 3, "seaport": 3, "railhead": 2}
FLEETS_PER_LEG = 2  # per movement and leg: the fleets that move most tons a day


def movement_window(
    net: Network, m: Movement, timings: list[Timing], every_route: bool = False
) -> Window:
    """Prune the network to the routes one movement could sensibly use (`every_route`: keep
    every (fleet, leg) it may use and still reach a sector in time, for a bound that holds for
    the whole network, not only for the routes kept here).

    Candidate routes are the fastest route to every sector it may go to and, to the nearest
    one, the fastest routes through the quickest airfields, seaports and railheads (VIA_KINDS),
    so the model can trade speed for capacity (sealift against airlift) and spread load over
    ports when one is congested. On each leg of a kept route the FLEETS_PER_LEG fleets that
    may carry the movement and move the most tons a day are modelled, so lift can be pooled.
    This is the route-generation step of NRMO-type models; without it the time-expanded
    network is millions of columns."""
    horizon = net.periods
    force = net.forces[m.forces[0]]
    usable = [
        tm for tm in timings
        if net.fleets[tm.fleet].may_carry(force) and tm.leg.to != m.home
        and m.line.may_use(tm.leg.mode, tm.leg.from_, tm.leg.to)
    ]
    targets = [m.sector] if m.sector is not None else sorted(net.sectors)
    start = net.period_of_day(m.activation_day)
    fleet_start = {
        tm.fleet: net.period_of_day(net.fleets[tm.fleet].activation_day or 0)
        for tm in usable
    }
    earliest, came_by = _forward(m.home, start, usable, fleet_start, set(net.sectors))
    to_sector, _ = _backward(targets, usable)
    reach = [s for s in targets if earliest.get(s, NEVER) <= horizon]
    if not reach:
        return Window(earliest, to_sector, [], [])
    if every_route:
        return _every_route(net, usable, earliest, to_sector, fleet_start, reach)
    route_legs: set[int] = set()
    nearest = min(reach, key=lambda s: (earliest[s], s))
    for sector in reach:  # the fastest route to every sector it may go to, and for the
        # nearest one also routes through other ports, to spread load when one is congested
        to_this, goes_by = _backward([sector], usable)
        vias: list[str | None] = [None]
        for kind, count in VIA_KINDS.items():
            if sector != nearest:
                break
            candidates = sorted(
                (earliest[p] + to_this[p], p) for p, place in net.places.items()
                if place.kind == kind and p in earliest and p in to_this
            )
            # by kind, not by slack: a route days slower than the fastest (sealift against
            # airlift) is the one with the capacity, so it must stay a choice
            vias += [p for when, p in candidates[:count] if when <= horizon]
        for via in vias:
            route_legs |= _route(m.home, via, [sector], came_by, goes_by, earliest)
    limit = horizon
    on_leg: dict[int, list[Timing]] = {}
    for tm in usable:
        if id(tm.leg) in route_legs and _arrival(tm, earliest, to_sector, fleet_start) <= limit:
            on_leg.setdefault(id(tm.leg), []).append(tm)
    kept = [
        tm for group in on_leg.values()
        for tm in sorted(group, key=lambda tm: -_daily_tons(net, tm))[:FLEETS_PER_LEG]
    ]
    sectors_hit = {tm.leg.to for tm in kept} & set(targets)
    return Window(earliest, to_sector, kept, [s for s in reach if s in sectors_hit])


def _every_route(
    net: Network, usable: list[Timing], earliest: dict[str, int], to_sector: dict[str, int],
    fleet_start: dict[str, int], reach: list[str],
) -> Window:
    """Every usable (fleet, leg) that can still deliver in time; none out of a sector, where
    a movement has arrived."""
    kept = [tm for tm in usable if tm.leg.from_ not in net.sectors
            and _arrival(tm, earliest, to_sector, fleet_start) <= net.periods]
    hit = {tm.leg.to for tm in kept}
    return Window(earliest, to_sector, kept, [s for s in reach if s in hit])


def _arrival(
    tm: Timing, earliest: dict[str, int], to_sector: dict[str, int],
    fleet_start: dict[str, int],
) -> int:
    """The earliest period a movement taking this (fleet, leg) can be in a sector."""
    leave = max(earliest.get(tm.leg.from_, NEVER), fleet_start[tm.fleet])
    return leave + tm.offset + to_sector.get(tm.leg.to, NEVER)


def _daily_tons(net: Network, tm: Timing) -> float:
    fleet = net.fleets[tm.fleet]
    return fleet.count * fleet.payload_t * 24.0 / max(tm.cycle_h, 1e-9)


def _route(
    home: str, via: str | None, targets: list[str], came_by: dict[str, Timing],
    goes_by: dict[str, Timing], earliest: dict[str, int],
) -> set[int]:
    """Legs (by identity) of the fastest route home -> via -> nearest target sector."""
    if via is None:
        via = min(targets, key=lambda s: earliest.get(s, NEVER))
    legs: set[int] = set()
    node = via
    while node != home and node in came_by:  # back along the forward tree
        tm = came_by[node]
        legs.add(id(tm.leg))
        node = tm.leg.from_
    node = via
    seen = 0
    while node not in targets and node in goes_by and seen < 50:  # on along the backward tree
        tm = goes_by[node]
        legs.add(id(tm.leg))
        node = tm.leg.to
        seen += 1
    return legs


def _forward(
    home: str, start: int, usable: list[Timing], fleet_start: dict[str, int],
    sectors: set[str],
) -> tuple[dict[str, int], dict[str, Timing]]:
    out_of: dict[str, list[Timing]] = {}
    for tm in usable:
        out_of.setdefault(tm.leg.from_, []).append(tm)
    best = {home: start}
    came_by: dict[str, Timing] = {}
    heap = [(start, home)]
    while heap:
        t, node = heapq.heappop(heap)
        if t > best.get(node, NEVER) or node in sectors:
            continue
        for tm in out_of.get(node, []):
            arrive = max(t, fleet_start[tm.fleet]) + tm.offset
            if arrive < best.get(tm.leg.to, NEVER):
                best[tm.leg.to] = arrive
                came_by[tm.leg.to] = tm
                heapq.heappush(heap, (arrive, tm.leg.to))
    return best, came_by


def _backward(
    targets: list[str], usable: list[Timing]
) -> tuple[dict[str, int], dict[str, Timing]]:
    into: dict[str, list[Timing]] = {}
    for tm in usable:
        into.setdefault(tm.leg.to, []).append(tm)
    best = dict.fromkeys(targets, 0)
    goes_by: dict[str, Timing] = {}
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
                goes_by[tm.leg.from_] = tm
                heapq.heappush(heap, (back, tm.leg.from_))
    return best, goes_by
