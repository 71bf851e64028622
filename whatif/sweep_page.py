"""A sweep's offline page: `build_sweep_page` returns one HTML string, `write_sweep_page`
saves it as DIR/sweep.html.

It shows what `whatif.sweep.summarise` computed, nothing more: the distribution of gap-days
and closure day with their P10/P50/P90, the tornado of which input moves them most, and for a
single `range` input the curve (input value -> gap-days, closure day). Built like the
comparison page (maps/compare.py): plotly.js embedded once, no network, every text from the
scenario or the command line escaped with `maps.style.esc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from contracts.files import write_text
from maps.compare import COMPARE_CSS
from maps.style import esc
from whatif.sweep import SampleResult

Data = dict[str, Any]
NAVY, RED, GREEN, GREY = "#14284b", "#d7301f", "#2e9d46", "#777777"
_CONFIG = {"displaylogo": False, "responsive": True}


def distribution_figure(record: Data, results: Sequence[SampleResult]) -> go.Figure:
    """Histograms of gap-days and closure day over the samples with a plan, with their
    P10/P50/P90 marked; samples that never close are counted in the title."""
    stats = record["statistics"]
    ok = [r for r in results if r.status != "error"]
    not_reached = stats["closure_not_reached"]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "Gap-days", f"Closure day (C+), {not_reached} of {len(ok)} samples not closed"))
    fig.add_trace(go.Histogram(
        x=[r.gap_days for r in ok], marker_color=NAVY, name="gap-days", showlegend=False,
        hovertemplate="%{x} gap-days: %{y} samples<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Histogram(
        x=[r.closure_day for r in ok if r.closure_day is not None], marker_color=GREEN,
        name="closure day", showlegend=False, xbins={"size": 1},
        hovertemplate="C+%{x}: %{y} samples<extra></extra>"), row=1, col=2)
    for col, key in ((1, "gap_days"), (2, "closure_day")):
        for q, value in stats[key].items():
            if value is not None:
                fig.add_vline(x=value, line={"color": RED, "dash": "dot"}, row=1, col=col,
                              annotation_text=q.upper(), annotation_position="top")
    if all(r.closure_day is None for r in ok):
        _say(fig, "no sample closes within the horizon", col=2)
    fig.update_layout(height=380, margin={"t": 60, "b": 40}, bargap=0.05)
    fig.update_yaxes(title_text="samples", row=1, col=1)
    return fig


def _say(fig: go.Figure, text: str, col: int) -> None:
    """A note in the middle of an empty panel, rather than bare axes."""
    fig.add_annotation(text=text, xref=f"x{col} domain", yref=f"y{col} domain", x=0.5,
                       y=0.5, showarrow=False, font={"size": 14, "color": GREY})


def tornado_figure(record: Data) -> go.Figure:
    """Per input, how far the mean outcome of its low and of its high draws lies from the
    mean over all samples (gap-days, closure day); largest gap-days swing on top."""
    stats = record["statistics"]
    bars = list(reversed(stats["tornado"]))  # plotly draws bottom-up
    labels = [esc(b["label"]) for b in bars]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("Gap-days", "Closure day (not closed = horizon)"))
    for col, key in ((1, "gap_days"), (2, "closure_day")):
        mean = stats["mean"][key] or 0.0
        for side, color in (("low", GREEN), ("high", RED)):
            fig.add_trace(go.Bar(
                y=labels, x=[b[f"{key}_{side}"] - mean for b in bars], orientation="h",
                name=f"{side} draws", legendgroup=side, showlegend=col == 1,
                marker_color=color, opacity=0.85,
                customdata=[[_range_text(b[side]), b[f"{key}_{side}"]] for b in bars],
                hovertemplate=(f"%{{y}}<br>{side} draws (%{{customdata[0]}}): mean "
                               "%{customdata[1]:,.1f} (%{x:+,.1f})<extra></extra>")),
                row=1, col=col)
        fig.update_xaxes(title_text=f"difference from the mean of all samples ({mean:,.1f})",
                         zeroline=True, zerolinecolor=GREY, row=1, col=col)
    fig.update_layout(barmode="group", height=max(280, 110 + 46 * len(bars)),
                      margin={"t": 50, "l": 10}, legend={"orientation": "h", "y": -0.3})
    return fig


def curve_figure(record: Data) -> go.Figure | None:
    """For one `range` input: P50 of gap-days and closure day per value, P10-P90 shaded."""
    points = record["statistics"].get("curve")
    if not points:
        return None
    spec = next(i for i in record["inputs"] if i["distribution"] == "range")
    x = [p["value"] for p in points]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Gap-days", "Closure day (C+)"))
    for col, key, color in ((1, "gap_days", NAVY), (2, "closure_day", GREEN)):
        hi = [p[key]["p90"] for p in points]
        lo = [p[key]["p10"] for p in points]
        fig.add_trace(go.Scatter(x=x, y=hi, mode="lines", line={"width": 0},
                                 showlegend=False, hoverinfo="skip"), row=1, col=col)
        fig.add_trace(go.Scatter(x=x, y=lo, mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor="rgba(120,120,120,0.2)", name="P10-P90",
                                 showlegend=col == 1, hoverinfo="skip"), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=x, y=[p[key]["p50"] for p in points], mode="lines+markers", name="P50",
            showlegend=col == 1, line={"color": color, "width": 2.5},
            hovertemplate="%{x}: %{y:,.1f}<extra></extra>"), row=1, col=col)
        fig.update_xaxes(title_text=esc(spec["label"]), row=1, col=col)
    if all(p["closure_day"]["p90"] is None for p in points):
        _say(fig, "no sample closes within the horizon", col=2)
    fig.update_layout(height=380, margin={"t": 50})
    return fig


def _range_text(bounds: Sequence[float]) -> str:
    lo, hi = (_num(b) for b in bounds)
    return lo if lo == hi else f"{lo} to {hi}"


def _num(x: float | None, fmt: str = ",.1f") -> str:
    if x is None:
        return "not reached"
    return f"{int(x):,}" if float(x).is_integer() else format(x, fmt)


def stats_table(record: Data) -> str:
    """P10/P50/P90 of gap-days and closure day, as an HTML table."""
    s = record["statistics"]
    rows = []
    for key, label, prefix in (("gap_days", "gap-days", ""), ("closure_day", "closure day",
                                                              "C+")):
        cells = "".join(
            f"<td>{'not reached' if v is None else prefix + _num(v)}</td>"
            for v in s[key].values())
        rows.append(f"<tr><th>{label}</th>{cells}</tr>")
    return ("<table class='list'><tr><th></th><th>P10</th><th>P50</th><th>P90</th></tr>"
            + "".join(rows) + "</table>")


def inputs_table(record: Data) -> str:
    """The inputs varied: label, the --vary text as given, its distribution."""
    rows = "".join(
        f"<tr><th>{esc(i['label'])}</th><td><code>{esc(i['spec'])}</code></td>"
        f"<td>{esc(i['distribution'])}</td></tr>" for i in record["inputs"])
    return ("<table class='list'><tr><th>input</th><th>--vary</th><th>distribution</th></tr>"
            + rows + "</table>")


def tornado_table(record: Data) -> str:
    """The tornado's numbers: each input's low and high draws and the swings."""
    bars = record["statistics"]["tornado"]
    if not bars:
        return "<p>No input took more than one value among the samples with a plan.</p>"
    rows = "".join(
        f"<tr><th>{esc(b['label'])}</th><td>{_range_text(b['low'])} ({b['n_low']})</td>"
        f"<td>{_range_text(b['high'])} ({b['n_high']})</td>"
        f"<td>{b['gap_days_swing']:+,.1f}</td><td>{b['closure_day_swing']:+,.1f}</td></tr>"
        for b in bars)
    return ("<table class='list'><tr><th>input</th><th>low draws (samples)</th>"
            "<th>high draws (samples)</th><th>gap-days swing</th><th>closure-day swing</th>"
            "</tr>" + rows + "</table>")


def _html(fig: go.Figure, with_plotly: bool) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=with_plotly, config=_CONFIG))


def build_sweep_page(record: Data, results: Sequence[SampleResult]) -> str:
    """The sweep page as one HTML string that needs no network. `record` is sweep.json
    (`whatif.sweep.sweep_record`), `results` the samples sorted by id."""
    s = record["statistics"]
    settings = record["settings"]
    title = f"Sweep of {esc(record['scenario'])}"
    curve = curve_figure(record)
    warn = ""
    if s["errors"] or s["checker_failures"]:
        warn = (f"<div class='warn'>{s['errors']} samples without a plan and "
                f"{s['checker_failures']} plans breaking the checker's rules: see sweep.csv"
                "</div>")
    curve_html = (f"<section id='curve'><h2>Curve</h2>{_html(curve, False)}</section>"
                  if curve is not None else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{COMPARE_CSS}</style></head>
<body>
<header><h1>{title}</h1>
<div class="sub">{s['samples']} samples, seed {int(record['seed'])}, planner
{esc(settings['planner'])} &middot; {s['solved']} with a plan</div></header>
<main>{warn}
<section id="stats"><h2>Gap-days and closure day</h2>{stats_table(record)}
<p>P10/P50/P90 are sampled values (inverted-CDF quantiles) over the samples with a plan;
{s['closure_not_reached']} of them never close within the horizon, and count as later than
any day.{_sharing(record)}</p>
{_html(distribution_figure(record, results), True)}</section>
<section id="tornado"><h2>Which input moves the outcome most</h2>
<p>For each input, the samples are split by the value it took: low draws at or below its 1/3
quantile, high draws at or above its 2/3 quantile. The swing is the mean outcome of the high
draws minus that of the low draws.</p>{tornado_table(record)}
{_html(tornado_figure(record), False)}</section>
{curve_html}
<section id="inputs"><h2>Inputs varied</h2>{inputs_table(record)}</section>
</main>
<footer>mobilize sweep &middot; times are days from C-day</footer>
</body></html>
"""


def _sharing(record: Data) -> str:
    """Where each sample's plan came from: a MIP sweep shares plans between its samples."""
    settings, s = record["settings"], record["statistics"]
    if settings["planner"] != "mip":
        return ""
    warm = (" Every sample's search started from the plan of the sweep base (--warm); a "
            "sample that changes nothing has the base's plan."
            if settings.get("warm", False) else "")
    if not settings.get("share", True):
        return f"{warm} Each sample has its own search's plan (plans not shared)."
    n = int(s.get("plans_from_other_samples", 0))
    return (f"{warm} {n} sample{'s' if n != 1 else ''} keep a plan another sample's search "
            "found, which fits them and is better than their own (sweep.csv, plan_from).")


def write_sweep_page(target: Path, record: Data, results: Sequence[SampleResult]) -> Path:
    """Write the sweep page to `target` atomically."""
    return write_text(Path(target), build_sweep_page(record, results))
