"""The time slider: lift moving along its legs, arrivals, and sector gaps, day by day.

Built on folium's TimestampedGeoJson (Leaflet.TimeDimension). What the library needs:
ISO time strings (its time parser mis-reads epoch numbers), one time per LineString
vertex, and a `duration` so a feature shows only for a while after its time: with a
duration just under a day a trip is a segment trailing one day of travel behind its head,
and each day's sector shading replaces the previous day's instead of piling up.
"""

from __future__ import annotations

import bisect
import calendar
import json
import math
from collections import defaultdict
from typing import Any

import folium
import shapely
from folium.plugins import TimestampedGeoJson
from folium.template import Template

from contracts.plan import Trip
from geodata.distance import distance_km
from maps.gaps import gap_features
from maps.planview import LatLon, PlanView
from maps.style import MODE_STYLE, esc, fmt_t, member_color, mode_label

STEP_H = 6  # slider step; movement is sampled at least this often
DURATION = "PT23H59M"  # just under a day: consecutive days never show together
SIMPLIFY_DEG = 0.05  # trip paths only need to look right at theatre scale


class PlanTimeline(TimestampedGeoJson):
    """TimestampedGeoJson that labels times 'C+3 · 04 Mar 06:00Z', in UTC, and opens at a
    chosen time (folium's opens at the end and logs every step to the console)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.Control.TimeDimensionMobilize = L.Control.TimeDimension.extend({
                _getDisplayDateFormat: function(date){
                    var day = Math.floor((date - {{ this.c0_ms }}) / 86400000);
                    return "C" + (day < 0 ? "" : "+") + day + " \\u00b7 "
                        + moment.utc(date).format("{{ this.date_options }}") + "Z";
                }
            });
            {{ this._parent.get_name() }}.timeDimension = L.timeDimension(
                {period: {{ this.period|tojson }}}
            );
            var {{ this.get_name() }}_control = new L.Control.TimeDimensionMobilize(
                {{ this.options|tojavascript }}
            );
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }}_control);

            var {{ this.get_name() }}_base = L.geoJson({{ this.data }}, {
                pointToLayer: function (feature, latLng) {
                    return new L.circleMarker(latLng, feature.properties.iconstyle || {});
                },
                style: function (feature) { return feature.properties.style; },
                onEachFeature: function (feature, layer) {
                    if (feature.properties.tooltip) {
                        layer.bindTooltip(feature.properties.tooltip, {sticky: true});
                    }
                }
            });
            var {{ this.get_name() }} = L.timeDimension.layer.geoJson(
                {{ this.get_name() }}_base,
                {
                    updateTimeDimension: true,
                    addlastPoint: {{ this.add_last_point|tojson }},
                    duration: {{ this.duration }},
                }
            ).addTo({{ this._parent.get_name() }});
            {{ this._parent.get_name() }}.timeDimension.setCurrentTime({{ this.start_ms }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], c0_ms: int, start_ms: int, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        # Compact JSON: trips carry a time per vertex, and the spaces add up. "</" escaped
        # as a second guard (text is escaped already): the data sits inside a <script>.
        self.data = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        self.c0_ms = int(c0_ms)
        self.start_ms = int(start_ms)


def _cumulative_km(path: list[LatLon]) -> list[float]:
    out = [0.0]
    for a, b in zip(path, path[1:], strict=False):
        out.append(out[-1] + distance_km(a, b))
    return out


def _point_at(path: list[LatLon], cum: list[float], km: float) -> LatLon:
    """Position `km` along the path, straight between vertices (fine at these spacings)."""
    i = min(max(1, bisect.bisect_left(cum, km)), len(path) - 1)
    seg = cum[i] - cum[i - 1]
    t = 0.0 if seg <= 0 else (km - cum[i - 1]) / seg
    (la0, lo0), (la1, lo1) = path[i - 1], path[i]
    return la0 + (la1 - la0) * t, lo0 + (lo1 - lo0) * t


def simplified_path(view: PlanView, leg_id: str) -> list[LatLon]:
    """The leg's path simplified to SIMPLIFY_DEG: enough at theatre scale, smaller page."""
    path = view.leg_path(leg_id)
    if len(path) <= 2:
        return path
    line = shapely.LineString([(lon, lat) for lat, lon in path]).simplify(SIMPLIFY_DEG)
    return [(lat, lon) for lon, lat in line.coords]


def timed_path(path: list[LatLon], depart_h: float, arrive_h: float
               ) -> list[tuple[float, LatLon]]:
    """(hour, position) along the path, moving at constant speed from depart to arrive.

    Keeps every path vertex and adds one at every slider step, so the one-day trailing
    segment always has at least two vertices (a single vertex would draw nothing).
    """
    cum = _cumulative_km(path)
    total = cum[-1]
    span = max(arrive_h - depart_h, 1e-6)
    out = [(depart_h + span * (c / total if total > 0 else 0.0), p)
           for c, p in zip(cum, path, strict=True)]
    first_step = math.floor(depart_h / STEP_H) + 1
    for k in range(first_step, math.ceil(arrive_h / STEP_H)):
        h = k * STEP_H
        out.append((h, _point_at(path, cum, total * (h - depart_h) / span)))
    out.sort(key=lambda x: x[0])
    return out


def _group_trips(view: PlanView) -> dict[tuple[str, str, int], list[Trip]]:
    """Trips of one fleet on one leg leaving in the same slider step move as one feature."""
    groups: dict[tuple[str, str, int], list[Trip]] = defaultdict(list)
    for t in view.trips:
        if t.leg in view.legs:
            groups[(t.leg, t.fleet, math.floor(t.depart_h / STEP_H))].append(t)
    return groups


