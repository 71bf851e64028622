"""The offline basemap: Natural Earth country outlines as a styled GeoJson layer.

Offline there are no tiles, so land, sea and borders come from `geodata.outlines`. The
outlines are clipped to the region the plan spans and simplified to the map's scale: the
whole 1:50m world is about 2 MB, which every map and report would otherwise carry.
"""

from __future__ import annotations

from typing import Any

import folium
import shapely

from geodata.outlines import load_countries

SEA_COLOR = "#cfe0ec"
LAND_STYLE = {"fillColor": "#f4f1ea", "color": "#9c9c9c", "weight": 0.7, "fillOpacity": 1.0}
ALLY_STYLE = {"fillColor": "#ffe8a3", "color": "#b26b00", "weight": 2.0, "fillOpacity": 1.0}
# Below Leaflet's tile pane (200): when the optional online tiles are switched on they cover
# the outlines instead of mixing with them.
BASEMAP_PANE = "basemap"
BASEMAP_Z = 150
FINE_TOLERANCE_DEG = 0.01  # about 1 km: close to the 1:50m source itself

Bounds = tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))


def _grown(bounds: Bounds, margin_deg: float) -> shapely.Polygon:
    """The bounds plus a margin (twice as wide east-west), as a lon/lat box."""
    (s, w), (n, e) = bounds
    return shapely.box(max(-180.0, w - 2 * margin_deg), max(-89.0, s - margin_deg),
                       min(180.0, e + 2 * margin_deg), min(89.0, n + margin_deg))


def outline_features(bounds: Bounds, ally: str, detail: Bounds | None = None
                     ) -> dict[str, Any]:
    """Countries within `bounds` + a margin, simplified, as a GeoJSON FeatureCollection.

    Countries touching `detail` (the theatre, where a planner zooms in) keep 1:50m detail;
    the rest are simplified to about a pixel of the whole view. Each feature carries its
    Leaflet style in properties.style (the ally highlighted) and its code, nothing more.
    """
    box = _grown(bounds, 20.0)
    fine = _grown(detail or bounds, 3.0)
    w, _, e, _ = box.bounds
    coarse_tol = max(FINE_TOLERANCE_DEG, (e - w) / 1400.0)
    countries = load_countries()
    features = []
    for _, row in countries.iloc[countries.sindex.query(box)].iterrows():
        tol = FINE_TOLERANCE_DEG if row.geometry.intersects(fine) else coarse_tol
        geom = shapely.intersection(row.geometry, box)
        geom = shapely.set_precision(geom.simplify(tol, preserve_topology=True), 0.001)
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        is_ally = row["iso_a2"] == ally
        features.append({
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geom),
            "properties": {
                "iso_a2": row["iso_a2"],
                "style": ALLY_STYLE if is_ally else LAND_STYLE,
            },
        })
    # The ally last, so its thick border is drawn over its neighbours' thin ones.
    features.sort(key=lambda f: f["properties"]["iso_a2"] == ally)
    return {"type": "FeatureCollection", "features": features}


def add_basemap(m: folium.Map, bounds: Bounds, ally: str, detail: Bounds | None = None
                ) -> None:
    """Country outlines (the ally highlighted) under everything, and optional online tiles."""
    folium.map.CustomPane(BASEMAP_PANE, z_index=BASEMAP_Z, pointer_events=False).add_to(m)
    folium.GeoJson(
        outline_features(bounds, ally, detail),
        name="Country outlines",
        control=False,
        interactive=False,
        pane=BASEMAP_PANE,
    ).add_to(m)
    # Online only, off by default: with no network it just stays blank.
    folium.TileLayer(
        "OpenStreetMap",
        name="OpenStreetMap tiles (online only)",
        overlay=True,
        show=False,
        control=True,
    ).add_to(m)
