"""Plans side by side: `compare_runs` reads solve folders into a `Comparison`, `build_compare`
returns one offline HTML page, `write_compare` saves it.

The first folder is the reference; every other plan is compared with it:
- the key numbers (gap-days, closure day, late forces), with a difference in gap-days no
  larger than the solver's own optimality gaps marked "within solver tolerance": the solver
  stopped that far from the best bound, so such a difference may be the search's, not the
  what-if's;
- each sector's closure curve (share of the requirement covered by day), plans overlaid;
- forces that close earlier or later, and by how much;
- the binding fleets, places and depots of each plan (peak daily use >= 95 % of capacity,
  and on how many days);
- members' shares; legs used by only some of the plans; a link to each plan's own map and
  report.

All scenario text is escaped with `maps.style.esc`; plotly.js is embedded once; the page
loads nothing from the network.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from contracts.files import write_text
from contracts.network import Network
from contracts.plan import Kpis, MemberShare, Plan, SolverInfo
from maps.planview import PlanView, read_outputs
from maps.render import solver_line
from maps.report import CSS
from maps.style import esc, short_name

BINDING = 0.95  # peak daily use over capacity from which a resource counts as binding
MAX_LEG_ROWS = 40  # legs used by only some plans, most tons first
CLOSURE_EPS_DAYS = 0.05  # closure differences below this (about an hour) are not differences
RUN_COLORS = ("#14284b", "#d7301f", "#2e9d46", "#f0a500", "#7b3fa0", "#17becf", "#8c564b",
              "#e377c2")


@dataclass
class Run:
    """One solve folder: its plan, and what the what-if (if any) called it."""

    folder: Path
    label: str
    network: Network
    plan: Plan

    @cached_property
    def view(self) -> PlanView:
        """The plan over its network, indexed for the tables."""
        return PlanView(self.network, self.plan)

    @property
    def kpis(self) -> Kpis:
        """The plan's key numbers."""
        return self.plan.kpis

    @property
    def gap_days(self) -> float:
        """Weighted gap-days of the plan."""
        return self.kpis.gap_days

    @property
    def solver(self) -> SolverInfo:
        """How the plan was found."""
        return self.plan.solver

    @property
    def tolerance(self) -> float | None:
        """How far the plan's objective may be from the best possible: objective - bound
        (or gap x objective); None when the planner proves no bound (greedy, or no LP bound
        within the work budget)."""
        s = self.solver
        obj, gap = s.objective, s.gap
        # the bound over every route, when known: the model's holds for its routes only
        bound = s.network_bound if s.network_bound is not None else s.bound
        if obj is not None and bound is not None:
            return max(0.0, float(obj) - float(bound))
        if obj is not None and gap is not None:
            return abs(float(gap) * float(obj))
        return None

    def closure_h(self) -> dict[str, float | None]:
        """Closure hour of each force in the plan (None: not closed)."""
        return {f.force: f.closure_h for f in self.plan.forces}

    def daily_use(self) -> dict[tuple[str, str], list[float]]:
        """(kind, id) -> use over capacity on each day it is used, for every fleet, place and
        depot the plan uses that has a capacity."""
        v = self.view
        out: dict[tuple[str, str], list[float]] = {}
        for fid, row in v.fleet_busy.items():
            out[("fleet", fid)] = row
        for pid, days in v.place_days.items():
            uses = [u for d in days.values() if (u := v.place_utilisation(pid, d)) is not None]
            if uses:
                out[("place", pid)] = uses
        for did, shipped in v.depot_days.items():
            depot = v.depots.get(did)
            if depot is not None and depot.throughput_tpd:
                out[("depot", did)] = [t / depot.throughput_tpd for t in shipped.values()]
        return out

    def name_of(self, kind: str, rid: str) -> str:
        """A resource's name: a fleet's or place's, a depot's id and where it is."""
        v = self.view
        if kind == "depot":  # depots have no name: their id and where they are
            depot = v.depots.get(rid)
            place = v.places.get(depot.place) if depot is not None else None
            return f"{rid} ({place.name})" if place is not None and place.name else rid
        named = v.fleets.get(rid) if kind == "fleet" else v.places.get(rid)
        return named.name if named is not None and named.name else rid

    def legs_used(self) -> dict[str, float]:
        """Tons moved over each leg the plan uses."""
        return {leg_id: u.tons for leg_id, u in self.view.leg_use.items()}

    def shares(self) -> dict[str, MemberShare]:
        """Each member's delivered share, by member code."""
        return {m.member: m for m in self.plan.members}


