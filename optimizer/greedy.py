"""The greedy baseline: what a movement spreadsheet or a flow simulation would produce.

Forces are taken one at a time, earliest ready first (then the most capability points, then
id). Each is given a sector and then routed on the earliest-arriving path through the
time-expanded network, over the capacity earlier forces left: vehicles free per fleet and
period, tons a day per place, aircraft-hours a day per airfield. What fits goes along that path;
the search repeats for the rest until the force is moved or nothing more arrives in time. Last,
each force in a sector is supplied day by day from the nearest depot that provides all it needs.

Vehicles work in the MIP's groups (optimizer.timing): `vehicles` of a fleet start a leg at a
period boundary and make `trips` round trips each, the cargo split equally over the trips, so a
greedy plan obeys exactly the rules the MIP's plans obey and both compare on the same checker.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from contracts.network import Force, Network
from contracts.plan import Supply
from optimizer.readiness import arrived_by_day
from optimizer.schedule import Dispatch, Schedule
from optimizer.timing import (
    NEVER,
    Group,
    Timing,
    before_ead,
    blocked,
    busy_periods,
    ground_hours,
    leg_timings,
    supply_km,
    supply_lag_days,
    vehicles_needed,
)

EPS_T = 1e-6  # tons below this are not worth a path
MAX_PATHS = 500  # paths tried per force: each one exhausts some resource, so this is ample
SEARCH_STEPS = 60  # bisection steps when a path reuses a fleet (2^-60 of the load: exact)

Resource = tuple[str, str, int]  # ("veh", fleet, period) | ("tput"|"mog", place, day)


@dataclass
class Residual:
    """What is left of the network: resources used so far and the cargo on each group."""

    net: Network
    used: dict[Resource, float] = field(default_factory=lambda: defaultdict(float))
    loads: dict[Group, dict[str, float]] = field(default_factory=dict)
    arrivals: dict[Group, dict[int, int]] = field(default_factory=dict)  # see _arrival_days
    ground: dict[Group, dict[tuple[str, int], float]] = field(default_factory=dict)
    full: dict[str, set[int]] = field(default_factory=dict)  # fleet -> periods all taken
    loaded: dict[tuple[str, str], set[int]] = field(default_factory=dict)  # (fleet, leg)

    def capacity(self, key: Resource) -> float:
        kind, ident, day = key
        if kind == "veh":
            return float(self.net.fleets[ident].count)
        place = self.net.places[ident]
        cap = place.throughput_on(day) if kind == "tput" else place.ground_hours_on(day)
        return math.inf if cap is None else cap

    def left(self, key: Resource) -> float:
        return self.capacity(key) - self.used.get(key, 0.0)


@dataclass(frozen=True)
class Path:
    """The groups (fleet, leg, period) a force travels in, home to sector."""
    groups: tuple[Group, ...]  # in travel order, home to sector


def greedy_schedule(net: Network) -> Schedule:
    """The greedy baseline: forces in order of readiness and strength, each on its earliest path."""
    timings = leg_timings(net)
    residual = Residual(net)
    sectors: dict[str, str | None] = dict.fromkeys(net.forces)
    points_sent: dict[tuple[str, str], float] = defaultdict(float)  # (sector, capability)
    order = _dispatch_order(net)
    for force in order:
        sector = _route_force(net, timings, residual, force, points_sent)
        sectors[force.id] = sector
    _respect_max_share(net, residual, sectors, order)
    trips = _trips(net, residual)
    supply = _sustainment(net, trips, sectors, order)
    return Schedule(trips, sectors, supply)


def _dispatch_order(net: Network) -> list[Force]:
    """Forces that take part within the horizon, earliest ready first."""
    active = [
        f for f in net.forces.values()
        if f.activation_day is not None and f.activation_day < net.horizon_days
        and f.cargo_t > 0
    ]
    return sorted(active, key=lambda f: (f.activation_day, -sum(v for _, v in f.capability), f.id))


# --- one force ------------------------------------------------------------------------------


def _route_force(
    net: Network, timings: list[Timing], residual: Residual, force: Force,
    points_sent: dict[tuple[str, str], float],
) -> str | None:
    """Pick the force's sector among those it can reach now, then move as much as fits."""
    usable = _usable_timings(net, timings, force)
    targets = [force.sector] if force.sector is not None else sorted(net.sectors)
    reach = _search(net, residual, usable, force, set(), targets)
    reached = [s for s in targets if s in reach]
    if not reached:
        return None
    sector = _choose_sector(net, force, reached, points_sent)
    moved = _move(net, residual, usable, force, sector, reach[sector])
    for cap, points in sorted(force.capability):
        points_sent[(sector, cap)] += points * moved / force.cargo_t
    return sector


