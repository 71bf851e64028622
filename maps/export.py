"""Export a plan for GIS tools, Google Earth and spreadsheets.

`export_plan(network, plan, out_dir, fmt)` writes into the solve folder DIR:

- geojson: DIR/plan.geojson, routes and places in one FeatureCollection (property `layer`
  is "routes" or "places"); times as ISO 8601 UTC strings.
- gpkg: DIR/plan.gpkg with layers `routes` and `places` (times as datetime fields, so
  QGIS's temporal controller can animate the routes).
- kml: DIR/plan.kml, a TimeSpan per trip so Google Earth's time slider animates it.
- csv: DIR/plan-routes.csv and DIR/plan-places.csv (geometry as WKT). Not plan.csv:
  `mobilize solve` already writes that file (one row per force per trip).
- xlsx: DIR/plan.xlsx with sheets `routes` and `places`.
- tpfdd: DIR/tpfdd.csv, one row per unit line: its legs, POD arrival, closure against RDD
  and LAD (maps/tpfdd.py).
- node-load: DIR/node-load.csv, per place and day: tons arriving, aircraft ground hours and
  that day's throughput and MOG limits (maps/tpfdd.py).

A route is one trip: `vehicles` vehicles of `fleet` from `from` to `to`, along the leg's
path (lon/lat, WGS84), departing and arriving at C-day 00:00 UTC plus the plan's hours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
import shapely

from contracts.files import write_atomic
from contracts.network import Network
from contracts.plan import Plan
from maps.places_layer import place_use
from maps.planview import PlanView
from maps.style import member_color
from maps.tpfdd import write_node_load, write_tpfdd

Frame = TypeVar("Frame", bound=pd.DataFrame)

FORMATS = ("geojson", "gpkg", "kml", "csv", "xlsx", "tpfdd", "node-load")
CRS = "EPSG:4326"

# KML line widths by mode, in pixels.
KML_WIDTH = {"sea": 4.0, "air": 1.5, "rail": 3.0, "road": 2.5}


def _utc(view: PlanView, hours: float) -> pd.Timestamp:
    return pd.Timestamp(view.when(hours), tz="UTC")


def route_frame(view: PlanView) -> gpd.GeoDataFrame:
    """One row per trip, in plan order, with the leg's path as a LineString."""
    rows = []
    for i, t in enumerate(view.trips):
        members = view.trip_tons_by_member(t)
        path = view.leg_path(t.leg) if t.leg in view.legs else [
            view.node(t.from_).latlon, view.node(t.to).latlon]
        fleet = view.fleets.get(t.fleet)
        rows.append({
            "trip": i,
            "leg": t.leg,
            "fleet": t.fleet,
            "fleet_name": fleet.name if fleet is not None and fleet.name else t.fleet,
            "mode": t.mode,
            "from": t.from_,
            "to": t.to,
            "from_name": view.node(t.from_).name if view.has_node(t.from_) else t.from_,
            "to_name": view.node(t.to).name if view.has_node(t.to) else t.to,
            "depart": _utc(view, t.depart_h),
            "arrive": _utc(view, t.arrive_h),
            "return": _utc(view, t.return_h or t.arrive_h),
            "depart_h": t.depart_h,
            "arrive_h": t.arrive_h,
            "vehicles": t.vehicles,
            "tons": t.tons,
            "pax": t.pax,
            "forces": ";".join(c.force for c in t.cargo),
            "members": ";".join(sorted(members)),
            "geometry": shapely.LineString([(lon, lat) for lat, lon in path]),
        })
    columns = ["trip", "leg", "fleet", "fleet_name", "mode", "from", "to", "from_name",
               "to_name", "depart", "arrive", "return", "depart_h", "arrive_h", "vehicles",
               "tons", "pax", "forces", "members", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=CRS)


def place_frame(view: PlanView) -> gpd.GeoDataFrame:
    """Every place and sector as a point, with its limits and how hard the plan uses it."""
    uses = place_use(view)
    rows = []
    for pid, p in view.places.items():
        u = uses[pid]
        rows.append({
            "id": pid, "name": p.name or pid, "kind": p.kind, "country": p.country,
            "throughput_tpd": p.throughput_tpd, "mog": p.mog,
            "closed": p.closed, "used": u.used, "tons_in": u.tons,
            "peak_use": u.peak, "peak_day": u.peak_day,
            "geometry": shapely.Point(p.lon, p.lat),
        })
    for sid in view.sectors:
        if sid in view.places:
            continue
        s = view.sector_place(sid)
        rows.append({"id": sid, "name": s.name or sid, "kind": s.kind,
                     "country": s.country, "throughput_tpd": None, "mog": None,
                     "closed": False, "used": True, "tons_in": None, "peak_use": None,
                     "peak_day": None,
                     "geometry": shapely.Point(s.lon, s.lat)})
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    for col in ("throughput_tpd", "mog", "tons_in", "peak_use"):
        frame[col] = pd.to_numeric(frame[col]).astype("float64")
    frame["peak_day"] = pd.to_numeric(frame["peak_day"]).astype("Int64")
    return frame


def _iso_times(frame: Frame) -> Frame:
    """Datetime columns as ISO 8601 UTC strings (GeoJSON and CSV have no datetime type)."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def _naive_times(frame: Frame) -> Frame:
    """Datetime columns without a time zone (Excel has none); values stay UTC."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    return out


