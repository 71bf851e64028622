"""The resolved network (resolved.json, docs/contracts.md), typed once for every stage.

geodata builds a :class:`Network`, writes it with :meth:`Network.to_json`; the optimizer, the
maps, the report and the summary read it back with :meth:`Network.from_json`. (The checker
reads the file with its own code on purpose, so that a bug here cannot hide behind itself.)
Positions are (lat, lon) degrees WGS84; times are hours from C-day 00:00 unless named days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
LatLon = tuple[float, float]


@dataclass(frozen=True)
class ScenarioRef:
    """Which scenario file the network was resolved from, and its calendar."""

    name: str
    file: str
    sha256: str
    c_day: str  # ISO date of C-day
    horizon_days: int
    period_hours: int
    ally: str


@dataclass(frozen=True)
class Member:
    """A member nation: when it decides and what share of the burden it should carry."""

    code: str
    name: str
    decision_delay_days: int
    fair_share: float | None
    max_share: float | None
    opt_out: bool


@dataclass(frozen=True)
class Outage:
    """Days (from_day to to_day, both included) a place works at `factor` of its throughput
    and MOG; factor 0: closed, nothing leaves or arrives there."""

    from_day: int
    to_day: int
    factor: float
    reason: str = ""


@dataclass(frozen=True)
class Place:
    """A place or a sector node, with the facts legs and capacities depend on."""

    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    source: str
    throughput_tpd: float | None = None
    mog: int | None = None
    gauges_mm: tuple[int, ...] = ()
    handling_h: float = 0.0
    closed: bool = False
    outages: tuple[Outage, ...] = ()

    def factor_on(self, day: int) -> float:
        """The share of its capacity the place has on `day` (1 outside outages)."""
        for o in self.outages:
            if o.from_day <= day <= o.to_day:
                return o.factor
        return 1.0

    def closed_on(self, day: int) -> bool:
        """Nothing leaves or arrives here on `day`."""
        return self.factor_on(day) == 0.0

    def throughput_on(self, day: int) -> float | None:
        """Tons that may arrive on `day`; None: no limit."""
        f = self.factor_on(day)
        if f == 0.0:
            return 0.0
        return None if self.throughput_tpd is None else self.throughput_tpd * f

    def ground_hours_on(self, day: int) -> float | None:
        """Aircraft-hours on the ground allowed on `day` (MOG x 24 x factor); None: no MOG."""
        f = self.factor_on(day)
        if f == 0.0:
            return 0.0
        return None if self.mog is None else self.mog * 24.0 * f

    @property
    def latlon(self) -> LatLon:
        """(lat, lon) in degrees."""
        return (self.lat, self.lon)

    @property
    def is_sector(self) -> bool:
        """True for the node a sector's legs end at."""
        return self.kind == "sector"


@dataclass(frozen=True)
class Requirement:
    """Points of a capability a sector needs by a day, weighted in the objective."""

    capability: str
    amount: float
    by_day: int
    weight: float = 1.0


@dataclass(frozen=True)
class Sector:
    """A sector of the ally's front: its node, area and requirements."""

    id: str
    name: str
    lat: float
    lon: float
    radius_km: float | None
    polygon: Any
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class DeploymentLine:
    """A force's time-phased deployment data (a TPFDD line; docs/tables.md). Debarkation
    means the end of an air or sea leg carrying the force (at `pod` when given); for a force
    moving overland (mode rail or road), its arrival in its sector."""

    uln: str | None = None
    uic: str | None = None
    unit_type: str | None = None
    mode: str = "any"  # air, sea, rail, road or any: of its strategic move
    poe: str | None = None
    pod: str | None = None
    ald_day: int | None = None  # available to load at origin (activation is not earlier)
    ead_day: int | None = None  # no debarkation, and no arrival in the sector, before it
    lad_day: int | None = None  # debarkation after it costs, and is reported
    rdd_day: int | None = None  # required in its sector by then
    priority: int | None = None

    @property
    def overland(self) -> bool:
        """The line moves by rail or road only: no air or sea legs."""
        return self.mode in ("rail", "road")

    def may_use(self, mode: str, from_: str, to: str) -> bool:
        """May the force ride a leg of this mode between these places (mode, POE, POD)?"""
        if mode not in ("air", "sea"):
            return True
        if self.overland or (self.mode in ("air", "sea") and mode != self.mode):
            return False
        return (self.poe is None or from_ == self.poe) and (self.pod is None or to == self.pod)


