"""Rail legs over a hand-authored corridor network (geodata/data/rail_corridors.yaml).

Gauge is the point: a train runs only on its own gauge. Each gauge gets its own graph; a
place serving two gauges (Šeštokai, Kaunas) attaches to both, and is where cargo moves from
one gauge's train to the other's. Legs are emitted per gauge, so a 1435 mm fleet can reach
Kaunas from Bremerhaven but Vilnius only by a 1520 mm leg starting at a gauge-break place;
the optimizer sees the reload as an ordinary transfer there (the place's handling_h and
throughput apply). Coordinates (lat, lon) degrees WGS84; km.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from geodata.corridor_file import CorridorNode, load_corridors
from geodata.distance import LatLon, distance_km

# Track length over great-circle distance, for corridor edges without a published length. The
# four published lengths in rail_corridors.yaml run 1.03-1.41x great circle, 1.20 on average;
# lines across the North European plain are fairly straight, so 1.2 is used throughout.
RAIL_CIRCUITY = 1.2
# A railhead, port or base uses the corridor node nearest it if within this distance (a yard,
# siding or spur line); beyond it the place is taken to have no rail access.
SNAP_KM = 30.0

CORRIDORS_FILE = "rail_corridors.yaml"


RailNode = CorridorNode


@dataclass(frozen=True)
class RailEdge:
    """A stretch of track of one gauge between two corridor nodes."""
    a: str
    b: str
    gauge_mm: int
    km: float
    published: bool  # km from a cited source (else great-circle x RAIL_CIRCUITY)


@dataclass(frozen=True)
class Access:
    """How a place reaches one gauge's network: the node it snaps to and the stub in km."""

    node: str
    stub_km: float


@dataclass(frozen=True)
class RailRoute:
    """A rail route between two places: km, path and the nodes it passes."""
    gauge_mm: int
    km: float
    path: list[LatLon]
    nodes: list[str]


@dataclass
class RailNetwork:
    """The rail corridors: nodes and edges by gauge."""
    nodes: dict[str, RailNode]
    edges: list[RailEdge]
    graphs: dict[int, nx.Graph] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.edges:
            g = self.graphs.setdefault(e.gauge_mm, nx.Graph())
            g.add_edge(e.a, e.b, km=e.km)
        self._dist: dict[tuple[int, str], tuple[dict[str, float], dict[str, list[str]]]] = {}

    @property
    def gauges(self) -> list[int]:
        return sorted(self.graphs)

    def serves(self, node: str, gauge_mm: int) -> bool:
        g = self.graphs.get(gauge_mm)
        return g is not None and node in g

    def snap(self, at: LatLon, gauge_mm: int, max_km: float = SNAP_KM) -> Access | None:
        """The nearest node on the gauge's network within max_km of `at`, or None."""
        g = self.graphs.get(gauge_mm)
        if g is None:
            return None
        best: tuple[float, str] | None = None
        for nid in g.nodes:
            d = distance_km(at, self.nodes[nid].latlon)
            if d <= max_km and (best is None or d < best[0]):
                best = (d, nid)
        return None if best is None else Access(best[1], best[0] * RAIL_CIRCUITY)

    def shortest(self, gauge_mm: int, a: str, b: str) -> tuple[float, list[str]] | None:
        """Track km and node ids along the shortest path a -> b on one gauge, or None."""
        key = (gauge_mm, a)
        if key not in self._dist:
            # One Dijkstra per source serves every destination: a scenario asks many pairs.
            self._dist[key] = nx.single_source_dijkstra(self.graphs[gauge_mm], a, weight="km")
        dist, paths = self._dist[key]
        if b not in dist:
            return None
        return dist[b], paths[b]

    def route(self, a: LatLon, a_acc: Access, b: LatLon, b_acc: Access,
              gauge_mm: int) -> RailRoute | None:
        """Place-to-place route on one gauge; None if unconnected or both use the same node
        (then the two places are a short road move apart, not a train journey)."""
        if a_acc.node == b_acc.node:
            return None
        found = self.shortest(gauge_mm, a_acc.node, b_acc.node)
        if found is None:
            return None
        track_km, ids = found
        km = a_acc.stub_km + track_km + b_acc.stub_km
        path = [a, *(self.nodes[i].latlon for i in ids), b]
        return RailRoute(gauge_mm, round(km, 1), path, ids)


def load_rail_network(path: str | Path | None = None) -> RailNetwork:
    """The corridor network from YAML (the packaged file by default); ValueError if broken."""
    return _packaged() if path is None else load_corridors(CORRIDORS_FILE, path, _build, "rail")


@lru_cache(maxsize=1)
def _packaged() -> RailNetwork:
    return load_corridors(CORRIDORS_FILE, None, _build, "rail")


def _build(doc: Any, name: str) -> RailNetwork:
    nodes: dict[str, RailNode] = {}
    for n in doc.get("nodes") or []:
        nid = str(n["id"])
        if nid in nodes:
            raise ValueError(f"{name}: duplicate rail node {nid!r}")
        lat, lon = float(n["lat"]), float(n["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{name}: rail node {nid!r} has lat/lon out of range")
        nodes[nid] = RailNode(nid, str(n.get("name") or nid), lat, lon)
    edges: list[RailEdge] = []
    for e in doc.get("edges") or []:
        a, b = str(e["from"]), str(e["to"])
        for end in (a, b):
            if end not in nodes:
                raise ValueError(f"{name}: rail edge {a}-{b} names unknown node {end!r}")
        gauges = e["gauge_mm"] if isinstance(e["gauge_mm"], list) else [e["gauge_mm"]]
        published = e.get("km") is not None
        km = float(e["km"]) if published else (
            distance_km(nodes[a].latlon, nodes[b].latlon) * RAIL_CIRCUITY
        )
        for g in gauges:
            edges.append(RailEdge(a, b, int(g), km, published))
    return RailNetwork(nodes, edges)