def read_run(folder: Path) -> Run:
    """A solve folder; its label is the what-if's name (whatif.json) or the scenario's."""
    folder = Path(folder)
    for name in ("resolved.json", "plan.json"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder / name} not found: run `mobilize solve` or "
                                    "`mobilize whatif` into that folder first")
    network, plan = read_outputs(folder)
    label = network.name or folder.name
    meta = folder / "whatif.json"
    if meta.is_file():
        label = str(json.loads(meta.read_text(encoding="utf-8")).get("name") or label)
    return Run(folder, label, network, plan)


@dataclass
class Comparison:
    """Plans side by side; the first is the reference the others are compared with."""

    runs: list[Run]

    @property
    def ref(self) -> Run:
        """The reference run (the first)."""
        return self.runs[0]

    def gap_delta(self, run: Run) -> tuple[float, str]:
        """(gap-days minus the reference's, verdict): 'reference', 'same', 'within solver
        tolerance' (no larger than the larger of the two plans' tolerances), 'no bound' (a
        plan without a proven bound, e.g. greedy: the difference may be the heuristic's), or
        'effect'."""
        if run is self.ref:
            return 0.0, "reference"
        delta = run.gap_days - self.ref.gap_days
        if abs(delta) < 1e-6:
            return 0.0, "same"
        tols = [t for t in (run.tolerance, self.ref.tolerance) if t is not None]
        if tols and abs(delta) <= max(tols) + 1e-9:
            return delta, "within solver tolerance"
        if len(tols) < 2:
            return delta, "no bound"
        return delta, "effect"

    def force_rows(self) -> list[tuple[str, str, list[float | None], list[float | None]]]:
        """(force id, name, closure day per run, difference from the reference per run) for
        every force whose closure differs between plans, largest difference first."""
        closures = [r.closure_h() for r in self.runs]
        ids = list(dict.fromkeys(fid for c in closures for fid in c))
        rows = []
        for fid in ids:
            days = [_hours_to_days(c.get(fid)) for c in closures]
            ref = days[0]
            deltas: list[float | None] = [
                (d - ref) if d is not None and ref is not None else None for d in days]
            changed = any(
                (d is None) != (ref is None) or (x is not None and abs(x) > CLOSURE_EPS_DAYS)
                for d, x in zip(days, deltas, strict=True))
            if changed:
                force = next((r.view.forces[fid] for r in self.runs if fid in r.view.forces),
                             None)
                rows.append((fid, force.name if force is not None and force.name else fid,
                             days, deltas))

        def size(row: tuple[str, str, list[float | None], list[float | None]]) -> float:
            return max((abs(x) if x is not None else math.inf) for x in row[3][1:] or [0.0])

        rows.sort(key=lambda r: -size(r))
        return rows

    def binding_rows(self) -> list[tuple[str, str, str, list[float | None], list[int]]]:
        """(kind, id, name, peak use per run, days at >= BINDING per run) for the resources
        binding in at least one plan, most days binding first."""
        uses = [r.daily_use() for r in self.runs]
        keys = {k for u in uses for k, row in u.items() if max(row, default=0.0) >= BINDING}
        rows = []
        for kind, rid in keys:
            name = next((r.name_of(kind, rid) for r in self.runs), rid)
            peaks = [max(u[(kind, rid)], default=0.0) if (kind, rid) in u else None
                     for u in uses]
            days = [sum(1 for x in u.get((kind, rid), []) if x >= BINDING) for u in uses]
            rows.append((kind, rid, name, peaks, days))
        rows.sort(key=lambda r: (-sum(r[4]), r[0], r[1]))
        return rows

    def share_rows(self) -> list[tuple[str, float | None, list[float | None]]]:
        """(member, fair share, share delivered per run)."""
        shares = [r.shares() for r in self.runs]
        codes = list(dict.fromkeys(c for s in shares for c in s))
        rows = []
        for code in codes:
            fair = next((s[code].fair_share for s in shares if code in s), None)
            rows.append((code, fair, [(s[code].share if code in s else None) for s in shares]))
        return rows

    def leg_rows(self) -> list[tuple[str, str, list[float | None]]]:
        """(leg id, description, tons per run) for legs used in some plans but not all."""
        used = [r.legs_used() for r in self.runs]
        ids = list(dict.fromkeys(leg for u in used for leg in u))
        rows = []
        for leg_id in ids:
            tons = [u.get(leg_id) for u in used]
            if any(t is None for t in tons):
                run = next(r for r, u in zip(self.runs, used, strict=True) if leg_id in u)
                leg = run.view.legs[leg_id]
                a, b = run.view.node(leg.from_).name, run.view.node(leg.to).name
                rows.append((leg_id, f"{leg.mode}: {a} \u2192 {b}", tons))
        rows.sort(key=lambda r: -max(t or 0.0 for t in r[2]))
        return rows


