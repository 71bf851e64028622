"""The geography rule: legs keep out of closed territory and airspace, and surface legs
cross open water only on named crossings; read against the shipped country outlines."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from checker.context import Ctx, Violation, fmt

# Geography: what rule_geography tolerates (the shipped outlines are 1:50m, good to a few
# hundred metres): inside a closed country for at most INSIDE_KM, over water for pieces of at
# most WATER_KM, water within END_KM of a leg's ends (ports on the coast), and water within
# VIA_KM of a named crossing the leg lists in `via`.
GEO_INSIDE_KM = 0.5
GEO_WATER_KM = 3.0
GEO_END_KM = 5.0
GEO_VIA_KM = 10.0
_KM_PER_DEG = 111.0


def _outlines() -> dict[str, Any]:
    """ISO alpha-2 code -> shapely geometry, read from the shipped countries.geojson."""
    from shapely.geometry import shape  # checker reads the file itself: no geodata import

    f = Path(__file__).resolve().parent.parent / "geodata" / "data" / "countries.geojson"
    doc = json.loads(f.read_text(encoding="utf-8"))
    return {
        ft["properties"]["iso_a2"]: shape(ft["geometry"])
        for ft in doc["features"]
        if ft["properties"].get("iso_a2")
    }


def _geo_km(geom: Any) -> float:
    """Length in km of a (multi)line in lon/lat degrees, by the haversine on its segments."""
    if geom.is_empty:
        return 0.0
    total = 0.0
    for ln in getattr(geom, "geoms", [geom]):
        xy = list(getattr(ln, "coords", []))
        for (x1, y1), (x2, y2) in zip(xy, xy[1:], strict=False):
            p1, p2 = math.radians(y1), math.radians(y2)
            h = (math.sin((p2 - p1) / 2) ** 2
                 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(x2 - x1) / 2) ** 2)
            total += 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
    return total


def rule_geography(ctx: Ctx) -> list[Violation]:
    """Legs the plan uses keep out of forbidden territory (surface) and closed airspace (air),
    and road/rail legs cross open water only on a named crossing they list in `via`."""
    geo = ctx.resolved.get("geography") or {}
    forbidden = set(geo.get("forbidden_territory") or [])
    airspace = set(geo.get("closed_airspace") or [])
    used = sorted({t["leg"] for t in ctx.trips if t["leg"] in ctx.legs})
    surface = [lid for lid in used if ctx.legs[lid]["mode"] in ("road", "rail")]
    if not used or not (forbidden or airspace or surface):
        return []
    from shapely.geometry import LineString, Point

    shapes = ctx.cache.get("outlines")
    if shapes is None:
        shapes = ctx.cache["outlines"] = _outlines()
    out: list[Violation] = []
    for lid in used:
        leg = ctx.legs[lid]
        pts = leg.get("path") or []
        if len(pts) < 2:
            continue
        line = LineString([(p[1], p[0]) for p in pts])
        closed = airspace if leg["mode"] == "air" else (
            forbidden if leg["mode"] in ("road", "rail") else set())
        for code in sorted(closed):
            geom = shapes.get(code)
            if geom is None or not geom.intersects(line):
                continue
            km = _geo_km(line.intersection(geom))
            if km > GEO_INSIDE_KM:
                what = "airspace" if leg["mode"] == "air" else "territory"
                out.append(Violation("geography", f"leg {lid}",
                                     f"{leg['mode']} path runs {fmt(round(km, 1))} km inside "
                                     f"closed {what} of {code}"))
        if leg["mode"] not in ("road", "rail"):
            continue
        wet = line
        for g in shapes.values():  # one outline at a time: cheaper than their union
            if not wet.is_empty and g.intersects(wet):
                wet = wet.difference(g)
        ends = Point(pts[0][1], pts[0][0]).buffer(GEO_END_KM / _KM_PER_DEG).union(
            Point(pts[-1][1], pts[-1][0]).buffer(GEO_END_KM / _KM_PER_DEG))
        wet = wet.difference(ends)
        for v in leg.get("via") or []:
            vp = v.get("path") or []
            if len(vp) >= 2:
                zone = LineString([(p[1], p[0]) for p in vp]).buffer(GEO_VIA_KM / _KM_PER_DEG)
                wet = wet.difference(zone)
        pieces = [g for g in getattr(wet, "geoms", [wet]) if _geo_km(g) > GEO_WATER_KM]
        if pieces:
            x, y = list(pieces[0].coords)[0]
            out.append(Violation("geography", f"leg {lid}",
                                 f"{leg['mode']} path crosses {fmt(round(_geo_km(pieces[0]), 1))}"
                                 f" km of open water near ({fmt(round(y, 2))}, "
                                 f"{fmt(round(x, 2))}) outside any named ferry or fixed link"))
    return out
