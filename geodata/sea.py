"""Sea legs along searoute's shipping-lane network, with closed passages honoured and results
cached in memory and on disk (a route takes 20-125 ms; a scenario asks for ~100 of them).

searoute pitfalls handled here (see its source, searoute/searoute.py):
- `restrictions` replaces the default ['northwest'] (the Northwest Passage, closed by ice most of
  the year), so it is always passed, explicitly, with 'northwest' in it; passing None would keep
  whatever the previous call closed on the shared cached graph.
- A route blocked by closures comes back with no coordinates and length 0, plus a UserWarning:
  that is "no leg", not a zero-length leg.
- Lines crossing the Pacific run below -180 degrees: longitudes are wrapped back.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from contracts.errors import NetworkError
from contracts.files import write_json
from geodata.distance import LatLon, distance_km, wrap_lon

# Paths are for drawing; more points than this only bloat resolved.json.
MAX_PATH_POINTS = 200
# Bump when what is cached (or how it is simplified) changes, so old files are not trusted.
CACHE_FORMAT = 1


@dataclass(frozen=True)
class SeaRoute:
    """A sea route from searoute: km and the path along the sea lanes."""
    km: float
    path: list[LatLon]  # (lat, lon), from origin to destination


@dataclass(frozen=True)
class SeaEnd:
    """One end of a sea route: a LOCODE when the place has one (stable cache key), and where."""

    key: str
    latlon: LatLon

    @staticmethod
    def of(locode: str | None, latlon: LatLon) -> SeaEnd:
        return SeaEnd(locode or f"{latlon[0]:.5f},{latlon[1]:.5f}", latlon)


def cache_dir() -> Path:
    """Where sea routes are cached between runs ($XDG_CACHE_HOME/mobilize)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mobilize"


@lru_cache(maxsize=1)
def _searoute_version() -> str:
    try:
        return version("searoute")
    except PackageNotFoundError:  # pragma: no cover - searoute is a dependency
        return "unknown"


class SeaRouter:
    """Routes between sea ends under one set of closed passages, memoised and kept on disk.

    Routes are symmetric (the lane graph is undirected), so A->B and B->A share one entry.
    One JSON file per searoute version holds every route computed so far; a missing or
    corrupt file just means recomputing. Call `save()` once after a batch of lookups.
    """

    def __init__(self, closed_passages: Iterable[str] = (),
                 directory: Path | None = None) -> None:
        self.closures = sorted(set(closed_passages) - {"northwest"})
        self.directory = directory if directory is not None else cache_dir()
        self._routes: dict[str, SeaRoute | None] | None = None
        self._dirty = False

    @property
    def file(self) -> Path:
        return self.directory / f"sea_routes-searoute{_searoute_version()}-v{CACHE_FORMAT}.json"

    def route(self, a: SeaEnd, b: SeaEnd) -> SeaRoute | None:
        """The sea route a -> b, or None when closed passages block every way."""
        routes = self._loaded()
        flip = a.key > b.key
        lo, hi = (b, a) if flip else (a, b)
        key = f"{lo.key}|{hi.key}|{','.join(self.closures)}"
        if key not in routes:
            routes[key] = _compute(lo.latlon, hi.latlon, ["northwest", *self.closures])
            self._dirty = True
        found = routes[key]
        if found is None or not flip:
            return found
        return SeaRoute(found.km, found.path[::-1])

    def save(self) -> None:
        """Write new routes to the disk cache atomically; a failure to write is not an error."""
        if not self._dirty or self._routes is None:
            return
        data = {
            k: None if r is None else {"km": r.km, "path": [list(p) for p in r.path]}
            for k, r in self._routes.items()
        }
        try:
            write_json(self.file, data, compact=True)
            self._dirty = False
        except OSError:
            # A read-only home or full disk costs speed next time, never the result.
            pass

    def _loaded(self) -> dict[str, SeaRoute | None]:
        if self._routes is None:
            self._routes = _read_cache(self.file)
        return self._routes


def _read_cache(file: Path) -> dict[str, SeaRoute | None]:
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, SeaRoute | None] = {}
    if not isinstance(raw, dict):
        return {}
    for k, v in raw.items():
        try:
            out[str(k)] = None if v is None else SeaRoute(
                float(v["km"]), [(float(p[0]), float(p[1])) for p in v["path"]]
            )
        except (KeyError, TypeError, ValueError, IndexError):
            continue  # one damaged entry is recomputed, the rest still count
    return out


def _compute(a: LatLon, b: LatLon, restrictions: list[str]) -> SeaRoute | None:
    import searoute  # loads the lane graph (~0.2 s) only on a cache miss

    try:
        with warnings.catch_warnings():
            # The "No path found" UserWarning is the blocked-route signal, checked below.
            warnings.simplefilter("ignore")
            # Not append_orig_dest: it adds the two ends even to a blocked route, which would
            # then look like a straight line across land.
            feat = searoute.searoute(
                [a[1], a[0]], [b[1], b[0]], units="km", restrictions=list(restrictions)
            )
    except Exception as exc:  # searoute raises bare Exceptions on bad input
        raise NetworkError(f"searoute failed between {a} and {b}: {exc}") from exc
    coords = feat["geometry"]["coordinates"]
    if not coords:
        return None
    lanes = [(float(lat), wrap_lon(float(lon))) for lon, lat in coords]
    # The route starts and ends at the lane nodes nearest the ports: add the short hops from
    # and to the ports themselves so the path and km run port to port.
    km = float(feat["properties"]["length"]) + distance_km(a, lanes[0]) + distance_km(
        lanes[-1], b
    )
    return SeaRoute(round(km, 1), simplify_path([a, *lanes, b]))


def simplify_path(path: list[LatLon], max_points: int = MAX_PATH_POINTS) -> list[LatLon]:
    """At most `max_points` points, keeping the shape (Douglas-Peucker, growing tolerance).

    Works on longitudes unwrapped along the line, so an antimeridian jump is not mistaken for a
    1° wiggle, then wraps them back.
    """
    if len(path) <= max_points:
        return path
    from shapely.geometry import LineString

    unwrapped = [path[0]]
    for lat, lon in path[1:]:
        prev = unwrapped[-1][1]
        lon += 360.0 * round((prev - lon) / 360.0)
        unwrapped.append((lat, lon))
    line = LineString([(lon, lat) for lat, lon in unwrapped])
    tol = 0.01
    simple = line
    while len(simple.coords) > max_points:
        simple = line.simplify(tol, preserve_topology=False)
        tol *= 2
    return [(round(y, 5), wrap_lon(x)) for x, y in simple.coords]
