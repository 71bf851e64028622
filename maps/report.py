"""The plan report: one self-contained HTML page a planner can mail or open offline.

`build_report` returns the page as a string; `write_report` reads a solve folder and
writes DIR/report.html. The page holds the solver status (a clear warning when the solver
stopped at its time limit), the key numbers, closure by sector, the forces that are late or
not delivered with the reason, the map (the offline map page in an iframe's srcdoc, so its
Leaflet styles cannot touch the report), then movements, lift use, node congestion and
burden sharing: five plotly charts with plotly.js embedded once.
"""

from __future__ import annotations

from pathlib import Path

from contracts.files import write_text
from contracts.network import Network
from contracts.plan import ForceResult, Plan, Unmet
from maps.charts import all_figures
from maps.offline import make_offline
from maps.planview import PlanView
from maps.render import build_map, solver_line
from maps.style import esc, fmt_t
from maps.tpfdd import closure_against_rdd, late_lines, line_moves

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { background: #14284b; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 22px; }
header .sub { opacity: .85; }
main { max-width: 1400px; margin: 0 auto; padding: 8px 24px 40px; }
section { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.12);
  margin: 16px 0; padding: 12px 16px; }
h2 { font-size: 17px; margin: 4px 0 10px; }
.warn { background: #fff1f0; border-left: 5px solid #b00020; padding: 8px 12px;
  color: #7a0016; font-weight: 600; margin: 12px 0; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { background: #f1f4f9; border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.kpi b { display: block; font-size: 20px; }
iframe.map { width: 100%; height: 720px; border: 1px solid #ccc; border-radius: 4px; }
table.list { border-collapse: collapse; width: 100%; font-size: 13px; }
table.list th, table.list td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px;
  text-align: left; vertical-align: top; }
table.list th { background: #f1f4f9; }
nav a { margin-right: 14px; }
footer { color: #777; font-size: 12px; text-align: center; padding: 12px; }
"""


def kpi_boxes(view: PlanView) -> str:
    """The key numbers: readiness gap, closure, late forces, cargo delivered, trips."""
    kpis = view.plan.kpis
    closure = kpis.closure_day
    delivered = sum(f.delivered_t for f in view.plan.forces)
    cargo = sum(f.cargo_t for f in view.forces.values() if f.activation_day is not None)
    boxes = [
        ("readiness gap", f"{kpis.gap_days:,.1f}", "capability-point-days"),
        ("closure", f"C+{closure}" if closure is not None else "not reached",
         "all requirements met from then on"),
        ("late forces", f"{kpis.late_forces} of {len(view.plan.forces)}",
         "late or not delivered"),
        ("cargo delivered", fmt_t(delivered), f"of {fmt_t(cargo)} to sectors"),
        ("trips", f"{len(view.trips):,}", f"{sum(t.vehicles for t in view.trips):,} "
         "vehicle-trips"),
    ]
    return "".join(f"<div class='kpi'>{esc(a)}<b>{esc(b)}</b><span>{esc(c)}</span></div>"
                   for a, b, c in boxes)


def late_rows(view: PlanView) -> list[tuple[str, str, str, str, str, str]]:
    """(force, member, sector, due, closure, reason) for every force not on time."""
    unreachable: dict[str, list[str]] = {}
    for u in view.network.unreachable:
        unreachable.setdefault(u.force, []).append(u.reason)
    rows = []
    listed = set()
    for f in view.plan.forces:
        fid = f.force
        listed.add(fid)
        if not f.late and f.closure_h is not None:
            continue
        rows.append(_late_row(view, f, unreachable.get(fid, [])))
    for fid, reasons in sorted(unreachable.items()):
        if fid not in listed:
            force = view.forces.get(fid)
            rows.append((esc(force.name if force is not None else fid),
                         esc(force.member if force is not None else ""),
                         "", "", "not moved", esc("; ".join(reasons))))
    return rows


def _late_row(view: PlanView, f: ForceResult, unreachable: list[str]
              ) -> tuple[str, str, str, str, str, str]:
    force = view.forces.get(f.force)
    cargo = force.cargo_t if force is not None else 0.0
    due = f.due_day
    closure_h = f.closure_h
    reasons = [esc(r) for r in unreachable]
    if force is not None and force.activation_day is None:
        reasons.append("its member opted out or never decides: the force does not move")
    elif closure_h is None:
        reasons.append(f"only {fmt_t(f.delivered_t)} of {fmt_t(cargo)} "
                       f"reach its sector by the end of C+{view.horizon_days - 1}")
    elif due is not None:
        late_days = float(closure_h) / 24.0 - (int(due) + 1)
        reasons.append(f"closes {late_days:.1f} days after its due day")
    if f.reason:  # the planner's own explanation, when it gives one
        reasons.append(esc(f.reason))
    sector = f.sector
    in_sector = view.sectors.get(sector) if sector else None
    sector_name = in_sector.name if in_sector is not None else None
    return (
        esc(force.name if force is not None else f.force),
        esc(f.member or ""),
        esc(sector_name or sector or "none assigned"),
        f"C+{due}" if due is not None else "&ndash;",
        view.day_label(float(closure_h)) if closure_h is not None else "not closed",
        "; ".join(reasons),
    )


def late_table(view: PlanView) -> str:
    """The late or undelivered forces as a table, or a line saying there are none."""
    rows = late_rows(view)
    if not rows:
        return "<p>Every force closes on its sector by its due day.</p>"
    head = ("<tr><th>force</th><th>member</th><th>sector</th><th>due</th><th>closure</th>"
            "<th>why</th></tr>")
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table class='list'>{head}{body}</table>"


def unmet_table(rows: list[Unmet]) -> str:
    """Requirements still short on the last day (plan.unmet), with the binding reason."""
    if not rows:
        return "<p>Every requirement is met by the last day of the horizon.</p>"
    head = "<tr><th>sector</th><th>capability</th><th>delivered / required</th><th>why</th></tr>"
    body = "".join(
        f"<tr><td>{esc(u.sector)}</td><td>{esc(u.capability)}</td>"
        f"<td>{u.delivered:.2f} / {u.required:g}</td>"
        f"<td>{esc(u.reason)}</td></tr>"
        for u in rows
    )
    return f"<table class='list'>{head}{body}</table>"


def rdd_section(network: Network, plan: Plan) -> str:
    """Closure against RDD for the deployment lines that have one: the share closed by their
    RDD, day by day, and the late lines with the plan's reason. Empty without RDDs."""
    lines = line_moves(network, plan)
    if not any(x.rdd_day is not None for x in lines):
        return ""
    days = [d for d in closure_against_rdd(lines, network.horizon_days) if d.due]
    steps = "".join(
        f"<tr><td>C+{d.day}</td><td>{d.met} of {d.due}</td><td>{100 * (d.share or 0):.0f}%</td>"
        "</tr>" for d in days)
    late = late_lines(lines)
    rows = "".join(
        f"<tr><td>{esc(x.uln)}</td><td>{esc(x.member)}</td><td>C+{x.rdd_day}</td>"
        f"<td>{'C+' + str(x.closure_day) if x.closure_day is not None else 'not closed'}</td>"
        f"<td>{x.days_late if x.days_late is not None else '-'}</td>"
        f"<td>{esc(x.reason or '')}</td></tr>" for x in late)
    late_html = (f"<table class='list'><tr><th>uln</th><th>member</th><th>RDD</th>"
                 f"<th>closure</th><th>days late</th><th>why</th></tr>{rows}</table>"
                 if late else "<p>Every line closes by its RDD.</p>")
    return (f"<section id='rdd'><h2>Deployment lines against their RDD</h2>"
            f"<table class='list'><tr><th>day</th><th>lines due closed by their RDD</th>"
            f"<th>share</th></tr>{steps}</table><h2>Late lines</h2>{late_html}</section>")


def chart_sections(view: PlanView) -> list[str]:
    """Every chart as a section; plotly.js goes inline with the first one only."""
    parts = []
    for i, (anchor, fig) in enumerate(all_figures(view)):
        div = fig.to_html(full_html=False, include_plotlyjs=(i == 0),
                          config={"displaylogo": False, "responsive": True})
        parts.append(f"<section id='{anchor}'>{div}</section>")
    return parts


def map_iframe(network: Network, plan: Plan) -> str:
    """The offline map page inside an iframe's srcdoc.

    The attribute is single-quoted, so only '&' and "'" need escaping: the page's JSON is
    full of double quotes, and escaping those too would add about half a megabyte.
    """
    page = make_offline(build_map(network, plan).get_root().render())
    doc = page.replace("&", "&amp;").replace("'", "&#39;")
    return (f"<iframe class='map' title='Deployment map' srcdoc='{doc}'></iframe>")


def build_report(network: Network, plan: Plan) -> str:
    """The report page as one HTML string that needs no network."""
    view = PlanView(network, plan)
    solver, warning = solver_line(plan)
    warn = f"<div class='warn'>{warning}</div>" if warning else ""
    # Closure and the late forces first: "are we ready in time, and if not, who is late".
    charts = chart_sections(view)
    title = esc(view.name)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} &ndash; reinforcement plan</title><style>{CSS}</style></head>
<body>
<header><h1>{title}</h1>
<div class="sub">C-day {view.c_day:%d %b %Y} &middot; {view.horizon_days} days &middot;
ally {esc(view.ally)} &middot; solver: {solver}</div></header>
<main>
{warn}
<section><div class="kpis">{kpi_boxes(view)}</div>
<nav><a href="#closure">closure</a><a href="#late">late forces</a><a href="#map">map</a>
<a href="#gantt">movements</a><a href="#lift">lift</a><a href="#congestion">congestion</a>
<a href="#shares">burden sharing</a></nav></section>
{charts[0]}
<section id="late"><h2>Late or undelivered forces</h2>{late_table(view)}
<h2>Requirements still short on the last day</h2>{unmet_table(plan.unmet)}</section>
{rdd_section(network, plan)}
<section id="map"><h2>Deployment map</h2>{map_iframe(network, plan)}</section>
{"".join(charts[1:])}
</main>
<footer>mobilize &middot; scenario sha256 {esc(network.scenario.sha256[:12])}
&middot; times are UTC from C-day 00:00</footer>
</body></html>
"""


def write_report(network: Network, plan: Plan, out_dir: Path) -> Path:
    """Write the plan's report to DIR/report.html atomically; returns its path."""
    return write_text(Path(out_dir) / "report.html", build_report(network, plan))

