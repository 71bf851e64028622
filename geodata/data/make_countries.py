"""Regenerate geodata/data/countries.geojson (Natural Earth 1:50m country outlines).

Run by hand, never at import:

    pip install pycountry            # build-time only: ISO 3166 numeric -> alpha-2/alpha-3
    python geodata/data/make_countries.py

Inputs, all public and reachable through package registries:
- npm `world-atlas@2.0.2` (ISC): Natural Earth 1:50m admin-0 countries as TopoJSON, with
  ISO 3166-1 numeric ids and short names only.
- PyPI `pyogrio`'s test fixture `naturalearth_lowres` (Natural Earth 1:110m): the Natural
  Earth `continent` of each country, joined by ISO alpha-3 (or name where it has -99).
- npm `countries-list@3.4.1` (MIT): continent of the small countries that are not at 1:110m.
- PyPI `pycountry`: ISO 3166-1 numeric to alpha-2 and alpha-3.

The npm packages are fetched with `npm pack` into a temporary folder unless given with
--world-atlas / --countries-list. See geodata/data/SOURCES.md for what the output holds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

OUT = Path(__file__).resolve().parent / "countries.geojson"
WORLD_ATLAS = "world-atlas@2.0.2"
COUNTRIES_LIST = "countries-list@3.4.1"
# About 110 m, below the 1:50m source's own grid (0.0036 deg of longitude, 0.0017 of latitude).
GRID_DEG = 0.001

# Features of world-atlas with no ISO numeric id.
NO_ID = {
    "Kosovo": "XK",  # user-assigned code used by the EU and NATO
    "Somaliland": "SO",  # merged into Somalia, as in ISO 3166
    "N. Cyprus": "CY",  # merged into Cyprus, as in ISO 3166
    "Indian Ocean Ter.": "CX/CC",  # split below: Christmas Island and Cocos (Keeling) Islands
    "Siachen Glacier": None,  # disputed between India and Pakistan: no country
}
SIMFEROPOL = shapely.Point(34.10, 44.95)
# countries-list continent codes to Natural Earth continent names.
CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}


def npm_file(spec: str, member: str, workdir: Path) -> Path:
    """Fetch an npm package with `npm pack` and return one of its files."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
    )
    tgz = workdir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tgz) as tar:
        tar.extract(f"package/{member}", workdir, filter="data")
    return workdir / "package" / member


def read_world_atlas(path: Path) -> gpd.GeoDataFrame:
    """world-atlas's TopoJSON countries, cut at the antimeridian, polygons only."""
    gdf = pyogrio.read_dataframe(path, layer="countries")
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    gdf["geometry"] = gdf.geometry.apply(lambda g: polygonal(cut_antimeridian(g)))
    return gdf


def cut_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """Planar polygons for features that cross 180 degrees or surround a pole.

    world-atlas keeps Natural Earth's spherical rings: Russia's and Fiji's cross the
    antimeridian (read as planar they become bands around the whole world), and
    Antarctica's coast circles the South Pole.
    """
    pieces = []
    for part in shapely.get_parts(geom):
        rings = [unwrap(r) for r in (part.exterior, *part.interiors)]
        # A ring around a pole does not close once unwrapped: it ends 360 degrees away.
        polar = [abs(r[-1, 0] - r[0, 0]) > 180 for r in rings]
        if any(polar):
            # Antarctica: the other rings of that part only run along latitude -89.999.
            if any(
                np.abs(r[:, 1]).min() < 89.9 for r, p in zip(rings, polar, strict=True) if not p
            ):
                raise SystemExit("unexpected ring next to a ring around a pole")
            shells = [close_over_pole(r) for r, p in zip(rings, polar, strict=True) if p]
        elif all(r[:, 0].min() >= -180 and r[:, 0].max() <= 180 for r in rings):
            pieces.append(part)
            continue
        else:
            shells = [shapely.Polygon(rings[0], rings[1:])]
        pieces.extend(fold_into_world(shapely.make_valid(s)) for s in shells)
    return shapely.union_all(pieces)


