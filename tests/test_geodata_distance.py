"""Great-circle distances and paths, checked against an independent geodesic (pyproj)."""

from __future__ import annotations

import pytest
from pyproj import Geod

from contracts.scenario import Place
from geodata.distance import distance_km, great_circle_km, great_circle_path, wrap_lon
from geodata.places import resolve_place

WGS84 = Geod(ellps="WGS84")


def _airfield(icao: str, country: str) -> tuple[float, float]:
    p = resolve_place(Place(id=icao, kind="airfield", icao=icao, country=country))
    return p.lat, p.lon


def test_dover_to_ramstein_matches_the_wgs84_geodesic() -> None:
    (lat1, lon1), (lat2, lon2) = _airfield("KDOV", "US"), _airfield("ETAR", "DE")
    ours = great_circle_km(lat1, lon1, lat2, lon2)
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    assert ours == pytest.approx(metres / 1000, rel=0.005)
    # Dover AFB to Ramstein is about 3,440 nmi (6,370 km) great circle.
    assert 6300 < ours < 6450


def test_distance_is_symmetric_and_zero_on_the_spot() -> None:
    a, b = (54.96, 24.08), (39.13, -75.47)
    assert distance_km(a, b) == pytest.approx(distance_km(b, a))
    assert distance_km(a, a) == 0.0


def test_path_runs_end_to_end_along_the_arc() -> None:
    a, b = (39.13, -75.47), (49.44, 7.60)
    path = great_circle_path(a, b, 9)
    assert len(path) == 9 and path[0] == a and path[-1] == b
    total = sum(distance_km(p, q) for p, q in zip(path, path[1:], strict=False))
    assert total == pytest.approx(distance_km(a, b), rel=1e-6)
    # A great circle from the US east coast to Germany bows north of both ends.
    assert max(lat for lat, _ in path) > 50


def test_path_across_the_antimeridian_keeps_longitudes_in_range() -> None:
    path = great_circle_path((35.4, 139.6), (33.7, -118.3), 20)
    assert all(-180 <= lon < 180 for _, lon in path)
    assert wrap_lon(-181.0) == pytest.approx(179.0)


# Road routing (corridors, crossings, forbidden ground): tests/test_geodata_road.py.
