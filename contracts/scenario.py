"""The one schema of a scenario file. Units are in the field names: km, h, t (metric tons), tpd
(tons per day), kmh; days count from C-day; coordinates are WGS84 degrees.

Field checks live on the models; checks that span several lists (references, duplicates, the
ally being a member ...) live in `cross_check`, which returns every problem at once with its
field path so the loader can point at the line.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import pathlib
import re
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from contracts.errors import quoted

Mode = Literal["air", "sea", "rail", "road"]
PlaceKind = Literal["base", "airfield", "seaport", "railhead", "depot", "sector"]
# searoute's passage names (searoute.classes.passages); closing one reroutes every sea leg.
Passage = Literal[
    "babalmandab", "bosporus", "gibraltar", "suez", "panama", "ormuz", "northwest",
    "malacca", "sunda", "chili", "south_africa", "bering", "dardanelles",
]
PERIOD_HOURS = (6, 8, 12, 24)  # divisors of a day, so daily limits map onto whole periods
KNOWN_GAUGES_MM = (1000, 1067, 1435, 1520, 1668)

# Hours a vehicle spends loading, unloading and turning around, by mode, when a fleet does not
# say. Sea loading follows the ~4 days quoted for an LMSR; air ground times follow the 2-4 h
# typical of C-17 operations; rail and road are planning estimates.
MODE_DEFAULT_HOURS: dict[str, dict[str, float]] = {
    "air": {"load_h": 3.0, "unload_h": 2.0, "turnaround_h": 2.0},
    "sea": {"load_h": 96.0, "unload_h": 48.0, "turnaround_h": 24.0},
    "rail": {"load_h": 12.0, "unload_h": 8.0, "turnaround_h": 12.0},
    "road": {"load_h": 4.0, "unload_h": 2.0, "turnaround_h": 4.0},
}

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Standard = Annotated[str, Field(min_length=1, max_length=64)]


class _Model(BaseModel):
    # allow_inf_nan=False: every number in a scenario is finite (YAML's .inf and .nan are
    # refused with the field's name). Numbers inside free-form fields (a sector's GeoJSON
    # polygon) are checked where those fields are.
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class Member(_Model):
    """A member nation: its decision delay, fair share and whether it opts out."""
    code: CountryCode
    name: str
    decision_delay_days: Annotated[int, Field(ge=0)] = 0
    fair_share: Fraction | None = None
    max_share: Fraction | None = None
    opt_out: bool = False


class Place(_Model):
    """A base, port, airfield, railhead or depot site, by ICAO, UN/LOCODE or lat/lon."""
    id: Id
    name: str | None = None
    kind: PlaceKind
    icao: Annotated[str, Field(pattern=r"^[A-Z0-9]{4}$")] | None = None
    locode: Annotated[str, Field(pattern=r"^[A-Z]{2}[A-Z0-9]{3}$")] | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    country: CountryCode
    throughput_tpd: Positive | None = None
    mog: Annotated[int, Field(ge=1)] | None = None
    gauge_mm: int | list[int] | None = None
    handling_h: NonNegative = 0.0

    @model_validator(mode="after")
    def _one_location(self) -> Place:
        given = [
            n for n, v in (("icao", self.icao), ("locode", self.locode)) if v is not None
        ]
        has_latlon = self.lat is not None or self.lon is not None
        if has_latlon and (self.lat is None or self.lon is None):
            raise ValueError("give both lat and lon")
        if len(given) + has_latlon != 1:
            raise ValueError("locate the place by exactly one of icao, locode, or lat+lon")
        if self.icao is not None and self.kind != "airfield":
            raise ValueError(f"icao locates airfields only, this place is a {self.kind}")
        if self.locode is not None and self.kind != "seaport":
            raise ValueError(f"locode locates seaports only, this place is a {self.kind}")
        if self.mog is not None and self.kind != "airfield":
            raise ValueError("mog (maximum aircraft on ground) applies to airfields only")
        if self.kind == "railhead" and not self.gauges_mm:
            raise ValueError("a railhead needs gauge_mm (e.g. 1435 or [1435, 1520])")
        for g in self.gauges_mm:
            if g not in KNOWN_GAUGES_MM:
                raise ValueError(f"gauge_mm {g} is not one of {list(KNOWN_GAUGES_MM)}")
        return self

    @property
    def gauges_mm(self) -> list[int]:
        if self.gauge_mm is None:
            return []
        return [self.gauge_mm] if isinstance(self.gauge_mm, int) else list(self.gauge_mm)


class Requirement(_Model):
    """Points of a capability a sector needs by a day."""
    capability: Standard
    amount: Positive
    by_day: Annotated[int, Field(ge=0)]
    weight: Positive = 1.0


class Sector(_Model):
    """A sector of the ally's front: where it is and what it needs."""
    id: Id
    name: str
    place: Id | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    radius_km: Positive | None = None
    polygon: dict[str, Any] | None = None
    requirements: list[Requirement] = Field(min_length=1)

    @model_validator(mode="after")
    def _located(self) -> Sector:
        has_latlon = self.lat is not None and self.lon is not None
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon")
        if (self.place is not None) == has_latlon and self.polygon is None:
            raise ValueError("locate the sector by exactly one of place, lat+lon or polygon")
        if self.radius_km is None and self.polygon is None:
            raise ValueError("give the sector's extent: radius_km or polygon")
        if self.polygon is not None:
            _check_polygon(self.polygon)
        return self