def unwrap(ring: shapely.LinearRing) -> np.ndarray:
    """Ring coordinates with longitudes made continuous (no jump of 360 degrees)."""
    xy = np.asarray(ring.coords, dtype=float).copy()
    steps = np.diff(xy[:, 0])
    shift = -360.0 * np.round(steps / 360.0)
    xy[1:, 0] += np.cumsum(shift)
    return xy


def close_over_pole(xy: np.ndarray) -> shapely.Polygon:
    """A ring that circles a pole closed along it (Antarctica)."""
    pole = -90.0 if xy[:, 1].mean() < 0 else 90.0
    closing = [(xy[-1, 0], pole), (xy[0, 0], pole)]
    return shapely.Polygon(np.vstack([xy, closing]))


def fold_into_world(poly: shapely.Geometry) -> shapely.Geometry:
    """Cut at +-180 degrees and move what lies beyond back into [-180, 180]."""
    parts = []
    for offset in (-360.0, 0.0, 360.0):
        window = shapely.box(-180 + offset, -90, 180 + offset, 90)
        piece = shapely.intersection(poly, window)
        if not piece.is_empty:
            parts.append(shapely.transform(piece, lambda c, o=offset: c - [o, 0]))
    return shapely.union_all(parts)


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """A valid (Multi)Polygon: make_valid may leave lines or points next to the polygons."""
    geom = shapely.make_valid(geom)
    # make_valid returns a GeometryCollection of (Multi)Polygons and lines: two levels.
    parts = [p for part in shapely.get_parts(geom) for p in shapely.get_parts(part)]
    return shapely.union_all([p for p in parts if isinstance(p, shapely.Polygon)])


def iso_codes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """ISO 3166-1 alpha-2 and alpha-3 codes from the numeric ids (pycountry)."""
    import pycountry  # build-time only

    rows = []
    for rec in gdf.itertuples():
        if isinstance(rec.id, str) and rec.id:
            c = pycountry.countries.get(numeric=rec.id)
            if c is None:
                raise SystemExit(f"unknown ISO numeric {rec.id} ({rec.name})")
            rows.append((c.alpha_2, c.alpha_3, c.numeric, rec.name, rec.geometry))
        elif rec.name == "Indian Ocean Ter.":
            rows.extend(split_indian_ocean_territories(rec.geometry))
        elif rec.name in NO_ID:
            a2 = NO_ID[rec.name]
            c = pycountry.countries.get(alpha_2=a2) if a2 else None
            a3 = c.alpha_3 if c else ("XKX" if a2 == "XK" else None)
            rows.append((a2, a3, c.numeric if c else None, rec.name, rec.geometry))
        else:
            raise SystemExit(f"feature without ISO id: {rec.name}")
    out = gpd.GeoDataFrame(
        rows, columns=["iso_a2", "iso_a3", "iso_n3", "name", "geometry"], crs="EPSG:4326"
    )
    return merge_same_code(out)


def split_indian_ocean_territories(geom: shapely.Geometry) -> list[tuple]:
    """Christmas Island and the Cocos (Keeling) Islands as two features."""
    # Christmas Island lies near 105.6E, the Cocos (Keeling) Islands near 96.8E.
    parts = list(shapely.get_parts(geom))
    east = shapely.union_all([p for p in parts if p.centroid.x > 100])
    west = shapely.union_all([p for p in parts if p.centroid.x <= 100])
    return [
        ("CX", "CXR", "162", "Christmas I.", east),
        ("CC", "CCK", "166", "Cocos Is.", west),
    ]


