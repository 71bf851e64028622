"""The deployment map: `build_map` returns a folium.Map, `write_map` saves it offline.

Layers, bottom to top: country outlines (the ally highlighted), sector outlines, routes
(one FeatureGroup per mode, coloured by member), places (ring coloured by congestion),
then the time slider's moving lift, arrivals and sector gap shading. All scenario text is
escaped (`maps.style.esc`) before it reaches the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import folium
from branca.element import Figure

from contracts.network import Network
from contracts.plan import Plan
from geodata.distance import distance_km
from maps.basemap import SEA_COLOR, Bounds, add_basemap
from maps.controls import ViewSwitch
from maps.gaps import add_sectors, sector_geometry
from maps.legend import LegendInfo, LegendMember, add_legend
from maps.offline import save_offline
from maps.places_layer import add_places
from maps.planview import LatLon, PlanView
from maps.routes import add_routes
from maps.style import esc
from maps.timeline import add_timeline

MIN_ZOOM = 2
MAX_ZOOM = 12  # Natural Earth 1:50m looks coarse beyond this
# The map's opening view: the ally and the ports, airfields and bases within a short flight of
# it (Lithuania to Rotterdam is about 1,300 km); farther places are one click away. A framing
# choice, wider than the network's theater (geodata.network.THEATER_KM, 700 km from a sector).
OPENING_VIEW_KM = 1800.0
# Room for the controls when fitting a view, in pixels: the zoom and view buttons on the
# left above the legend, the layer control on the right, the time slider at the bottom.
PAD_TOP_LEFT = (300, 20)
PAD_BOTTOM_RIGHT = (110, 50)


class PlanMap(folium.Map):
    """A folium.Map that loads only Leaflet and jQuery (folium's popups call `$`).

    folium's defaults add Bootstrap, Font Awesome and Awesome Markers, which this map does
    not use: inlined for offline use they would be about 700 kB of every page. The time
    slider's stylesheet brings its own icon font.
    """

    default_js = [js for js in folium.Map.default_js if js[0] in ("leaflet", "jquery")]
    default_css = [css for css in folium.Map.default_css if css[0] == "leaflet_css"]


def _box(pts: list[LatLon]) -> Bounds:
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    return (min(lats), min(lons)), (max(lats), max(lons))


def _sector_corners(view: PlanView) -> list[LatLon]:
    pts: list[LatLon] = []
    for s in view.sectors.values():
        w, so, e, no = sector_geometry(s).bounds
        pts.extend([(so, w), (no, e)])
    return pts


def plan_bounds(view: PlanView) -> Bounds:
    """South-west and north-east corners of every place, leg path and sector used."""
    pts = [n.latlon for n in map(view.node, view.used_node_ids)]
    for leg_id in view.leg_use:
        pts.extend(view.leg_path(leg_id))
    pts.extend(_sector_corners(view))
    if not pts:
        pts = [p.latlon for p in view.places.values()] or [(50.0, 10.0)]
    return _box(pts)


def ally_centre(view: PlanView) -> LatLon | None:
    """Mean position of the ally's sectors, else of its places."""
    pts = [(s.lat, s.lon) for s in view.sectors.values()]
    if not pts:
        pts = [p.latlon for p in view.places.values() if p.country == view.ally]
    if not pts:
        return None
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def theatre_bounds(view: PlanView) -> Bounds:
    """Used places within OPENING_VIEW_KM of the ally, and its sectors: the opening view."""
    centre = ally_centre(view)
    if centre is None:
        return plan_bounds(view)
    pts = [n.latlon for n in map(view.node, view.used_node_ids)
           if distance_km(centre, n.latlon) <= OPENING_VIEW_KM]
    pts.extend(_sector_corners(view))
    pts.append(centre)
    return _box(pts) if len(pts) >= 2 else plan_bounds(view)


def solver_line(plan: Plan) -> tuple[str, str | None]:
    """'optimal, gap 0.0 %, 4.2 s' and a warning when the plan is not proven optimal."""
    s = plan.solver
    status = s.status or "unknown"
    gap = s.gap
    parts = [f"{esc(s.planner)} {esc(status)}".strip()]
    if gap is not None:
        parts.append(f"gap {float(gap):.1%}")
    parts.append(f"{s.seconds:.0f} s")
    if s.taken_from:
        parts.append(f"the plan of {esc(s.taken_from)}")
    warning = None
    within = (f" (up to {float(gap):.1%} from the best bound)." if gap is not None else ".")
    if status == "time_limit":
        warning = ("Solver stopped at its time limit: this plan is feasible but not proven "
                   "optimal, and another run may differ" + within)
    elif status == "work_limit":
        warning = ("Solver used its whole work budget: this plan is feasible but not proven "
                   "optimal" + within)
    elif status not in ("optimal", "feasible", "unknown"):
        warning = f"Solver status: {esc(status)}."
    if s.taken_from:
        warning = (warning + " " if warning else "") + (
            f"This plan was found by the search of what-if {esc(s.taken_from)}: it obeys every "
            "rule of this scenario and beats the plan this scenario's own search found.")
    return ", ".join(parts), warning


def delivered_tons(view: PlanView) -> dict[str, float]:
    """Cargo each member has delivered to its sectors (plan.forces[].delivered_t)."""
    out: dict[str, float] = {}
    for f in view.plan.forces:
        out[f.member] = out.get(f.member, 0.0) + f.delivered_t
    return out


def legend_info(view: PlanView) -> LegendInfo:
    """The legend's title, key numbers, members (biggest first) and modes."""
    tons = delivered_tons(view)
    kpis = view.plan.kpis
    solver, warning = solver_line(view.plan)
    closure = kpis.closure_day
    subtitle = (
        f"C-day {view.c_day:%d %b %Y}, {view.horizon_days} days &middot; ally "
        f"{esc(view.ally)}<br>{solver}<br>gap-days {kpis.gap_days:,.1f}"
        f" &middot; closure {esc('C+' + str(closure)) if closure is not None else 'not reached'}"
        f" &middot; late forces {esc(str(kpis.late_forces))}"
    )
    return LegendInfo(
        title=view.name,
        subtitle=subtitle,
        warning=warning,
        members=[
            LegendMember(m, _member_name(view, m), tons.get(m, 0.0))
            for m in route_members(view)
        ],
        modes=sorted({u.leg.mode for u in view.leg_use.values()}),
    )


def _member_name(view: PlanView, code: str) -> str:
    member = view.members.get(code)
    return member.name if member is not None and member.name else code


def member_tons(view: PlanView) -> dict[str, float]:
    """Tons each member moves, summed over legs (a ton moved twice counts twice)."""
    tons: dict[str, float] = {}
    for use in view.leg_use.values():
        for m, t in use.tons_by_member.items():
            tons[m] = tons.get(m, 0.0) + t
    return tons


def route_members(view: PlanView) -> list[str]:
    """Members that move anything, biggest first: the legend order and CSS class index."""
    tons = member_tons(view)
    return sorted(tons, key=lambda m: (-tons[m], m))


def build_map(network: Network, plan: Plan) -> folium.Map:
    """The deployment map of a plan over its network; nothing is written."""
    view = PlanView(network, plan)
    bounds = plan_bounds(view)
    theatre = theatre_bounds(view)
    (s, w), (n, e) = theatre
    m = PlanMap(
        location=((s + n) / 2, (w + e) / 2),
        zoom_start=5,
        tiles=None,
        control_scale=True,
        # camelCase: folium's min_zoom/max_zoom only reach a tile layer, and with no tiles
        # Leaflet needs the map's own limits (or the page's script stops).
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
        worldCopyJump=False,
        # Quarter zoom steps: the theatre fills the window instead of half of it.
        zoomSnap=0.25,
        zoomDelta=0.5,
    )
    cast(Figure, m.get_root()).title = f"{esc(view.name)} - deployment map"
    add_basemap(m, bounds, view.ally, theatre)
    add_sectors(m, view)
    add_routes(m, view, route_members(view))
    add_places(m, view)
    add_timeline(m, view)
    add_legend(m, legend_info(view), SEA_COLOR)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    ViewSwitch(theatre, bounds, PAD_TOP_LEFT, PAD_BOTTOM_RIGHT).add_to(m)
    m.fit_bounds([[s, w], [n, e]], padding_top_left=PAD_TOP_LEFT,
                 padding_bottom_right=PAD_BOTTOM_RIGHT)
    return m


def write_map(network: Network, plan: Plan, out_dir: Path) -> Path:
    """Write the plan's map to DIR/map.html (works offline); returns its path."""
    return save_offline(build_map(network, plan), Path(out_dir) / "map.html")
