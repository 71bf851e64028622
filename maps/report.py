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
from maps.charts import all_figures
from maps.offline import make_offline
from maps.planview import Json, PlanView
from maps.render import build_map, read_outputs, solver_line
from maps.style import esc, fmt_t

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
    kpis = view.plan.get("kpis", {})
    closure = kpis.get("closure_day")
    delivered = sum(float(f.get("delivered_t") or 0.0) for f in view.plan.get("forces", []))
    cargo = sum(float(f.get("cargo_t") or 0.0) for f in view.forces.values()
                if f.get("activation_day") is not None)
    boxes = [
        ("readiness gap", f"{float(kpis.get('gap_days') or 0):,.1f}", "capability-point-days"),
        ("closure", f"C+{closure}" if closure is not None else "not reached",
         "all requirements met from then on"),
        ("late forces", f"{kpis.get('late_forces', 0)} of {len(view.plan.get('forces', []))}",
         "late or not delivered"),
        ("cargo delivered", fmt_t(delivered), f"of {fmt_t(cargo)} to sectors"),
        ("trips", f"{len(view.trips):,}", f"{sum(int(t['vehicles']) for t in view.trips):,} "
         "vehicle-trips"),
    ]
    return "".join(f"<div class='kpi'>{esc(a)}<b>{esc(b)}</b><span>{esc(c)}</span></div>"
                   for a, b, c in boxes)


def late_rows(view: PlanView) -> list[tuple[str, str, str, str, str, str]]:
    """(force, member, sector, due, closure, reason) for every force not on time."""
    unreachable: dict[str, list[str]] = {}
    for u in view.resolved.get("unreachable", []):
        unreachable.setdefault(str(u.get("force")), []).append(str(u.get("reason") or ""))
    rows = []
    listed = set()
    for f in view.plan.get("forces", []):
        fid = f["force"]
        listed.add(fid)
        if not f.get("late") and f.get("closure_h") is not None:
            continue
        rows.append(_late_row(view, f, unreachable.get(fid, [])))
    for fid, reasons in sorted(unreachable.items()):
        if fid not in listed:
            force = view.forces.get(fid, {})
            rows.append((esc(force.get("name") or fid), esc(force.get("member") or ""),
                         "", "", "not moved", esc("; ".join(reasons))))
    return rows


def _late_row(view: PlanView, f: Json, unreachable: list[str]
              ) -> tuple[str, str, str, str, str, str]:
    force = view.forces.get(f["force"], {})
    cargo = float(force.get("cargo_t") or 0.0)
    due = f.get("due_day")
    closure_h = f.get("closure_h")
    reasons = [esc(r) for r in unreachable]
    if force.get("activation_day") is None and f["force"] in view.forces:
        reasons.append("its member opted out or never decides: the force does not move")
    elif closure_h is None:
        reasons.append(f"only {fmt_t(float(f.get('delivered_t') or 0.0))} of {fmt_t(cargo)} "
                       f"reach its sector by the end of C+{view.horizon_days - 1}")
    elif due is not None:
        late_days = float(closure_h) / 24.0 - (int(due) + 1)
        reasons.append(f"closes {late_days:.1f} days after its due day")
    if f.get("reason"):  # the planner's own explanation, when it gives one
        reasons.append(esc(f["reason"]))
    sector = f.get("sector")
    sector_name = view.sectors.get(sector, {}).get("name") if sector else None
    return (
        esc(force.get("name") or f["force"]),
        esc(f.get("member") or ""),
        esc(sector_name or sector or "none assigned"),
        f"C+{due}" if due is not None else "&ndash;",
        view.day_label(float(closure_h)) if closure_h is not None else "not closed",
        "; ".join(reasons),
    )


def late_table(view: PlanView) -> str:
    rows = late_rows(view)
    if not rows:
        return "<p>Every force closes on its sector by its due day.</p>"
    head = ("<tr><th>force</th><th>member</th><th>sector</th><th>due</th><th>closure</th>"
            "<th>why</th></tr>")
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table class='list'>{head}{body}</table>"


def unmet_table(plan: Json) -> str:
    """Requirements still short on the last day, with the binding reason."""
    rows = plan.get("unmet") or []
    if not rows:
        return "<p>Every requirement is met by the last day of the horizon.</p>"
    head = "<tr><th>sector</th><th>capability</th><th>delivered / required</th><th>why</th></tr>"
    body = "".join(
        f"<tr><td>{esc(str(u['sector']))}</td><td>{esc(str(u['capability']))}</td>"
        f"<td>{float(u['delivered']):.2f} / {float(u['required']):g}</td>"
        f"<td>{esc(str(u['reason']))}</td></tr>"
        for u in rows
    )
    return f"<table class='list'>{head}{body}</table>"


def chart_sections(view: PlanView) -> list[str]:
    """Every chart as a section; plotly.js goes inline with the first one only."""
    parts = []
    for i, (anchor, fig) in enumerate(all_figures(view)):
        div = fig.to_html(full_html=False, include_plotlyjs=(i == 0),
                          config={"displaylogo": False, "responsive": True})
        parts.append(f"<section id='{anchor}'>{div}</section>")
    return parts


def map_iframe(resolved: Json, plan: Json) -> str:
    """The offline map page inside an iframe's srcdoc.

    The attribute is single-quoted, so only '&' and "'" need escaping: the page's JSON is
    full of double quotes, and escaping those too would add about half a megabyte.
    """
    page = make_offline(build_map(resolved, plan).get_root().render())
    doc = page.replace("&", "&amp;").replace("'", "&#39;")
    return (f"<iframe class='map' title='Deployment map' srcdoc='{doc}'></iframe>")


def build_report(resolved: Json, plan: Json) -> str:
    """The report page as one HTML string that needs no network."""
    view = PlanView(resolved, plan)
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
<h2>Requirements still short on the last day</h2>{unmet_table(plan)}</section>
<section id="map"><h2>Deployment map</h2>{map_iframe(resolved, plan)}</section>
{"".join(charts[1:])}
</main>
<footer>mobilize &middot; scenario sha256 {esc(str(resolved['scenario'].get('sha256', ''))[:12])}
&middot; times are UTC from C-day 00:00</footer>
</body></html>
"""


def write_report(out_dir: Path) -> Path:
    """Read DIR/resolved.json and DIR/plan.json, write DIR/report.html atomically."""
    out_dir = Path(out_dir)
    resolved, plan = read_outputs(out_dir)
    page = build_report(resolved, plan)
    return write_text(out_dir / "report.html", page)