def write_geojson(view: PlanView, path: Path) -> Path:
    """Routes and places in one FeatureCollection, property `layer` telling which."""
    features: list[dict[str, Any]] = []
    for layer, frame in (("routes", route_frame(view)), ("places", place_frame(view))):
        collection = json.loads(_iso_times(frame).to_json(drop_id=True, na="null"))
        for f in collection["features"]:
            f["properties"] = {"layer": layer, **f["properties"]}
            features.append(f)
    doc = json.dumps({"type": "FeatureCollection", "features": features})

    def write(tmp: Path) -> None:
        tmp.write_text(doc, encoding="utf-8")
    return write_atomic(path, write)


def write_gpkg(view: PlanView, path: Path) -> Path:
    """A GeoPackage with layers `routes` and `places` (times as datetime fields)."""
    def write(tmp: Path) -> None:
        route_frame(view).to_file(tmp, layer="routes", driver="GPKG")
        place_frame(view).to_file(tmp, layer="places", driver="GPKG", mode="a")
    return write_atomic(path, write)


def write_csv(view: PlanView, routes_path: Path, places_path: Path) -> Path:
    """Routes and places as two CSV files, geometry as WKT; returns the routes file."""
    for frame, target in ((route_frame(view), routes_path), (place_frame(view), places_path)):
        table = _iso_times(pd.DataFrame(frame.to_wkt()))

        def write(tmp: Path, table: pd.DataFrame = table) -> None:
            table.to_csv(tmp, index=False)
        write_atomic(target, write)
    return routes_path


def write_xlsx(view: PlanView, path: Path) -> Path:
    """A workbook with sheets `routes` and `places` (ends and points as lat/lon columns)."""
    routes = _naive_times(route_frame(view))
    routes["from_lat"] = [view.node(i).lat for i in routes["from"]]
    routes["from_lon"] = [view.node(i).lon for i in routes["from"]]
    routes["to_lat"] = [view.node(i).lat for i in routes["to"]]
    routes["to_lon"] = [view.node(i).lon for i in routes["to"]]
    places = place_frame(view)
    places["lat"] = places.geometry.y
    places["lon"] = places.geometry.x
    # No geometry column: a sea lane as WKT can pass Excel's 32,767 characters a cell.
    sheets = {"routes": pd.DataFrame(routes.drop(columns="geometry")),
              "places": pd.DataFrame(places.drop(columns="geometry"))}

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, sheet in sheets.items():
                sheet.to_excel(xl, sheet_name=name, index=False)
    return write_atomic(path, write)


def _kml_color(hex_rgb: str, alpha: int = 230) -> str:
    """'#1f4e9c' -> KML's aabbggrr."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha:02x}{b}{g}{r}"


def _kml_time(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_kml(view: PlanView, path: Path) -> Path:
    """Routes with a TimeSpan each (Google Earth animates them) and places as points.

    simplekml writes text as XML character data, escaping <, > and &, so scenario names
    cannot break the file.
    """
    import simplekml

    kml = simplekml.Kml(name=view.name)
    routes = kml.newfolder(name="Routes")
    for _, r in route_frame(view).iterrows():
        members = r["members"].split(";") if r["members"] else []
        line = routes.newlinestring(
            name=f"{r['fleet']}: {r['from']} > {r['to']}",
            description=(f"{r['mode']} {r['vehicles']} vehicle(s), {r['tons']:.1f} t; "
                         f"forces {r['forces']}; departs {_kml_time(r['depart'])}, "
                         f"arrives {_kml_time(r['arrive'])}"),
            coords=list(r.geometry.coords),
        )
        line.timespan.begin = _kml_time(r["depart"])
        line.timespan.end = _kml_time(r["arrive"])
        line.style.linestyle.color = _kml_color(member_color(members[0]) if members else "#555555")
        line.style.linestyle.width = KML_WIDTH.get(r["mode"], 2.0)
        line.tessellate = 1
    places = kml.newfolder(name="Places")
    for _, p in place_frame(view).iterrows():
        pt = places.newpoint(name=p["name"], coords=[(p.geometry.x, p.geometry.y)])
        pt.description = f"{p['kind']} {p['id']}, {p['country']}"
    return write_atomic(path, lambda tmp: kml.save(str(tmp)))


def export_plan(network: Network, plan: Plan, out_dir: Path, fmt: str) -> Path:
    """Write the plan in `fmt` (one of FORMATS) into DIR; returns the file."""
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out_dir = Path(out_dir)
    if fmt == "tpfdd":
        return write_tpfdd(network, plan, out_dir / "tpfdd.csv")
    if fmt == "node-load":
        return write_node_load(network, plan, out_dir / "node-load.csv")
    view = PlanView(network, plan)
    if fmt == "geojson":
        return write_geojson(view, out_dir / "plan.geojson")
    if fmt == "gpkg":
        return write_gpkg(view, out_dir / "plan.gpkg")
    if fmt == "kml":
        return write_kml(view, out_dir / "plan.kml")
    if fmt == "csv":
        return write_csv(view, out_dir / "plan-routes.csv", out_dir / "plan-places.csv")
    return write_xlsx(view, out_dir / "plan.xlsx")