def _check_polygon(geometry: dict[str, Any]) -> None:
    from shapely.geometry import shape

    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("polygon must be a GeoJSON Polygon or MultiPolygon geometry")
    bad = _not_finite(geometry)
    if bad is not None:
        raise ValueError(f"polygon coordinates must be finite numbers (got {quoted(bad)})")
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed rings
        raise ValueError(f"polygon is not valid GeoJSON: {exc}") from None
    if geom.is_empty or not geom.is_valid:
        raise ValueError("polygon is empty or self-intersecting")


def _not_finite(value: Any) -> float | None:
    """The first infinite or NaN number in nested lists and mappings, else None."""
    todo = [value]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, list | tuple):
            todo.extend(v)
        elif isinstance(v, float) and not math.isfinite(v):
            return v
    return None


class Force(_Model):
    """A unit to deploy: its home, cargo, capability and supply needs."""
    id: Id
    name: str | None = None
    member: CountryCode
    home: Id
    personnel: Annotated[int, Field(ge=0)]
    cargo_t: Positive
    outsize: bool = False
    capability: dict[Standard, NonNegative] = Field(min_length=1)
    readiness_days: Annotated[int, Field(ge=0)] = 0
    sector: Id | None = None
    needs: list[Standard] = []
    sustainment_tpd: NonNegative = 0.0
    # Time-phased deployment data, as a TPFDD line carries it (docs/tables.md); all optional.
    uln: Annotated[str, Field(min_length=1, max_length=32)] | None = None  # unit line number
    uic: Annotated[str, Field(max_length=32)] | None = None  # unit identification code
    unit_type: Annotated[str, Field(max_length=100)] | None = None
    mode: Literal["air", "sea", "rail", "road", "any"] = "any"  # of its strategic move
    poe: Id | None = None  # port of embarkation: its air or sea legs leave from here
    pod: Id | None = None  # port of debarkation: its air or sea legs land here
    ald_day: Annotated[int, Field(ge=0, le=365)] | None = None  # available to load
    ead_day: Annotated[int, Field(ge=0, le=365)] | None = None  # earliest arrival (hard)
    lad_day: Annotated[int, Field(ge=0, le=365)] | None = None  # latest arrival (costs)
    rdd_day: Annotated[int, Field(ge=0, le=365)] | None = None  # required in its sector
    priority: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Force:
        if self.ead_day is not None and self.lad_day is not None and self.lad_day < self.ead_day:
            raise ValueError(f"lad_day {self.lad_day} is before ead_day {self.ead_day}")
        if self.ald_day is not None and self.ead_day is not None and self.ead_day < self.ald_day:
            raise ValueError(f"ead_day {self.ead_day} is before ald_day {self.ald_day}")
        if self.mode in ("rail", "road") and (self.poe or self.pod):
            raise ValueError(
                f"poe and pod name the ports of an air or sea move; mode is {self.mode}")
        return self

    @field_validator("capability")
    @classmethod
    def _some_capability(cls, v: dict[str, float]) -> dict[str, float]:
        if not any(x > 0 for x in v.values()):
            raise ValueError("a force needs at least one capability with points > 0")
        return v


