"""One read-only view over the resolved network and the plan for the map, report and exports.

It holds the typed contracts (`contracts.network.Network`, `contracts.plan.Plan`), indexes
them by id and computes what every renderer needs: which legs the plan uses and by whom,
daily use of places, daily use of fleets, and calendar times. `read_outputs` is the one
place a solve folder's resolved.json and plan.json are read. Nothing here draws or escapes
text; positions are (lat, lon) degrees WGS84.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from contracts.calendar import at_hour, c_day_start, c_label, iso_minute
from contracts.network import (
    Depot,
    Fleet,
    Force,
    LatLon,
    Leg,
    Member,
    Network,
    Place,
    Sector,
)
from contracts.plan import Plan, Trip

__all__ = ["LatLon", "LegUse", "PlaceDay", "PlanView", "read_outputs"]

# What a sector node is made from (geodata.places.sector_node uses the same source).
SECTOR_SOURCE = "sector"


def read_outputs(out_dir: Path) -> tuple[Network, Plan]:
    """resolved.json and plan.json of a `mobilize solve` folder, read through the contracts."""
    out_dir = Path(out_dir)
    resolved = json.loads((out_dir / "resolved.json").read_text(encoding="utf-8"))
    plan = json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))
    return Network.from_json(resolved), Plan.from_json(plan)


@dataclass
class LegUse:
    """What the plan moves over one leg, summed over its trips."""

    leg: Leg
    trips: int = 0
    vehicle_trips: int = 0
    tons: float = 0.0
    pax: float = 0.0
    tons_by_member: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    fleets: set[str] = field(default_factory=set)
    first_depart_h: float = math.inf
    last_arrive_h: float = 0.0


@dataclass(frozen=True)
class PlaceDay:
    """Use of a place on one day: arrival tons (throughput) and aircraft unload hours (MOG)."""

    tons: float
    mog_h: float


class PlanView:
    """The network and the plan, indexed by id."""

    def __init__(self, network: Network, plan: Plan) -> None:
        self.network = network
        self.plan = plan
        self.name: str = network.name or plan.scenario_name
        self.ally: str = network.scenario.ally
        self.c_day = c_day_start(network.scenario.c_day)
        self.horizon_days: int = network.horizon_days
        self.period_hours: int = plan.period_hours or network.period_hours
        self.places: dict[str, Place] = network.places
        self.sectors: dict[str, Sector] = network.sectors
        self.legs: dict[str, Leg] = network.leg_by_id
        self.fleets: dict[str, Fleet] = network.fleets
        self.forces: dict[str, Force] = network.forces
        self.members: dict[str, Member] = network.members
        self.depots: dict[str, Depot] = network.depots
        self.trips: list[Trip] = plan.trips

    @classmethod
    def read(cls, out_dir: Path) -> PlanView:
        """The view of a `mobilize solve` folder (see `read_outputs`)."""
        return cls(*read_outputs(out_dir))

    # --- time -------------------------------------------------------------------------

    def when(self, hours: float) -> dt.datetime:
        """Calendar time of an hour counted from C-day 00:00 (taken as UTC, 'Zulu')."""
        return at_hour(self.c_day, hours)

    def iso(self, hours: float) -> str:
        """ISO 8601 in UTC to the minute, '2027-03-04T06:00Z' (what Date.parse reads)."""
        return iso_minute(self.c_day, hours)

    def day_label(self, hours: float) -> str:
        """'C+3 14:30' for briefing tables."""
        return c_label(hours)

    # --- nodes and paths --------------------------------------------------------------

    def sector_place(self, sector_id: str) -> Place:
        """The node of a sector as a Place of kind "sector" in the ally; KeyError if none."""
        s = self.sectors[sector_id]
        return Place(s.id, s.name, "sector", self.ally, s.lat, s.lon, SECTOR_SOURCE)

    def node(self, node_id: str) -> Place:
        """A place, or a sector's node, by id; KeyError if neither."""
        p = self.places.get(node_id)
        return p if p is not None else self.sector_place(node_id)

    def has_node(self, node_id: str) -> bool:
        """True if the id is a place or a sector."""
        return node_id in self.places or node_id in self.sectors

    def leg_path(self, leg_id: str) -> list[LatLon]:
        """The leg's drawn path, or the straight segment between its ends if it has none."""
        leg = self.legs[leg_id]
        path = list(leg.path) if len(leg.path) >= 2 else [
            self.node(leg.from_).latlon, self.node(leg.to).latlon]
        return unwrapped(path)


    # --- who moves what ---------------------------------------------------------------

    def member_of_force(self, force_id: str) -> str:
        """The member a force belongs to, '?' for a force not in the network."""
        f = self.forces.get(force_id)
        return f.member if f else "?"

    def trip_tons_by_member(self, trip: Trip) -> dict[str, float]:
        """Tons on a trip per member, in cargo order."""
        out: dict[str, float] = defaultdict(float)
        for c in trip.cargo:
            out[self.member_of_force(c.force)] += c.tons
        return dict(out)

    def trip_main_member(self, trip: Trip) -> str:
        """The member with most tons on the trip (ties: alphabetical), for colouring."""
        by = self.trip_tons_by_member(trip)
        return min(by, key=lambda m: (-by[m], m)) if by else "?"

    @functools.cached_property
    def leg_use(self) -> dict[str, LegUse]:
        """Legs the plan uses, in plan order of first use."""
        out: dict[str, LegUse] = {}
        for t in self.trips:
            leg = self.legs.get(t.leg)
            if leg is None:
                continue
            u = out.setdefault(t.leg, LegUse(leg))
            u.trips += 1
            u.vehicle_trips += t.vehicles
            u.tons += t.tons
            u.pax += t.pax
            u.fleets.add(t.fleet)
            for m, tons in self.trip_tons_by_member(t).items():
                u.tons_by_member[m] += tons
            u.first_depart_h = min(u.first_depart_h, t.depart_h)
            u.last_arrive_h = max(u.last_arrive_h, t.arrive_h)
        return out

    @functools.cached_property
    def used_node_ids(self) -> set[str]:
        """Every node a used leg touches, plus force homes and depot places."""
        ids: set[str] = set()
        for t in self.trips:
            ids.update((t.from_, t.to))
        ids.update(f.home for f in self.forces.values() if f.home)
        ids.update(d.place for d in self.depots.values() if d.place)
        return {i for i in ids if self.has_node(i)}

    # --- daily use --------------------------------------------------------------------

    @functools.cached_property
    def place_days(self) -> dict[str, dict[int, PlaceDay]]:
        """Per place and day: tons arriving and aircraft unload hours (the checker's rules)."""
        tons: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        mog: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for t in self.trips:
            day = math.floor(t.arrive_h / 24.0)
            tons[t.to][day] += t.tons
            fleet = self.fleets.get(t.fleet)
            if t.mode == "air" and fleet is not None:
                mog[t.to][day] += t.vehicles * fleet.unload_h
        out: dict[str, dict[int, PlaceDay]] = {}
        for pid in set(tons) | set(mog):
            days = set(tons[pid]) | set(mog[pid])
            out[pid] = {d: PlaceDay(tons[pid][d], mog[pid][d]) for d in sorted(days)}
        return out

    def place_utilisation(self, place_id: str, day: PlaceDay) -> float | None:
        """Use over capacity on a day: the larger of throughput and MOG use; None if no limit."""
        p = self.places.get(place_id)
        if p is None:
            return None
        ratios = []
        if p.throughput_tpd:
            ratios.append(day.tons / float(p.throughput_tpd))
        if p.mog:
            ratios.append(day.mog_h / (24.0 * float(p.mog)))
        return max(ratios) if ratios else None

    @functools.cached_property
    def depot_days(self) -> dict[str, dict[int, float]]:
        """Tons each depot ships per day (supply rows by ship_day)."""
        out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for s in self.plan.supply:
            out[s.depot][s.ship_day] += s.tons
        return {k: dict(v) for k, v in out.items()}

    @functools.cached_property
    def fleet_busy(self) -> dict[str, list[float]]:
        """Per fleet and day of the horizon: vehicles busy (depart to return) / count."""
        n = self.horizon_days
        out: dict[str, list[float]] = {}
        for t in self.trips:
            fleet = self.fleets.get(t.fleet)
            if fleet is None or not fleet.count:
                continue
            row = out.setdefault(t.fleet, [0.0] * n)
            start, end = t.depart_h, t.return_h or t.arrive_h
            for d in range(max(0, math.floor(start / 24)), min(n, math.ceil(end / 24))):
                overlap = min(end, 24.0 * (d + 1)) - max(start, 24.0 * d)
                if overlap > 0:
                    row[d] += t.vehicles * overlap / (24.0 * float(fleet.count))
        return out

    @functools.cached_property
    def sector_gap_by_day(self) -> dict[str, dict[int, tuple[float, float]]]:
        """Per sector and day: (sum of gaps, sum of required) over its capabilities."""
        out: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
        for r in self.plan.readiness:
            gap, req = out[r.sector].get(r.day, (0.0, 0.0))
            out[r.sector][r.day] = (gap + r.gap, req + r.required)
        return dict(out)


def unwrapped(path: list[LatLon]) -> list[LatLon]:
    """The path with longitudes made continuous across the antimeridian (179 -> 181, not
    -179), so a Pacific crossing is drawn across the Pacific, not the long way round."""
    out = path[:1]
    for lat, lon in path[1:]:
        prev = out[-1][1]
        lon += 360.0 * round((prev - lon) / 360.0)
        out.append((lat, lon))
    return out