def _usable_timings(net: Network, timings: list[Timing], force: Force) -> list[Timing]:
    # never back into home: cargo there is already where it started
    return [
        tm for tm in timings
        if net.fleets[tm.fleet].may_carry(force) and tm.leg.to != force.home
        and force.line.may_use(tm.leg.mode, tm.leg.from_, tm.leg.to)
    ]


def _choose_sector(
    net: Network, force: Force, reached: list[str],
    points_sent: dict[tuple[str, str], float],
) -> str:
    """The sector still missing most of what this force brings; ties: earliest need, id."""
    if force.sector is not None:
        return force.sector
    offered = {c for c, v in force.capability if v > 0}

    def key(sid: str) -> tuple[float, int, str]:
        reqs = [r for r in net.sectors[sid].requirements if r.capability in offered]
        unmet: dict[str, float] = defaultdict(float)
        for r in reqs:
            unmet[r.capability] += r.amount
        missing = sum(max(0.0, amt - points_sent[(sid, c)]) for c, amt in unmet.items())
        first_due = min((r.by_day for r in reqs), default=NEVER)
        return (-missing, first_due, sid)

    return min(reached, key=key)


def _move(
    net: Network, residual: Residual, usable: list[Timing], force: Force, sector: str,
    first: Path,
) -> float:
    """Send the force along earliest paths until it is all moved or nothing more arrives."""
    remaining, moved = force.cargo_t, 0.0
    banned: set[Group] = set()
    path: Path | None = first
    for _ in range(MAX_PATHS):
        if path is None or remaining <= EPS_T:
            break
        tons = _path_amount(residual, path, force, remaining)
        if tons > EPS_T:
            _commit(residual, path, force, tons)
            remaining -= tons
            moved += tons
        else:
            # only when a path needs the same fleet twice while busy: never try that group again
            banned |= _reused_fleet_groups(path)
        path = _search(net, residual, usable, force, banned, [sector]).get(sector)
    return moved


def _reused_fleet_groups(path: Path) -> set[Group]:
    seen: set[str] = set()
    out = set()
    for g in path.groups:
        if g.timing.fleet in seen:
            out.add(g)
        seen.add(g.timing.fleet)
    return out or set(path.groups[-1:])


# --- earliest-arrival search ----------------------------------------------------------------


