"""Plotly figures for the plan report; each function returns a go.Figure, nothing is saved.

Days are counted from C-day (x = 2.5 is C+2 12:00). All scenario text is escaped with
`maps.style.esc`: plotly shows the entities as the characters they stand for, and the raw
text never reaches the page.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from contracts.plan import Readiness
from maps.planview import PlanView
from maps.style import MODE_COLOR, esc, member_color, mode_label, short_name

TEMPLATE = "plotly_white"
CLOSURE_COLS = 3
# On the title's line, clear of subplot titles and bars.
TOP_RIGHT_LEGEND = {"orientation": "h", "x": 1, "xanchor": "right", "y": 0.985,
                    "yref": "container", "yanchor": "top"}
CAPABILITY_COLORS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
)
UTIL_SCALE = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [0.8, "#fd8d3c"], [1.0, "#b10026"]]


def _days_axis(fig: go.Figure, view: PlanView, **kwargs: Any) -> None:
    """x axis in days with C+ tick labels every week (or every day for short horizons)."""
    step = 2 if view.horizon_days <= 14 else 7 if view.horizon_days <= 120 else 30
    ticks = list(range(0, view.horizon_days + 1, step))
    fig.update_xaxes(tickvals=ticks, ticktext=[f"C+{d}" for d in ticks],
                     range=[-0.5, view.horizon_days + 0.5], **kwargs)


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(title=title, template=TEMPLATE, height=220,
                      xaxis_visible=False, yaxis_visible=False)
    return fig


def closure_figure(view: PlanView) -> go.Figure:
    """Per sector: delivered capability by day (solid) against the requirement (dotted)."""
    rows: dict[str, dict[str, list[Readiness]]] = defaultdict(lambda: defaultdict(list))
    for r in view.plan.readiness:
        rows[r.sector][r.capability].append(r)
    sectors = [s for s in view.sectors if s in rows] + sorted(set(rows) - set(view.sectors))
    title = "Closure: capability in each sector by day (solid) vs required (dotted)"
    if not sectors:
        return _empty(title, "No sector requirements in this scenario.")
    names = [short_name(_sector_name(view, s), 40) for s in sectors]
    # Small multiples, up to three a row: five sectors fit on one screen.
    cols = min(CLOSURE_COLS, len(sectors))
    n_rows = math.ceil(len(sectors) / cols)
    fig = make_subplots(rows=n_rows, cols=cols, shared_xaxes="all", subplot_titles=names,
                        vertical_spacing=0.14 if n_rows > 1 else 0.1, horizontal_spacing=0.05)
    caps = sorted({c for by_cap in rows.values() for c in by_cap})
    color = {c: CAPABILITY_COLORS[i % len(CAPABILITY_COLORS)] for i, c in enumerate(caps)}
    for i, sid in enumerate(sectors, start=1):
        cell = {"row": (i - 1) // cols + 1, "col": (i - 1) % cols + 1}
        for cap, series in sorted(rows[sid].items()):
            series.sort(key=lambda r: r.day)
            days = [r.day for r in series]
            shown = i == 1 or cap not in {c for s in sectors[: i - 1] for c in rows[s]}
            fig.add_trace(go.Scatter(
                x=days, y=[r.delivered for r in series], mode="lines", name=esc(cap),
                legendgroup=cap, showlegend=shown, line={"color": color[cap], "width": 2.5},
                hovertemplate=f"{esc(cap)} C+%{{x}}: %{{y:.2f}} delivered<extra></extra>",
            ), **cell)
            fig.add_trace(go.Scatter(
                x=days, y=[r.required for r in series], mode="lines",
                name=f"{esc(cap)} required",
                legendgroup=cap, showlegend=False, line={"color": color[cap], "dash": "dot"},
                hovertemplate=f"{esc(cap)} required %{{y:g}}<extra></extra>",
            ), **cell)
        sector = view.sectors.get(sid)
        for q in sector.requirements if sector is not None else ():
            fig.add_trace(go.Scatter(
                x=[q.by_day], y=[q.amount], mode="markers", showlegend=False,
                marker={"symbol": "x", "size": 9, "color": color.get(q.capability, "#333")},
                hovertemplate=f"{esc(q.capability)} {float(q.amount):g} due C+"
                              f"{int(q.by_day)}<extra></extra>",
            ), **cell)
    _days_axis(fig, view)
    # Lines of equal value hide each other: hovering a day lists every capability.
    fig.update_layout(title=title, template=TEMPLATE, height=240 * n_rows + 110,
                      hovermode="x unified",
                      margin={"t": 80, "l": 40, "r": 20, "b": 40},
                      legend=TOP_RIGHT_LEGEND)
    return fig


@dataclass
class ForceLeg:
    """One force's movement over one leg: first departure, last arrival, tons and fleets."""

    force: str
    leg: str
    mode: str
    start: float
    end: float
    tons: float
    fleets: set[str]
    from_: str
    to: str