def _hours_to_days(hours: float | None) -> float | None:
    return None if hours is None else float(hours) / 24.0


def compare_runs(folders: list[Path]) -> Comparison:
    """The solve folders read as runs, the first the reference (see `read_run`)."""
    return Comparison([read_run(Path(f)) for f in folders])


# --- the page -------------------------------------------------------------------------------


def closure_overlay(cmp: Comparison) -> go.Figure:
    """Per sector: share of its requirements covered by day, one line per plan."""
    sectors: list[str] = []
    names: dict[str, str] = {}
    for r in cmp.runs:
        for sid in r.view.sector_gap_by_day:
            if sid not in names:
                sectors.append(sid)
                sector = r.view.sectors.get(sid)
                names[sid] = sector.name if sector is not None and sector.name else sid
    title = "Closure by sector: share of the requirement covered, each plan overlaid"
    cols = min(3, max(1, len(sectors)))
    n_rows = max(1, math.ceil(len(sectors) / cols))
    fig = make_subplots(rows=n_rows, cols=cols, shared_xaxes="all", shared_yaxes="all",
                        subplot_titles=[short_name(names[s], 40) for s in sectors] or None,
                        vertical_spacing=0.14 if n_rows > 1 else 0.1, horizontal_spacing=0.05)
    for k, run in enumerate(cmp.runs):
        color = RUN_COLORS[k % len(RUN_COLORS)]
        label = esc(run.label)
        for i, sid in enumerate(sectors, start=1):
            by_day = run.view.sector_gap_by_day.get(sid, {})
            days = sorted(by_day)
            covered = [1.0 - by_day[d][0] / by_day[d][1] if by_day[d][1] else 1.0 for d in days]
            fig.add_trace(go.Scatter(
                x=days, y=covered, mode="lines", name=label, legendgroup=str(k),
                showlegend=i == 1, line={"color": color, "width": 2.5 if k == 0 else 2,
                                         "dash": "solid" if k == 0 else "dash"},
                hovertemplate=f"{label} C+%{{x}}: %{{y:.0%}} covered<extra></extra>",
            ), row=(i - 1) // cols + 1, col=(i - 1) % cols + 1)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    fig.update_xaxes(title_text="day (C+)")
    fig.update_layout(title=title, template="plotly_white", height=260 * n_rows + 120,
                      hovermode="x unified", margin={"t": 80, "l": 50, "r": 20, "b": 90},
                      legend={"orientation": "h", "x": 0, "y": 0, "yref": "container",
                              "yanchor": "bottom"})
    return fig


def signed(x: float) -> str:
    """A difference with its sign: one decimal, or as many (up to 4) as it takes not to read
    as 0, so a difference of -0.05 reads -0.05, not -0.0."""
    digits = 1
    while digits < 4 and round(abs(x), digits) == 0:
        digits += 1
    return f"{x:+,.{digits}f}"


def _num(x: float | None, fmt: str, none: str = "&ndash;") -> str:
    return none if x is None else format(x, fmt)


def _day(d: float | None) -> str:
    return "not closed" if d is None else f"C+{d:.1f}"


def _delta(x: float | None, unit: str = " d") -> str:
    if x is None:
        return ""
    if abs(x) <= CLOSURE_EPS_DAYS:
        return "<span class='same'>same</span>"
    cls = "worse" if x > 0 else "better"
    return f"<span class='{cls}'>{x:+.1f}{unit}</span>"


def _head(cmp: Comparison, first: str) -> str:
    cells = "".join(f"<th>{esc(r.label)}</th>" for r in cmp.runs)
    return f"<tr><th>{first}</th>{cells}</tr>"


def kpi_table(cmp: Comparison, page_dir: Path) -> str:
    """Key numbers of every plan, differences from the reference, links to maps and reports."""
    rows = []
    planner = []
    for r in cmp.runs:
        line, _ = solver_line(r.plan)
        planner.append(line)
    rows.append(("planner", planner))
    gaps = []
    for r in cmp.runs:
        delta, verdict = cmp.gap_delta(r)
        text = f"{r.gap_days:,.1f}"
        if verdict == "same":
            text += " <span class='same'>(same)</span>"
        elif verdict != "reference":
            cls = {"within solver tolerance": "tol", "no bound": "tol"}.get(
                verdict, "worse" if delta > 0 else "better")
            text += f" <span class='{cls}'>({signed(delta)}"
            text += f", {esc(verdict)})</span>" if verdict != "effect" else ")</span>"
        gaps.append(text)
    rows.append(("readiness gap (capability-point-days)", gaps))
    rows.append(("solver tolerance (objective &minus; bound)",
                 [_num(r.tolerance, ",.1f", "none proven") for r in cmp.runs]))
    rows.append(("closure day", [
        f"C+{r.kpis.closure_day}" if r.kpis.closure_day is not None
        else "not reached" for r in cmp.runs]))
    rows.append(("late or undelivered forces",
                 [f"{r.kpis.late_forces} of {len(r.plan.forces)}" for r in cmp.runs]))
    rows.append(("requirements short on the last day",
                 [str(len(r.plan.unmet)) for r in cmp.runs]))
    rows.append(("plan", [
        f"<a href='{esc(_rel(r.folder / 'map.html', page_dir))}'>map</a> &middot; "
        f"<a href='{esc(_rel(r.folder / 'report.html', page_dir))}'>report</a> &middot; "
        f"<code>{esc(r.folder.name)}</code>" for r in cmp.runs]))
    body = "".join(f"<tr><th>{name}</th>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
                   for name, cells in rows)
    return f"<table class='list'>{_head(cmp, '')}{body}</table>"


def _rel(target: Path, page_dir: Path) -> str:
    """A link from the page's folder to `target` (relative, so the folders can move)."""
    try:
        return Path(os.path.relpath(target.resolve(), page_dir.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return target.resolve().as_uri()


def force_table(cmp: Comparison) -> str:
    """Forces whose closure differs between plans, with the difference."""
    rows = cmp.force_rows()
    if not rows:
        return "<p>Every force closes at the same time in every plan.</p>"
    body = []
    for _fid, name, days, deltas in rows:
        cells = [f"<td>{_day(days[0])}</td>"]
        cells += [f"<td>{_day(d)} {_delta(x)}</td>" for d, x in zip(days[1:], deltas[1:],
                                                                      strict=True)]
        body.append(f"<tr><th>{esc(name)}</th>{''.join(cells)}</tr>")
    return f"<table class='list'>{_head(cmp, 'force (closure)')}{''.join(body)}</table>"


def binding_table(cmp: Comparison) -> str:
    """Resources binding in some plan: peak daily use per plan and days at that level."""
    rows = cmp.binding_rows()
    if not rows:
        return f"<p>No fleet, place or depot reaches {BINDING:.0%} of its capacity on any day.</p>"
    body = []
    for kind, _rid, name, peaks, days in rows:
        cells = "".join(
            "<td>&ndash;</td>" if p is None else
            f"<td class='bind'>{p:.0%} ({d} d)</td>" if p >= BINDING else f"<td>{p:.0%}</td>"
            for p, d in zip(peaks, days, strict=True))
        body.append(f"<tr><th>{esc(kind)}: {esc(name)}</th>{cells}</tr>")
    return (f"<table class='list'>{_head(cmp, 'resource (peak daily use)')}{''.join(body)}"
            "</table>")


def share_table(cmp: Comparison) -> str:
    """Each member's delivered share per plan, beside its fair share."""
    rows = cmp.share_rows()
    if not rows:
        return "<p>No member delivers anything.</p>"
    body = []
    for code, fair, shares in rows:
        fair_txt = f" (fair {fair:.0%})" if fair is not None else ""
        cells = "".join(f"<td>{_num(s, '.1%')}</td>" for s in shares)
        body.append(f"<tr><th>{esc(code)}{fair_txt}</th>{cells}</tr>")
    return f"<table class='list'>{_head(cmp, 'member (share delivered)')}{''.join(body)}</table>"


def leg_table(cmp: Comparison) -> str:
    """Legs used by only some of the plans, most tons first."""
    rows = cmp.leg_rows()
    if not rows:
        return "<p>Every plan uses the same legs.</p>"
    more = len(rows) - MAX_LEG_ROWS
    body = []
    for _leg, text, tons in rows[:MAX_LEG_ROWS]:
        cells = "".join("<td>not used</td>" if t is None else f"<td>{t:,.0f} t</td>"
                        for t in tons)
        body.append(f"<tr><th>{esc(text)}</th>{cells}</tr>")
    note = (f"<p>&hellip; and {more} more legs moving less; each plan's map shows all its "
            "routes.</p>" if more > 0 else "")
    return (f"<table class='list'>{_head(cmp, 'leg (tons moved)')}{''.join(body)}</table>"
            + note)


COMPARE_CSS = CSS + """
table.list td { white-space: nowrap; }
.worse { color: #b00020; font-weight: 600; }
.better { color: #1a7f37; font-weight: 600; }
.tol, .same { color: #777; font-style: italic; }
td.bind { background: #fde0dc; font-weight: 600; }
"""


def build_compare(cmp: Comparison, page_dir: Path | None = None) -> str:
    """The comparison page as one HTML string that needs no network. Links to each plan's
    map and report are relative to `page_dir` (where the page will be saved)."""
    page_dir = Path(page_dir) if page_dir is not None else Path.cwd()
    chart = closure_overlay(cmp).to_html(
        full_html=False, include_plotlyjs=True, config={"displaylogo": False, "responsive": True})
    ref = esc(cmp.ref.label)
    title = f"What-ifs compared with {ref}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{COMPARE_CSS}</style></head>
<body>
<header><h1>{title}</h1>
<div class="sub">{len(cmp.runs)} plans &middot; differences are against the first, {ref}
</div></header>
<main>
<section id="kpis"><h2>Key numbers</h2>{kpi_table(cmp, page_dir)}
<p>A difference in gap-days no larger than the larger of the two plans' solver tolerances
(objective minus best bound) is marked <span class="tol">within solver tolerance</span>: the
solver stopped that far from the best possible plan, so the difference may be the search's,
not the what-if's. A plan with no proven bound (greedy) says <span class="tol">no bound</span>.
</p></section>
<section id="closure">{chart}</section>
<section id="forces"><h2>Forces closing earlier or later</h2>{force_table(cmp)}</section>
<section id="binding"><h2>Binding fleets, places and depots</h2>
<p>Peak daily use over capacity (fleets: vehicles busy / fleet size; places: arrivals /
throughput or aircraft hours / MOG; depots: tons shipped / throughput), shaded at
{BINDING:.0%} or more, with the number of days at that level.</p>{binding_table(cmp)}
</section>
<section id="shares"><h2>Burden sharing</h2>{share_table(cmp)}</section>
<section id="legs"><h2>Legs used by only some plans</h2>{leg_table(cmp)}</section>
</main>
<footer>mobilize compare &middot; times are days from C-day</footer>
</body></html>
"""


def write_compare(cmp: Comparison, target: Path) -> Path:
    """Write the comparison page to `target` atomically; returns its path."""
    page = build_compare(cmp, Path(target).parent)
    return write_text(Path(target), page)
