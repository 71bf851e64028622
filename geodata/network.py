"""Build the resolved network of a scenario: places with coordinates, the legs between them
with the fleets that may use each, activation days, and the forces that cannot get through.
`Network.to_json()` is resolved.json as fixed in docs/contracts.md.

Leg generation keeps the network small enough for a MIP by generating only the moves a
deployment plan uses (559 legs for the 70 places and sectors of scenarios/baltic_article5.yaml):
- THEATER: places within THEATER_KM of any sector node.
- air: every airfield to every theater airfield, at least AIR_MIN_KM apart.
- sea: every seaport to every theater seaport, at least SEA_MIN_KM apart.
- land, A -> B with A != B, A not a sector, B an airfield, seaport, railhead or sector (never
  a base or depot: nothing is delivered there). Road where the road corridors join both
  (geodata.road; or great circle x circuity where the scenario's road_fallback allows) up to
  ROAD_MAX_KM; rail where same-gauge track joins both (geodata.rail), one leg per gauge. A
  pair qualifies by one of:
  (i) fort to port: A a base or depot, B one of its FORT_TO_PORT_NEAREST nearest airfields,
      seaports and railheads (each kind) within FORT_TO_PORT_KM; road and rail.
  (ii) to a sector: from any theater place, or any base or depot (self-deployment by road,
      sustainment), by road and rail; from any other place by rail only.
  (iii) into the theater by train: A outside the theater, B a theater railhead; rail only.
  (iv) within the theater to a railhead: by rail from anywhere in the theater; by road from
      an airfield or seaport to its FORT_TO_PORT_NEAREST nearest railheads (a base reaches
      its nearest railheads by (i)).
- legs no force or depot can get to, or that lead nowhere a sector can be reached from, are
  dropped (they could carry nothing: e.g. sea legs into a theater port with no road or track
  on to any sector).
- scenario links are added as given and replace a generated leg of the same ends and mode.
- a leg touching a closed place is dropped.
- geography (geodata.geography, after the above): a road, rail or link leg whose path runs
  through `forbidden_territory` is dropped; one over open water is kept only where a named
  crossing (road_corridors.yaml `crossings`) covers the water, and lists it in `via`; an air
  leg through `closed_airspace` flies a detour around it (longer km, so range is re-checked)
  or is dropped when there is none. Each is recorded in `geography_notes`; sea legs passing
  within territorial waters (12 nm) of forbidden territory are recorded too (searoute cannot
  avoid them).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from contracts.files import write_json
from contracts.network import (
    DeploymentLine,
    Depot,
    Fleet,
    Force,
    Geography,
    Member,
    Network,
    Place,
    Requirement,
    RoadFallback,
    ScenarioRef,
    Sector,
)
from contracts.scenario import Fleet as ScenarioFleet
from contracts.scenario import Force as ScenarioForce
from contracts.scenario import Scenario
from contracts.scenario import Sector as ScenarioSector
from geodata.distance import distance_km, great_circle_path, path_points_for
from geodata.legs import (
    SOURCE_AIR,
    SOURCE_LINK,
    SOURCE_RAIL,
    SOURCE_SEA,
    Leg,
    leg_id,
    with_fleets,
)
from geodata.places import resolve_places
from geodata.rail import Access, RailNetwork, load_rail_network
from geodata.reach import diagnose
from geodata.road import ROAD_MAX_KM, Crossing, RoadRouter, load_road_network
from geodata.sea import SeaEnd, SeaRouter

__all__ = ["Network", "build_network", "theater_of", "write_resolved"]

log = logging.getLogger(__name__)

# Sectors are fought for within a few hundred km; 700 km from any sector node takes in the
# ports, airfields and railheads a theater's reception and onward movement would use (for a
# Baltic sector: the Baltic states, north-east Poland, the Gulf of Finland).
THEATER_KM = 700.0
# Shorter hops are driven, not flown: loading and unloading alone take hours either way.
AIR_MIN_KM = 200.0
# Two ports closer than this are the same port area for a move by sea.
SEA_MIN_KM = 100.0
# A unit moves from its home base to a port of embarkation at most this far away.
FORT_TO_PORT_KM = 1000.0

# A unit moving by road to a port of embarkation (or from a port of debarkation to a railhead)
# considers this many of each kind, nearest first.
FORT_TO_PORT_NEAREST = 2

_PORT_KINDS = ("airfield", "seaport", "railhead")
# Land legs end only where cargo changes mode or arrives: never at a base or a depot.
_TARGET_KINDS = (*_PORT_KINDS, "sector")
_ROAD_RAIL = frozenset({"road", "rail"})
_RAIL = frozenset({"rail"})


def theater_of(places: dict[str, Place], sector_ids: list[str]) -> frozenset[str]:
    """Ids of the places within THEATER_KM of any sector node."""
    sectors = [places[x] for x in sector_ids]
    return frozenset(
        pid for pid, p in places.items()
        if any(distance_km(p.latlon, x.latlon) <= THEATER_KM for x in sectors)
    )


def build_network(scenario: Scenario, scenario_file: str | Path,
                  rail: RailNetwork | None = None) -> Network:
    """Resolve places, generate legs, attach fleets and diagnose unreachable forces.

    Raises NetworkError for an unknown ICAO code or LOCODE, or when searoute fails.
    """
    notes: list[str] = []
    places = resolve_places(scenario, notes)
    if rail is None:
        # No need to read the corridors when nothing in the scenario has rail.
        has_rail = any(p.gauges_mm for p in scenario.places) or any(
            lk.mode == "rail" for lk in scenario.links)
        rail = load_rail_network() if has_rail else RailNetwork({}, [])
    access = _rail_access(scenario, places, rail, notes)
    road_net = load_road_network()
    forbidden = frozenset(scenario.forbidden_territory)
    fb = scenario.road_fallback
    roads = RoadRouter(road_net, forbidden,
                       frozenset(fb.countries) if fb is not None else frozenset(),
                       fb.circuity if fb is not None else 1.3)
    # A place of kind "sector" that a sector is located at is the same spot as the sector
    # node: legs go to the sector node only, not to both.
    stand_ins = frozenset(
        x.place for x in scenario.sectors
        if x.place is not None and places[x.place].kind == "sector"
    )

    theater = theater_of(places, [x.id for x in scenario.sectors])
    router = SeaRouter(scenario.closed_passages)
    locodes = {p.id: p.locode for p in scenario.places}
    legs: dict[tuple[str, str, str, int | None], Leg] = {}
    for leg in _air_legs(places, theater):
        legs[_key(leg)] = leg
    for leg in _sea_legs(places, theater, locodes, router):
        legs[_key(leg)] = leg
    router.save()
    for leg in _land_legs(places, theater, rail, access, stand_ins, roads):
        legs[_key(leg)] = leg
    for lk in scenario.links:
        a, b = places[lk.from_], places[lk.to]
        leg = Leg(leg_id(lk.mode, lk.gauge_mm, a.id, b.id), a.id, b.id, lk.mode, lk.km,
                  lk.gauge_mm, SOURCE_LINK, _rounded([a.latlon, b.latlon]))
        legs[_key(leg)] = leg  # replaces a generated leg of the same ends, mode and gauge
    geo_notes: list[dict[str, Any]] = []
    grounded = apply_geography(list(legs.values()), scenario, road_net.crossings, geo_notes)
    closed = set(scenario.closed_places)
    kept = [leg for leg in grounded if leg.from_ not in closed and leg.to not in closed]
    starts = {f.home for f in scenario.forces} | {d.place for d in scenario.depots}
    kept = _useful(kept, starts, {x.id for x in scenario.sectors})

    forces = {f.id: _force(f, _force_activation(scenario, f)) for f in scenario.forces}
    fleets = {f.id: _fleet(f, _fleet_activation(scenario, f)) for f in scenario.fleets}
    active = [f for f in scenario.fleets if fleets[f.id].activation_day is not None]
    final = [with_fleets(leg, active) for leg in kept]
    unreachable = diagnose(
        [(f, forces[f.id].activation_day) for f in scenario.forces],
        [x.id for x in scenario.sectors], final, active, scenario.horizon_days,
    )
    for note in notes:  # not errors, and the summary has no room for them: for the curious
        log.info(note)
    return Network(
        scenario=ScenarioRef(
            scenario.name, str(scenario_file), scenario.fingerprint,
            scenario.c_day.isoformat(), scenario.horizon_days, scenario.period_hours,
            scenario.ally,
        ),
        members={m.code: Member(m.code, m.name, m.decision_delay_days, m.fair_share,
                                m.max_share, m.opt_out) for m in scenario.members},
        places=places,
        sectors={x.id: _sector(x, places[x.id]) for x in scenario.sectors},
        forces=forces,
        fleets=fleets,
        depots={d.id: Depot(d.id, d.place, tuple(d.provides), d.stock_t, d.throughput_tpd)
                for d in scenario.depots},
        legs=final,
        unreachable=unreachable,
        geography=_geography(scenario),
        geography_notes=geo_notes,
    )


def write_resolved(network: Network, out_dir: str | Path) -> Path:
    """Write resolved.json into out_dir atomically (temp file, then rename); return its path."""
    return write_json(Path(out_dir) / "resolved.json", network.to_json())


# --- activation ------------------------------------------------------------------------------

def _force_activation(s: Scenario, f: ScenarioForce) -> int | None:
    member = s.member(f.member)
    if member.opt_out:
        return None
    ready = member.decision_delay_days + f.readiness_days
    return ready if f.ald_day is None else max(ready, f.ald_day)


def _fleet_activation(s: Scenario, f: ScenarioFleet) -> int | None:
    # A pool may fly once its first (non-opting-out) member has decided.
    delays = [s.member(c).decision_delay_days for c in f.owners if not s.member(c).opt_out]
    return max(f.available_day, min(delays)) if delays else None


# --- leg generation --------------------------------------------------------------------------

def _air_legs(places: dict[str, Place], theater: frozenset[str]) -> Iterator[Leg]:
    fields = [p for p in places.values() if p.kind == "airfield"]
    for a in fields:
        for b in fields:
            if b.id == a.id or b.id not in theater:
                continue
            km = distance_km(a.latlon, b.latlon)
            if km < AIR_MIN_KM:
                continue
            path = great_circle_path(a.latlon, b.latlon, path_points_for(km))
            yield Leg(leg_id("air", None, a.id, b.id), a.id, b.id, "air", round(km, 1), None,
                      SOURCE_AIR, _rounded(path))


def _sea_legs(places: dict[str, Place], theater: frozenset[str],
              locodes: dict[str, str | None], router: SeaRouter) -> Iterator[Leg]:
    ports = [p for p in places.values() if p.kind == "seaport"]
    for a in ports:
        for b in ports:
            if b.id == a.id or b.id not in theater:
                continue
            if distance_km(a.latlon, b.latlon) < SEA_MIN_KM:
                continue
            route = router.route(SeaEnd.of(locodes.get(a.id), a.latlon),
                                 SeaEnd.of(locodes.get(b.id), b.latlon))
            if route is None:
                continue  # every way is through a closed passage: no leg
            yield Leg(leg_id("sea", None, a.id, b.id), a.id, b.id, "sea", route.km, None,
                      SOURCE_SEA, _rounded(route.path))


def _land_modes(a: Place, b: Place, a_in: bool, b_in: bool) -> frozenset[str]:
    """Modes the onward and in-theater rules (ii)-(iv) allow for a land leg a -> b."""
    if b.kind == "sector":
        if a_in or a.kind in ("base", "depot"):
            return _ROAD_RAIL  # (ii) onward, self-deployment, sustainment
        return _RAIL  # (ii) a port or railhead outside the theater: by train straight there
    if b.kind == "railhead" and b_in:
        # (iv) train to train (a gauge break), port of debarkation to train; (iii) into the
        # theater by train. Road to a railhead: see the nearest-first rules in _land_legs.
        return _RAIL
    return frozenset()


def _land_legs(places: dict[str, Place], theater: frozenset[str], rail: RailNetwork,
               access: dict[str, dict[int, Access]], stand_ins: frozenset[str],
               roads: RoadRouter) -> Iterator[Leg]:
    origins = [p for p in places.values() if p.kind != "sector" and p.id not in stand_ins]
    targets = [p for p in places.values() if p.kind in _TARGET_KINDS and p.id not in stand_ins]
    rails: list[Leg] = []
    road_legs: list[Leg] = []
    for a in origins:
        wanted: dict[str, frozenset[str]] = {}
        nearest: dict[str, list[tuple[float, str]]] = {k: [] for k in _PORT_KINDS}
        for b in targets:
            if b.id == a.id:
                continue
            modes = _land_modes(a, b, a.id in theater, b.id in theater)
            if modes:
                wanted[b.id] = modes
            km = distance_km(a.latlon, b.latlon)
            if a.kind in ("base", "depot") and b.kind in _PORT_KINDS and km <= FORT_TO_PORT_KM:
                nearest[b.kind].append((km, b.id))  # (i) fort to port
            elif (a.kind in ("airfield", "seaport") and b.kind == "railhead"
                  and a.id in theater and b.id in theater):
                nearest[b.kind].append((km, b.id))  # (iv) from the port to a train by road
        for options in nearest.values():
            # The nearest few of each kind only: a unit does not drive past two airfields
            # to reach a third, nor past two railheads to board a train at a third.
            for _, bid in sorted(options)[:FORT_TO_PORT_NEAREST]:
                wanted[bid] = _ROAD_RAIL
        for bid, modes in wanted.items():
            b = places[bid]
            if "rail" in modes:
                for g in sorted(set(access.get(a.id, {})) & set(access.get(b.id, {}))):
                    route = rail.route(a.latlon, access[a.id][g], b.latlon, access[b.id][g], g)
                    if route is not None:
                        rails.append(Leg(leg_id("rail", g, a.id, b.id), a.id, b.id, "rail",
                                         route.km, g, SOURCE_RAIL, _rounded(route.path)))
            if "road" in modes:
                road = roads.route(a.country, a.latlon, b.country, b.latlon)
                if road is not None and road.km <= ROAD_MAX_KM:
                    road_legs.append(Leg(
                        leg_id("road", None, a.id, b.id), a.id, b.id, "road", round(road.km, 1),
                        None, road.source, _rounded(road.path),
                        via=tuple(c.to_json() for c in road.via),
                        crossing_h=round(road.crossing_h, 2)))
    yield from rails
    yield from road_legs


def _useful(legs: list[Leg], starts: set[str], sectors: set[str]) -> list[Leg]:
    """The legs on some chain from a force's home or a depot to a sector."""
    out: dict[str, list[str]] = defaultdict(list)
    back: dict[str, list[str]] = defaultdict(list)
    for leg in legs:
        out[leg.from_].append(leg.to)
        back[leg.to].append(leg.from_)
    ahead, behind = _closure(starts, out), _closure(sectors, back)
    return [leg for leg in legs if leg.from_ in ahead and leg.to in behind]