class Fleet(_Model):
    """A pool of identical vehicles of one mode, owned by members."""
    id: Id
    name: str | None = None
    member: CountryCode | None = None
    pool: list[CountryCode] | None = None
    mode: Mode
    count: Annotated[int, Field(ge=1)]
    payload_t: Positive
    pax: Annotated[int, Field(ge=0)] | None = None
    speed_kmh: Positive
    range_km: Positive | None = None
    outsize: bool = False
    gauge_mm: int | None = None
    load_h: NonNegative | None = None
    unload_h: NonNegative | None = None
    turnaround_h: NonNegative | None = None
    available_day: Annotated[int, Field(ge=0)] = 0
    carries: list[CountryCode] | None = None
    # Road fleets: hours of driving a day (EU Regulation (EC) No 561/2006, art. 6: 9 h); a
    # road leg then takes full days (24 h each) for every driving_h_per_day of its km / speed.
    driving_h_per_day: Annotated[float, Field(gt=0, le=24)] | None = None

    @model_validator(mode="after")
    def _owner_and_mode(self) -> Fleet:
        if (self.member is None) == (self.pool is None):
            raise ValueError("give exactly one of member (one nation) or pool (several)")
        if self.pool is not None and len(self.pool) < 2:
            raise ValueError("a pool lists at least two members")
        if self.mode == "rail" and self.gauge_mm is None:
            raise ValueError("a rail fleet needs gauge_mm (1435 standard, 1520 Baltic/Russian)")
        if self.mode != "rail" and self.gauge_mm is not None:
            raise ValueError(f"gauge_mm applies to rail fleets only, this one is {self.mode}")
        if self.gauge_mm is not None and self.gauge_mm not in KNOWN_GAUGES_MM:
            raise ValueError(f"gauge_mm {self.gauge_mm} is not one of {list(KNOWN_GAUGES_MM)}")
        if self.outsize and self.mode != "air":
            raise ValueError("outsize describes aircraft; surface modes carry any size")
        if self.driving_h_per_day is not None and self.mode != "road":
            raise ValueError("driving_h_per_day applies to road fleets only")
        return self

    @property
    def owners(self) -> list[str]:
        return list(self.pool) if self.pool is not None else [str(self.member)]

    def hours(self, what: str) -> float:
        """load_h, unload_h or turnaround_h: the fleet's own figure, else its mode's default."""
        own = getattr(self, what)
        return float(own) if own is not None else MODE_DEFAULT_HOURS[self.mode][what]


class Depot(_Model):
    """A supply depot at a place: standards provided, stock and throughput."""
    id: Id
    place: Id
    provides: list[Standard] = Field(min_length=1)
    stock_t: NonNegative
    throughput_tpd: Positive


class Link(_Model):
    """A leg given by the scenario, added to (or replacing) a generated one."""
    from_: Id = Field(alias="from")
    to: Id
    mode: Literal["rail", "road"]
    km: Positive
    gauge_mm: int | None = None

    @model_validator(mode="after")
    def _gauge(self) -> Link:
        if self.mode == "rail" and self.gauge_mm is None:
            raise ValueError("a rail link needs gauge_mm")
        if self.mode == "road" and self.gauge_mm is not None:
            raise ValueError("gauge_mm applies to rail links only")
        return self


