"""Deployment routes: every leg the plan uses, along its real path, one line per member.

A leg that carries several members gets one line per member, widest (most tons) first, so
the smaller flows stay visible on top of the larger ones and hiding one member in the
legend reveals the others. Lines sit in one FeatureGroup per mode (the layer control);
members are filtered by CSS classes the legend toggles (see `maps.legend`), so "only
US sealift" works without a layer per (mode, member) pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium

from contracts.network import Leg
from maps.planview import LegUse, PlanView
from maps.style import MODE_STYLE, MODES, esc, fmt_t, member_color, mode_label

ROUTE_CLASS = "mbz-route"


@dataclass(frozen=True)
class RouteLine:
    """One drawn line: a leg and the member whose cargo it shows."""

    leg_id: str
    mode: str
    member: str
    tons: float


def member_class(members: list[str], code: str) -> str:
    """CSS class of a member's routes. By index, so scenario text never becomes CSS."""
    return f"mbz-m{members.index(code)}" if code in members else "mbz-m-other"


def route_lines(view: PlanView) -> list[RouteLine]:
    """The lines to draw, biggest flows first (drawn first, so underneath)."""
    lines = [
        RouteLine(leg_id, use.leg.mode, member, tons)
        for leg_id, use in view.leg_use.items()
        for member, tons in use.tons_by_member.items()
        if tons > 0
    ]
    return sorted(lines, key=lambda r: (-r.tons, r.leg_id, r.member))


def route_weight(mode: str, tons: float) -> float:
    """Base weight of the mode, up to doubled for the largest flows (log scale)."""
    base = MODE_STYLE.get(mode, MODE_STYLE["road"])["weight"]
    return base * (1.0 + min(1.0, math.log10(1.0 + tons / 500.0) / 2.5))


def leg_tooltip(view: PlanView, use: LegUse, member: str) -> str:
    """A route line's tooltip: the leg, its fleets, the member's tons and the timing."""
    leg = use.leg
    a, b = view.node(leg.from_), view.node(leg.to)
    fleets = ", ".join(
        esc(view.fleets[f].name or f) if f in view.fleets else esc(f)
        for f in sorted(use.fleets)
    )
    members = ", ".join(
        f"{esc(m)} {fmt_t(t)}" for m, t in sorted(use.tons_by_member.items(), key=lambda x: -x[1])
    )
    return (
        f"<b>{esc(a.name)} &rarr; {esc(b.name)}</b><br>"
        f"leg <code>{esc(leg.id)}</code>, {mode_label(leg.mode)}, "
        f"{leg.km:,.0f} km{_gauge(leg)}<br>"
        f"fleet(s): {fleets}<br>"
        f"{esc(member)}: {fmt_t(use.tons_by_member[member])} of {fmt_t(use.tons)} on this leg<br>"
        f"{use.vehicle_trips:,} vehicle-trips in {use.trips:,} departures<br>"
        f"members: {members}<br>"
        f"first departs {view.day_label(use.first_depart_h)}, "
        f"last arrives {view.day_label(use.last_arrive_h)}"
    )


def _gauge(leg: Leg) -> str:
    g = leg.gauge_mm
    return f", {int(g):,} mm gauge" if g else ""


def mode_groups(m: folium.Map, modes: list[str]) -> dict[str, folium.FeatureGroup]:
    """One FeatureGroup per mode used, in a fixed order, all shown."""
    groups = {}
    for mode in sorted(modes, key=lambda x: MODES.index(x) if x in MODES else len(MODES)):
        groups[mode] = folium.FeatureGroup(name=f"Routes: {mode_label(mode)}", show=True)
        groups[mode].add_to(m)
    return groups


def add_routes(m: folium.Map, view: PlanView, members: list[str]) -> dict[str, folium.FeatureGroup]:
    """Draw every used leg per member; returns the FeatureGroup of each mode."""
    uses = view.leg_use
    lines = route_lines(view)
    groups = mode_groups(m, sorted({r.mode for r in lines}))
    for r in lines:
        style = MODE_STYLE.get(r.mode, MODE_STYLE["road"])
        folium.PolyLine(
            view.leg_path(r.leg_id),
            color=member_color(r.member),
            weight=route_weight(r.mode, r.tons),
            opacity=style["opacity"],
            dash_array=style["dash_array"],
            line_cap=style.get("line_cap", "round"),
            class_name=f"{ROUTE_CLASS} {member_class(members, r.member)}",
            tooltip=folium.Tooltip(leg_tooltip(view, uses[r.leg_id], r.member), sticky=True),
        ).add_to(groups[r.mode])
    return groups