def trip_features(view: PlanView, paths: dict[str, list[LatLon]]) -> list[dict[str, Any]]:
    """Lift on the move: one timed line per fleet, leg and slider step (paths: a cache)."""
    out = []
    for (leg_id, fleet_id, _), trips in sorted(_group_trips(view).items()):
        if leg_id not in paths:
            paths[leg_id] = simplified_path(view, leg_id)
        depart = min(t.depart_h for t in trips)
        arrive = max(t.arrive_h for t in trips)
        tons = sum(t.tons for t in trips)
        vehicles = sum(t.vehicles for t in trips)
        by_member: dict[str, float] = defaultdict(float)
        for t in trips:
            for m, v in view.trip_tons_by_member(t).items():
                by_member[m] += v
        member = min(by_member, key=lambda k: (-by_member[k], k)) if by_member else "?"
        mode = view.legs[leg_id].mode
        color = member_color(member)
        timed = timed_path(paths[leg_id], depart, arrive)
        a, b = view.node(trips[0].from_), view.node(trips[0].to)
        fleet = _fleet_name(view, fleet_id)
        out.append({
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[round(lon, 3), round(lat, 3)] for _, (lat, lon) in timed],
            },
            "properties": {
                "times": [view.iso(h) for h, _ in timed],
                # the mode's line style, as on the route layer: a flight is dashed in the
                # air too, so nobody reads it as a road across the water
                "style": {"color": color, "weight": MODE_STYLE[mode]["weight"] + 1.0,
                          "opacity": 0.95, "dashArray": MODE_STYLE[mode]["dash_array"]},
                "iconstyle": {"radius": 5, "color": "#ffffff", "weight": 1.5,
                              "fillColor": color, "fillOpacity": 1.0},
                "tooltip": (
                    f"<b>{esc(fleet)}</b> ({mode_label(mode)}): {esc(a.name)} &rarr; "
                    f"{esc(b.name)}<br>{vehicles} vehicle(s), {fmt_t(tons)}; "
                    + ", ".join(f"{esc(k)} {fmt_t(v)}" for k, v in sorted(by_member.items()))
                    + f"<br>departs {view.day_label(depart)}, arrives {view.day_label(arrive)}"
                ),
            },
        })
    return out


def _fleet_name(view: PlanView, fleet_id: str) -> str:
    fleet = view.fleets.get(fleet_id)
    return fleet.name if fleet is not None and fleet.name else fleet_id


def arrival_features(view: PlanView) -> list[dict[str, Any]]:
    """Per destination and day, a circle sized by the tons arriving that day."""
    days: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t in view.trips:
        if view.has_node(t.to):
            key = (t.to, math.floor(t.arrive_h / 24.0))
            for m, v in view.trip_tons_by_member(t).items():
                days[key][m] += v
    out = []
    for (node_id, day), by_member in sorted(days.items()):
        node = view.node(node_id)
        tons = sum(by_member.values())
        out.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(node.lon, 4), round(node.lat, 4)]},
            "properties": {
                "times": [view.iso(24.0 * day)],
                "iconstyle": {"radius": min(22.0, 5.0 + math.sqrt(tons) / 8.0),
                              "color": "#202020", "weight": 1.5, "fillColor": "#ffffff",
                              "fillOpacity": 0.55},
                "tooltip": (f"<b>{esc(node.name)}</b>: {fmt_t(tons)} arrive on C+{day}<br>"
                            + ", ".join(f"{esc(k)} {fmt_t(v)}"
                                        for k, v in sorted(by_member.items()))),
            },
        })
    return out


def busiest_hour(view: PlanView) -> float:
    """The slider step with the most tons on the move: the map opens there."""
    steps: dict[int, float] = defaultdict(float)
    for t in view.trips:
        d, a = t.depart_h, t.arrive_h
        for k in range(math.ceil(d / STEP_H), math.floor(a / STEP_H) + 1):
            steps[k] += t.tons
    return float(STEP_H * max(steps, key=lambda k: (steps[k], -k))) if steps else 0.0


def timeline_data(view: PlanView) -> dict[str, Any]:
    """The slider's FeatureCollection: sector gaps, lift on the move, arrivals."""
    # Gaps first: features are drawn in order, so trips and arrivals stay on top.
    features = gap_features(view) + trip_features(view, {}) + arrival_features(view)
    return {"type": "FeatureCollection", "features": features}


def add_timeline(m: folium.Map, view: PlanView) -> PlanTimeline | None:
    """Add the time slider to the map; None if the plan has nothing to show on it."""
    data = timeline_data(view)
    if not data["features"]:
        return None
    timeline = PlanTimeline(
        data,
        c0_ms=_utc_ms(view, 0.0),
        start_ms=_utc_ms(view, busiest_hour(view)),
        period=f"PT{STEP_H}H",
        duration=DURATION,
        add_last_point=True,
        auto_play=False,
        loop_button=True,
        transition_time=250,
        date_options="DD MMM HH:mm",
        time_slider_drag_update=True,
    )
    timeline.add_to(m)
    return timeline


def _utc_ms(view: PlanView, hours: float) -> int:
    """Milliseconds since the epoch of a plan hour, C-day taken as UTC."""
    return calendar.timegm(view.when(hours).timetuple()) * 1000
