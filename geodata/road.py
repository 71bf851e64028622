"""Road legs: great-circle distance times a detour factor, within a road region or through the
fixed links (bridges, tunnels, border crossings) that join regions.

No road graph: convoy routes are planned on motorways whose length over the straight line
(the detour index) is fairly stable across Europe, so a factor is as good as a route for
sizing a move, and needs no data. What a factor cannot know is water and closed borders: a
straight line from Sweden to Lithuania crosses the Baltic, one from Gdańsk to Klaipėda crosses
Russia's Kaliningrad region. So countries are grouped into road regions, and a road between
regions runs through the gateways joining them (a great-circle polyline, then the factor).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from geodata.distance import LatLon, distance_km

# Road distance over great-circle distance. Published detour indexes for European road
# networks are mostly 1.2-1.4 (about 1.3 between cities a few hundred km apart), so 1.3.
ROAD_CIRCUITY = 1.3
# Longest great-circle route (through gateways) generated as a road leg: beyond ~2,000 road
# km a convoy takes over a week and rail, sea or air does the job. Scenario links are not
# limited.
ROAD_MAX_KM = 1600.0

# Road regions by country (ISO 3166 alpha-2): a simplification in which every place of a
# country is on its mainland, except the islands in ISLANDS. Russia and Belarus are left out:
# no allied convoy transits them, so they join nothing. Countries not listed are each their
# own region (road only within the country).
_REGIONS: dict[str, frozenset[str]] = {
    "CONTINENT": frozenset({
        "AD", "AL", "AT", "BA", "BE", "BG", "CH", "CZ", "DE", "ES", "FR", "GR", "HR", "HU",
        "IT", "LI", "LU", "MC", "MD", "ME", "MK", "NL", "PL", "PT", "RO", "RS", "SI", "SK",
        "SM", "TR", "UA", "VA", "XK",
    }),
    "BALTIC": frozenset({"LT", "LV", "EE"}),
    "GB": frozenset({"GB"}),
    "DENMARK": frozenset({"DK"}),
    "SCANDINAVIA": frozenset({"SE", "NO"}),
    "FINLAND": frozenset({"FI"}),
    "NORTH_AMERICA": frozenset({"US", "CA", "MX"}),
}
_REGION_OF = {c: name for name, codes in _REGIONS.items() for c in codes}


@dataclass(frozen=True)
class Gateway:
    name: str
    regions: tuple[str, str]
    at: LatLon


# Fixed links between road regions, each a single point a convoy passes.
GATEWAYS: tuple[Gateway, ...] = (
    # The 65 km Polish-Lithuanian border between Kaliningrad and Belarus is the Baltic states'
    # only land link to the rest of the alliance; Via Baltica crosses at Budzisko-Kalvarija.
    Gateway("Suwałki gap (Budzisko-Kalvarija)", ("CONTINENT", "BALTIC"), (54.39, 23.22)),
    Gateway("Channel Tunnel", ("CONTINENT", "GB"), (51.01, 1.50)),
    Gateway("Padborg-Flensburg border", ("CONTINENT", "DENMARK"), (54.83, 9.36)),
    Gateway("Øresund Bridge", ("DENMARK", "SCANDINAVIA"), (55.57, 12.85)),
    Gateway("Tornio-Haparanda", ("SCANDINAVIA", "FINLAND"), (65.84, 24.14)),
)

# Islands of mainland countries, by bounding box (lat_min, lat_max, lon_min, lon_max), checked
# before the country table. Boxes are rough: a place is on the island if inside its box.
ISLANDS: dict[str, tuple[float, float, float, float]] = {
    "IRELAND": (51.3, 55.4, -10.7, -5.4),  # incl. Northern Ireland (GB): no fixed link
    "GOTLAND": (56.85, 58.0, 18.0, 19.4),
    "BORNHOLM": (54.95, 55.35, 14.65, 15.2),
    "ALAND": (59.9, 60.5, 19.3, 21.1),
    "SAAREMAA_HIIUMAA": (57.9, 59.1, 21.7, 23.4),
    "SARDINIA": (38.8, 41.3, 8.1, 9.9),
    "CORSICA": (41.3, 43.05, 8.5, 9.6),
    "SICILY": (36.6, 38.35, 12.35, 15.6),
    "CRETE": (34.8, 35.7, 23.5, 26.4),
    "BALEARICS": (38.6, 40.1, 1.1, 4.4),
    "CANARIES": (27.6, 29.5, -18.2, -13.3),
    "AZORES_MADEIRA": (32.0, 40.0, -31.5, -16.0),
    "HAWAII": (18.5, 22.5, -160.5, -154.5),
}


def road_region(country: str, at: LatLon) -> str:
    """The road region a place at `at` in `country` belongs to."""
    lat, lon = at
    for name, (lat0, lat1, lon0, lon1) in ISLANDS.items():
        if lat0 <= lat <= lat1 and lon0 <= lon <= lon1:
            return name
    return _REGION_OF.get(country, country)


@dataclass(frozen=True)
class RoadRoute:
    km: float  # road km: great-circle km along `path` x ROAD_CIRCUITY
    gc_km: float  # great-circle km along `path` (what ROAD_MAX_KM limits)
    path: list[LatLon]  # a, the gateways passed, b


def road_route(a_country: str, a: LatLon, b_country: str, b: LatLon) -> RoadRoute | None:
    """The road from a to b, or None when no fixed link joins their regions."""
    ra, rb = road_region(a_country, a), road_region(b_country, b)
    if ra == rb:
        gc = distance_km(a, b)
        return RoadRoute(gc * ROAD_CIRCUITY, gc, [a, b])
    # Dijkstra over the gateways (node -1 is b): there are five, so a handful of steps.
    done: set[int] = set()
    heap: list[tuple[float, int, tuple[int, ...]]] = [
        (distance_km(a, g.at), i, (i,)) for i, g in enumerate(GATEWAYS) if ra in g.regions
    ]
    heapq.heapify(heap)
    while heap:
        cost, i, via = heapq.heappop(heap)
        if i == -1:
            return RoadRoute(cost * ROAD_CIRCUITY, cost, [a, *(GATEWAYS[j].at for j in via), b])
        if i in done:
            continue
        done.add(i)
        g = GATEWAYS[i]
        if rb in g.regions:
            heapq.heappush(heap, (cost + distance_km(g.at, b), -1, via))
        for j, h in enumerate(GATEWAYS):
            if j not in done and set(g.regions) & set(h.regions):
                heapq.heappush(heap, (cost + distance_km(g.at, h.at), j, (*via, j)))
    return None
