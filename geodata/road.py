"""Road legs over a hand-authored corridor network (geodata/data/road_corridors.yaml).

Nodes are towns, junctions, border crossings and ferry terminals on E-roads, motorways and
trunk roads; each road is the ordered list of nodes it passes, and consecutive nodes are an
edge of length great-circle x ROAD_CIRCUITY (or the road's published length). Water is
crossed only on a named crossing: a fixed link (bridge, tunnel: an ordinary edge, driven,
unless it has a shuttle time) or a ferry (an edge the vehicles ride: its sailing and boarding
hours are added to the leg's time, its sea distance is not driven). A place joins the network
by an access road to the nearest node within SNAP_KM that it can reach without crossing water
or forbidden ground; a road leg is the shortest path on one graph (networkx), and its `path`
is the polyline through the waypoints, so maps draw it along the road.

Places off the network get no road legs unless the scenario opts in with `road_fallback`
(countries where a great circle x a circuity stands in for the missing roads); nothing falls
back silently. Forbidden territory (scenario `forbidden_territory`) is taken out of the graph:
every node inside it and every edge whose line runs through it is removed before routing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from geodata.corridor_file import CorridorNode, load_corridors
from geodata.distance import LatLon, distance_km

# Road distance over great-circle distance along the waypoints of a corridor. With a waypoint
# every 30-100 km a motorway's remaining wiggle is about a tenth: e.g. A2/E30 Berlin-Warszawa
# through the file's nodes is 520 km great circle, x 1.1 = 572 km, against about 575 km by road.
ROAD_CIRCUITY = 1.1
# The access road from a place to its node: local roads, less direct than a motorway (the
# published 1.2-1.4 detour index of European road networks, 1.3).
ACCESS_CIRCUITY = 1.3
# A place uses the nearest node within this distance; beyond it the place is off the network.
SNAP_KM = 60.0
# Longest road leg generated, in road km: beyond ~2,000 km a convoy takes over a week and rail,
# sea or air does the job. Scenario links are not limited.
ROAD_MAX_KM = 2000.0
# Choosing a route, an hour on a ferry or shuttle counts as this many km of driving.
RIDE_KM_PER_H = 60.0

CORRIDORS_FILE = "road_corridors.yaml"
SOURCE_NETWORK = "road corridors"
SOURCE_FALLBACK = "great-circle x road circuity (road_fallback)"


RoadNode = CorridorNode


@dataclass(frozen=True)
class Crossing:
    """A named water crossing: a fixed link (bridge, tunnel) or a ferry."""

    id: str
    name: str
    kind: str  # "fixed_link" | "ferry"
    modes: tuple[str, ...]
    a: str
    b: str
    km: float
    hours: float  # sailing or shuttle time; 0 for a bridge driven across
    board_h: float  # check-in and boarding
    capacity_tpd: float | None
    source: str
    path: tuple[LatLon, ...]  # a -> b, waypoints included

    @property
    def ridden(self) -> bool:
        """Vehicles are carried (ferry, shuttle train) rather than driven across."""
        return self.kind == "ferry" or self.hours > 0

    @property
    def delay_h(self) -> float:
        return self.hours + self.board_h

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "hours": self.hours,
            "board_h": self.board_h, "capacity_tpd": self.capacity_tpd,
            "path": [[round(lat, 4), round(lon, 4)] for lat, lon in self.path],
        }


@dataclass(frozen=True)
class RoadEdge:
    """A road stretch between two corridor nodes, maybe over a named crossing."""
    a: str
    b: str
    km: float
    road: str
    crossing: Crossing | None
    path: tuple[LatLon, ...]  # a -> b


@dataclass(frozen=True)
class RoadAccess:
    """How a place joins the road corridors: its node and the access km."""
    node: str
    km: float  # access road km (great circle x ACCESS_CIRCUITY)


@dataclass(frozen=True)
class RoadRoute:
    """A road route between two places: km, path and crossings used."""
    km: float  # km driven: access roads, edges, fixed links driven across (not ferries)
    path: list[LatLon]
    via: tuple[Crossing, ...] = ()
    nodes: tuple[str, ...] = ()
    source: str = SOURCE_NETWORK

    @property
    def crossing_h(self) -> float:
        return sum(c.delay_h for c in self.via if c.ridden)


@dataclass
class RoadNetwork:
    """The road corridors: nodes, edges and named water crossings."""
    nodes: dict[str, RoadNode]
    edges: list[RoadEdge]
    crossings: dict[str, Crossing] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.graph = nx.Graph()
        for e in self.edges:
            ride = e.crossing is not None and e.crossing.ridden
            weight = (e.crossing.delay_h * RIDE_KM_PER_H if ride and e.crossing else e.km)
            old = self.graph.get_edge_data(e.a, e.b)
            if old is None or old["weight"] > weight:
                self.graph.add_edge(e.a, e.b, weight=weight, edge=e)
        self._dist: dict[str, tuple[dict[str, float], dict[str, list[str]]]] = {}
        self._without: dict[frozenset[str], RoadNetwork] = {}

    def without(self, forbidden: frozenset[str]) -> RoadNetwork:
        """The network with every node inside, and every edge through, forbidden territory
        removed."""
        if not forbidden:
            return self
        if forbidden not in self._without:
            self._without[forbidden] = _restricted(self, forbidden)
        return self._without[forbidden]

    def snap(self, at: LatLon, max_km: float = SNAP_KM,
             forbidden: frozenset[str] = frozenset()) -> RoadAccess | None:
        """The nearest node within max_km reachable from `at` by a straight access road that
        crosses neither water nor forbidden ground; None if there is none."""
        from geodata.geography import crossed, water_pieces

        near = sorted(
            (d, nid) for nid in self.graph.nodes
            if (d := distance_km(at, self.nodes[nid].latlon)) <= max_km
        )
        for d, nid in near:
            line = [at, self.nodes[nid].latlon]
            if water_pieces(line) or (forbidden and crossed(line, forbidden)):
                continue
            return RoadAccess(nid, d * ACCESS_CIRCUITY)
        return None

    def shortest(self, a: str, b: str) -> list[str] | None:
        if a not in self._dist:
            self._dist[a] = nx.single_source_dijkstra(self.graph, a, weight="weight")
        dist, paths = self._dist[a]
        return paths.get(b)

    def route(self, a: LatLon, a_acc: RoadAccess, b: LatLon, b_acc: RoadAccess) -> RoadRoute:
        """Place-to-place route through the nodes the two places use (connected or not: an
        unconnected pair gives None)."""
        if a_acc.node == b_acc.node:
            return RoadRoute(distance_km(a, b) * ACCESS_CIRCUITY, [a, b])
        ids = self.shortest(a_acc.node, b_acc.node)
        if ids is None:
            return _NO_ROUTE
        km = a_acc.km + b_acc.km
        path: list[LatLon] = [a]
        via: list[Crossing] = []
        for u, v in zip(ids, ids[1:], strict=False):
            e: RoadEdge = self.graph.edges[u, v]["edge"]
            pts = list(e.path) if e.a == u else list(reversed(e.path))
            path.extend(pts if path[-1] != pts[0] or len(path) == 1 else pts[1:])
            if e.crossing is not None:
                via.append(e.crossing)
                if e.crossing.ridden:
                    continue  # ridden, not driven
            km += e.km
        path.append(b)
        return RoadRoute(km, path, tuple(via), tuple(ids))


_NO_ROUTE = RoadRoute(float("inf"), [])


class RoadRouter:
    """Road routes between places for one scenario: the network without its forbidden ground,
    each place's access, and the scenario's explicit fallback."""

    def __init__(self, network: RoadNetwork, forbidden: frozenset[str] = frozenset(),
                 fallback_countries: frozenset[str] = frozenset(),
                 fallback_circuity: float = ACCESS_CIRCUITY) -> None:
        self.network = network.without(forbidden)
        self.forbidden = forbidden
        self.fallback_countries = fallback_countries
        self.fallback_circuity = fallback_circuity
        self._access: dict[tuple[float, float], RoadAccess | None] = {}

    def access(self, at: LatLon) -> RoadAccess | None:
        if at not in self._access:
            self._access[at] = self.network.snap(at, forbidden=self.forbidden)
        return self._access[at]

    def route(self, a_country: str, a: LatLon, b_country: str, b: LatLon) -> RoadRoute | None:
        """The road from a to b, or None: no connected nodes, or a place off the network
        without the scenario's fallback for both ends' countries."""
        a_acc, b_acc = self.access(a), self.access(b)
        if a_acc is not None and b_acc is not None:
            r = self.network.route(a, a_acc, b, b_acc)
            if r.path:
                return r
        if a_country in self.fallback_countries and b_country in self.fallback_countries:
            return RoadRoute(distance_km(a, b) * self.fallback_circuity, [a, b],
                             source=SOURCE_FALLBACK)
        return None


def _restricted(net: RoadNetwork, forbidden: frozenset[str]) -> RoadNetwork:
    from shapely.geometry import Point

    from geodata.geography import crossed, territory

    closed = territory(forbidden)
    nodes = {nid: n for nid, n in net.nodes.items()
             if not closed.contains(Point(n.lon, n.lat))}
    edges = [e for e in net.edges if e.a in nodes and e.b in nodes
             and not crossed(list(e.path), forbidden)]
    return RoadNetwork(nodes, edges, net.crossings)


# --- loading ---------------------------------------------------------------------------------

def load_road_network(path: str | Path | None = None) -> RoadNetwork:
    """The corridor network from YAML (the packaged file by default); ValueError if broken."""
    return _packaged() if path is None else load_corridors(CORRIDORS_FILE, path, _build, "road")


@lru_cache(maxsize=1)
def _packaged() -> RoadNetwork:
    return load_corridors(CORRIDORS_FILE, None, _build, "road")


def _gc(path: list[LatLon]) -> float:
    """Great-circle km along a polyline."""
    return sum(distance_km(a, b) for a, b in zip(path, path[1:], strict=False))


def _build(doc: Any, name: str) -> RoadNetwork:
    nodes: dict[str, RoadNode] = {}
    for n in doc.get("nodes") or []:
        nid = str(n["id"])
        if nid in nodes:
            raise ValueError(f"{name}: duplicate road node {nid!r}")
        lat, lon = float(n["lat"]), float(n["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{name}: road node {nid!r} has lat/lon out of range")
        nodes[nid] = RoadNode(nid, str(n.get("name") or nid), lat, lon)

    def node(nid: Any, where: str) -> RoadNode:
        if str(nid) not in nodes:
            raise ValueError(f"{name}: {where} names unknown node {nid!r}")
        return nodes[str(nid)]

    edges: list[RoadEdge] = []
    seen: set[str] = set()
    for r in doc.get("roads") or []:
        rid = str(r["id"])
        if rid in seen:
            raise ValueError(f"{name}: duplicate road {rid!r}")
        seen.add(rid)
        # Entries are node ids (junctions: graph nodes) or [lat, lon] waypoints (shape only:
        # the road bends there, nothing joins it).
        stops: list[tuple[RoadNode, list[LatLon]]] = []
        bends: list[LatLon] = []
        for x in r["nodes"]:
            if isinstance(x, list):
                if not stops:
                    raise ValueError(f"{name}: road {rid!r} must start at a node")
                bends.append((float(x[0]), float(x[1])))
                continue
            stops.append((node(x, f"road {rid}"), bends))
            bends = []
        if len(stops) < 2 or bends:
            raise ValueError(f"{name}: road {rid!r} needs two nodes and must end at a node")
        pieces = []
        for (p, _), (q, mid) in zip(stops, stops[1:], strict=False):
            path = [p.latlon, *mid, q.latlon]
            pieces.append((p, q, path, _gc(path)))
        total = sum(gc for *_, gc in pieces)
        scale = (float(r["km"]) / total) if r.get("km") is not None else ROAD_CIRCUITY
        for p, q, path, gc in pieces:
            edges.append(RoadEdge(p.id, q.id, gc * scale, rid, None, tuple(path)))
    crossings: dict[str, Crossing] = {}
    for c in doc.get("crossings") or []:
        cid = str(c["id"])
        if cid in crossings:
            raise ValueError(f"{name}: duplicate crossing {cid!r}")
        kind = str(c["kind"])
        if kind not in ("fixed_link", "ferry"):
            raise ValueError(f"{name}: crossing {cid!r} kind must be fixed_link or ferry")
        a, b = node(c["from"], f"crossing {cid}"), node(c["to"], f"crossing {cid}")
        sea: list[LatLon] = [(float(w[0]), float(w[1])) for w in c.get("waypoints") or []]
        line: tuple[LatLon, ...] = (a.latlon, *sea, b.latlon)
        gc = _gc(list(line))
        km = float(c["km"]) if c.get("km") is not None else (
            gc if kind == "ferry" else gc * ROAD_CIRCUITY)
        cap = c.get("capacity_tpd")
        x = Crossing(cid, str(c["name"]), kind, tuple(c.get("modes") or ["road"]), a.id, b.id,
                     km, float(c.get("hours") or 0.0), float(c.get("board_h") or 0.0),
                     float(cap) if cap is not None else None, str(c.get("source") or ""),
                     line)
        crossings[cid] = x
        if "road" in x.modes:
            edges.append(RoadEdge(a.id, b.id, km, cid, x, x.path))
    return RoadNetwork(nodes, edges, crossings)