@dataclass(frozen=True)
class Force:
    """A unit to deploy. `activation_day` is None when its member opts out."""

    id: str
    name: str
    member: str
    home: str
    personnel: int
    cargo_t: float
    outsize: bool
    capability: tuple[tuple[str, float], ...]  # (capability, points) in file order
    readiness_days: int
    sector: str | None
    needs: tuple[str, ...]  # supply standards, in file order
    sustainment_tpd: float
    activation_day: int | None
    line: DeploymentLine = field(default_factory=lambda: DeploymentLine())

    @property
    def points(self) -> float:
        """Capability points of the whole force."""
        return sum(v for _, v in self.capability)

    @property
    def pax_per_ton(self) -> float:
        """Personnel riding with each ton of the force's cargo (docs/contracts.md)."""
        return self.personnel / self.cargo_t if self.cargo_t > 0 else 0.0


@dataclass(frozen=True)
class Fleet:
    """A pool of identical vehicles. `activation_day` is None when every owner opts out."""

    id: str
    name: str
    mode: str
    owners: tuple[str, ...]
    count: int
    payload_t: float
    pax: int | None  # seats per vehicle; None or 0: cargo only
    speed_kmh: float
    range_km: float | None
    outsize: bool
    gauge_mm: int | None
    load_h: float
    unload_h: float
    turnaround_h: float
    driving_h_per_day: float | None
    carries: tuple[str, ...] | None  # members whose forces it may carry; None: anyone's
    activation_day: int | None

    def may_carry(self, force: Force) -> bool:
        """Whose forces it carries, and outsize cargo only in outsize-capable aircraft."""
        if self.carries is not None and force.member not in self.carries:
            return False
        return not (self.mode == "air" and force.outsize and not self.outsize)


@dataclass(frozen=True)
class LegTime:
    """Hours for one fleet on one leg: departure to cargo available, and a vehicle's cycle."""

    transit_h: float
    cycle_h: float


@dataclass(frozen=True, eq=False)  # one object per leg: hashed by identity
class Leg:
    """One mode between two places, with the fleets that may run it and their times."""

    id: str
    from_: str
    to: str
    mode: str
    km: float
    gauge_mm: int | None
    source: str
    path: list[LatLon] = field(default_factory=list)
    fleets: dict[str, LegTime] = field(default_factory=dict)
    # Named water crossings the leg uses, in order, and the hours spent riding ferries and
    # shuttles on them (boarding included).
    via: tuple[Json, ...] = ()
    crossing_h: float = 0.0


@dataclass(frozen=True)
class Depot:
    """A supply depot: the standards it provides, its stock and daily throughput."""

    id: str
    place: str
    provides: tuple[str, ...]
    stock_t: float
    throughput_tpd: float

    def serves(self, needs: tuple[str, ...]) -> bool:
        """It provides every standard in `needs`."""
        return set(needs) <= set(self.provides)


@dataclass(frozen=True)
class Unreachable:
    """A force that no route can bring to any sector, and why."""

    force: str
    reason: str


@dataclass(frozen=True)
class RoadFallback:
    """Countries where places off the road corridors drive great circle x circuity."""

    countries: tuple[str, ...]
    circuity: float


@dataclass(frozen=True)
class Geography:
    """Ground and airspace the scenario forbids, and where roads fall back to circuity."""

    forbidden_territory: tuple[str, ...] = ()
    closed_airspace: tuple[str, ...] = ()
    road_fallback: RoadFallback | None = None


