"""Country outlines (Natural Earth 1:50m, public domain) shipped with mobilize.

The file is `geodata/data/countries.geojson`, made by `geodata/data/make_countries.py`
(see `geodata/data/SOURCES.md`). It works offline: maps use it as their basemap, and the
geodata code uses it to tell which country a place is in.

Properties: `iso_a2` (ISO 3166-1 alpha-2; Kosovo is XK; null only for the disputed
Siachen Glacier), `iso_a3`, `iso_n3`, `name` (Natural Earth short name), `continent`
(Natural Earth's: "Europe", "Asia", "North America", ...; Russia is in Europe). One
feature per code, as in ISO 3166: Somaliland is part of SO, N. Cyprus of CY, Crimea of UA.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import geopandas as gpd
import shapely

COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "countries.geojson"


@functools.lru_cache(maxsize=1)
def load_countries() -> gpd.GeoDataFrame:
    """All countries, one row per ISO code, in EPSG:4326 (x = longitude).

    The frame is cached and shared by every caller: `.copy()` it before changing it.
    """
    gdf = gpd.read_file(COUNTRIES_FILE)
    # The file says OGC:CRS84 (GeoJSON's lon/lat); geopandas keeps x = lon for EPSG:4326
    # too, so this relabels without touching a coordinate.
    return gdf.set_crs("EPSG:4326", allow_override=True)


def country_at(lat: float, lon: float) -> str | None:
    """ISO alpha-2 code of the country at (lat, lon) in degrees WGS84, or None at sea.

    Outlines are 1:50m: within a few hundred metres of a coast or border the answer may be
    the neighbour's or None. Longitudes outside [-180, 180) are wrapped.
    """
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90:
        raise ValueError(f"not a (lat, lon) position: ({lat}, {lon})")
    lon = (lon + 180.0) % 360.0 - 180.0
    gdf = load_countries()
    hits = gdf.sindex.query(shapely.Point(lon, lat), predicate="intersects")
    for i in sorted(hits):
        code = gdf.iloc[i]["iso_a2"]
        if isinstance(code, str):
            return code
    return None


def continent_of(code: str) -> str | None:
    """Natural Earth continent of an ISO alpha-2 code (any case), or None if unknown."""
    return _continents().get(code.strip().upper())


@functools.lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    gdf = load_countries()
    coded = gdf[gdf["iso_a2"].notna()]
    return dict(zip(coded["iso_a2"], coded["continent"], strict=True))
