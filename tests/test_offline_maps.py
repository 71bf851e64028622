"""Folium pages made offline: nothing left to fetch, and they still work in a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import branca
import folium
import pytest
from folium import plugins

from geodata.outlines import load_countries
from maps.offline import (
    ASSETS,
    OfflineAssetError,
    asset_files_for,
    is_external,
    make_offline,
    save_offline,
)


def build_map() -> folium.Map:
    """A page with what mobilize maps use: outlines, markers, legs, a legend, a time slider."""
    # No tiles offline; with tiles=None the zoom limits must be given to the map itself,
    # or MarkerCluster stops the page's script ("Map has no maxZoom specified").
    m = folium.Map(location=(54.5, 20.0), zoom_start=5, tiles=None, minZoom=2, maxZoom=12)
    countries = load_countries()[["iso_a2", "name", "geometry"]]
    folium.GeoJson(
        countries,
        name="Countries",
        style_function=lambda _: {"fillColor": "#f4efe1", "color": "#777", "weight": 1},
        tooltip=folium.GeoJsonTooltip(["name", "iso_a2"]),
    ).add_to(m)
    folium.Marker((54.69, 25.28), tooltip="Vilnius").add_to(m)  # Leaflet's default icon
    folium.Marker((52.23, 21.01), icon=folium.Icon(color="red")).add_to(m)  # glyphicon
    folium.Marker((49.43, 7.60), icon=folium.Icon(icon="plane", prefix="fa", angle=45)).add_to(m)
    legs = folium.FeatureGroup(name="Legs").add_to(m)
    folium.PolyLine([(49.43, 7.60), (54.69, 25.28)], color="blue", weight=3).add_to(legs)
    cluster = plugins.MarkerCluster(name="Depots").add_to(m)
    for i in range(5):
        folium.Marker((53.0 + i / 10, 23.0 + i / 10)).add_to(cluster)
    branca.colormap.LinearColormap(["green", "red"], vmin=0, vmax=10, caption="gap").add_to(m)
    plugins.TimestampedGeoJson(_moves(), period="PT12H", add_last_point=True).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def _moves() -> dict[str, object]:
    # ISO time strings: the bundled time library mis-parses epoch numbers.
    times = ["2027-03-01T00:00:00", "2027-03-01T12:00:00", "2027-03-02T00:00:00"]
    line = {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[7.6, 49.43], [13.4, 52.5], [25.28, 54.69]],
        },
        "properties": {"times": times, "style": {"color": "red", "weight": 4}},
    }
    return {"type": "FeatureCollection", "features": [line]}


class _Page(HTMLParser):
    """A page the way a browser reads it: script text is not tags.

    Collects every tag's src/href, and the text of the <style> elements.
    """

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for key, value in attrs:
            if key in ("src", "href") and value is not None:
                self.links.append((tag, key, value))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def rendered() -> str:
    return build_map().get_root().render()


def test_rendered_page_needs_the_internet(rendered: str) -> None:
    # The premise: without make_offline, folium links CDNs.
    assert any(is_external(v) for _, _, v in _read(rendered).links)


def test_offline_page_links_nothing_external(rendered: str) -> None:
    html = make_offline(rendered)
    page = _read(html)
    links = page.links
    assert not [v for _, _, v in links if re.match(r"\s*(https?:)?//", v, re.IGNORECASE)]
    assert not [t for t, _, _ in links if t in ("script", "link")]  # all inlined
    # Everything the page needs is in it.
    for marker in (
        "leaflet/leaflet.js",
        "leaflet.timedimension.min.js",
        "d3/d3.min.js",
        "leaflet.markercluster.js",
        "bootstrap-glyphicons.css",
    ):
        assert marker in html
    assert 'L.Icon.Default.mergeOptions({iconUrl:"data:image/png;base64,' in html
    # Stylesheets' fonts and images are data: URIs, woff2 only.
    assert "data:font/woff2;base64," in html
    styles = "".join(page.styles)
    assert "Glyphicons Halflings" in styles
    assert not re.search(r"url\(\s*(?![\"']?(?:data:|#))", styles)


def test_each_shipped_file_is_inlined_once(rendered: str) -> None:
    html = make_offline(rendered)
    # folium links jQuery twice (Map and TimestampedGeoJson).
    assert html.count("/* jquery/jquery.min.js (maps/assets) */") == 1


def test_unshipped_script_is_an_error_naming_it() -> None:
    m = folium.Map(tiles=None, minZoom=2, maxZoom=12)
    plugins.Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError, match=r"leaflet\.fullscreen@3\.0\.0/Control\.FullScreen"):
        make_offline(m.get_root().render())


@pytest.mark.parametrize(
    ("url", "shipped"),
    [
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js", True),  # patch drift
        ("https://cdn.jsdelivr.net/npm/leaflet@2.0.0/dist/leaflet.js", False),  # new major
        ("https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.17/d3.min.js", True),
        ("https://d3js.org/d3.v4.min.js", False),  # TimeSliderChoropleth: not shipped
        ("//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/glyphicons-halflings-regular.eot", True),
    ],
)
def test_version_drift(url: str, shipped: bool) -> None:
    assert (asset_files_for(url) is not None) is shipped


def test_folium_urls_map_to_existing_files() -> None:
    # Catches a folium upgrade that moves a URL, and a rule that names a missing file.
    classes = [
        folium.Map,
        plugins.MarkerCluster,
        plugins.TimestampedGeoJson,
        plugins.AntPath,
        plugins.HeatMap,
        branca.colormap.ColorMap,
    ]
    for cls in classes:
        for _, url in [*getattr(cls, "default_js", []), *getattr(cls, "default_css", [])]:
            files = asset_files_for(url)
            assert files is not None, url
            for name in files:
                assert (ASSETS / name).is_file(), name


def test_assets_are_small_and_documented() -> None:
    files = [p for p in ASSETS.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    sources = (ASSETS / "SOURCES.md").read_text(encoding="utf-8")
    for p in files:
        rel = p.relative_to(ASSETS)
        if rel.parts[0] != "licenses" and rel.name != "SOURCES.md":
            assert p.name in sources, f"{rel} not in maps/assets/SOURCES.md"


def test_shipped_scripts_cannot_end_their_script_element() -> None:
    # make_offline escapes "</script"; "<!--" would also change how the HTML parser reads
    # the rest of the element, and is not escaped: no shipped script may contain it.
    for p in ASSETS.rglob("*.js"):
        assert "<!--" not in p.read_text(encoding="utf-8"), p.name


def test_save_offline_writes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "map.html"
    assert save_offline(build_map(), target) == target
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "leaflet-timedimension" in html
    assert [p.name for p in target.parent.iterdir()] == ["map.html"]  # no temp file left


def test_save_offline_failure_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("previous", encoding="utf-8")
    m = folium.Map(tiles=None, minZoom=2, maxZoom=12)
    plugins.Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError):
        save_offline(m, target)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


@pytest.mark.browser
def test_offline_page_works_in_chromium_with_no_network(
    tmp_path: Path, offline_browser: Any
) -> None:
    page_file = save_offline(build_map(), tmp_path / "map.html")
    page = offline_browser.open(page_file.as_uri(), width=1200, height=800)
    page.wait_for_selector(".leaflet-bar-timecontrol", timeout=15_000)
    page.wait_for_timeout(500)
    counts = {
        sel: page.locator(sel).count()
        for sel in (
            ".leaflet-container",
            ".leaflet-control-layers",
            ".leaflet-bar-timecontrol",
            "path.leaflet-interactive",
            ".awesome-marker",
            ".marker-cluster",
            ".legend",
        )
    }
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    icons = page.evaluate(
        "() => Array.from(document.querySelectorAll('img.leaflet-marker-icon'))"
        ".map(e => e.src.slice(0, 22))"
    )
    fonts = page.evaluate(
        "async () => { await document.fonts.ready;"
        " return Array.from(document.fonts).map(f => f.family + ' ' + f.status); }"
    )
    page.screenshot(path=str(tmp_path / "map.png"))

    errors = offline_browser.errors
    requested, failed = offline_browser.requested, offline_browser.failed

    assert errors == []
    assert requested == []  # the page asked the network for nothing
    assert failed == []
    assert counts[".leaflet-container"] == 1
    assert counts[".leaflet-control-layers"] == 1
    assert counts[".leaflet-bar-timecontrol"] == 1
    assert counts["path.leaflet-interactive"] > 50  # countries, the leg, the moving line
    assert counts[".awesome-marker"] >= 2
    assert counts[".marker-cluster"] >= 1
    assert counts[".legend"] == 1
    assert {"Countries", "Legs", "Depots"} <= {t.strip() for t in labels}
    assert icons and all(src.startswith("data:image/png") for src in icons)
    assert not [f for f in fonts if f.endswith(" error")]
    assert any(f.startswith("Glyphicons") and f.endswith(" loaded") for f in fonts)
    assert (tmp_path / "map.png").stat().st_size > 10_000
