"""The scenario library (scenarios/*.yaml): every scenario resolves, plans with the greedy
baseline and with the MIP at a short time limit, each plan passes the independent checker, no
resolved leg crosses ground or airspace the scenario forbids, no truck or train crosses open
water outside a named ferry or fixed link, and the map draws each moving trip as its mode.

Files under scenarios/ that are not scenarios (a what-if variants file, say) are skipped: a
scenario is a YAML mapping with the schema's top-level keys (members, places, sectors,
forces, fleets)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from folium.plugins import TimestampedGeoJson
from ruamel.yaml import YAML
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from checker import check_plan
from contracts.loader import load_scenario
from contracts.network import Network
from contracts.plan import Plan
from geodata.distance import distance_km
from geodata.geography import crossed
from geodata.network import build_network
from geodata.outlines import load_countries
from optimizer.planner import plan_with_greedy, plan_with_mip

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_KEYS = frozenset({"members", "places", "sectors", "forces", "fleets"})
# The MIP's safety net per scenario: enough for the greedy start and a few fix-and-optimize
# rounds on two cores, short enough for CI.
MIP_LIMIT_S = 20.0
# Open water, as docs/contracts.md ("Water") defines it: a piece of a road or rail path longer
# than WATER_KM outside every country outline, farther than END_KM from the leg's two ends (a
# port may sit just off the 1:50m coast) and than VIA_KM from a crossing the leg lists in `via`.
WATER_KM = 3.0
END_KM = 5.0
VIA_KM = 10.0
KM_PER_DEG = 111.0


def is_scenario(path: Path) -> bool:
    """True for a scenario file (a mapping with the schema's top-level keys)."""
    try:
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - not YAML we can read: not a scenario
        return False
    return isinstance(doc, dict) and set(doc) >= SCENARIO_KEYS


def library() -> list[Path]:
    return sorted(p for p in SCENARIOS.glob("*.yaml") if is_scenario(p))


LIBRARY = library()
IDS = [p.stem for p in LIBRARY]

_resolved: dict[Path, dict[str, Any]] = {}


def resolved_of(path: Path) -> dict[str, Any]:
    """resolved.json of a library scenario, built once per test session."""
    if path not in _resolved:
        _resolved[path] = build_network(load_scenario(path), path).to_json()
    return _resolved[path]


@functools.cache
def land() -> BaseGeometry:
    """Every shipped Natural Earth outline as one shape (x = lon), read here rather than through
    geodata.geography, whose water test decides which legs the network keeps."""
    geom = shapely.union_all(list(load_countries().geometry))
    shapely.prepare(geom)
    return geom


def _km(line: LineString) -> float:
    xy = list(line.coords)
    return sum(distance_km((y0, x0), (y1, x1)) for (x0, y0), (x1, y1) in zip(xy, xy[1:],
                                                                              strict=False))


def open_water_km(leg: dict[str, Any]) -> list[float]:
    """Lengths of the leg path's pieces over open water (see WATER_KM), longest first."""
    pts = leg["path"]
    line = LineString([(lon, lat) for lat, lon in pts])
    if len(pts) < 2 or land().covers(line):
        return []
    spared = [Point(pts[0][1], pts[0][0]).buffer(END_KM / KM_PER_DEG),
              Point(pts[-1][1], pts[-1][0]).buffer(END_KM / KM_PER_DEG)]
    spared += [LineString([(lon, lat) for lat, lon in v["path"]]).buffer(VIA_KM / KM_PER_DEG)
               for v in leg["via"] if len(v.get("path") or []) >= 2]
    wet = line.difference(land()).difference(shapely.union_all(spared))
    pieces = [g for g in getattr(wet, "geoms", [wet]) if isinstance(g, LineString)]
    return sorted((km for km in map(_km, pieces) if km > WATER_KM), reverse=True)


def test_the_library_has_the_baltic_and_new_theaters() -> None:
    names = {p.name for p in LIBRARY}
    assert "baltic_article5.yaml" in names
    assert len(names) >= 2


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_every_force_has_a_route(path: Path) -> None:
    resolved = resolved_of(path)
    assert resolved["unreachable"] == []
    assert resolved["legs"]


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_no_leg_crosses_forbidden_ground_or_closed_airspace(path: Path) -> None:
    resolved = resolved_of(path)
    geo = resolved["geography"]
    ground = frozenset(geo["forbidden_territory"])
    airspace = frozenset(geo["closed_airspace"])
    bad = []
    for leg in resolved["legs"]:
        path_ = [tuple(p) for p in leg["path"]]
        if leg["mode"] in ("road", "rail") and ground:
            hit = crossed(path_, ground)
        elif leg["mode"] == "air" and airspace:
            hit = crossed(path_, airspace)
        else:
            continue
        if hit:
            bad.append((leg["id"], hit))
    assert bad == []


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_greedy_and_mip_plans_pass_the_checker(path: Path) -> None:
    resolved = resolved_of(path)
    greedy = greedy_of(path)
    assert check_plan(resolved, greedy) == []
    mip = plan_with_mip(resolved, time_limit_s=MIP_LIMIT_S)[0].to_json()
    assert check_plan(resolved, mip) == []
    # The MIP starts from the greedy plan: it never scores worse.
    assert mip["kpis"]["gap_days"] <= greedy["kpis"]["gap_days"] + 1e-6


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_no_road_or_rail_leg_crosses_open_water(path: Path) -> None:
    """Trucks and trains cross water only on a named ferry or fixed link they list in `via`."""
    wet = {leg["id"]: km for leg in resolved_of(path)["legs"]
           if leg["mode"] in ("road", "rail") and (km := open_water_km(leg))}
    assert wet == {}


def test_open_water_is_found_on_a_road_across_the_gulf_of_carpentaria() -> None:
    """The water test itself: a road drawn straight from Darwin to Cape York, across the Gulf
    of Carpentaria (550 km of open water), is caught; the Stuart Highway south from Palmerston
    through Katherine to Tennant Creek is not."""
    across = {"path": [[-12.46, 130.84], [-12.63, 141.87]], "via": []}
    stuart = {"path": [[-12.48, 130.98], [-14.47, 132.26], [-19.65, 134.19]], "via": []}
    assert open_water_km(across) and open_water_km(across)[0] > 500
    assert open_water_km(stuart) == []


_greedy: dict[Path, dict[str, Any]] = {}


def greedy_of(path: Path) -> dict[str, Any]:
    """plan.json of the greedy baseline for a library scenario, once per test session."""
    if path not in _greedy:
        _greedy[path] = plan_with_greedy(resolved_of(path)).to_json()
    return _greedy[path]


def _drawn_mode(feature: dict[str, Any]) -> str:
    """The mode a time-slider trip says it is, from its tooltip ("<b>fleet</b> (Airlift): ...")."""
    from maps.style import MODE_LABEL

    label = re.search(r"</b> \(([^)]+)\):", feature["properties"]["tooltip"])
    assert label, feature["properties"]["tooltip"]
    return {v: k for k, v in MODE_LABEL.items()}[label.group(1)]


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_the_time_slider_draws_each_trip_in_its_modes_line_style(path: Path) -> None:
    """A flight on the move is dashed like its route and the legend's "Airlift", never solid
    like a road: a solid line over the sea reads as a truck crossing open water."""
    from maps.render import build_map
    from maps.style import MODE_STYLE

    m = build_map(Network.from_json(resolved_of(path)), Plan.from_json(greedy_of(path)))
    (timeline,) = [c for c in m._children.values() if isinstance(c, TimestampedGeoJson)]
    trips = [f for f in json.loads(timeline.data)["features"]
             if f["geometry"]["type"] == "LineString"]
    assert trips
    drawn = {(_drawn_mode(f), f["properties"]["style"].get("dashArray")) for f in trips}
    assert drawn == {(mode, MODE_STYLE[mode]["dash_array"]) for mode, _ in drawn}


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_no_drawn_path_jumps_across_the_antimeridian(path: Path) -> None:
    """Pacific legs (Hawaii, the US West Coast to Australia) are drawn across the Pacific:
    no step of a drawn path jumps more than 180 degrees of longitude."""
    from maps.planview import PlanView

    view = PlanView(Network.from_json(resolved_of(path)), Plan.from_json(greedy_of(path)))
    jumps = [leg_id for leg_id in view.legs
             if any(abs(b[1] - a[1]) > 180 for a, b in zip(
                 view.leg_path(leg_id), view.leg_path(leg_id)[1:], strict=False))]
    assert jumps == []


def test_rerunning_some_library_rows_keeps_no_header_of_an_older_layout(tmp_path: Path) -> None:
    """benchmarks/library.py replaces the rerun scenarios' rows and keeps the others; a
    header written by an earlier version of the table is not a row to keep."""
    from benchmarks.library import HEADER, RULE, kept_rows

    old_header = "| scenario | alliance | gap to bound | checker |"
    table = tmp_path / "library.md"
    table.write_text("\n".join([old_header, "|---|---|---|---|", HEADER, RULE,
                                "| a.yaml | NATO | 1% | pass |", "| b.yaml | NATO | 2% | pass |"]),
                     encoding="utf-8")
    assert kept_rows(table, {"b.yaml"}) == ["| a.yaml | NATO | 1% | pass |"]
