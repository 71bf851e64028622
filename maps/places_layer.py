"""Places on the map: bases, ports, airfields, railheads and depots, coloured by congestion.

A marker is a small disc with the kind's letter, its ring coloured by the place's peak
daily use over capacity (throughput_tpd, or MOG for airfields), so a planner sees the
bottlenecks at a glance; the popup gives the numbers day by day.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium

from contracts.network import Place
from maps.planview import PlaceDay, PlanView
from maps.style import (
    CONGESTION_COLOR,
    UNUSED_COLOR,
    congestion_level,
    esc,
    fmt_t,
    mode_label,
    short_name,
)

KIND_LETTER = {"base": "B", "airfield": "A", "seaport": "P", "railhead": "R", "depot": "D"}
KIND_LABEL = {
    "base": "home base",
    "airfield": "airfield",
    "seaport": "seaport",
    "railhead": "railhead",
    "depot": "depot",
}
# Days listed in a popup: enough to see the peak and its neighbours.
MAX_POPUP_DAYS = 12
# Places named on the map (the busiest); more would hide the routes at theatre scale.
MAX_LABELS = 14


@dataclass(frozen=True)
class PlaceUse:
    """How hard the plan works a place."""

    peak: float | None  # max daily use over capacity, None if the place has no limit
    peak_day: int | None
    tons: float  # total arriving
    used: bool


def place_use(view: PlanView) -> dict[str, PlaceUse]:
    """Per place: peak daily use over capacity (and its day), tons received, used or not."""
    days = view.place_days
    depots = depot_use(view)
    used = view.used_node_ids
    out = {}
    for pid in view.places:
        rows = days.get(pid, {})
        ratios = {d: view.place_utilisation(pid, v) for d, v in rows.items()}
        limited = {d: r for d, r in ratios.items() if r is not None}
        for d, r in depots.get(pid, {}).items():  # a depot's shipping counts too
            limited[d] = max(limited.get(d, 0.0), r)
        peak_day = max(limited, key=lambda d: (limited[d], -d)) if limited else None
        peak = limited[peak_day] if peak_day is not None else None
        if peak is None and _has_limit(view, pid):
            peak = 0.0
        out[pid] = PlaceUse(peak, peak_day, sum(v.tons for v in rows.values()), pid in used)
    return out


def _has_limit(view: PlanView, pid: str) -> bool:
    p = view.places[pid]
    depot_limit = any(d.place == pid and d.throughput_tpd for d in view.depots.values())
    return bool(p.throughput_tpd or p.mog or depot_limit)


def depot_use(view: PlanView) -> dict[str, dict[int, float]]:
    """Per place hosting depots: daily shipped tons over the depots' throughput."""
    shipped = view.depot_days
    out: dict[str, dict[int, float]] = {}
    for did, days in shipped.items():
        depot = view.depots.get(did)
        if depot is None or not depot.throughput_tpd:
            continue
        row = out.setdefault(depot.place, {})
        for d, tons in days.items():
            row[d] = max(row.get(d, 0.0), tons / depot.throughput_tpd)
    return out


def roles(view: PlanView) -> dict[str, list[str]]:
    """'embarkation (sea)', 'debarkation (air)', ... per place, from the trips."""
    out: dict[str, set[str]] = {}
    for t in view.trips:
        out.setdefault(t.from_, set()).add(f"embarkation ({mode_label(t.mode)})")
        out.setdefault(t.to, set()).add(f"debarkation ({mode_label(t.mode)})")
    homes = {f.home for f in view.forces.values()}
    for h in homes:
        out.setdefault(h, set()).add("home of forces")
    return {k: sorted(v) for k, v in out.items()}


def place_popup(view: PlanView, p: Place, use: PlaceUse, role: list[str]) -> str:
    """A place's popup: kind, roles, limits, peak use, busiest days and depots."""
    pid = p.id
    rows = view.place_days.get(pid, {})
    lines = [
        f"<b>{esc(p.name or pid)}</b> <code>{esc(pid)}</code><br>",
        f"{esc(KIND_LABEL.get(p.kind, p.kind))}, {esc(p.country)}",
    ]
    if p.closed:
        lines.append(" &mdash; <b style='color:#d7301f'>CLOSED</b>")
    if role:
        lines.append(f"<br>{esc(', '.join(role))}")
    limits = []
    if p.throughput_tpd:
        limits.append(f"throughput {fmt_t(float(p.throughput_tpd))}/day")
    if p.mog:
        limits.append(f"MOG {float(p.mog):g}")
    if limits:
        lines.append(f"<br>limits: {', '.join(limits)}")
    if p.gauges_mm:
        lines.append("<br>rail gauge " + " / ".join(f"{int(g):,} mm" for g in p.gauges_mm))
    if p.handling_h:
        # e.g. reloading between 1,435 and 1,520 mm wagons at a gauge break
        lines.append(f"<br>transfer adds {p.handling_h:g} h")
    if use.peak is not None and use.peak_day is not None:
        lines.append(f"<br>peak use <b>{use.peak:.0%}</b> on C+{use.peak_day}")
    lines.append(f"<br>received {fmt_t(use.tons)} in all")
    lines.append(_day_table(view, p, rows))
    lines.append(_depot_lines(view, pid))
    return "".join(lines)