class RoadFallback(_Model):
    """Countries where places off the road corridors may use great circle x circuity."""

    countries: list[CountryCode] = Field(min_length=1)
    circuity: Annotated[float, Field(ge=1, le=3)] = 1.3


@functools.lru_cache(maxsize=1)
def outlined_countries() -> frozenset[str]:
    """ISO alpha-2 codes of the shipped Natural Earth outlines (geodata/data/countries.geojson,
    read as data: the contracts import nothing of the floors above)."""
    f = pathlib.Path(__file__).resolve().parent.parent / "geodata" / "data" / "countries.geojson"
    doc = json.loads(f.read_text(encoding="utf-8"))
    return frozenset(
        str(ft["properties"]["iso_a2"]) for ft in doc["features"] if ft["properties"].get("iso_a2")
    )


class Outage(_Model):
    """A place working at `factor` of its throughput and MOG from `from_day` to `to_day`
    (both included); factor 0 closes it: nothing leaves or arrives there on those days (a
    strike, sabotage, a cyber attack on port systems, GPS jamming)."""

    place: Id
    from_day: Annotated[int, Field(ge=0, le=365)]
    to_day: Annotated[int, Field(ge=0, le=365)]
    factor: Annotated[float, Field(ge=0, lt=1)] = 0.0
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Outage:
        if self.to_day < self.from_day:
            raise ValueError(f"to_day {self.to_day} is before from_day {self.from_day}")
        return self


def _outline_codes(codes: list[str]) -> list[str]:
    if not codes:
        return codes
    known = outlined_countries()
    bad = [c for c in codes if c not in known]
    if bad:
        raise ValueError(f"no country outline for {bad}: use ISO 3166 alpha-2 codes")
    return codes


class Scenario(_Model):
    """A whole scenario file, validated (docs/contracts.md)."""
    # sha256 of the file it was loaded from ("" for a scenario built in memory): set once by
    # contracts.loader.load_scenario, never read from the file itself
    _fingerprint: str = PrivateAttr(default="")
    _forces_table: str = PrivateAttr(default="")  # the table its forces came from, if any

    name: str
    alliance: str
    description: str = ""
    c_day: dt.date
    horizon_days: Annotated[int, Field(ge=1, le=365)]
    period_hours: int = 24
    ally: CountryCode
    members: list[Member] = Field(min_length=1)
    places: list[Place] = Field(min_length=1)
    sectors: list[Sector] = Field(min_length=1)
    forces: list[Force] = Field(min_length=1)
    fleets: list[Fleet] = []
    depots: list[Depot] = []
    links: list[Link] = []
    closed_passages: list[Passage] = []
    closed_places: list[Id] = []
    # Places out of action or degraded for some days (closed_places: the whole horizon).
    outages: list[Outage] = []
    # Ground no surface leg may cross, airspace no flight may cross (ISO alpha-2 codes of the
    # shipped country outlines); places off the road corridors that may use a great circle.
    forbidden_territory: list[CountryCode] = []
    closed_airspace: list[CountryCode] = []
    road_fallback: RoadFallback | None = None

    @field_validator("forbidden_territory", "closed_airspace")
    @classmethod
    def _outlined(cls, v: list[str]) -> list[str]:
        return _outline_codes(v)

    @field_validator("period_hours")
    @classmethod
    def _period(cls, v: int) -> int:
        if v not in PERIOD_HOURS:
            raise ValueError(f"period_hours must divide a day: one of {list(PERIOD_HOURS)}")
        return v

    def place(self, place_id: str) -> Place:
        """A place by id (StopIteration if none)."""
        return next(p for p in self.places if p.id == place_id)

    def member(self, code: str) -> Member:
        """A member by code (StopIteration if none)."""
        return next(m for m in self.members if m.code == code)

    @property
    def fingerprint(self) -> str:
        """sha256 of the scenario file it was loaded from; "" if built in memory."""
        return self._fingerprint

    @property
    def forces_table(self) -> str:
        """The force table (docs/tables.md) its forces were read from; "" if inline."""
        return self._forces_table

    def set_forces_table(self, path: str) -> None:
        """Record where its forces came from (the loader does)."""
        self._forces_table = path

    def set_fingerprint(self, sha256: str) -> None:
        """Record the file's fingerprint (the loader does, once, at load)."""
        self._fingerprint = sha256