def _search(
    net: Network, residual: Residual, usable: list[Timing], force: Force,
    banned: set[Group], targets: list[str],
) -> dict[str, Path]:
    """Label-setting over (place, period) on the residual network: the earliest path to each
    target sector reachable within the horizon. Sectors are sinks; waiting is free."""
    out_of: dict[str, list[Timing]] = defaultdict(list)
    for tm in sorted(usable, key=lambda tm: (tm.leg.id, tm.fleet)):
        out_of[tm.leg.from_].append(tm)
    assert force.activation_day is not None
    start = net.period_of_day(force.activation_day)
    best: dict[str, int] = {force.home: start}
    pred: dict[str, tuple[str, Group]] = {}
    heap = [(start, force.home)]
    wanted = set(targets)
    found: dict[str, Path] = {}
    while heap and len(found) < len(wanted):
        t, node = heapq.heappop(heap)
        if t > best[node]:
            continue
        if node in net.sectors:
            if node in wanted:
                found[node] = _trace(pred, force.home, node)
            continue
        for tm in out_of.get(node, []):
            if tm.leg.to in net.sectors and tm.leg.to not in wanted:
                continue
            g = _first_open_group(net, residual, tm, force, t, banned)
            if g is not None and g.period + tm.offset < best.get(tm.leg.to, NEVER):
                best[tm.leg.to] = g.period + tm.offset
                pred[tm.leg.to] = (node, g)
                heapq.heappush(heap, (g.period + tm.offset, tm.leg.to))
    return found


def _trace(pred: dict[str, tuple[str, Group]], home: str, node: str) -> Path:
    groups = []
    while node != home:
        node, g = pred[node]
        groups.append(g)
    return Path(tuple(reversed(groups)))


def _first_open_group(
    net: Network, residual: Residual, tm: Timing, force: Force, earliest: int,
    banned: set[Group],
) -> Group | None:
    """The earliest group of this fleet on this leg, at or after `earliest`, that can still
    take some of the force and deliver it within the horizon."""
    fleet = net.fleets[tm.fleet]
    assert fleet.activation_day is not None
    first = max(earliest, net.period_of_day(fleet.activation_day))
    # integer-set tests first: on a busy network most periods have every vehicle taken and
    # nothing aboard to share, and ruling them out must cost little
    full = residual.full.get(tm.fleet, set())
    loaded = residual.loaded.get((tm.fleet, tm.leg.id), set())
    for period in range(first, net.periods - tm.offset + 1):
        if period not in loaded and any(q in full for q in range(period, period + tm.busy)):
            continue
        g = Group(tm, period)
        if g in banned or blocked(net, g) or before_ead(net, force.line, g):
            continue
        if _group_room(net, residual, g, force) > EPS_T:
            return g
    return None


# --- capacity of groups and paths -----------------------------------------------------------


def _arrival_days(residual: Residual, g: Group) -> dict[int, int]:
    """How many of a group's trips make their cargo available on each day (the day throughput
    and MOG count them on, as in the MIP). Cached: the search asks for the same groups often."""
    cached = residual.arrivals.get(g)
    if cached is not None:
        return cached
    net, days = residual.net, residual.arrivals.setdefault(g, {})
    for j in range(g.timing.trips):
        hour = g.timing.arrive_h(g.period, net.period_hours, j)
        # The MIP forgives 1e-9 of float noise before midnight, the checker floors the raw
        # hour: an arrival a hair before midnight is charged to both days so both see it fit.
        for day in {net.day_of_hour(hour), math.floor(hour / 24)}:
            days[day] = days.get(day, 0) + 1
    return days


def _group_room(net: Network, residual: Residual, g: Group, force: Force) -> float:
    """Most tons of `force` the group can still take on its own: spare room on its vehicles
    plus vehicles still free all the time they are busy and with MOG hours to unload, and
    within the receiving place's daily throughput."""
    fleet, k = net.fleets[g.timing.fleet], g.timing.trips
    load = residual.loads.get(g, {})
    days = _arrival_days(residual, g)
    extra = min(residual.left(("veh", fleet.id, q)) for q in busy_periods(net, g))
    extra = min(extra, _vehicles_by_mog(residual, g))
    vehicles = max(0, vehicles_needed(net, g, load)) + math.floor(extra + 1e-9)
    room = k * fleet.payload_t * vehicles - sum(load.values())
    ppt = force.pax_per_ton
    if fleet.pax and ppt > 0:
        seats = k * fleet.pax * vehicles - sum(
            t * net.forces[f].pax_per_ton for f, t in load.items()
        )
        room = min(room, seats / ppt)
    if g.timing.leg.to in net.places:
        for day, n in days.items():
            room = min(room, residual.left(("tput", g.timing.leg.to, day)) * k / n)
    return max(0.0, room)


