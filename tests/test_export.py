"""Plan exports (maps.export): each format is written and read back with the right number
of routes (one per trip) and places."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from test_maps import EVIL, evil_case, write_case

from maps.export import FORMATS, export_plan
from maps.planview import read_outputs

Json = dict[str, Any]
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def case() -> tuple[Json, Json]:
    return evil_case()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return write_case(tmp_path)


def export(out: Path, fmt: str) -> Path:
    """export_plan on the solve folder `out`, as `mobilize export` calls it."""
    return export_plan(*read_outputs(out), out, fmt)


def _counts(case: tuple[Json, Json]) -> tuple[int, int]:
    resolved, plan = case
    return len(plan["trips"]), len(resolved["places"]) + len(resolved["sectors"])


def test_geojson(out: Path, case: tuple[Json, Json]) -> None:
    path = export(out, "geojson")
    assert path == out / "plan.geojson"
    frame = gpd.read_file(path)
    trips, places = _counts(case)
    routes = frame[frame["layer"] == "routes"]
    assert len(routes) == trips
    assert len(frame[frame["layer"] == "places"]) == places
    assert set(routes.geometry.geom_type) == {"LineString"}
    raw = json.loads(path.read_text(encoding="utf-8"))
    first = raw["features"][0]["properties"]
    assert first["depart"].endswith("Z") and first["depart"].startswith("2027-03-")
    assert EVIL in set(frame["name"].dropna())  # data files keep the text as it is


def test_gpkg_has_two_layers(out: Path, case: tuple[Json, Json]) -> None:
    path = export(out, "gpkg")
    assert set(gpd.list_layers(path)["name"]) == {"routes", "places"}
    routes = gpd.read_file(path, layer="routes")
    places = gpd.read_file(path, layer="places")
    trips, n_places = _counts(case)
    assert len(routes) == trips and len(places) == n_places
    assert isinstance(routes["depart"].dtype, pd.DatetimeTZDtype)
    assert (routes["arrive"] > routes["depart"]).all()
    resolved, plan = case
    sea = routes[routes["mode"] == "sea"].iloc[0]
    path_lonlat = [(lon, lat) for lat, lon in
                   next(leg["path"] for leg in resolved["legs"] if leg["id"] == sea["leg"])]
    assert list(sea.geometry.coords) == path_lonlat


def test_kml_animates_each_trip(out: Path, case: tuple[Json, Json]) -> None:
    path = export(out, "kml")
    root = ET.parse(path).getroot()  # well-formed despite the scenario's names
    marks = list(root.iter(f"{KML}Placemark"))
    lines = [m for m in marks if m.find(f"{KML}LineString") is not None]
    trips, places = _counts(case)
    assert len(lines) == trips
    assert len(marks) - len(lines) == places
    for m in lines:
        span = m.find(f"{KML}TimeSpan")
        assert span is not None
        assert span.findtext(f"{KML}begin") < span.findtext(f"{KML}end")  # type: ignore[operator]
    assert EVIL in {m.findtext(f"{KML}name") for m in marks}


def test_csv(out: Path, case: tuple[Json, Json]) -> None:
    path = export(out, "csv")
    assert path == out / "plan-routes.csv"
    routes = pd.read_csv(path)
    places = pd.read_csv(out / "plan-places.csv")
    trips, n_places = _counts(case)
    assert len(routes) == trips and len(places) == n_places
    assert routes["geometry"].str.startswith("LINESTRING").all()


def test_xlsx(out: Path, case: tuple[Json, Json]) -> None:
    path = export(out, "xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["routes", "places"]
    trips, n_places = _counts(case)
    assert book["routes"].max_row == trips + 1  # + header
    assert book["places"].max_row == n_places + 1
    header = [c.value for c in next(book["routes"].iter_rows(max_row=1))]
    assert {"fleet", "mode", "from", "to", "depart", "arrive", "tons", "vehicles",
            "forces"} <= set(header)
    book.close()


def test_every_format_listed_is_written(out: Path) -> None:
    assert [export(out, f).exists() for f in FORMATS] == [True] * len(FORMATS)


def test_unknown_format(out: Path) -> None:
    with pytest.raises(ValueError, match="geojson, gpkg, kml, csv or xlsx|one of"):
        export(out, "shp")
