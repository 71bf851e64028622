"""Make folium pages that work with no internet.

Planners often sit on networks with no internet, where a folium page that loads Leaflet
from a CDN is a blank page. `make_offline` rewrites a rendered page so that every script
and stylesheet folium links is inlined from the files shipped in `maps/assets/` (see
`maps/assets/SOURCES.md`), and every `url(...)` in those stylesheets becomes a `data:`
URI. A script or stylesheet with no shipped file is an error, never silently left online.

Usage::

    m = folium.Map(location=(54.7, 25.3), zoom_start=6, tiles=None, minZoom=2, maxZoom=12)
    ...
    save_offline(m, "out/plan.html")

Notes for map builders:
- Offline there are no tiles: build maps with ``tiles=None`` and draw the country outlines
  (`geodata.outlines.load_countries`) as a `GeoJson` layer instead.
- With ``tiles=None`` folium sets no zoom limits, and MarkerCluster then stops the page's
  script ("Map has no maxZoom specified"). Pass ``minZoom=``/``maxZoom=`` to `folium.Map`
  (camelCase: folium's ``max_zoom`` only reaches a tile layer).
- Render with ``m.get_root().render()``; branca 0.8.2's ``render(embedded=True)`` is broken.
"""

from __future__ import annotations

import base64
import functools
import itertools
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import folium

from contracts.files import write_text

ASSETS = Path(__file__).resolve().parent / "assets"


class OfflineAssetError(RuntimeError):
    """A page needs a script, stylesheet or file that mobilize does not ship."""


@dataclass(frozen=True)
class _Rule:
    """CDN URLs (a regex searched in the URL) and the shipped files that replace them.

    An empty `files` marks a file that folium links but no page uses: its tag is dropped.
    """

    pattern: re.Pattern[str]
    files: tuple[str, ...]


def _rule(pattern: str, *files: str) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), files)


# The rest of a version after its major number: minor and patch drift in folium's URLs is
# tolerated (same API), a new major version is not (it needs a new shipped file).
_V = r"(?:\.\d+)*"

_JQUERY = "jquery/jquery.min.js"
_LEAFLET_JS = "leaflet/leaflet.js"