# --- checks across lists -------------------------------------------------------------------

Path = tuple[str | int, ...]


def cross_check(s: Scenario) -> list[tuple[Path, str]]:
    """Every reference, uniqueness and consistency problem, each with its field path."""
    return list(_cross_problems(s))


def _duplicates(items: list[Any], key: str, where: str) -> Iterator[tuple[Path, str]]:
    counts = Counter(getattr(x, key) for x in items)
    seen: set[str] = set()
    for i, x in enumerate(items):
        v = getattr(x, key)
        if counts[v] > 1 and v in seen:
            yield (where, i, key), f"duplicate {key} {quoted(v)}: each {key} must be unique"
        seen.add(v)


_PORT_OF = {"air": "airfield", "sea": "seaport"}


def _outage_problems(s: Scenario, places: dict[str, Place]) -> Iterator[tuple[Path, str]]:
    for i, o in enumerate(s.outages):
        place = places.get(o.place)
        if place is None:
            yield ("outages", i, "place"), _unknown(o.place, places, "place")
        elif o.factor > 0 and place.throughput_tpd is None and place.mog is None:
            yield ("outages", i, "factor"), (
                f"place {quoted(o.place)} has no throughput_tpd or mog: its capacity is "
                "unlimited and cannot be scaled; give it a throughput_tpd, or close it "
                "(factor 0)")
        if o.from_day >= s.horizon_days:
            yield ("outages", i, "from_day"), (
                f"from_day {o.from_day} is after the {s.horizon_days}-day horizon")
    by_place: dict[str, list[tuple[int, int, int]]] = {}
    for i, o in enumerate(s.outages):
        by_place.setdefault(o.place, []).append((o.from_day, o.to_day, i))
    for windows in by_place.values():
        windows.sort()
        for (_, end, _), (start, _, j) in zip(windows, windows[1:], strict=False):
            if start <= end:
                yield ("outages", j, "from_day"), (
                    f"overlaps an earlier outage of {quoted(s.outages[j].place)} (to day "
                    f"{end}): one outage per place and day")


def _unknown(value: str, known: set[str] | dict[str, Any], what: str) -> str:
    options = sorted(known)
    near = [k for k in options if k.lower().startswith(value.lower()[:3])][:5]
    hint = f"; did you mean one of {near}?" if near else f"; known: {options[:8]}"
    return f"unknown {what} {quoted(value)}" + hint