def force_legs(view: PlanView) -> list[ForceLeg]:
    """Per force and leg: first departure, last arrival, tons, mode and fleets."""
    bars: dict[tuple[str, str], ForceLeg] = {}
    for t in view.trips:
        for c in t.cargo:
            key = (c.force, t.leg)
            b = bars.setdefault(key, ForceLeg(c.force, t.leg, t.mode, t.depart_h, t.arrive_h,
                                              0.0, set(), t.from_, t.to))
            b.start = min(b.start, t.depart_h)
            b.end = max(b.end, t.arrive_h)
            b.tons += c.tons
            b.fleets.add(t.fleet)
    return sorted(bars.values(), key=lambda b: (b.force, b.start))


def _force_order(view: PlanView) -> list[str]:
    """Forces by member, then by when they may first move."""
    def key(fid: str) -> tuple[str, float, str]:
        f = view.forces[fid]
        act = f.activation_day
        return f.member, float(act if act is not None else 1e9), fid
    return sorted(view.forces, key=key)


def _force_label(view: PlanView, fid: str) -> str:
    f = view.forces.get(fid)
    if f is None:
        return f"? {esc(fid)}"
    return f"{esc(f.member or '?')} {esc(f.name or fid)}"


def _sector_name(view: PlanView, sid: str) -> str:
    s = view.sectors.get(sid)
    return s.name if s is not None and s.name else sid


def gantt_figure(view: PlanView) -> go.Figure:
    """One row per force; a bar per leg from first departure to last arrival, by mode."""
    bars = force_legs(view)
    title = "Force movements: each leg from first departure to last arrival"
    if not bars:
        return _empty(title, "The plan moves nothing.")
    order = [f for f in _force_order(view) if any(b.force == f for b in bars)]
    labels = {f: _force_label(view, f) for f in order}
    fig = go.Figure()
    for mode in sorted({b.mode for b in bars}):
        mine = [b for b in bars if b.mode == mode]
        fig_bars = {
            "y": [labels[b.force] for b in mine],
            "base": [b.start / 24.0 for b in mine],
            "x": [max(b.end - b.start, 0.5) / 24.0 for b in mine],
            "customdata": [[esc(view.node(b.from_).name), esc(view.node(b.to).name),
                            f"{b.tons:,.0f}", esc(", ".join(sorted(b.fleets))),
                            view.day_label(b.start), view.day_label(b.end)]
                           for b in mine],
        }
        fig.add_trace(go.Bar(
            orientation="h", name=mode_label(mode), marker_color=MODE_COLOR.get(mode, "#777"),
            hovertemplate="%{y}<br>%{customdata[0]} &rarr; %{customdata[1]}<br>"
                          "%{customdata[2]} t by %{customdata[3]}<br>"
                          "%{customdata[4]} to %{customdata[5]}<extra></extra>",
            **fig_bars,
        ))
    _gantt_markers(fig, view, labels)
    _days_axis(fig, view)
    fig.update_yaxes(categoryorder="array", categoryarray=[labels[f] for f in reversed(order)])
    fig.update_layout(title=title, template=TEMPLATE, barmode="overlay",
                      height=max(300, 22 * len(order) + 140), bargap=0.35,
                      margin={"t": 90, "l": 20, "r": 20, "b": 40},
                      legend=TOP_RIGHT_LEGEND)
    return fig


def _gantt_markers(fig: go.Figure, view: PlanView, labels: dict[str, str]) -> None:
    """Due day (end of it) as a black tick, closure as a diamond, per force."""
    due_x, due_y, close_x, close_y = [], [], [], []
    for f in view.plan.forces:
        if f.force not in labels:
            continue
        if f.due_day is not None:
            due_x.append(float(f.due_day) + 1.0)
            due_y.append(labels[f.force])
        if f.closure_h is not None:
            close_x.append(float(f.closure_h) / 24.0)
            close_y.append(labels[f.force])
    fig.add_trace(go.Scatter(x=due_x, y=due_y, mode="markers", name="due (end of day)",
                             marker={"symbol": "line-ns-open", "size": 14, "color": "#000",
                                     "line": {"width": 2}},
                             hovertemplate="due by C+%{x:.0f} 00:00<extra></extra>"))
    fig.add_trace(go.Scatter(x=close_x, y=close_y, mode="markers", name="closure",
                             marker={"symbol": "diamond", "size": 8, "color": "#d7301f"},
                             hovertemplate="closes at day %{x:.1f}<extra></extra>"))