_RULES: tuple[_Rule, ...] = (
    _rule(rf"/leaflet@1{_V}/dist/leaflet(?:-src)?\.js$", _LEAFLET_JS),
    _rule(rf"/leaflet@1{_V}/dist/leaflet\.css$", "leaflet/leaflet.css"),
    _rule(rf"code\.jquery\.com/jquery-3{_V}(?:\.min)?\.js$", _JQUERY),
    _rule(rf"/ajax/libs/jquery/3{_V}/jquery(?:\.min)?\.js$", _JQUERY),
    _rule(rf"/jquery@3{_V}/dist/jquery(?:\.min)?\.js$", _JQUERY),
    _rule(
        rf"/bootstrap@5{_V}/dist/js/bootstrap\.bundle(?:\.min)?\.js$",
        "bootstrap/bootstrap.bundle.min.js",
    ),
    _rule(rf"/bootstrap@5{_V}/dist/css/bootstrap(?:\.min)?\.css$", "bootstrap/bootstrap.min.css"),
    _rule(
        rf"/bootstrap/3{_V}/css/bootstrap-glyphicons(?:\.min)?\.css$",
        "bootstrap3-glyphicons/css/bootstrap-glyphicons.css",
    ),
    # The time slider's stylesheet loads this icon font from a bootstrap CDN.
    _rule(
        rf"/bootstrap/3{_V}/fonts/glyphicons-halflings-regular\.\w+$",
        "bootstrap3-glyphicons/fonts/glyphicons-halflings-regular.woff2",
    ),
    # all.min.css minus the brand icons and the v4/v5 font aliases: each alias would embed
    # another copy of the same font in every page.
    _rule(
        rf"/@fortawesome/fontawesome-free@6{_V}/css/all(?:\.min)?\.css$",
        "fontawesome-free/css/fontawesome.min.css",
        "fontawesome-free/css/solid.min.css",
        "fontawesome-free/css/regular.min.css",
    ),
    _rule(
        rf"/Leaflet\.awesome-markers/2{_V}/leaflet\.awesome-markers(?:\.min)?\.js$",
        "awesome-markers/leaflet.awesome-markers.js",
    ),
    _rule(
        rf"/Leaflet\.awesome-markers/2{_V}/leaflet\.awesome-markers(?:\.min)?\.css$",
        "awesome-markers/leaflet.awesome-markers.css",
    ),
    _rule(
        r"/python-visualization/folium(?:@[^/]+)?/folium/templates/"
        r"leaflet\.awesome\.rotate(?:\.min)?\.css$",
        "folium/leaflet.awesome.rotate.css",
    ),
    _rule(
        r"/python-visualization/folium(?:@[^/]+)?/folium/templates/leaflet_heat\.min\.js$",
        "leaflet-heat/leaflet_heat.min.js",
    ),
    _rule(
        rf"/leaflet\.markercluster[@/]1{_V}/(?:dist/)?leaflet\.markercluster(?:-src)?\.js$",
        "leaflet.markercluster/leaflet.markercluster.js",
    ),
    _rule(
        rf"/leaflet\.markercluster[@/]1{_V}/(?:dist/)?MarkerCluster\.css$",
        "leaflet.markercluster/MarkerCluster.css",
    ),
    _rule(
        rf"/leaflet\.markercluster[@/]1{_V}/(?:dist/)?MarkerCluster\.Default\.css$",
        "leaflet.markercluster/MarkerCluster.Default.css",
    ),
    _rule(
        rf"/leaflet-ant-path@1{_V}/dist/leaflet-ant-path(?:\.min)?\.js$",
        "leaflet-ant-path/leaflet-ant-path.js",
    ),
    _rule(
        rf"/leaflet-timedimension@1{_V}/dist/leaflet\.timedimension(?:\.min|\.src)?\.js$",
        "leaflet-timedimension/leaflet.timedimension.min.js",
    ),
    _rule(
        rf"/leaflet-timedimension@1{_V}/dist/leaflet\.timedimension\.control(?:\.min)?\.css$",
        "leaflet-timedimension/leaflet.timedimension.control.min.css",
    ),
    _rule(rf"/iso8601-js-period@0\.2{_V}/iso8601(?:\.min)?\.js$", "iso8601-js-period/iso8601.js"),
    _rule(rf"/moment\.js/2{_V}/moment(?:\.min)?\.js$", "moment/moment.min.js"),
    _rule(rf"/moment@2{_V}/min/moment(?:\.min)?\.js$", "moment/moment.min.js"),
    # branca legends (colormaps, Choropleth) draw with d3 v3.
    _rule(rf"/ajax/libs/d3/3{_V}/d3(?:\.min)?\.js$", "d3/d3.min.js"),
    _rule(r"//d3js\.org/d3\.v3(?:\.min)?\.js$", "d3/d3.min.js"),
    # TimestampedGeoJson links jQuery UI, but neither its template nor leaflet-timedimension
    # calls it (the slider is Leaflet's own); highlight.js styles code blocks, which a map
    # page has none of. Both are dropped rather than shipped.
    _rule(rf"/ajax/libs/jqueryui/1{_V}/jquery-ui(?:\.min)?\.js$"),
    _rule(r"/ajax/libs/highlight\.js/[\d.]+/styles/default(?:\.min)?\.css$"),
)

_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}
_FONT_SUFFIXES = {".eot", ".ttf", ".otf", ".woff", ".woff2", ".svg"}

_SCRIPT_TAG = re.compile(
    r"<script\b[^>]*?(?<![\w-])src\s*=\s*([\"'])(?P<url>[^\"']*)\1[^>]*>\s*</script\s*>",
    re.IGNORECASE,
)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"([\w-]+)\s*=\s*([\"'])(.*?)\2", re.DOTALL)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_SRC_DECL = re.compile(r"(?<![\w.-])src\s*:\s*(?P<value>[^;}]*);?", re.IGNORECASE)
_URL = re.compile(r"url\(\s*(?P<q>[\"']?)(?P<url>.*?)(?P=q)\s*\)", re.IGNORECASE | re.DOTALL)
# Source-map comments would point a browser's developer tools at files that are not there.
_SOURCE_MAP = re.compile(
    r"^\s*(?://[#@]\s*sourceMappingURL=\S*|/\*[#@]\s*sourceMappingURL=[^*]*\*/)\s*$", re.MULTILINE
)