def _cross_problems(s: Scenario) -> Iterator[tuple[Path, str]]:
    yield from _duplicates(s.members, "code", "members")
    yield from _duplicates(s.places, "id", "places")
    yield from _duplicates(s.sectors, "id", "sectors")
    yield from _duplicates(s.forces, "id", "forces")
    yield from _duplicates(s.fleets, "id", "fleets")
    yield from _duplicates(s.depots, "id", "depots")
    members = {m.code: m for m in s.members}
    places = {p.id: p for p in s.places}
    sectors = {x.id: x for x in s.sectors}

    if s.ally not in members:
        yield ("ally",), _unknown(s.ally, members, "member") + " (the ally must be a member)"
    for i, x in enumerate(s.sectors):
        seen_caps: set[str] = set()
        for j, r in enumerate(x.requirements):
            if r.capability in seen_caps:
                yield (
                    ("sectors", i, "requirements", j, "capability"),
                    f"{quoted(r.capability)} is required twice in sector {quoted(x.id)}: "
                    "state it once",
                )
            seen_caps.add(r.capability)
        if x.id in places:
            yield ("sectors", i, "id"), (
                f"sector id {quoted(x.id)} is also a place id: ids must differ")
        if x.place is not None and x.place not in places:
            yield ("sectors", i, "place"), _unknown(x.place, places, "place")
    shares = [m.fair_share for m in s.members if m.fair_share is not None]
    if shares and sum(shares) > 1.0 + 1e-6:
        yield ("members",), f"fair_share values add up to {sum(shares):.3f}; they must be <= 1"
    for i, m in enumerate(s.members):
        if m.code == s.ally and m.opt_out:
            yield ("members", i, "opt_out"), "the ally itself cannot opt out"
    for i, f in enumerate(s.forces):
        if f.member not in members:
            yield ("forces", i, "member"), _unknown(f.member, members, "member")
        if f.home not in places:
            yield ("forces", i, "home"), _unknown(f.home, places, "place")
        if f.sector is not None and f.sector not in sectors:
            yield ("forces", i, "sector"), _unknown(f.sector, sectors, "sector")
        if f.sustainment_tpd > 0 and not f.needs:
            yield ("forces", i, "needs"), "sustainment_tpd > 0 but no needs (supply standards)"
        for key, pid in (("poe", f.poe), ("pod", f.pod)):
            if pid is None:
                continue
            if pid not in places:
                yield ("forces", i, key), _unknown(pid, places, "place")
            elif places[pid].kind not in ("airfield", "seaport"):
                yield ("forces", i, key), (
                    f"{key} {quoted(pid)} is a {places[pid].kind}: ports of embarkation and "
                    "debarkation are airfields or seaports")
            elif f.mode in ("air", "sea") and places[pid].kind != _PORT_OF[f.mode]:
                yield ("forces", i, key), (
                    f"{key} {quoted(pid)} is a {places[pid].kind}, but the line moves by "
                    f"{f.mode}")
    seen_ulns: set[str] = set()
    for i, f in enumerate(s.forces):
        if f.uln is not None:
            if f.uln in seen_ulns:
                yield ("forces", i, "uln"), (
                    f"duplicate uln {quoted(f.uln)}: each uln must be unique")
            seen_ulns.add(f.uln)
    for i, fl in enumerate(s.fleets):
        for code in fl.owners:
            if code not in members:
                key = "member" if fl.member is not None else "pool"
                yield ("fleets", i, key), _unknown(code, members, "member")
        for code in fl.carries or []:
            if code not in members:
                yield ("fleets", i, "carries"), _unknown(code, members, "member")
    for i, d in enumerate(s.depots):
        if d.place not in places:
            yield ("depots", i, "place"), _unknown(d.place, places, "place")
    for i, lk in enumerate(s.links):
        for key, pid in (("from", lk.from_), ("to", lk.to)):
            if pid not in places and pid not in sectors:
                yield ("links", i, key), _unknown(pid, places, "place")
        if lk.gauge_mm is not None and lk.gauge_mm not in KNOWN_GAUGES_MM:
            yield ("links", i, "gauge_mm"), f"gauge_mm {lk.gauge_mm} is not a known gauge"
    for i, pid in enumerate(s.closed_places):
        if pid not in places:
            yield ("closed_places", i), _unknown(pid, places, "place")
    yield from _outage_problems(s, places)
    offered = {c for f in s.forces for c, v in f.capability.items() if v > 0}
    for i, x in enumerate(s.sectors):
        for j, r in enumerate(x.requirements):
            if r.capability not in offered:
                yield (
                    ("sectors", i, "requirements", j, "capability"),
                    f"no force offers capability {quoted(r.capability)}; offered: "
                    f"{quoted(sorted(offered), 400)}",
                )
    if s.ally in members and not any(
        p.country == s.ally for p in s.places
    ):
        yield ("places",), f"no place lies in the ally {s.ally}: sectors need somewhere to land"
    if re.fullmatch(r"\s*", s.name):
        yield ("name",), "name is empty"