def _vehicles_by_mog(residual: Residual, g: Group) -> float:
    """Most vehicles the group can add within the MOG of the airfields it loads and lands at."""
    most = math.inf
    for (pid, day), hours in _ground_hours(residual, g).items():
        most = min(most, math.floor(residual.left(("mog", pid, day)) / hours + 1e-9))
    return most


def _ground_hours(residual: Residual, g: Group) -> dict[tuple[str, int], float]:
    """Per vehicle, aircraft-hours on the ground at airfields with a MOG (cached)."""
    cached = residual.ground.get(g)
    if cached is None:
        cached = residual.ground[g] = ground_hours(residual.net, g.timing, g.period)
    return cached


def _usage(
    net: Network, residual: Residual, path: Path, force: Force, tons: float
) -> dict[Resource, float]:
    """Resources `tons` of the force would take along the path, beyond what is used now."""
    out: dict[Resource, float] = defaultdict(float)
    for g in path.groups:
        fleet, k = net.fleets[g.timing.fleet], g.timing.trips
        load = dict(residual.loads.get(g, {}))
        before = max(0, vehicles_needed(net, g, load))
        load[force.id] = load.get(force.id, 0.0) + tons
        more = max(0, vehicles_needed(net, g, load)) - before
        for q in busy_periods(net, g):
            out[("veh", fleet.id, q)] += more
        for (pid, day), hours in _ground_hours(residual, g).items():
            out[("mog", pid, day)] += more * hours
        to = net.places.get(g.timing.leg.to)
        if to is None:
            continue
        for day, n in _arrival_days(residual, g).items():
            out[("tput", to.id, day)] += tons * n / k
    return out


def _fits(net: Network, residual: Residual, path: Path, force: Force, tons: float) -> bool:
    usage = _usage(net, residual, path, force, tons)
    return all(v <= residual.left(key) + 1e-9 for key, v in usage.items())


def _path_amount(residual: Residual, path: Path, force: Force, remaining: float) -> float:
    """Most of the force the whole path carries: the tightest group, or less when the path
    uses one fleet twice while its vehicles are still busy (found by bisection)."""
    net = residual.net
    tons = min([remaining] + [_group_room(net, residual, g, force) for g in path.groups])
    if tons <= EPS_T or _fits(net, residual, path, force, tons):
        return tons
    lo, hi = 0.0, tons
    for _ in range(SEARCH_STEPS):
        mid = (lo + hi) / 2
        if _fits(net, residual, path, force, mid):
            lo = mid
        else:
            hi = mid
    return lo


def _commit(residual: Residual, path: Path, force: Force, tons: float) -> None:
    for key, v in _usage(residual.net, residual, path, force, tons).items():
        residual.used[key] += v
        kind, fleet, period = key
        if kind == "veh" and residual.left(key) < 1 - 1e-9:
            residual.full.setdefault(fleet, set()).add(period)
    for g in path.groups:
        load = residual.loads.setdefault(g, {})
        load[force.id] = load.get(force.id, 0.0) + tons
        residual.loaded.setdefault((g.timing.fleet, g.timing.leg.id), set()).add(g.period)


# --- burden sharing -------------------------------------------------------------------------


def _respect_max_share(
    net: Network, residual: Residual, sectors: dict[str, str | None], order: list[Force]
) -> None:
    """A dispatcher has no foresight for burden shares: when a member ends up over its
    max_share, its last-dispatched forces are stood down until every member is within."""
    sent = [f for f in order if sectors[f.id] is not None]
    while True:
        points = _points_by_member(net, residual, sectors)
        total = sum(points.values())
        over = {
            code for code, m in net.members.items()
            if m.max_share is not None and total > 0 and points[code] / total > m.max_share
        }
        drop = next((f for f in reversed(sent) if f.member in over), None)
        if drop is None:
            return
        sent.remove(drop)
        sectors[drop.id] = None
        for load in residual.loads.values():
            load.pop(drop.id, None)