@dataclass
class Network:
    """resolved.json as objects, indexed by id (dicts keep the file's order)."""

    scenario: ScenarioRef
    members: dict[str, Member]
    places: dict[str, Place]
    sectors: dict[str, Sector]
    forces: dict[str, Force]
    fleets: dict[str, Fleet]
    depots: dict[str, Depot]
    legs: list[Leg]
    unreachable: list[Unreachable] = field(default_factory=list)
    geography: Geography = field(default_factory=Geography)
    # Legs dropped, rerouted or flagged for forbidden ground, closed airspace or open water.
    geography_notes: list[Json] = field(default_factory=list)
    leg_by_id: dict[str, Leg] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.leg_by_id = {leg.id: leg for leg in self.legs}

    # --- calendar ---------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def horizon_days(self) -> int:
        """Days from C-day the plan covers."""
        return self.scenario.horizon_days

    @property
    def period_hours(self) -> int:
        """Hours in one model period."""
        return self.scenario.period_hours

    @property
    def periods(self) -> int:
        """Model periods in the horizon."""
        return self.horizon_days * 24 // self.period_hours

    def period_of_day(self, day: int) -> int:
        """The period a day starts in."""
        return day * 24 // self.period_hours

    def day_of_hour(self, hour: float) -> int:
        """The day an hour falls on: exactly the checker's floor(hour / 24)."""
        return math.floor(hour / 24)

    def leg(self, leg_id: str) -> Leg:
        """A leg by id (KeyError if none)."""
        return self.leg_by_id[leg_id]

    # --- files ------------------------------------------------------------------------

    @classmethod
    def from_json(cls, doc: Json) -> Network:
        """Read resolved.json's document (already parsed)."""
        sc = doc["scenario"]
        geo = doc.get("geography") or {}
        fallback = geo.get("road_fallback")
        return cls(
            scenario=ScenarioRef(
                str(sc["name"]), str(sc.get("file") or ""), str(sc["sha256"]),
                str(sc["c_day"]), int(sc["horizon_days"]), int(sc["period_hours"]),
                str(sc.get("ally") or ""),
            ),
            members={m["code"]: _member(m) for m in doc["members"]},
            places={p["id"]: _place(p) for p in doc["places"]},
            sectors={s["id"]: _sector(s) for s in doc["sectors"]},
            forces={f["id"]: _force(f) for f in doc["forces"]},
            fleets={f["id"]: _fleet(f) for f in doc["fleets"]},
            depots={d["id"]: _depot(d) for d in doc["depots"]},
            legs=[_leg(x) for x in doc["legs"]],
            unreachable=[Unreachable(u["force"], u["reason"]) for u in doc.get("unreachable", [])],
            geography=Geography(
                tuple(geo.get("forbidden_territory") or ()),
                tuple(geo.get("closed_airspace") or ()),
                None if not fallback else RoadFallback(
                    tuple(fallback["countries"]), float(fallback["circuity"])),
            ),
            geography_notes=list(doc.get("geography_notes") or []),
        )

    def to_json(self) -> Json:
        """resolved.json's document, key for key as in docs/contracts.md."""
        sc, geo = self.scenario, self.geography
        return {
            "scenario": {
                "name": sc.name, "file": sc.file, "sha256": sc.sha256, "c_day": sc.c_day,
                "horizon_days": sc.horizon_days, "period_hours": sc.period_hours,
                "ally": sc.ally,
            },
            "members": [
                {"code": m.code, "name": m.name, "decision_delay_days": m.decision_delay_days,
                 "fair_share": m.fair_share, "max_share": m.max_share, "opt_out": m.opt_out}
                for m in self.members.values()
            ],
            "places": [_place_json(p) for p in self.places.values()],
            "sectors": [_sector_json(s) for s in self.sectors.values()],
            "forces": [_force_json(f) for f in self.forces.values()],
            "fleets": [_fleet_json(f) for f in self.fleets.values()],
            "depots": [
                {"id": d.id, "place": d.place, "provides": list(d.provides),
                 "stock_t": d.stock_t, "throughput_tpd": d.throughput_tpd}
                for d in self.depots.values()
            ],
            "legs": [_leg_json(leg) for leg in self.legs],
            "unreachable": [{"force": u.force, "reason": u.reason} for u in self.unreachable],
            "geography": {
                "forbidden_territory": list(geo.forbidden_territory),
                "closed_airspace": list(geo.closed_airspace),
                "road_fallback": None if geo.road_fallback is None else {
                    "countries": list(geo.road_fallback.countries),
                    "circuity": geo.road_fallback.circuity,
                },
            },
            "geography_notes": self.geography_notes,
        }


# --- readers -----------------------------------------------------------------------------


def _member(m: Json) -> Member:
    return Member(
        m["code"], str(m.get("name") or m["code"]), int(m.get("decision_delay_days") or 0),
        m.get("fair_share"), m.get("max_share"), bool(m["opt_out"]),
    )


def _place(p: Json) -> Place:
    return Place(
        p["id"], str(p.get("name") or p["id"]), str(p["kind"]), str(p.get("country") or ""),
        float(p["lat"]), float(p["lon"]), str(p.get("source") or ""),
        p.get("throughput_tpd"), p.get("mog"), tuple(p.get("gauges_mm") or ()),
        float(p.get("handling_h") or 0.0), bool(p.get("closed")),
        tuple(Outage(int(o["from_day"]), int(o["to_day"]), float(o["factor"]),
                     str(o.get("reason") or "")) for o in p.get("outages") or ()),
    )


def _sector(s: Json) -> Sector:
    return Sector(
        s["id"], str(s.get("name") or s["id"]), float(s["lat"]), float(s["lon"]),
        s.get("radius_km"), s.get("polygon"),
        tuple(
            Requirement(r["capability"], r["amount"], r["by_day"], r.get("weight", 1.0))
            for r in s["requirements"]
        ),
    )


def _force(f: Json) -> Force:
    return Force(
        f["id"], str(f.get("name") or f["id"]), f["member"], f["home"], int(f["personnel"]),
        float(f["cargo_t"]), bool(f["outsize"]), tuple(f["capability"].items()),
        int(f.get("readiness_days") or 0), f.get("sector"), tuple(f.get("needs") or ()),
        float(f.get("sustainment_tpd") or 0.0), f.get("activation_day"),
        _line(f.get("line") or {}),
    )


