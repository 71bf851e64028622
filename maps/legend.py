"""The map's legend: plain HTML and CSS (branca's colormap legends need d3 from a CDN).

It also filters routes by member: each member row has a checkbox that hides that member's
route lines by toggling a CSS class on the map container (routes carry `mbz-m<i>`).
Together with the per-mode layers this gives "only US sealift" in two clicks.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import MacroElement
from folium.template import Template

from maps.style import (
    CONGESTION_COLOR,
    MODE_STYLE,
    UNUSED_COLOR,
    esc,
    fmt_t,
    gap_color,
    member_color,
    mode_label,
)

CSS = """
<style>
.leaflet-container { background: %(sea)s; font: 12px/1.35 system-ui, sans-serif; }
.mbz-place { box-sizing: border-box; border: 3px solid; border-radius: 50%%;
  background: #fff; color: #222; font-weight: 700; text-align: center;
  font-family: system-ui, sans-serif; box-shadow: 0 0 2px rgba(0,0,0,.5); }
.mbz-place-icon, .mbz-label-icon { background: none; border: none; }
.mbz-sector-label { font: 600 11px system-ui, sans-serif; color: #333; text-align: center;
  white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.mbz-place-label { font: 600 10.5px system-ui, sans-serif; color: #1d2a3a; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
.mbz-far .mbz-place-label { display: none; }
.mbz-days { border-collapse: collapse; margin: 4px 0; font-size: 11px; }
.mbz-days th, .mbz-days td { border: 1px solid #ccc; padding: 1px 5px; text-align: right; }
.mbz-legend { position: absolute; left: 10px; top: 156px; z-index: 1000;
  background: rgba(255,255,255,.94); border-radius: 6px; padding: 8px 10px;
  box-shadow: 0 1px 5px rgba(0,0,0,.35); max-height: calc(100%% - 228px); overflow-y: auto;
  font: 12px/1.35 system-ui, sans-serif; min-width: 190px; max-width: 300px; }
.mbz-legend h4 { margin: 0 0 2px; font-size: 13px; }
.mbz-legend h5 { margin: 7px 0 2px; font-size: 11px; text-transform: uppercase;
  color: #555; letter-spacing: .04em; }
.mbz-legend .sub { color: #555; font-size: 11px; }
.mbz-legend .warn { color: #b00020; font-weight: 600; }
.mbz-legend label { display: flex; align-items: center; gap: 5px; cursor: pointer;
  margin: 0; }
.mbz-legend .mbz-members { display: grid; grid-template-columns: 1fr 1fr; column-gap: 10px; }
.mbz-legend summary { cursor: pointer; font-weight: 600; }
.mbz-legend .mbz-row { display: flex; align-items: center; gap: 6px; }
.mbz-legend .sw { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
.mbz-legend .ring { display: inline-block; width: 10px; height: 10px; border-radius: 50%%;
  border: 3px solid; background: #fff; }
.mbz-legend .grad { height: 10px; border-radius: 2px; margin: 2px 0;
  background: linear-gradient(to right, %(g0)s, %(g5)s, %(g1)s); }
.mbz-legend .tons { margin-left: auto; color: #555; padding-left: 8px; }
.mbz-views a { width: auto !important; padding: 0 8px; font-size: 12px; }
%(hide)s
</style>
"""


@dataclass(frozen=True)
class LegendMember:
    """A member row of the legend: code, full name, tons delivered."""

    code: str
    name: str
    tons: float


@dataclass(frozen=True)
class LegendInfo:
    """What the legend shows: title, key numbers, a warning, members and modes."""

    title: str
    subtitle: str
    warning: str | None
    members: list[LegendMember]  # in member-index order (see routes.member_class)
    modes: list[str]


class Legend(MacroElement):
    """A fixed legend box plus the page CSS; `body` and `css` are already escaped."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="mbz-legend" id="{{ this.get_name() }}">{{ this.body }}</div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        document.querySelectorAll("#{{ this.get_name() }} input[data-hide]").forEach(
            function (box) {
                box.addEventListener("change", function () {
                    {{ this._parent.get_name() }}.getContainer().classList.toggle(
                        box.dataset.hide, !box.checked);
                });
            });
        {% endmacro %}
        """
    )

    def __init__(self, body: str, css: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.css = css


def legend_css(n_members: int, sea: str) -> str:
    """The page CSS, with one rule per member hiding its routes when its box is unticked."""
    hide = "\n".join(f".mbz-hide-m{i} .mbz-m{i} {{ display: none; }}" for i in range(n_members))
    return CSS % {"sea": sea, "g0": gap_color(0), "g5": gap_color(0.5), "g1": gap_color(1),
                  "hide": hide}


def fmt_kt(tons: float) -> str:
    """Short tons for the legend: 306 kt, 5.2 kt, 800 t."""
    if tons >= 1e5:
        return f"{tons / 1e3:,.0f} kt"
    return f"{tons / 1e3:,.1f} kt" if tons >= 1e3 else fmt_t(tons)


def _mode_sample(mode: str) -> str:
    style = MODE_STYLE.get(mode, MODE_STYLE["road"])
    dash = style["dash_array"] or "none"
    cap = style.get("line_cap", "butt")
    return (
        f"<svg width='34' height='10'><line x1='2' y1='5' x2='32' y2='5' stroke='#333' "
        f"stroke-width='{style['weight']}' stroke-dasharray='{dash}' stroke-linecap='{cap}'/>"
        "</svg>"
    )


def legend_body(info: LegendInfo) -> str:
    """The legend box's HTML (the subtitle and warning are already escaped)."""
    parts = [f"<h4>{esc(info.title)}</h4><div class='sub'>{info.subtitle}</div>"]
    if info.warning:
        parts.append(f"<div class='warn'>{info.warning}</div>")
    parts.append("<details open><summary>Legend</summary>")
    parts.append("<h5>Members: delivered (untick to hide)</h5><div class='mbz-members'>")
    for i, m in enumerate(info.members):
        parts.append(
            f"<label><input type='checkbox' checked data-hide='mbz-hide-m{i}'>"
            f"<span class='sw' style='background:{member_color(m.code)}'></span>"
            f"<span title='{esc(m.name)}'>{esc(m.code)}</span>"
            f"<span class='tons'>{fmt_kt(m.tons)}</span></label>"
        )
    parts.append("</div>")
    parts.append("<h5>Lift (line width: tons)</h5>")
    for mode in info.modes:
        parts.append(f"<div class='mbz-row'>{_mode_sample(mode)} {mode_label(mode)}</div>")
    parts.append("<h5>Places: ring = peak use / capacity</h5>")
    for key, label in (("ok", "&lt; 70 %"), ("busy", "70&ndash;95 %"), ("full", "&ge; 95 %"),
                       ("none", "no limit")):
        parts.append(f"<div class='mbz-row'><span class='ring' style='border-color:"
                     f"{CONGESTION_COLOR[key]}'></span>{label}</div>")
    parts.append(f"<div class='mbz-row'><span class='ring' style='border-color:{UNUSED_COLOR}'>"
                 "</span>not used</div>")
    parts.append("<div class='sub'>B base &middot; A airfield &middot; P seaport &middot; "
                 "R railhead &middot; D depot &middot; &times; closed</div>")
    parts.append("<h5>Sector gap on the slider's day</h5><div class='grad'></div>"
                 "<div class='mbz-row sub'><span>met</span><span style='margin-left:auto'>"
                 "nothing there</span></div>")
    parts.append("<div class='sub'>Slider (bottom left): lift on the move trails one day; "
                 "white circles: tons arriving that day.</div></details>")
    return "".join(parts)


def add_legend(m: folium.Map, info: LegendInfo, sea: str) -> Legend:
    """Add the legend and the page CSS to the map."""
    legend = Legend(legend_body(info), legend_css(len(info.members), sea))
    legend.add_to(m)
    return legend
