"""Resolve a scenario's places to coordinates: airfields by ICAO (airportsdata), seaports by
UN/LOCODE (searoute's port list), everything else by the lat/lon it gives. Each sector also
becomes a node, so legs can end at it. Coordinates are (lat, lon) degrees WGS84.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from contracts.errors import NetworkError
from contracts.network import Outage, Place
from contracts.scenario import Place as ScenarioPlace
from contracts.scenario import Scenario, Sector

# Where a place's coordinates came from, as written to resolved.json.
SOURCE_AIRPORTS = "airportsdata"
SOURCE_PORTS = "searoute ports"
SOURCE_SCENARIO = "scenario"
SOURCE_SECTOR = "sector"


@lru_cache(maxsize=1)
def _airports() -> dict[str, Any]:
    import airportsdata  # ~0.25 s to load 28k airports: only when a scenario has airfields

    return dict(airportsdata.load("ICAO"))


@lru_cache(maxsize=1)
def seaport_index() -> dict[str, tuple[str, float, float]]:
    """UN/LOCODE -> (name, lat, lon) from searoute's bundled port list.

    The LOCODE is the `port` property. About 40 codes appear twice (a terminal and a city
    entry); the first one listed wins, which is the order searoute itself keeps.
    """
    text = resources.files("searoute").joinpath("data/ports.geojson").read_text("utf-8")
    out: dict[str, tuple[str, float, float]] = {}
    for feat in json.loads(text)["features"]:
        props = feat.get("properties") or {}
        code = props.get("port")
        coords = (feat.get("geometry") or {}).get("coordinates")
        if not code or not coords or code in out:
            continue
        lon, lat = float(coords[0]), float(coords[1])
        out[str(code)] = (str(props.get("name") or code), lat, lon)
    return out


def resolve_place(place: ScenarioPlace, closed: bool = False,
                  notes: list[str] | None = None, outages: tuple[Outage, ...] = ()) -> Place:
    """One scenario place resolved to coordinates; NetworkError if its ICAO or LOCODE is
    unknown. What is worth telling the user but not an error goes into `notes`."""
    notes = notes if notes is not None else []
    if place.icao is not None:
        rec = _airports().get(place.icao)
        if rec is None:
            raise NetworkError(
                f"place {place.id!r}: ICAO code {place.icao!r} is not in airportsdata "
                "(check the code, or give lat and lon instead)"
            )
        name, lat, lon, source = str(rec["name"]), float(rec["lat"]), float(rec["lon"]), (
            SOURCE_AIRPORTS
        )
        if rec.get("country") and rec["country"] != place.country:
            notes.append(
                f"place {place.id!r}: {place.icao} lies in {rec['country']} per airportsdata, "
                f"the scenario says {place.country}"
            )
    elif place.locode is not None:
        port = seaport_index().get(place.locode)
        if port is None:
            raise NetworkError(
                f"place {place.id!r}: UN/LOCODE {place.locode!r} is not in searoute's port "
                "list (check the code, or give lat and lon instead)"
            )
        name, lat, lon = port
        source = SOURCE_PORTS
        if place.locode[:2] != place.country:
            notes.append(
                f"place {place.id!r}: LOCODE {place.locode} is in {place.locode[:2]}, "
                f"the scenario says {place.country}"
            )
    else:
        # The schema guarantees lat and lon when neither code is given.
        assert place.lat is not None and place.lon is not None
        name, lat, lon, source = place.id, place.lat, place.lon, SOURCE_SCENARIO
    return Place(
        id=place.id,
        name=place.name or name,
        kind=place.kind,
        country=place.country,
        lat=lat,
        lon=lon,
        source=source,
        throughput_tpd=place.throughput_tpd,
        mog=place.mog,
        gauges_mm=tuple(place.gauges_mm),
        handling_h=place.handling_h,
        closed=closed,
        outages=outages,
    )


def sector_node(sector: Sector, places: dict[str, Place], default_country: str) -> Place:
    """A node for the sector: at its lat/lon, else its place, else its polygon's centroid.

    A sector at a place inherits that place's rail gauges, so rail can reach the sector only
    when its place is rail-served. The centroid is taken in lat/lon degrees: for a sector a few
    hundred km across the error against a geodesic centroid is a few km, well inside the sector.
    """
    gauges: tuple[int, ...] = ()
    country = default_country
    if sector.lat is not None and sector.lon is not None:
        lat, lon = sector.lat, sector.lon
        if sector.place is not None and sector.place in places:
            gauges, country = places[sector.place].gauges_mm, places[sector.place].country
    elif sector.place is not None:
        at = places[sector.place]
        lat, lon, gauges, country = at.lat, at.lon, at.gauges_mm, at.country
    else:
        from shapely.geometry import shape

        assert sector.polygon is not None  # the schema requires one of the three
        c = shape(sector.polygon).centroid
        lat, lon = float(c.y), float(c.x)
    if sector.place is None:
        country = _country_at(lat, lon) or default_country
    return Place(
        id=sector.id,
        name=sector.name,
        kind="sector",
        country=country,
        lat=lat,
        lon=lon,
        source=SOURCE_SECTOR,
        gauges_mm=gauges,
    )


def _country_at(lat: float, lon: float) -> str | None:
    """The country a free-standing sector lies in, when the outlines module can tell.

    Optional: without it the sector is assumed to lie in the ally, which is what a scenario
    almost always means; it only decides which road region (geodata.road) the sector is in.
    """
    try:
        from geodata.outlines import country_at  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    try:
        code = country_at(lat, lon)
    except Exception:  # the outlines are a convenience: never let them break resolution
        return None
    return str(code) if code else None


def resolve_places(scenario: Scenario, notes: list[str] | None = None) -> dict[str, Place]:
    """All places then all sector nodes, keyed by id, in scenario order."""
    closed = set(scenario.closed_places)
    out: dict[str, Place] = {}
    for p in scenario.places:
        outages = tuple(
            Outage(o.from_day, o.to_day, o.factor, o.reason)
            for o in sorted(scenario.outages, key=lambda o: o.from_day) if o.place == p.id
        )
        out[p.id] = resolve_place(p, closed=p.id in closed, notes=notes, outages=outages)
    for s in scenario.sectors:
        out[s.id] = sector_node(s, out, scenario.ally)
    return out
