"""Sectors of the ally: their areas, and how far each is from its requirement day by day.

A sector is a circle (lat/lon + radius_km) or a GeoJSON polygon. Circles are buffered in a
local azimuthal equidistant projection centred on the sector, so a 60 km radius is 60 km
on the ground at any latitude, then returned in lon/lat degrees (WGS84, GeoJSON order).
"""

from __future__ import annotations

import functools
from typing import Any

import folium
import pyproj
import shapely
from shapely.geometry import mapping, shape

from contracts.met import is_met
from contracts.network import Sector
from contracts.plan import ForceResult
from maps.planview import PlanView
from maps.style import esc, gap_color, short_name

SECTOR_OUTLINE = "#3a3a3a"


def sector_geometry(sector: Sector) -> shapely.Polygon | shapely.MultiPolygon:
    """The sector's area in lon/lat degrees: its polygon if given, else a circle."""
    if sector.polygon:
        geom = shape(sector.polygon)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        return geom
    return _circle(sector.lat, sector.lon, float(sector.radius_km or 25))


@functools.lru_cache(maxsize=256)
def _circle(lat: float, lon: float, radius_km: float) -> shapely.Polygon:
    local = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +units=m +datum=WGS84")
    to_lonlat = pyproj.Transformer.from_crs(local, "EPSG:4326", always_xy=True).transform
    disc = shapely.Point(0.0, 0.0).buffer(radius_km * 1000.0, quad_segs=16)
    return shapely.transform(disc, to_lonlat, interleaved=False)


def gap_fraction(gap: float, required: float) -> float:
    """Share of the required capability still missing: 0 met, 1 nothing there."""
    return gap / required if required > 0 else 0.0


def sector_day_text(view: PlanView, sid: str, day: int) -> str:
    """'armor 2.0 / 3 · infantry 1.0 / 1' for a sector on a day, escaped."""
    parts = []
    for r in view.plan.readiness:
        if r.sector == sid and r.day == day:
            parts.append(f"{esc(r.capability)} {r.delivered:.1f} / {r.required:g}")
    return " &middot; ".join(parts)


def requirements_table(view: PlanView, sector: Sector) -> str:
    """Requirements with delivered capability on their day and at the end of the horizon."""
    delivered: dict[tuple[str, int], float] = {}
    for r in view.plan.readiness:
        if r.sector == sector.id:
            delivered[(r.capability, r.day)] = r.delivered
    last = view.horizon_days - 1
    rows = []
    for q in sector.requirements:
        cap, day = q.capability, int(q.by_day)
        on_day = delivered.get((cap, min(day, last)), 0.0)
        ok = is_met(float(q.amount), on_day)
        mark = "&#10003;" if ok else "<b style='color:#d7301f'>short</b>"
        rows.append(
            f"<tr><td>{esc(cap)}</td><td>{float(q.amount):g}</td><td>C+{day}</td>"
            f"<td>{on_day:.1f} {mark}</td><td>{delivered.get((cap, last), 0.0):.1f}</td></tr>"
        )
    head = ("<tr><th>capability</th><th>need</th><th>by</th><th>there by then</th>"
            f"<th>C+{last}</th></tr>")
    return f"<table class='mbz-days'>{head}{''.join(rows)}</table>"


def forces_in(view: PlanView, sid: str) -> list[ForceResult]:
    """The plan's forces assigned to a sector."""
    return [f for f in view.plan.forces if f.sector == sid]


def _force_name(view: PlanView, force_id: str) -> str:
    force = view.forces.get(force_id)
    return force.name if force is not None and force.name else force_id


def sector_popup(view: PlanView, sector: Sector) -> str:
    """A sector's popup: its requirements, what is there on time, and its forces."""
    forces = forces_in(view, sector.id)
    names = ", ".join(esc(_force_name(view, f.force)) for f in forces)
    return (
        f"<b>{esc(sector.name or sector.id)}</b> <code>{esc(sector.id)}</code>"
        f"{requirements_table(view, sector)}"
        f"forces assigned: {names or 'none'}"
    )


def add_sectors(m: folium.Map, view: PlanView) -> folium.FeatureGroup | None:
    """Sector outlines with their names and requirements (static; the fill is animated)."""
    if not view.sectors:
        return None
    group = folium.FeatureGroup(name="Sectors (outline, requirements)", show=True)
    for sid, s in view.sectors.items():
        label = short_name(s.name or sid, 22, (" (", ", ", " / ", " and "))
        style = {"color": SECTOR_OUTLINE, "weight": 1.6, "dashArray": "5 4", "fill": True,
                 "fillOpacity": 0.0}
        feature = {"type": "Feature", "geometry": mapping(sector_geometry(s)),
                   "properties": {"style": style}}
        area = folium.GeoJson(feature, tooltip=folium.Tooltip(esc(s.name or sid)))
        folium.Popup(sector_popup(view, s), max_width=420).add_to(area)
        area.add_to(group)
        folium.Marker(
            (s.lat, s.lon),
            icon=folium.DivIcon(
                html=f"<div class='mbz-sector-label'>{label}</div>",
                icon_size=(160, 16), icon_anchor=(80, 8), class_name="mbz-label-icon"),
            interactive=False,
        ).add_to(group)
    group.add_to(m)
    return group


def gap_features(view: PlanView) -> list[dict[str, Any]]:
    """One timed Polygon per sector, part and day, filled by that day's gap share.

    The time is the start of the day (the readiness row says how the sector stands on that
    day); the timeline shows each for just under a day, so days never overlap.
    """
    out = []
    for sid, days in sorted(view.sector_gap_by_day.items()):
        sector = view.sectors.get(sid)
        if sector is None:
            continue
        # Each day repeats the outline: a coarser one keeps the page small.
        geom = sector_geometry(sector).simplify(0.01)
        parts = list(geom.geoms) if isinstance(geom, shapely.MultiPolygon) else [geom]
        name = esc(sector.name or sid)
        for day, (gap, req) in sorted(days.items()):
            frac = gap_fraction(gap, req)
            color = gap_color(frac)
            tip = (f"<b>{name}</b> C+{day}: {frac:.0%} of required capability missing<br>"
                   f"{sector_day_text(view, sid, day)}")
            for part in parts:
                # Outer ring only: the timeline slices Polygon rings by time, and holes
                # would be taken for later times.
                ring = [[round(x, 3), round(y, 3)] for x, y in part.exterior.coords]
                out.append({
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {
                        "times": [view.iso(24.0 * day)],
                        "style": {"color": color, "weight": 1, "fillColor": color,
                                  "fillOpacity": 0.45, "opacity": 0.8},
                        "tooltip": tip,
                    },
                })
    return out
