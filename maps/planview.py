"""One read-only view over resolved.json and plan.json for the map, the report and exports.

It indexes the two files (docs/contracts.md) by id and computes what every renderer needs:
which legs the plan uses and by whom, daily use of places, daily use of fleets, and
calendar times. Nothing here draws or escapes text; positions are (lat, lon) degrees WGS84.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from contracts.calendar import at_hour, c_day_start, c_label, iso_minute

Json = dict[str, Any]
LatLon = tuple[float, float]


@dataclass(frozen=True)
class Node:
    """A place or a sector: anything a leg can start or end at."""

    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float


@dataclass
class LegUse:
    """What the plan moves over one leg, summed over its trips."""

    leg: Json
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
    """resolved.json + plan.json, indexed by id."""

    def __init__(self, resolved: Json, plan: Json) -> None:
        self.resolved = resolved
        self.plan = plan
        sc = resolved["scenario"]
        self.name: str = str(sc.get("name") or plan.get("scenario", {}).get("name") or "")
        self.ally: str = str(sc.get("ally") or "")
        self.c_day = c_day_start(str(sc["c_day"]))
        self.horizon_days: int = int(sc["horizon_days"])
        self.period_hours: int = int(plan.get("period_hours") or sc.get("period_hours") or 24)
        self.places: dict[str, Json] = {p["id"]: p for p in resolved.get("places", [])}
        self.sectors: dict[str, Json] = {s["id"]: s for s in resolved.get("sectors", [])}
        self.legs: dict[str, Json] = {leg["id"]: leg for leg in resolved.get("legs", [])}
        self.fleets: dict[str, Json] = {f["id"]: f for f in resolved.get("fleets", [])}
        self.forces: dict[str, Json] = {f["id"]: f for f in resolved.get("forces", [])}
        self.members: dict[str, Json] = {m["code"]: m for m in resolved.get("members", [])}
        self.depots: dict[str, Json] = {d["id"]: d for d in resolved.get("depots", [])}
        self.trips: list[Json] = list(plan.get("trips", []))

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

    def node(self, node_id: str) -> Node:
        """A place or sector by id; KeyError if neither."""
        p = self.places.get(node_id)
        if p is not None:
            return Node(p["id"], str(p.get("name") or p["id"]), str(p.get("kind") or "place"),
                        str(p.get("country") or ""), float(p["lat"]), float(p["lon"]))
        s = self.sectors[node_id]
        return Node(s["id"], str(s.get("name") or s["id"]), "sector", self.ally,
                    float(s["lat"]), float(s["lon"]))

    def has_node(self, node_id: str) -> bool:
        return node_id in self.places or node_id in self.sectors

    def leg_path(self, leg_id: str) -> list[LatLon]:
        """The leg's drawn path, or the straight segment between its ends if it has none."""
        leg = self.legs[leg_id]
        path = leg.get("path") or []
        if len(path) >= 2:
            return [(float(a), float(b)) for a, b in path]
        a, b = self.node(leg["from"]), self.node(leg["to"])
        return [(a.lat, a.lon), (b.lat, b.lon)]

    # --- who moves what ---------------------------------------------------------------

    def member_of_force(self, force_id: str) -> str:
        f = self.forces.get(force_id)
        return str(f["member"]) if f else "?"

    def trip_tons_by_member(self, trip: Json) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for c in trip.get("cargo", []):
            out[self.member_of_force(c["force"])] += float(c["tons"])
        return dict(out)

    def trip_main_member(self, trip: Json) -> str:
        """The member with most tons on the trip (ties: alphabetical), for colouring."""
        by = self.trip_tons_by_member(trip)
        return min(by, key=lambda m: (-by[m], m)) if by else "?"

    @functools.cached_property
    def leg_use(self) -> dict[str, LegUse]:
        """Legs the plan uses, in plan order of first use."""
        out: dict[str, LegUse] = {}
        for t in self.trips:
            leg = self.legs.get(t["leg"])
            if leg is None:
                continue
            u = out.setdefault(t["leg"], LegUse(leg))
            u.trips += 1
            u.vehicle_trips += int(t["vehicles"])
            u.tons += float(t["tons"])
            u.pax += float(t.get("pax") or 0.0)
            u.fleets.add(t["fleet"])
            for m, tons in self.trip_tons_by_member(t).items():
                u.tons_by_member[m] += tons
            u.first_depart_h = min(u.first_depart_h, float(t["depart_h"]))
            u.last_arrive_h = max(u.last_arrive_h, float(t["arrive_h"]))
        return out

    @functools.cached_property
    def used_node_ids(self) -> set[str]:
        """Every node a used leg touches, plus force homes and depot places."""
        ids: set[str] = set()
        for t in self.trips:
            ids.update((t["from"], t["to"]))
        ids.update(f["home"] for f in self.forces.values() if f.get("home"))
        ids.update(d["place"] for d in self.depots.values() if d.get("place"))
        return {i for i in ids if self.has_node(i)}

    # --- daily use --------------------------------------------------------------------

    @functools.cached_property
    def place_days(self) -> dict[str, dict[int, PlaceDay]]:
        """Per place and day: tons arriving and aircraft unload hours (the checker's rules)."""
        tons: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        mog: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for t in self.trips:
            day = math.floor(float(t["arrive_h"]) / 24.0)
            tons[t["to"]][day] += float(t["tons"])
            fleet = self.fleets.get(t["fleet"])
            if t["mode"] == "air" and fleet is not None:
                mog[t["to"]][day] += int(t["vehicles"]) * float(fleet.get("unload_h") or 0.0)
        out: dict[str, dict[int, PlaceDay]] = {}
        for pid in set(tons) | set(mog):
            days = set(tons[pid]) | set(mog[pid])
            out[pid] = {d: PlaceDay(tons[pid][d], mog[pid][d]) for d in sorted(days)}
        return out

    def place_utilisation(self, place_id: str, day: PlaceDay) -> float | None:
        """Use over capacity on a day: the larger of throughput and MOG use; None if no limit."""
        p = self.places.get(place_id) or {}
        ratios = []
        tpd = p.get("throughput_tpd")
        if tpd:
            ratios.append(day.tons / float(tpd))
        mog = p.get("mog")
        if mog:
            ratios.append(day.mog_h / (24.0 * float(mog)))
        return max(ratios) if ratios else None

    @functools.cached_property
    def depot_days(self) -> dict[str, dict[int, float]]:
        """Tons each depot ships per day (supply rows by ship_day)."""
        out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for s in self.plan.get("supply", []):
            out[s["depot"]][int(s.get("ship_day", s["day"]))] += float(s["tons"])
        return {k: dict(v) for k, v in out.items()}

    @functools.cached_property
    def fleet_busy(self) -> dict[str, list[float]]:
        """Per fleet and day of the horizon: vehicles busy (depart to return) / count."""
        n = self.horizon_days
        out: dict[str, list[float]] = {}
        for t in self.trips:
            fleet = self.fleets.get(t["fleet"])
            if fleet is None or not fleet.get("count"):
                continue
            row = out.setdefault(t["fleet"], [0.0] * n)
            start, end = float(t["depart_h"]), float(t.get("return_h") or t["arrive_h"])
            for d in range(max(0, math.floor(start / 24)), min(n, math.ceil(end / 24))):
                overlap = min(end, 24.0 * (d + 1)) - max(start, 24.0 * d)
                if overlap > 0:
                    row[d] += int(t["vehicles"]) * overlap / (24.0 * float(fleet["count"]))
        return out

    @functools.cached_property
    def sector_gap_by_day(self) -> dict[str, dict[int, tuple[float, float]]]:
        """Per sector and day: (sum of gaps, sum of required) over its capabilities."""
        out: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
        for r in self.plan.get("readiness", []):
            gap, req = out[r["sector"]].get(int(r["day"]), (0.0, 0.0))
            out[r["sector"]][int(r["day"])] = (
                gap + float(r["gap"]), req + float(r["required"]))
        return dict(out)
