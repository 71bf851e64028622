"""The deployment map (maps.render): what the returned folium.Map holds, and that the saved
page works offline in a real browser.

`evil_case()` is a small plan over every mode (road to the ports, a transatlantic airlift
and sealift, rail to a gauge-break railhead, road into two sectors; one a circle, one a
polygon), with a force, a sector, a place and a member named <script>alert(1)</script> and a
fleet whose name would break a JavaScript template literal. The MIP solves it in well under a
second. test_report.py and test_export.py use it too.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

import folium
import pytest
from folium.plugins import TimestampedGeoJson

from contracts import examples as tiny
from contracts.network import Network
from contracts.plan import Plan
from geodata.distance import distance_km
from maps.gaps import sector_geometry
from maps.places_layer import place_use
from maps.planview import PlanView, read_outputs
from maps.render import build_map, write_map
from maps.style import congestion_level, esc, gap_color
from optimizer.planner import plan_with_mip

Json = dict[str, Any]
EVIL = "<script>alert(1)</script>"
EVIL_FLEET = "C-17 `${alert(2)}` \\u0041"
EVIL_MEMBER = f"United States {EVIL}"


def _leg(frm: str, to: str, mode: str, km: float, fleets: list[Json],
         path: list[list[float]], gauge: int | None = None) -> Json:
    leg = tiny.leg(frm, to, mode, km, fleets, gauge)
    leg["path"] = path
    return leg


def _evil_resolved() -> Json:
    c17 = tiny.fleet("c17", "air", 4, 70.0, 800.0, name=EVIL_FLEET, range_km=9000)
    roro = tiny.fleet("roro", "sea", 1, 2000.0, 40.0, load_h=12.0, unload_h=12.0,
                      turnaround_h=12.0)
    rail = tiny.fleet("rail", "rail", 4, 1000.0, 50.0, gauge_mm=1435, owners=["US", "DE"],
                      load_h=4.0, unload_h=4.0, turnaround_h=4.0)
    trucks = tiny.fleet("trucks", "road", 50, 20.0, 60.0, owners=["US", "DE", "LT"])
    places = [
        tiny.place("B-US", "base", country="US", lat=35.14, lon=-79.0, name="Fort Bragg"),
        tiny.place("KPOB", "airfield", country="US", lat=35.17, lon=-79.01,
                   throughput_tpd=2000, mog=4),
        tiny.place("USCHS", "seaport", country="US", lat=32.78, lon=-79.92,
                   throughput_tpd=5000),
        tiny.place("DEBRV", "seaport", country="DE", lat=53.55, lon=8.58, throughput_tpd=3000),
        tiny.place("B-DE", "base", country="DE", lat=52.9, lon=10.1, name="Munster"),
        tiny.place("EYKA", "airfield", country="LT", lat=54.96, lon=24.08, throughput_tpd=400,
                   mog=2),
        tiny.place("R-SEST", "railhead", country="LT", lat=54.37, lon=23.42, name=EVIL,
                   throughput_tpd=2500, gauges_mm=[1435, 1520]),
        tiny.place("UNUSED", "airfield", country="PL", lat=52.17, lon=20.97, name="Warsaw"),
    ]
    s1 = tiny.sector("S1", [{"capability": "armor", "amount": 2, "by_day": 6},
                            {"capability": "infantry", "amount": 1, "by_day": 3}])
    s1.update(name=EVIL, lat=54.4, lon=23.5, radius_km=40)
    s2 = tiny.sector("S2", [{"capability": "infantry", "amount": 1, "by_day": 2}])
    s2.update(name="Vilnius", lat=54.69, lon=25.28, radius_km=None, polygon={
        "type": "Polygon",
        "coordinates": [[[25.0, 54.5], [25.6, 54.5], [25.6, 54.9], [25.0, 54.9], [25.0, 54.5]]],
    })
    forces = [
        tiny.force("us-abct", "B-US", 3000.0, {"armor": 2}, name=EVIL, sector="S1"),
        tiny.force("us-inf", "B-US", 200.0, {"infantry": 1}, name="82nd Airborne",
                   sector="S2"),
        tiny.force("de-inf", "B-DE", 800.0, {"infantry": 1}, member="DE",
                   name="Panzergrenadiere", sector="S1"),
    ]
    legs = [
        _leg("B-US", "KPOB", "road", 10.0, [trucks], [[35.14, -79.0], [35.17, -79.01]]),
        _leg("B-US", "USCHS", "road", 300.0, [trucks],
             [[35.14, -79.0], [33.9, -79.5], [32.78, -79.92]]),
        _leg("KPOB", "EYKA", "air", 7600.0, [c17],
             [[35.17, -79.01], [50.0, -40.0], [57.0, 0.0], [54.96, 24.08]]),
        _leg("USCHS", "DEBRV", "sea", 2400.0, [roro],
             [[32.78, -79.92], [40.0, -50.0], [49.9, -5.0], [51.5, 2.0], [53.55, 8.58]]),
        _leg("DEBRV", "R-SEST", "rail", 1100.0, [rail],
             [[53.55, 8.58], [52.4, 13.0], [52.2, 21.0], [54.1, 22.9], [54.37, 23.42]], 1435),
        _leg("B-DE", "R-SEST", "rail", 1000.0, [rail],
             [[52.9, 10.1], [52.4, 13.0], [52.2, 21.0], [54.37, 23.42]], 1435),
        _leg("R-SEST", "S1", "road", 20.0, [trucks], [[54.37, 23.42], [54.4, 23.5]]),
        _leg("EYKA", "S2", "road", 100.0, [trucks], [[54.96, 24.08], [54.69, 25.28]]),
        _leg("EYKA", "S1", "road", 80.0, [trucks], [[54.96, 24.08], [54.4, 23.5]]),
    ]
    members = [
        {"code": "US", "name": EVIL_MEMBER, "decision_delay_days": 0, "fair_share": 0.5,
         "max_share": None, "opt_out": False},
        {"code": "DE", "name": "Germany", "decision_delay_days": 0, "fair_share": 0.3,
         "max_share": 0.6, "opt_out": False},
        {"code": "LT", "name": "Lithuania", "decision_delay_days": 0, "fair_share": 0.2,
         "max_share": None, "opt_out": False},
    ]
    resolved = tiny.resolved(places, [s1, s2], forces, [c17, roro, rail, trucks], legs,
                             horizon_days=10, members=members)
    resolved["scenario"]["name"] = f"Exercise {EVIL}"
    resolved["unreachable"] = [{"force": "lt-ghost", "reason": f"no leg from {EVIL}"}]
    return resolved


@functools.lru_cache(maxsize=1)
def _solved() -> tuple[str, str]:
    resolved = _evil_resolved()
    plan = plan_with_mip(resolved)[0].to_json()
    return json.dumps(resolved), json.dumps(plan)


def evil_case() -> tuple[Json, Json]:
    """(resolved, plan), fresh copies: tests may change them."""
    resolved, plan = _solved()
    return json.loads(resolved), json.loads(plan)


def typed(resolved: Json, plan: Json) -> tuple[Network, Plan]:
    """The two documents read through the contracts, as the maps take them."""
    return Network.from_json(resolved), Plan.from_json(plan)


def write_case(out_dir: Path) -> Path:
    """resolved.json and plan.json of evil_case() in out_dir, as `mobilize solve` leaves them."""
    resolved, plan = evil_case()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "resolved.json").write_text(json.dumps(resolved), encoding="utf-8")
    (out_dir / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    return out_dir


@pytest.fixture(scope="module")
def case() -> tuple[Json, Json]:
    return evil_case()


@pytest.fixture(scope="module")
def built(case: tuple[Json, Json]) -> folium.Map:
    return build_map(*typed(*case))


@pytest.fixture(scope="module")
def html(built: folium.Map) -> str:
    return str(built.get_root().render())


def _walk(element: Any) -> list[Any]:
    out = [element]
    for child in element._children.values():
        out.extend(_walk(child))
    return out


def _route_groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    return {c.layer_name: c for c in m._children.values()
            if isinstance(c, folium.FeatureGroup) and c.layer_name.startswith("Routes: ")}


def _timeline(m: folium.Map) -> TimestampedGeoJson:
    found = [c for c in m._children.values() if isinstance(c, TimestampedGeoJson)]
    assert len(found) == 1
    return found[0]


# --- the plan used by every test -----------------------------------------------------------


def test_case_uses_every_mode(case: tuple[Json, Json]) -> None:
    _, plan = case
    assert {t["mode"] for t in plan["trips"]} == {"air", "sea", "rail", "road"}
    assert any(f["late"] for f in plan["forces"])


# --- routes ---------------------------------------------------------------------------------


def test_one_route_line_per_leg_and_member(built: folium.Map, case: tuple[Json, Json]) -> None:
    resolved, plan = case
    view = PlanView(*typed(resolved, plan))
    pairs = {(t.leg, m) for t in view.trips for m in view.trip_tons_by_member(t)}
    lines = [c for g in _route_groups(built).values() for c in g._children.values()
             if isinstance(c, folium.PolyLine)]
    assert len(lines) == len(pairs)
    drawn = set()
    for line in lines:
        tip = next(c for c in line._children.values() if isinstance(c, folium.Tooltip))
        drawn.add(re.search(r"<code>(.*?)</code>", tip.text).group(1))  # type: ignore[union-attr]
    assert drawn == {esc(t["leg"]) for t in plan["trips"]}  # every leg used, nothing else


def test_route_follows_the_leg_path(built: folium.Map, case: tuple[Json, Json]) -> None:
    resolved, _ = case
    sea_path = next(leg["path"] for leg in resolved["legs"] if leg["mode"] == "sea")
    (line,) = [c for c in _route_groups(built)["Routes: Sealift"]._children.values()
               if isinstance(c, folium.PolyLine)]
    assert [list(p) for p in line.locations] == sea_path


def test_one_feature_group_per_mode(built: folium.Map, case: tuple[Json, Json]) -> None:
    assert set(_route_groups(built)) == {
        "Routes: Airlift", "Routes: Sealift", "Routes: Rail", "Routes: Road"}


def test_routes_styled_by_mode_and_coloured_by_member(built: folium.Map) -> None:
    groups = _route_groups(built)
    air = [c for c in groups["Routes: Airlift"]._children.values()
           if isinstance(c, folium.PolyLine)]
    sea = [c for c in groups["Routes: Sealift"]._children.values()
           if isinstance(c, folium.PolyLine)]
    assert all(a.options["dashArray"] for a in air)
    assert not any(s.options.get("dashArray") for s in sea)
    assert min(s.options["weight"] for s in sea) > max(a.options["weight"] for a in air)
    assert {a.options["color"] for a in air} == {"#1f4e9c"}  # the US colour


def test_layer_control_legend_and_basemap(built: folium.Map, html: str) -> None:
    children = _walk(built)
    assert any(isinstance(c, folium.LayerControl) for c in children)
    tiles = [c for c in children if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and tiles[0].show is False  # online tiles: offered, off
    assert built.options["minZoom"] == 2 and built.options["maxZoom"] == 12
    assert "mbz-legend" in html
    assert "d3.min.js" not in html and "d3.v3" not in html
    outlines = [c for c in children if isinstance(c, folium.GeoJson)
                and c.layer_name == "Country outlines"]
    assert len(outlines) == 1
    codes = {f["properties"]["iso_a2"]: f["properties"]["style"]
             for f in outlines[0].data["features"]}
    assert {"LT", "DE", "US", "PL"} <= set(codes)
    assert codes["LT"] != codes["PL"]  # the ally stands out


# --- time slider ----------------------------------------------------------------------------


def test_timeline_trips_have_a_time_per_vertex(built: folium.Map, case: tuple[Json, Json]
                                               ) -> None:
    data = json.loads(_timeline(built).data)
    lines = [f for f in data["features"] if f["geometry"]["type"] == "LineString"]
    assert lines
    for f in lines:
        times = f["properties"]["times"]
        assert len(times) == len(f["geometry"]["coordinates"]) >= 2
        parsed = [dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times]
        assert parsed == sorted(parsed)
    resolved, plan = case
    c_day = dt.datetime.fromisoformat(resolved["scenario"]["c_day"]).replace(tzinfo=dt.UTC)
    first = min(dt.datetime.fromisoformat(f["properties"]["times"][0].replace("Z", "+00:00"))
                for f in lines)
    assert first == c_day + dt.timedelta(hours=min(t["depart_h"] for t in plan["trips"]))


def test_timeline_shades_every_sector_every_day(built: folium.Map, case: tuple[Json, Json]
                                                ) -> None:
    resolved, plan = case
    data = json.loads(_timeline(built).data)
    polys = [f for f in data["features"] if f["geometry"]["type"] == "Polygon"]
    days = {(r["sector"], r["day"]) for r in plan["readiness"]}
    assert len(polys) == len(days) == 2 * resolved["scenario"]["horizon_days"]
    s1_day0 = next(f for f in polys if f["properties"]["times"] == ["2027-03-01T00:00Z"]
                   and "armor" in f["properties"]["tooltip"])
    assert s1_day0["properties"]["style"]["fillColor"] == gap_color(1.0)  # nothing there yet
    points = [f for f in data["features"] if f["geometry"]["type"] == "Point"]
    assert points  # arrivals


def test_sector_circle_has_its_radius(case: tuple[Json, Json]) -> None:
    s1 = typed(*case)[0].sectors["S1"]
    ring = sector_geometry(s1).exterior.coords
    dists = [distance_km((s1.lat, s1.lon), (lat, lon)) for lon, lat in ring]
    assert min(dists) == pytest.approx(40.0, rel=0.01)
    assert max(dists) == pytest.approx(40.0, rel=0.01)


# --- places ---------------------------------------------------------------------------------


def test_place_popup_reports_throughput_and_mog(built: folium.Map) -> None:
    markers = [c for c in _walk(built) if isinstance(c, folium.Marker)]
    popups = {}
    for mk in markers:
        for c in mk._children.values():
            if isinstance(c, folium.Popup):
                popups[mk.location[0]] = "".join(  # type: ignore[index]
                    str(getattr(h, "data", "")) for h in c.html._children.values())
    eyka = popups[54.96]
    assert "<code>EYKA</code>" in eyka
    assert "MOG 2" in eyka and "peak use" in eyka and "C+" in eyka


def test_depot_shipping_counts_as_place_use(case: tuple[Json, Json]) -> None:
    resolved, plan = copy.deepcopy(case)
    resolved["depots"] = [{"id": "D-1", "place": "UNUSED", "provides": ["fuel"],
                           "stock_t": 100.0, "throughput_tpd": 10.0}]
    plan["supply"] = [{"depot": "D-1", "sector": "S1", "force": "us-abct", "day": 2,
                       "ship_day": 1, "tons": 9.0}]
    use = place_use(PlanView(*typed(resolved, plan)))["UNUSED"]
    assert use.used and use.peak == pytest.approx(0.9) and use.peak_day == 1


def test_congestion_levels() -> None:
    assert congestion_level(None) == "none"
    assert congestion_level(0.5) == "ok"
    assert congestion_level(0.8) == "busy"
    assert congestion_level(0.99) == "full"


def test_unused_places_are_hidden_by_default(built: folium.Map) -> None:
    groups = {c.layer_name: c for c in built._children.values()
              if isinstance(c, folium.FeatureGroup)}
    assert groups["Places used (ring: peak congestion)"].show is True
    assert groups["Other places in the scenario"].show is False


# --- escaping -------------------------------------------------------------------------------


def test_scenario_text_is_escaped_everywhere(html: str) -> None:
    assert EVIL not in html
    assert "alert(1)" in html  # it is there, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f"title='{esc(EVIL_MEMBER)}'" in html  # the member's name, in the legend
    assert "`${alert(2)}`" not in html  # would run inside folium's template literals
    assert "\\u0041" not in html


def test_time_limit_is_flagged(case: tuple[Json, Json]) -> None:
    resolved, plan = copy.deepcopy(case)
    plan["solver"].update(status="time_limit", gap=0.123)
    html = build_map(*typed(resolved, plan)).get_root().render()
    assert "time limit" in html and "12.3%" in html


def test_plan_with_no_trips_still_maps(case: tuple[Json, Json]) -> None:
    resolved, plan = copy.deepcopy(case)
    plan["trips"] = []
    m = build_map(*typed(resolved, plan))
    assert _route_groups(m) == {}
    assert "leaflet" in m.get_root().render()


def test_write_map_saves_an_offline_page(tmp_path: Path) -> None:
    out = write_case(tmp_path)
    page = write_map(*read_outputs(out), out)
    assert page == tmp_path / "map.html"
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", text)
    assert "L.map(" in text and EVIL not in text


# --- a real browser with no network ---------------------------------------------------------


@pytest.mark.browser
def test_map_and_report_work_in_chromium_offline(tmp_path: Path, offline_browser: Any) -> None:
    from maps.report import write_report

    out = write_case(tmp_path / "out")
    map_page = write_map(*read_outputs(out), out)
    report_page = write_report(*read_outputs(out), out)
    page = offline_browser.open(map_page.as_uri())
    page.wait_for_selector(".leaflet-bar-timecontrol", timeout=15_000)
    page.wait_for_timeout(500)
    paths = page.locator("path.leaflet-interactive").count()
    labels = {t.strip() for t in
              page.locator(".leaflet-control-layers-overlays label").all_inner_texts()}
    slider = page.locator(".leaflet-bar-timecontrol .timecontrol-date").inner_text()
    legend = page.locator(".mbz-legend").inner_text()
    page.screenshot(path=str(tmp_path / "map.png"))

    report = offline_browser.open(report_page.as_uri())
    report.wait_for_selector(".js-plotly-plot", timeout=15_000)
    report.wait_for_timeout(1000)
    charts = report.locator(".js-plotly-plot").count()
    frame = report.frame_locator("iframe.map")
    frame.locator(".leaflet-bar-timecontrol").wait_for(timeout=15_000)
    frame_paths = frame.locator("path.leaflet-interactive").count()
    report.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    errors, requested = offline_browser.errors, offline_browser.requested

    assert errors == []
    assert requested == []
    assert paths > 0 and frame_paths > 0
    assert {"Routes: Airlift", "Routes: Sealift", "Routes: Rail", "Routes: Road"} <= labels
    assert re.match(r"C\+\d+ · \d\d \w{3} \d\d:\d\dZ", slider), slider
    assert "US" in legend and "DE" in legend
    assert charts >= 5