def _closure(seeds: set[str], edges: dict[str, list[str]]) -> set[str]:
    seen, todo = set(seeds), list(seeds)
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _rail_access(s: Scenario, places: dict[str, Place], rail: RailNetwork,
                 notes: list[str]) -> dict[str, dict[int, Access]]:
    """Per place (and sector at a place), the corridor node it uses on each of its gauges."""
    out: dict[str, dict[int, Access]] = {}
    for p in s.places:
        at = places[p.id]
        for g in at.gauges_mm:
            acc = rail.snap(at.latlon, g)
            if acc is None:
                notes.append(f"place {p.id!r} lists gauge {g} mm but no {g} mm corridor node "
                             "lies within 30 km: it gets no generated rail legs (add a link)")
                continue
            out.setdefault(p.id, {})[g] = acc
    for x in s.sectors:
        # Rail reaches a sector only through its place's railhead.
        if x.place is not None and x.place in out:
            out[x.id] = out[x.place]
    return out


# --- geography -------------------------------------------------------------------------------

# A water piece of a path counts as on a named crossing when it lies within this distance of
# the crossing's line (the outlines are 1:50m; a rail line and a road share a fixed link).
CROSSING_MATCH_KM = 10.0
# A place at a leg's end may lie just offshore of the 1:50m outline (a port on the coast):
# water within this distance of either end is not a crossing.
PORT_EDGE_KM = 5.0
# Territorial waters: 12 nautical miles (UNCLOS art. 3).
TERRITORIAL_KM = 22.2


