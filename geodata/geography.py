"""Ground and airspace: which country outlines a path crosses, where it is over open water, and
detours for flights around closed airspace.

Outlines are the shipped Natural Earth 1:50m countries (geodata.outlines), good to a few
hundred metres; tolerances below absorb that:
- a path "crosses" a country when more than MIN_INSIDE_KM of it lies inside the outline (a
  road along a border, or a place on it, is not a crossing);
- a surface path is "over open water" where a piece of it longer than MIN_WATER_KM lies
  outside every outline (short bridges, estuaries and a coastal road drawn as a straight line
  between waypoints are not open water). Lakes are inside the outlines: land.
- a detour keeps DETOUR_CLEARANCE_DEG (about 15-20 km) off closed airspace, turning at the
  corners of the airspace's outline grown by DETOUR_CORNER_DEG and simplified.

Coordinates are (lat, lon) degrees WGS84; shapely works in (lon, lat).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from geodata.distance import LatLon, distance_km, great_circle_path

MIN_INSIDE_KM = 0.5
MIN_WATER_KM = 3.0
# A flight turns at corners of the closed outline grown by this much and keeps at least
# DETOUR_CLEARANCE_DEG off the outline itself (0.15 deg is ~17 km north-south, ~10 km east-west
# at 55 N: a buffer against navigation error, as air corridors keep from a border).
DETOUR_CLEARANCE_DEG = 0.15
DETOUR_CORNER_DEG = 0.3
DETOUR_SIMPLIFY_DEG = 0.1
# Corners farther from the two ends (sum of distances) than this times the great circle are
# not considered: a detour longer than that is not worth flying.
DETOUR_MAX_FACTOR = 1.6
DETOUR_NEAR_FACTOR = 1.15


@functools.lru_cache(maxsize=1)
def _countries() -> tuple[list[str | None], list[BaseGeometry], shapely.STRtree]:
    from geodata.outlines import load_countries

    gdf = load_countries()
    codes = [c if isinstance(c, str) else None for c in gdf["iso_a2"]]
    geoms = list(gdf.geometry)
    return codes, geoms, shapely.STRtree(geoms)


@functools.lru_cache(maxsize=64)
def territory(codes: frozenset[str]) -> BaseGeometry:
    """The union of the outlines of `codes` (empty if none)."""
    all_codes, geoms, _ = _countries()
    parts = [g for c, g in zip(all_codes, geoms, strict=True) if c in codes]
    geom = unary_union(parts) if parts else shapely.Polygon()
    shapely.prepare(geom)
    return geom


def line_of(path: Sequence[LatLon]) -> LineString:
    """A shapely line in lon/lat from a (lat, lon) path."""
    return LineString([(lon, lat) for lat, lon in path])


def _piece_km(geom: BaseGeometry) -> float:
    if geom.is_empty:
        return 0.0
    lines = geom.geoms if hasattr(geom, "geoms") else [geom]
    total = 0.0
    for ln in lines:
        if isinstance(ln, LineString):
            xy = list(ln.coords)
            total += sum(distance_km((a[1], a[0]), (b[1], b[0])) for a, b in zip(xy, xy[1:],
                                                                               strict=False))
    return total


def crossed(path: Sequence[LatLon], codes: Iterable[str]) -> list[str]:
    """The codes among `codes` whose outline the path runs inside for more than MIN_INSIDE_KM."""
    line = line_of(path)
    out = []
    for c in sorted(set(codes)):
        geom = territory(frozenset([c]))
        if geom.is_empty or not geom.intersects(line):
            continue
        if _piece_km(line.intersection(geom)) > MIN_INSIDE_KM:
            out.append(c)
    return out


def water_pieces(path: Sequence[LatLon], ends_km: float = 0.0) -> list[list[LatLon]]:
    """Pieces of the path over open water longer than MIN_WATER_KM, each as (lat, lon) points;
    the first and last `ends_km` around the two ends are not looked at (a port on the coast
    may lie just offshore of the 1:50m outline)."""
    key = tuple((float(lat), float(lon)) for lat, lon in path)
    return [list(p) for p in _water_pieces(key, ends_km)]


@functools.lru_cache(maxsize=8192)
def _water_pieces(path: tuple[LatLon, ...], ends_km: float) -> tuple[tuple[LatLon, ...], ...]:
    line = line_of(path)
    codes, geoms, tree = _countries()
    wet: BaseGeometry = line
    # Subtract each country the line touches in turn: cheaper than a union of the outlines.
    for i in tree.query(line, predicate="intersects"):
        wet = wet.difference(geoms[int(i)])
        if wet.is_empty:
            return ()
    if ends_km > 0 and not wet.is_empty:
        deg = ends_km / 111.0
        wet = wet.difference(unary_union([Point(path[0][1], path[0][0]).buffer(deg),
                                          Point(path[-1][1], path[-1][0]).buffer(deg)]))
    lines = wet.geoms if isinstance(wet, MultiLineString) else ([wet] if not wet.is_empty
                                                                else [])
    out = []
    for ln in lines:
        if isinstance(ln, LineString) and _piece_km(ln) > MIN_WATER_KM:
            out.append(tuple((y, x) for x, y in ln.coords))
    return tuple(out)


def covered(piece: Sequence[LatLon], crossing_path: Sequence[LatLon], km: float) -> bool:
    """Whether every point of `piece` lies within `km` of the crossing's line."""
    deg = km / 111.0
    zone = line_of(crossing_path).buffer(deg)
    return bool(zone.covers(line_of(piece)))


