"""Colours, line styles and text escaping shared by the map, the report and the exports.

Every string that comes from a scenario (names, ids, notes) goes through `esc` before it
reaches HTML or JavaScript: folium puts tooltip and popup HTML inside JavaScript template
literals, so a backtick, `${` or backslash in a name would break the page or run code.
"""

from __future__ import annotations

import html
import zlib
from typing import NotRequired, TypedDict

MODES: tuple[str, ...] = ("sea", "air", "rail", "road")

MODE_LABEL: dict[str, str] = {
    "air": "Airlift",
    "sea": "Sealift",
    "rail": "Rail",
    "road": "Road",
}


def mode_label(mode: str) -> str:
    """'Airlift', 'Sealift', ... for a mode; an unknown mode escaped and capitalised."""
    return MODE_LABEL.get(mode, esc(mode).title())


# Leaflet path options per mode: a planner must tell the modes apart in black and white
# too, so they differ by dash pattern and weight, not only by colour.
class LineStyle(TypedDict):
    """How a mode's routes are drawn: width in pixels, SVG dash pattern, opacity, line cap."""

    weight: float
    dash_array: str | None
    opacity: float
    line_cap: NotRequired[str]


MODE_STYLE: dict[str, LineStyle] = {
    "sea": {"weight": 5.0, "dash_array": None, "opacity": 0.85},
    "air": {"weight": 1.8, "dash_array": "8 6", "opacity": 0.9},
    "rail": {"weight": 4.0, "dash_array": "1 7", "opacity": 0.95, "line_cap": "round"},
    "road": {"weight": 2.6, "dash_array": None, "opacity": 0.9},
}

# Colours by mode for charts (Gantt bars), where members are not the grouping.
MODE_COLOR: dict[str, str] = {
    "sea": "#1f5fa8",
    "air": "#7b3fa0",
    "rail": "#b8572a",
    "road": "#4d7a3a",
}

# A fixed colour per member, so a member has the same colour in every map and report.
# Members that often deploy together (US, GB, DE, FR, PL, NL, CA) get clearly different hues.
MEMBER_COLOR: dict[str, str] = {
    "US": "#1f4e9c",
    "GB": "#c8102e",
    "DE": "#222222",
    "FR": "#3d9be9",
    "PL": "#e3007e",
    "NL": "#ff7f00",
    "CA": "#8c1d40",
    "IT": "#009246",
    "ES": "#c9a000",
    "NO": "#5c2d91",
    "DK": "#e05a5a",
    "SE": "#0a7ea4",
    "FI": "#6f8fbf",
    "LT": "#4a7d2b",
    "LV": "#9e3039",
    "EE": "#2b8c8c",
    "BE": "#b58900",
    "CZ": "#7a5195",
    "SK": "#4f6d7a",
    "HU": "#436f4d",
    "RO": "#d1a200",
    "BG": "#00966e",
    "PT": "#a0522d",
    "GR": "#2f6ec2",
    "TR": "#a31621",
    "HR": "#6a4c93",
    "SI": "#1b998b",
    "AL": "#8d0801",
    "ME": "#bc6c25",
    "MK": "#f08c00",
    "LU": "#00a1de",
    "IS": "#335c81",
}

# For members not listed above: a stable pick (crc32, not hash(), which changes per run).
_FALLBACK = (
    "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f", "#9467bd", "#2ca02c", "#d62728",
)


def member_color(code: str) -> str:
    """A member's colour: its own if it has one, else a fixed pick from a palette."""
    return MEMBER_COLOR.get(code) or _FALLBACK[zlib.crc32(code.encode()) % len(_FALLBACK)]


# Node congestion (peak daily use over capacity).
CONGESTION_COLOR = {"ok": "#2e9d46", "busy": "#f0a500", "full": "#d7301f", "none": "#5b7a99"}
UNUSED_COLOR = "#a5a5a5"


def congestion_level(peak: float | None) -> str:
    """'ok' below 70 % of capacity, 'busy' below 95 %, 'full' above; 'none' if no limit."""
    if peak is None:
        return "none"
    if peak < 0.7:
        return "ok"
    return "busy" if peak < 0.95 else "full"


def gap_color(frac: float) -> str:
    """Green (requirement met) through amber to red (nothing delivered), for 0 <= frac <= 1."""
    f = min(1.0, max(0.0, frac))
    stops = ((0.0, (26, 152, 80)), (0.5, (254, 178, 76)), (1.0, (215, 48, 39)))
    for (f0, c0), (f1, c1) in zip(stops, stops[1:], strict=False):
        if f <= f1:
            t = (f - f0) / (f1 - f0)
            r, g, b = (round(a + (z - a) * t) for a, z in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    return "#d7301f"


def esc(text: object) -> str:
    """Scenario text made safe for HTML and for folium's JavaScript template literals.

    Quotes become numeric references (&#34;, not &quot;): plotly decodes only numeric
    and a few named entities in chart text.
    """
    return (
        html.escape(str(text), quote=False)
        .replace('"', "&#34;")
        .replace("'", "&#39;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )


def short_name(text: object, limit: int = 32, seps: tuple[str, ...] = (" (", ", ", " / ")
               ) -> str:
    """A long place or sector name cut at its first bracket or comma, escaped.

    'Port of Klaipėda (ice-free; ro-ro ...)' -> 'Port of Klaipėda'. Cut before escaping,
    so an entity is never cut in half.
    """
    name = str(text)
    for sep in seps:
        name = name.split(sep, 1)[0]
    return esc(name if len(name) <= limit else name[: limit - 1] + "\u2026")


def fmt_t(tons: float) -> str:
    """Tons for people: 12,345 t; 0.4 t."""
    return f"{tons:,.0f} t" if abs(tons) >= 10 else f"{tons:,.1f} t"