def is_external(url: str) -> bool:
    """True for a URL that needs a network: http(s) or protocol-relative."""
    return re.match(r"\s*(?:https?:)?//", url, re.IGNORECASE) is not None


def asset_files_for(url: str) -> tuple[str, ...] | None:
    """The shipped files (paths under `ASSETS`) that stand in for `url`.

    An empty tuple: folium links the file but no page uses it. None: not shipped.
    """
    for rule in _RULES:
        if rule.pattern.search(_bare(url)):
            return rule.files
    return None


def _bare(url: str) -> str:
    """The URL without query and fragment ("font.eot?#iefix" -> "font.eot")."""
    return url.split("#", 1)[0].split("?", 1)[0].strip()


def make_offline(html: str) -> str:
    """Inline every CDN script and stylesheet of a rendered folium page.

    `html` is `m.get_root().render()`. Raises `OfflineAssetError` naming each external
    script or stylesheet that has no shipped file.
    """
    _check_all_shipped(html)
    page = _Inliner()
    html = _SCRIPT_TAG.sub(page.script_tag, html)
    html = _LINK_TAG.sub(page.link_tag, html)
    left = _external_links(html)
    if left:
        # A tag written in a form the rewriting above does not recognise.
        raise OfflineAssetError(f"could not inline: {', '.join(left)}")
    return html