def apply_geography(legs: list[Leg], s: Scenario, crossings: dict[str, Crossing],
                    notes: list[dict[str, Any]]) -> list[Leg]:
    """The legs that respect the scenario's forbidden territory, closed airspace and open
    water (air legs rerouted where needed); what was dropped or changed goes into `notes`."""
    from geodata.geography import crossed, detour, water_pieces

    forbidden = frozenset(s.forbidden_territory)
    airspace = frozenset(s.closed_airspace)
    ranges = [f.range_km for f in s.fleets if f.mode == "air"]
    max_range = None if None in ranges else max((r for r in ranges if r is not None),
                                                default=0.0)
    out: list[Leg] = []
    for leg in legs:
        base = {"leg": leg.id, "mode": leg.mode, "from": leg.from_, "to": leg.to}
        if leg.mode == "air":
            hit = crossed(leg.path, airspace) if airspace else []
            if not hit:
                out.append(leg)
                continue
            a, b = leg.path[0], leg.path[-1]
            d = detour(a, b, airspace)
            if d is None or (max_range is not None and d.km > max_range):
                why = ("no detour around it within "
                       f"{DETOUR_NOTE}" if d is None else
                       f"the detour ({d.km:.0f} km) exceeds every air fleet's range")
                notes.append({**base, "action": "dropped", "territory": hit,
                              "reason": f"crosses closed airspace of {', '.join(hit)}: {why}",
                              "km": leg.km})
                continue
            notes.append({**base, "action": "rerouted", "territory": hit,
                          "reason": f"rerouted around the closed airspace of {', '.join(hit)}",
                          "km": round(d.km, 1), "direct_km": leg.km,
                          "extra_km": round(d.km - leg.km, 1)})
            out.append(replace(leg, km=round(d.km, 1), path=_rounded(d.path),
                               source=SOURCE_AIR_DETOUR))
            continue
        if leg.mode == "sea":
            near = _sea_near(leg.path, forbidden)
            if near:
                notes.append({**base, "action": "noted", "territory": near,
                              "reason": "sea lane passes within 12 nm (territorial waters) of "
                                        f"{', '.join(near)}: searoute has no way to avoid it",
                              "km": leg.km})
            out.append(leg)
            continue
        hit = crossed(leg.path, forbidden) if forbidden else []
        if hit:
            notes.append({**base, "action": "dropped", "territory": hit,
                          "reason": f"path crosses forbidden territory {', '.join(hit)}",
                          "km": leg.km})
            continue
        via = list(leg.via)
        wet = [p for p in water_pieces(leg.path, PORT_EDGE_KM)
               if not any(_covered(p, v["path"]) for v in via)]
        if wet and leg.mode == "rail":
            for p in list(wet):
                x = next((c for c in crossings.values() if "rail" in c.modes
                          and _covered(p, list(c.path))), None)
                if x is not None:
                    wet.remove(p)
                    if all(v["id"] != x.id for v in via):
                        via.append(x.to_json())
        if wet:
            notes.append({**base, "action": "dropped", "territory": ["water"],
                          "reason": "path crosses open water outside any named ferry or "
                                    f"fixed link (near {wet[0][0][0]:.2f}, {wet[0][0][1]:.2f})",
                          "km": leg.km})
            continue
        out.append(replace(leg, via=tuple(via)) if len(via) != len(leg.via) else leg)
    return out