def _points_by_member(
    net: Network, residual: Residual, sectors: dict[str, str | None]
) -> dict[str, float]:
    tons: dict[str, float] = defaultdict(float)
    for g, load in residual.loads.items():
        for fid, t in load.items():
            if sectors.get(fid) == g.timing.leg.to:
                tons[fid] += t
    points: dict[str, float] = defaultdict(float)
    for fid, t in tons.items():
        f = net.forces[fid]
        points[f.member] += min(1.0, t / f.cargo_t) * sum(v for _, v in f.capability)
    return points


# --- trips ----------------------------------------------------------------------------------


def _trips(net: Network, residual: Residual) -> list[Dispatch]:
    """Each loaded group as `trips` trips of the fewest vehicles that carry its load."""
    out = []
    ordered = sorted(
        residual.loads.items(),
        key=lambda kv: (kv[0].period, kv[0].timing.leg.id, kv[0].timing.fleet),
    )
    for g, load in ordered:
        cargo = {f: t for f, t in sorted(load.items()) if t > EPS_T}
        if not cargo:
            continue
        vehicles = max(1, vehicles_needed(net, g, cargo))
        k, ph = g.timing.trips, net.period_hours
        for j in range(k):
            out.append(
                Dispatch(
                    fleet=g.timing.fleet, leg=g.timing.leg.id,
                    depart_h=g.timing.depart_h(g.period, ph, j),
                    arrive_h=g.timing.arrive_h(g.period, ph, j),
                    return_h=g.timing.return_h(g.period, ph, j),
                    vehicles=vehicles, cargo={f: t / k for f, t in cargo.items()},
                )
            )
    return out


# --- sustainment ----------------------------------------------------------------------------


def _sustainment(
    net: Network, trips: list[Dispatch], sectors: dict[str, str | None], order: list[Force]
) -> list[Supply]:
    """Day by day, in dispatch order, each force in its sector gets sustainment_tpd x the
    fraction of it arrived, from the nearest depots providing all its needs (nearest first,
    the next one for what the nearest cannot ship), within stock and daily throughput."""
    arrived = arrived_by_day(net, trips, sectors)
    stock = {d.id: d.stock_t for d in net.depots.values()}
    shipped: dict[tuple[str, int], float] = defaultdict(float)
    out = []
    for day in range(net.horizon_days):
        for force in order:
            sector = sectors[force.id]
            if sector is None or force.sustainment_tpd <= 0 or force.id not in arrived:
                continue
            need = force.sustainment_tpd * min(1.0, arrived[force.id][day] / force.cargo_t)
            for depot_id, lag in _depots_for(net, force, sector):
                ship_day = day - lag
                if need <= EPS_T:
                    break
                if ship_day < 0:
                    continue
                room = net.depots[depot_id].throughput_tpd - shipped[(depot_id, ship_day)]
                tons = min(need, stock[depot_id], room)
                if tons <= EPS_T:
                    continue
                stock[depot_id] -= tons
                shipped[(depot_id, ship_day)] += tons
                need -= tons
                out.append(Supply(depot_id, sector, force.id, day, ship_day, tons))
    return out


def _depots_for(net: Network, force: Force, sector: str) -> list[tuple[str, int]]:
    """(depot, lag in days) of depots that provide all the force's needs and reach the sector
    by road or rail, nearest first."""
    km = supply_km(net)
    out = [
        (d.id, supply_lag_days(km[(d.place, sector)]))
        for d in net.depots.values()
        if d.serves(force.needs) and (d.place, sector) in km
    ]
    return sorted(out, key=lambda x: (x[1], x[0]))