def _day_table(view: PlanView, p: Place, rows: dict[int, PlaceDay]) -> str:
    if not rows:
        return ""
    busiest = sorted(rows, key=lambda d: -rows[d].tons)[:MAX_POPUP_DAYS]
    head = "<tr><th>day</th><th>tons in</th><th>use</th>"
    head += "<th>MOG h</th></tr>" if p.mog else "</tr>"
    body = []
    for d in sorted(busiest):
        r = rows[d]
        u = view.place_utilisation(p.id, r)
        cell = f"{u:.0%}" if u is not None else "&ndash;"
        mog = f"<td>{r.mog_h:,.0f} / {24 * float(p.mog):,.0f}</td>" if p.mog else ""
        body.append(f"<tr><td>C+{d}</td><td>{r.tons:,.0f}</td><td>{cell}</td>{mog}</tr>")
    more = "" if len(rows) <= MAX_POPUP_DAYS else f"<br><i>busiest {MAX_POPUP_DAYS} days</i>"
    return f"{more}<table class='mbz-days'>{head}{''.join(body)}</table>"


def _depot_lines(view: PlanView, pid: str) -> str:
    shipped = view.depot_days
    out = []
    for did, d in sorted(view.depots.items()):
        if d.place != pid:
            continue
        days = shipped.get(did, {})
        peak = max(days.values()) if days else 0.0
        tpd = d.throughput_tpd
        cap = f" of {fmt_t(float(tpd))}/day" if tpd else ""
        out.append(
            f"<br>depot <code>{esc(did)}</code> ({esc(', '.join(d.provides))}): "
            f"ships {fmt_t(sum(days.values()))}, peak {fmt_t(peak)}/day{cap}"
        )
    return "".join(out)


def marker_icon(kind: str, use: PlaceUse, closed: bool) -> folium.DivIcon:
    """A disc with the kind's letter, its ring coloured by peak congestion (grey: unused)."""
    color = CONGESTION_COLOR[congestion_level(use.peak)] if use.used else UNUSED_COLOR
    letter = "&times;" if closed else KIND_LETTER.get(kind, "&bull;")
    size = 18 if use.used else 13
    html = (
        f"<div class='mbz-place' style='width:{size}px;height:{size}px;"
        f"border-color:{color};line-height:{size - 4}px;font-size:{size - 8}px'>{letter}</div>"
    )
    return folium.DivIcon(html=html, icon_size=(size, size), icon_anchor=(size // 2, size // 2),
                          class_name="mbz-place-icon")


def labelled(view: PlanView, uses: dict[str, PlaceUse]) -> list[str]:
    """The busiest places by tons received: named on the map, the rest on hover only."""
    busy = [pid for pid, u in uses.items() if u.used and u.tons > 0
            and view.places[pid].kind != "sector"]
    return sorted(busy, key=lambda pid: -uses[pid].tons)[:MAX_LABELS]


def add_labels(group: folium.FeatureGroup, view: PlanView, uses: dict[str, PlaceUse]) -> None:
    """Name the busiest places (see `labelled`) beside their markers."""
    for pid in labelled(view, uses):
        p = view.places[pid]
        folium.Marker(
            p.latlon,
            icon=folium.DivIcon(
                html=f"<div class='mbz-place-label'>{short_name(p.name or pid, 26)}</div>",
                icon_size=(180, 14), icon_anchor=(-11, 7), class_name="mbz-label-icon"),
            interactive=False,
        ).add_to(group)


def add_places(m: folium.Map, view: PlanView) -> folium.FeatureGroup:
    """Used places in a shown group; the scenario's other places in a hidden one."""
    used_group = folium.FeatureGroup(name="Places used (ring: peak congestion)", show=True)
    other_group = folium.FeatureGroup(name="Other places in the scenario", show=False)
    uses = place_use(view)
    role = roles(view)
    # Least busy first, so the congested places are drawn on top.
    # Sectors are drawn as areas by maps.gaps, not as points.
    points = [pid for pid, p in view.places.items() if p.kind != "sector"]
    order = sorted(points, key=lambda pid: (uses[pid].used, uses[pid].peak or 0.0, pid))
    for pid in order:
        p, use = view.places[pid], uses[pid]
        folium.Marker(
            p.latlon,
            icon=marker_icon(p.kind, use, p.closed),
            tooltip=folium.Tooltip(esc(p.name or pid)),
            popup=folium.Popup(place_popup(view, p, use, role.get(pid, [])), max_width=360),
        ).add_to(used_group if use.used else other_group)
    add_labels(used_group, view, uses)
    used_group.add_to(m)
    if other_group._children:
        other_group.add_to(m)
    return used_group