SOURCE_AIR_DETOUR = "great-circle detour around closed airspace"
DETOUR_NOTE = "1.6 x the great circle"


def _covered(piece: list[tuple[float, float]], path: Any) -> bool:
    from geodata.geography import covered

    return covered(piece, [tuple(p) for p in path], CROSSING_MATCH_KM)


def _sea_near(path: list[tuple[float, float]], codes: frozenset[str]) -> list[str]:
    if not codes:
        return []
    from geodata.geography import line_of, territory

    line = line_of(path)
    out = []
    for c in sorted(codes):
        geom = territory(frozenset([c]))
        if not geom.is_empty and geom.dwithin(line, TERRITORIAL_KM / 111.0):
            out.append(c)
    return out


# --- contract objects ------------------------------------------------------------------

def _rounded(path: list[tuple[float, float]]) -> list[tuple[float, float]]:
    # 4 decimals is ~10 m: plenty for maps, and keeps resolved.json small.
    return [(round(lat, 4), round(lon, 4)) for lat, lon in path]


def _key(leg: Leg) -> tuple[str, str, str, int | None]:
    """Legs of the same ends, mode and gauge are one leg: a later one replaces an earlier."""
    return (leg.from_, leg.to, leg.mode, leg.gauge_mm)


def _sector(x: ScenarioSector, node: Place) -> Sector:
    return Sector(
        x.id, x.name, node.lat, node.lon, x.radius_km, x.polygon,
        tuple(Requirement(r.capability, r.amount, r.by_day, r.weight) for r in x.requirements),
    )


def _force(f: ScenarioForce, activation_day: int | None) -> Force:
    return Force(
        f.id, f.name or f.id, f.member, f.home, f.personnel, f.cargo_t, f.outsize,
        tuple(f.capability.items()), f.readiness_days, f.sector, tuple(f.needs),
        f.sustainment_tpd, activation_day,
        DeploymentLine(f.uln, f.uic, f.unit_type, f.mode, f.poe, f.pod, f.ald_day, f.ead_day,
                       f.lad_day, f.rdd_day, f.priority),
    )


def _fleet(f: ScenarioFleet, activation_day: int | None) -> Fleet:
    return Fleet(
        f.id, f.name or f.id, f.mode, tuple(f.owners), f.count, f.payload_t, f.pax,
        f.speed_kmh, f.range_km, f.outsize, f.gauge_mm, f.hours("load_h"),
        f.hours("unload_h"), f.hours("turnaround_h"), f.driving_h_per_day,
        tuple(f.carries) if f.carries is not None else None, activation_day,
    )


def _geography(s: Scenario) -> Geography:
    fb = s.road_fallback
    return Geography(
        tuple(s.forbidden_territory), tuple(s.closed_airspace),
        None if fb is None else RoadFallback(tuple(fb.countries), fb.circuity),
    )
