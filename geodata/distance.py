"""Distances and paths on the sphere. Coordinates are (lat, lon) in degrees, WGS84; lengths in km.

A sphere of the mean Earth radius is within about 0.5 % of the WGS84 ellipsoid, far inside the
uncertainty of any planning figure (routings, detours), and keeps the formula dependency-free.
"""

from __future__ import annotations

import math

# IUGG mean Earth radius R1 = (2a + b) / 3 for WGS84, in km.
EARTH_RADIUS_KM = 6371.0088

LatLon = tuple[float, float]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    # min() guards against rounding pushing h a hair above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: LatLon, b: LatLon) -> float:
    """great_circle_km for two (lat, lon) tuples."""
    return great_circle_km(a[0], a[1], b[0], b[1])


def wrap_lon(lon: float) -> float:
    """A longitude in [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def great_circle_path(a: LatLon, b: LatLon, n: int = 32) -> list[LatLon]:
    """n points (n >= 2, ends included) evenly spaced along the shorter great-circle arc a -> b.

    For drawing flights on a map, where a straight line in lat/lon would misplace the route by
    hundreds of km on a transatlantic leg. Longitudes are wrapped into [-180, 180), so a path
    crossing the antimeridian jumps from +180 to -180; a map should split the line there.
    """
    if n < 2:
        raise ValueError("a path needs at least its two ends (n >= 2)")
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    # Unit vectors; interpolate along the arc by spherical linear interpolation.
    v1 = (math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1))
    v2 = (math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2))
    dot = max(-1.0, min(1.0, sum(x * y for x, y in zip(v1, v2, strict=True))))
    omega = math.acos(dot)
    if omega < 1e-12 or math.pi - omega < 1e-9:
        # Same point, or antipodes (no unique arc): fall back to the two ends.
        return [a] + [a] * (n - 2) + [b] if omega < 1e-12 else [a, b]
    sin_omega = math.sin(omega)
    out: list[LatLon] = []
    for i in range(n):
        t = i / (n - 1)
        k1 = math.sin((1 - t) * omega) / sin_omega
        k2 = math.sin(t * omega) / sin_omega
        x, y, z = (k1 * p + k2 * q for p, q in zip(v1, v2, strict=True))
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = wrap_lon(math.degrees(math.atan2(y, x)))
        out.append((lat, lon))
    out[0], out[-1] = a, b  # exact ends, no rounding drift
    return out


def path_points_for(km: float) -> int:
    """How many points to draw an arc of `km` with: one per ~250 km, 2 to 40."""
    return max(2, min(40, int(km / 250) + 2))
