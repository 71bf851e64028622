"""The shipped country outlines: codes, lookups, and no planar artefacts."""

from __future__ import annotations

import re

import pytest

from geodata.outlines import COUNTRIES_FILE, continent_of, country_at, load_countries


def test_loads_one_feature_per_iso_code_in_wgs84() -> None:
    gdf = load_countries()
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert {"iso_a2", "iso_a3", "name", "continent", "geometry"} <= set(gdf.columns)
    assert len(gdf) > 230  # 1:50m; 1:110m would have 177
    codes = gdf["iso_a2"].dropna()
    assert codes.is_unique
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
    # Only the disputed Siachen Glacier has no code; no Natural Earth -99 left anywhere.
    assert gdf.loc[gdf["iso_a2"].isna(), "name"].tolist() == ["Siachen Glacier"]
    assert not (gdf[["iso_a2", "iso_a3"]] == "-99").any().any()
    assert gdf.geometry.is_valid.all()
    assert set(gdf.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_is_cached() -> None:
    assert load_countries() is load_countries()


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("LT", "Lithuania"),
        ("PL", "Poland"),
        ("DE", "Germany"),
        ("FR", "France"),
        ("NO", "Norway"),
        ("XK", "Kosovo"),
        ("MT", "Malta"),
        ("SG", "Singapore"),
    ],
)
def test_countries_present_with_iso_a2(code: str, name: str) -> None:
    gdf = load_countries()
    assert gdf.loc[gdf["iso_a2"] == code, "name"].tolist() == [name]


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (54.69, 25.28, "LT"),  # Vilnius
        (52.23, 21.01, "PL"),  # Warsaw
        (48.86, 2.35, "FR"),  # Paris
        (59.91, 10.75, "NO"),  # Oslo
        (42.66, 21.17, "XK"),  # Pristina
        (54.71, 20.51, "RU"),  # Kaliningrad
        (54.10, 22.93, "PL"),  # Suwałki
        (54.90, 23.90, "LT"),  # Kaunas
        (35.90, 14.51, "MT"),  # Valletta
        (44.95, 34.10, "UA"),  # Simferopol: ISO 3166 and NATO, not Natural Earth's RU
        (9.56, 44.06, "SO"),  # Hargeisa (Somaliland merged into Somalia)
        (65.0, -175.0, "RU"),  # Chukotka, west of the antimeridian
        (65.0, 185.0, "RU"),  # same place, longitude past 180 wraps
        (-85.0, 0.0, "AQ"),  # Antarctica closed over the pole
    ],
)
def test_country_at(lat: float, lon: float, code: str) -> None:
    assert country_at(lat, lon) == code


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (45.0, -30.0),  # mid-Atlantic
        (0.0, 0.0),  # Gulf of Guinea
        (70.0, 0.0),  # Norwegian Sea: Russia's ring across 180 read as planar covers it
        (-16.5, -150.0),  # Pacific: so would Fiji's
        (55.5, 19.0),  # Baltic Sea between Gotland and Kaliningrad
    ],
)
def test_country_at_sea_is_none(lat: float, lon: float) -> None:
    assert country_at(lat, lon) is None


def test_country_at_rejects_non_positions() -> None:
    with pytest.raises(ValueError):
        country_at(91.0, 0.0)  # (lon, lat) swapped by mistake looks like this
    with pytest.raises(ValueError):
        country_at(float("nan"), 0.0)


def test_continent_of() -> None:
    assert continent_of("LT") == "Europe"
    assert continent_of("us") == "North America"
    assert continent_of("RU") == "Europe"  # Natural Earth's convention
    assert continent_of("MT") == "Europe"  # not at 1:110m: from the fallback table
    assert continent_of("ZZ") is None


def test_file_is_small_enough_to_ship() -> None:
    assert COUNTRIES_FILE.stat().st_size <= 2_500_000