def lift_figure(view: PlanView) -> go.Figure:
    """Share of each fleet's vehicles busy (departure to return) per day."""
    busy = view.fleet_busy
    title = "Lift utilisation: vehicles busy / fleet size, by day"
    if not busy:
        return _empty(title, "No lift is used.")
    fleets = sorted(busy, key=lambda f: (view.fleets[f].mode, f))
    names = [f"{esc(view.fleets[f].name or f)} ({view.fleets[f].count})" for f in fleets]
    fig = go.Figure(go.Heatmap(
        z=[busy[f] for f in fleets], x=list(range(view.horizon_days)), y=names,
        zmin=0, zmax=1, colorscale=UTIL_SCALE, colorbar={"title": "busy", "tickformat": ".0%"},
        hovertemplate="%{y} C+%{x}: %{z:.0%} busy<extra></extra>",
    ))
    _days_axis(fig, view)
    fig.update_layout(title=title, template=TEMPLATE, height=max(260, 20 * len(fleets) + 120),
                      margin={"t": 60, "l": 20, "r": 20, "b": 40})
    return fig


def congestion_figure(view: PlanView) -> go.Figure:
    """Tons received per day over throughput_tpd (or MOG use) at places with a limit."""
    days = view.place_days
    limited = [pid for pid in days if _has_limit(view, pid)]
    title = "Node congestion: daily arrivals / throughput (or aircraft hours / MOG)"
    if not limited:
        return _empty(title, "No place with a throughput or MOG limit receives cargo.")
    limited.sort(key=lambda p: (view.places[p].kind, p))
    z, text = [], []
    for pid in limited:
        row, txt = [], []
        for d in range(view.horizon_days):
            pd_ = days[pid].get(d)
            u = view.place_utilisation(pid, pd_) if pd_ else 0.0
            row.append(u)
            txt.append(f"{pd_.tons:,.0f} t" if pd_ else "0 t")
        z.append(row)
        text.append(txt)
    names = [short_name(view.places[p].name or p, 36) for p in limited]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(view.horizon_days)), y=names, text=text, zmin=0, zmax=1,
        colorscale=UTIL_SCALE, colorbar={"title": "use", "tickformat": ".0%"},
        hovertemplate="%{y} C+%{x}: %{text}, %{z:.0%} of capacity<extra></extra>",
    ))
    _days_axis(fig, view)
    fig.update_layout(title=title, template=TEMPLATE, height=max(260, 20 * len(limited) + 120),
                      margin={"t": 60, "l": 20, "r": 20, "b": 40})
    return fig


def _has_limit(view: PlanView, pid: str) -> bool:
    p = view.places.get(pid)
    return p is not None and bool(p.throughput_tpd or p.mog)


def shares_figure(view: PlanView) -> go.Figure:
    """Each member's share of delivered capability against its fair (and maximum) share."""
    rows = list(view.plan.members)
    title = "Burden sharing: share of capability delivered vs fair share"
    if not rows:
        return _empty(title, "No member shares in the plan.")
    rows.sort(key=lambda r: -r.share)
    codes = [esc(r.member) for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=codes, y=[r.share for r in rows], name="delivered share",
        marker_color=[member_color(r.member) for r in rows],
        hovertemplate="%{x}: %{y:.1%} delivered<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        x=codes, y=[r.fair_share for r in rows], name="fair share",
        marker_color="#bdbdbd", hovertemplate="%{x}: fair share %{y:.1%}<extra></extra>",
    ))
    caps = [_max_share(view, r.member) for r in rows]
    if any(c is not None for c in caps):
        fig.add_trace(go.Scatter(
            x=codes, y=caps, mode="markers", name="maximum share",
            marker={"symbol": "line-ew-open", "size": 22, "color": "#d7301f",
                    "line": {"width": 2}},
            hovertemplate="%{x}: at most %{y:.1%}<extra></extra>",
        ))
    fig.update_layout(title=title, template=TEMPLATE, barmode="group", height=360,
                      yaxis_tickformat=".0%", margin={"t": 60, "l": 50, "r": 20, "b": 40})
    return fig


def _max_share(view: PlanView, code: str) -> float | None:
    member = view.members.get(code)
    return member.max_share if member is not None else None


def all_figures(view: PlanView) -> list[tuple[str, go.Figure]]:
    """The report's charts, in reading order, with an anchor id each."""
    return [
        ("closure", closure_figure(view)),
        ("gantt", gantt_figure(view)),
        ("lift", lift_figure(view)),
        ("congestion", congestion_figure(view)),
        ("shares", shares_figure(view)),
    ]