# --- air detours -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Detour:
    """An air path around closed airspace, and its length."""
    km: float
    path: list[LatLon]  # for drawing: great-circle arcs between the turning points
    turns: list[LatLon]  # the turning points (ends excluded)


def arc(a: LatLon, b: LatLon) -> list[LatLon]:
    """A great-circle arc a -> b with a point every ~100 km (for testing clearance)."""
    return great_circle_path(a, b, max(2, min(100, int(distance_km(a, b) / 100) + 2)))


def detour(a: LatLon, b: LatLon, codes: Iterable[str]) -> Detour | None:
    """The shortest flight a -> b keeping clear of the outlines of `codes`, turning at corners
    of their grown outlines; None if no such route within DETOUR_MAX_FACTOR of the great circle
    (or an end lies inside the closed airspace). Corners within DETOUR_NEAR_FACTOR are tried
    first (a handful), then all within DETOUR_MAX_FACTOR."""
    key = (tuple(a), tuple(b), frozenset(codes))
    found = _detour(*key, DETOUR_NEAR_FACTOR)
    if found is None:
        found = _detour(*key, DETOUR_MAX_FACTOR)
    return found


@functools.lru_cache(maxsize=1024)
def _detour(a: LatLon, b: LatLon, codes: frozenset[str], factor: float) -> Detour | None:
    closed = territory(frozenset(codes))
    if closed.is_empty:
        return Detour(distance_km(a, b), arc(a, b), [])
    keep_off = _grown(frozenset(codes), DETOUR_CLEARANCE_DEG)
    if keep_off.contains(Point(a[1], a[0])) or keep_off.contains(Point(b[1], b[0])):
        return None
    direct = distance_km(a, b)
    if not keep_off.intersects(line_of(arc(a, b))):
        return Detour(direct, arc(a, b), [])
    limit = direct * factor
    corners = [c for c in _corners(frozenset(codes))
               if distance_km(a, c) + distance_km(c, b) <= limit]
    pts: list[LatLon] = [a, b, *corners]
    g = nx.Graph()
    for i, p in enumerate(pts):
        for j in range(i + 1, len(pts)):
            q = pts[j]
            if i == 0 and j == 1:
                continue  # the direct arc: known to cross
            d = distance_km(p, q)
            if d > limit:
                continue
            if not keep_off.intersects(line_of(arc(p, q))):
                g.add_edge(i, j, km=d)
    if 0 not in g or 1 not in g:
        return None
    try:
        km, ids = nx.single_source_dijkstra(g, 0, 1, weight="km")
    except nx.NetworkXNoPath:
        return None
    if km > limit:
        return None
    path: list[LatLon] = []
    for p, q in zip(ids, ids[1:], strict=False):
        seg = great_circle_path(pts[p], pts[q], max(2, int(distance_km(pts[p], pts[q]) / 250)
                                                    + 2))
        path.extend(seg if not path else seg[1:])
    return Detour(km, path, [pts[i] for i in ids[1:-1]])


@functools.lru_cache(maxsize=16)
def _grown(codes: frozenset[str], deg: float) -> BaseGeometry:
    geom = territory(codes).buffer(deg)
    shapely.prepare(geom)
    return geom


@functools.lru_cache(maxsize=16)
def _corners(codes: frozenset[str]) -> tuple[LatLon, ...]:
    grown = territory(codes).buffer(DETOUR_CORNER_DEG).simplify(DETOUR_SIMPLIFY_DEG)
    polys = grown.geoms if hasattr(grown, "geoms") else [grown]
    out: list[LatLon] = []
    for poly in polys:
        for x, y in list(poly.exterior.coords)[:-1]:
            out.append((round(y, 3), round(x, 3)))
    return tuple(out)