def save_offline(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Render `m`, make it offline and write it to `path` atomically; returns the path.

    The page goes to a temporary file in the same folder, then is renamed: a reader never
    sees half a page, and a failure leaves any previous file in place.
    """
    return write_text(Path(path), make_offline(m.get_root().render()))


class _LinkCollector(HTMLParser):
    """Collects external script and stylesheet URLs the way a browser reads the tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "script" and is_external(a.get("src", "")):
            self.urls.append(a["src"])
        elif tag == "link" and _is_stylesheet(a) and is_external(a.get("href", "")):
            self.urls.append(a["href"])


def _external_links(html: str) -> list[str]:
    parser = _LinkCollector()
    parser.feed(html)
    parser.close()
    return parser.urls


def _check_all_shipped(html: str) -> None:
    missing = [u for u in _external_links(html) if asset_files_for(u) is None]
    if missing:
        raise OfflineAssetError(
            "no shipped file for: "
            + ", ".join(dict.fromkeys(missing))
            + " (add it to maps/assets and maps/offline.py, see maps/assets/SOURCES.md)"
        )


def _is_stylesheet(attrs: dict[str, str]) -> bool:
    return "stylesheet" in attrs.get("rel", "").lower().split()


class _Inliner:
    """Rewrites one page's tags; inlines each shipped file once per page."""

    def __init__(self) -> None:
        self.done: set[str] = set()

    def script_tag(self, match: re.Match[str]) -> str:
        url = match.group("url")
        if not is_external(url):
            return match.group(0)
        return "".join(self._script(name) for name in _files_or_raise(url))

    def link_tag(self, match: re.Match[str]) -> str:
        attrs = {k.lower(): v for k, _, v in _ATTR.findall(match.group(0))}
        url = attrs.get("href", "")
        if not (_is_stylesheet(attrs) and is_external(url)):
            return match.group(0)
        return "".join(self._style(name) for name in _files_or_raise(url))

    def _script(self, name: str) -> str:
        # folium links jQuery twice (Map and TimestampedGeoJson); a second copy would only
        # replace the first one's `$` and drop anything registered on it.
        if name in self.done:
            return ""
        self.done.add(name)
        tag = f"<script>/* {name} (maps/assets) */\n{_script_text(name)}\n</script>\n"
        if name == _LEAFLET_JS:
            tag += _default_icon_script()
        return tag

    def _style(self, name: str) -> str:
        if name in self.done:
            return ""
        self.done.add(name)
        return f"<style>/* {name} (maps/assets) */\n{_stylesheet_text(name)}\n</style>\n"


def _files_or_raise(url: str) -> tuple[str, ...]:
    files = asset_files_for(url)
    if files is None:
        raise OfflineAssetError(f"no shipped file for {url}")
    return files


def _read_asset(name: str) -> bytes:
    path = ASSETS / name
    if not path.is_file():
        raise OfflineAssetError(f"shipped file missing: maps/assets/{name}")
    return path.read_bytes()


@functools.cache
def _script_text(name: str) -> str:
    text = _SOURCE_MAP.sub("", _read_asset(name).decode("utf-8"))
    # Inside <script>, "</script" ends the element wherever it appears; "<\/" means the
    # same thing in a JavaScript string, regex or comment.
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


@functools.cache
def _stylesheet_text(name: str) -> str:
    css = _SOURCE_MAP.sub("", _read_asset(name).decode("utf-8"))
    base = PurePosixPath(name).parent
    css = _FONT_FACE.sub(lambda m: _inline_font_face(m.group(0), base, name), css)
    css = _URL.sub(lambda m: _inline_url(m, base, name), css)
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


@functools.cache
def data_uri(name: str) -> str:
    """The shipped file `name` (a path under `ASSETS`) as a base64 `data:` URI."""
    suffix = PurePosixPath(name).suffix.lower()
    mime = _MIME.get(suffix)
    if mime is None:
        raise OfflineAssetError(f"no MIME type known for maps/assets/{name}")
    return f"data:{mime};base64,{base64.b64encode(_read_asset(name)).decode('ascii')}"


def _resolve(url: str, base: PurePosixPath) -> str | None:
    """The shipped file a stylesheet's url() names, or None if it is not shipped."""
    if is_external(url):
        files = asset_files_for(url)
        return files[0] if files else None
    parts: list[str] = []
    for part in (base / _bare(url)).parts:
        if part == "..":
            if not parts:
                return None  # above maps/assets
            parts.pop()
        elif part != ".":
            parts.append(part)
    name = "/".join(parts)
    return name if (ASSETS / name).is_file() else None


def _woff2_for(url: str, base: PurePosixPath) -> str | None:
    """The shipped .woff2 twin of a font URL: only woff2 fonts are shipped (size)."""
    bare = _bare(url)
    if PurePosixPath(bare).suffix.lower() not in _FONT_SUFFIXES:
        return None
    name = _resolve(url, base)
    if name is not None and name.endswith(".woff2"):
        return name
    return _resolve(re.sub(r"\.\w+$", ".woff2", bare), base)


def _inline_font_face(block: str, base: PurePosixPath, sheet: str) -> str:
    """Rewrite an @font-face block so that it embeds its shipped woff2 font, once.

    Only woff2 fonts are shipped: every source (eot, woff, ttf, svg...) is replaced by its
    woff2 twin and duplicates are dropped. Only a block's last `src:` counts (earlier ones
    are for old browsers), so the others are removed rather than embed the font again.
    """
    decls = list(_SRC_DECL.finditer(block))
    if not decls:
        return block
    urls = [u.group("url") for u in _URL.finditer(decls[-1].group("value"))]
    names = list(dict.fromkeys(n for n in (_woff2_for(u, base) for u in urls) if n is not None))
    if not names:
        raise OfflineAssetError(f"no shipped font for {urls} in maps/assets/{sheet}")
    src = "src:" + ",".join(f'url("{data_uri(n)}") format("woff2")' for n in names) + ";"
    kept = [block[: decls[0].start()]]
    for before, after in itertools.pairwise(decls):
        kept.append(block[before.end() : after.start()])
    return "".join(kept) + src + block[decls[-1].end() :]


def _inline_url(m: re.Match[str], base: PurePosixPath, sheet: str) -> str:
    url = m.group("url").strip()
    # data: is already inline; "#default#VML" is an old IE behaviour, not a file.
    if url.lower().startswith("data:") or url.startswith("#"):
        return m.group(0)
    name = _resolve(url, base)
    if name is None:
        raise OfflineAssetError(f"no shipped file for url({url}) in maps/assets/{sheet}")
    return f'url("{data_uri(name)}")'


@functools.cache
def _default_icon_script() -> str:
    # Leaflet finds its default marker images from the path of leaflet.css; inlined there is
    # no such path, and default markers would request "marker-icon.png" from nowhere.
    icons = {
        "iconUrl": "leaflet/images/marker-icon.png",
        "iconRetinaUrl": "leaflet/images/marker-icon-2x.png",
        "shadowUrl": "leaflet/images/marker-shadow.png",
    }
    options = ",".join(f'{key}:"{data_uri(name)}"' for key, name in icons.items())
    return (
        '<script>L.Icon.Default.imagePath="";'
        f"L.Icon.Default.mergeOptions({{{options}}});</script>\n"
    )