def merge_same_code(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One feature per ISO code: Somaliland into Somalia, N. Cyprus into Cyprus."""
    coded = gdf[gdf.iso_a2.notna()]
    dup = coded.iso_a2.duplicated(keep=False)
    if not dup.any():
        return gdf
    keep = []
    for _, group in coded[dup].groupby("iso_a2"):
        # The name of the feature that has the ISO numeric id (Somalia, Cyprus).
        main = group[~group["name"].isin(list(NO_ID))].iloc[0].copy()
        main["geometry"] = polygonal(shapely.union_all(group.geometry.values))
        keep.append(main)
    merged = gpd.GeoDataFrame(keep, crs=gdf.crs)
    rest = gdf[~gdf.index.isin(coded[dup].index)]
    return gpd.GeoDataFrame(pd.concat([rest, merged]), crs=gdf.crs)


def crimea_to_ukraine(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Natural Earth 4.1.0 draws Crimea with Russia (its de facto rule). ISO 3166 (UA-43,
    UA-40), UN General Assembly resolution 68/262 and NATO count it as Ukraine, and the
    codes of this file are ISO's: a point in Crimea must answer UA."""
    ru = gdf.index[gdf.iso_a2 == "RU"][0]
    ua = gdf.index[gdf.iso_a2 == "UA"][0]
    parts = list(shapely.get_parts(gdf.at[ru, "geometry"]))
    crimea = [p for p in parts if p.contains(SIMFEROPOL)]
    if len(crimea) != 1 or not shapely.box(32.0, 44.0, 37.0, 46.5).contains(crimea[0]):
        raise SystemExit("Crimea is not a polygon of its own in Russia's outline")
    gdf.at[ru, "geometry"] = shapely.union_all([p for p in parts if p is not crimea[0]])
    gdf.at[ua, "geometry"] = polygonal(shapely.union_all([gdf.at[ua, "geometry"], crimea[0]]))
    return gdf


def add_continents(gdf: gpd.GeoDataFrame, countries_list: Path) -> gpd.GeoDataFrame:
    """Natural Earth's continent of each country, by alpha-3, name, or countries-list."""
    fixture = Path(pyogrio.__file__).parent / "tests/fixtures/naturalearth_lowres"
    lowres = pyogrio.read_dataframe(fixture / "naturalearth_lowres.shp", read_geometry=False)
    by_a3 = dict(zip(lowres.iso_a3, lowres.continent, strict=True))
    by_name = dict(zip(lowres.name, lowres.continent, strict=True))
    cl = json.loads(countries_list.read_text(encoding="utf-8"))

    def continent(rec: pd.Series) -> str:
        if rec.iso_a3 in by_a3 and rec.iso_a3 != "-99":
            return str(by_a3[rec.iso_a3])
        if rec["name"] in by_name:
            return str(by_name[rec["name"]])
        if rec.iso_a2 in cl:
            return CONTINENTS[cl[rec.iso_a2]["continent"]]
        if rec["name"] == "Siachen Glacier":
            return "Asia"
        raise SystemExit(f"no continent for {rec['name']}")

    gdf["continent"] = gdf.apply(continent, axis=1)
    return gdf


def finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Snapped to a shared grid, valid, RFC 7946 winding, the columns we ship."""
    # Snapping to a grid shared by all features keeps common borders common, and
    # set_precision returns valid geometry.
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, GRID_DEG)
    gdf["geometry"] = gdf.geometry.apply(polygonal)
    gdf = gdf[~gdf.geometry.is_empty]
    # RFC 7946 winding (exterior rings counter-clockwise). GDAL's RFC7946 writer option
    # would do it too, but it also rewrites features that touch the antimeridian (Fiji)
    # into GeometryCollections.
    gdf["geometry"] = shapely.orient_polygons(gdf.geometry.values, exterior_cw=False)
    cols = ["iso_a2", "iso_a3", "iso_n3", "name", "continent", "geometry"]
    return gdf[cols].sort_values(["name"]).reset_index(drop=True)


def write(gdf: gpd.GeoDataFrame, out: Path) -> None:
    """Write the GeoJSON atomically (temporary file, then rename)."""
    tmp = out.with_suffix(".tmp")
    pyogrio.write_dataframe(gdf, tmp, driver="GeoJSON", layer="countries", COORDINATE_PRECISION=3)
    tmp.replace(out)


def main() -> None:
    """Command line: download the inputs from the registries and rebuild the file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world-atlas", type=Path, help="countries-50m.json of world-atlas@2.0.2")
    ap.add_argument("--countries-list", type=Path, help="countries.min.json of countries-list")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        atlas = args.world_atlas or npm_file(WORLD_ATLAS, "countries-50m.json", work / "wa")
        clist = args.countries_list or npm_file(COUNTRIES_LIST, "countries.min.json", work / "cl")
        gdf = crimea_to_ukraine(iso_codes(read_world_atlas(atlas)))
        gdf = finish(add_continents(gdf, clist))
    write(gdf, args.out)
    print(f"{args.out}: {len(gdf)} countries, {args.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