def _line(d: Json) -> DeploymentLine:
    return DeploymentLine(
        d.get("uln"), d.get("uic"), d.get("unit_type"), str(d.get("mode") or "any"),
        d.get("poe"), d.get("pod"), d.get("ald_day"), d.get("ead_day"), d.get("lad_day"),
        d.get("rdd_day"), d.get("priority"),
    )


def _fleet(f: Json) -> Fleet:
    carries = f.get("carries")
    return Fleet(
        f["id"], str(f.get("name") or f["id"]), f["mode"], tuple(f["owners"]), int(f["count"]),
        float(f["payload_t"]), f.get("pax"), float(f["speed_kmh"]), f.get("range_km"),
        bool(f.get("outsize")), f.get("gauge_mm"), float(f["load_h"]), float(f["unload_h"]),
        float(f["turnaround_h"]), f.get("driving_h_per_day"),
        tuple(carries) if carries is not None else None, f.get("activation_day"),
    )


def _depot(d: Json) -> Depot:
    return Depot(
        d["id"], d["place"], tuple(d["provides"]), float(d["stock_t"]),
        float(d["throughput_tpd"]),
    )


def _leg(x: Json) -> Leg:
    return Leg(
        x["id"], x["from"], x["to"], x["mode"], float(x["km"]), x.get("gauge_mm"),
        str(x.get("source") or ""), [(float(a), float(b)) for a, b in x.get("path") or []],
        {k: LegTime(v["transit_h"], v["cycle_h"]) for k, v in x["fleets"].items()},
        tuple(x.get("via") or ()), float(x.get("crossing_h") or 0.0),
    )


# --- writers -----------------------------------------------------------------------------


def _place_json(p: Place) -> Json:
    return {
        "id": p.id, "name": p.name, "kind": p.kind, "country": p.country, "lat": p.lat,
        "lon": p.lon, "source": p.source, "throughput_tpd": p.throughput_tpd, "mog": p.mog,
        "gauges_mm": list(p.gauges_mm), "handling_h": p.handling_h, "closed": p.closed,
        "outages": [{"from_day": o.from_day, "to_day": o.to_day, "factor": o.factor,
                     "reason": o.reason} for o in p.outages],
    }


def _sector_json(s: Sector) -> Json:
    return {
        "id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon, "radius_km": s.radius_km,
        "polygon": s.polygon,
        "requirements": [
            {"capability": r.capability, "amount": r.amount, "by_day": r.by_day,
             "weight": r.weight} for r in s.requirements
        ],
    }


def _force_json(f: Force) -> Json:
    return {
        "id": f.id, "name": f.name, "member": f.member, "home": f.home,
        "personnel": f.personnel, "cargo_t": f.cargo_t, "outsize": f.outsize,
        "capability": dict(f.capability), "readiness_days": f.readiness_days,
        "sector": f.sector, "needs": list(f.needs), "sustainment_tpd": f.sustainment_tpd,
        "activation_day": f.activation_day,
        "line": {
            "uln": f.line.uln, "uic": f.line.uic, "unit_type": f.line.unit_type,
            "mode": f.line.mode, "poe": f.line.poe, "pod": f.line.pod,
            "ald_day": f.line.ald_day, "ead_day": f.line.ead_day, "lad_day": f.line.lad_day,
            "rdd_day": f.line.rdd_day, "priority": f.line.priority,
        },
    }


def _fleet_json(f: Fleet) -> Json:
    return {
        "id": f.id, "name": f.name, "mode": f.mode, "owners": list(f.owners),
        "count": f.count, "payload_t": f.payload_t, "pax": f.pax, "speed_kmh": f.speed_kmh,
        "range_km": f.range_km, "outsize": f.outsize, "gauge_mm": f.gauge_mm,
        "load_h": f.load_h, "unload_h": f.unload_h, "turnaround_h": f.turnaround_h,
        "driving_h_per_day": f.driving_h_per_day,
        "carries": list(f.carries) if f.carries is not None else None,
        "activation_day": f.activation_day,
    }


def _leg_json(leg: Leg) -> Json:
    return {
        "id": leg.id, "from": leg.from_, "to": leg.to, "mode": leg.mode, "km": leg.km,
        "gauge_mm": leg.gauge_mm, "source": leg.source,
        "path": [[lat, lon] for lat, lon in leg.path],
        "fleets": {k: {"transit_h": t.transit_h, "cycle_h": t.cycle_h}
                   for k, t in leg.fleets.items()},
        "via": [dict(v) for v in leg.via],
        "crossing_h": leg.crossing_h,
    }
