"""Plans side by side in the terminal: key numbers, then the forces whose closure moved.

The numbers come from `maps.compare.Comparison` (the same the comparison page shows); here
they are only laid out as rich tables. Every text from a scenario is escaped for rich markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from maps.compare import BINDING, CLOSURE_EPS_DAYS, Comparison, signed

MAX_FORCE_ROWS = 15


def print_comparison(console: Console, cmp: Comparison) -> None:
    """Columns are the folders' names (short); a legend gives each plan's full name."""
    for r in cmp.runs:
        console.print(f"[bold]{escape(r.folder.name)}[/bold]: {escape(r.label)}",
                      highlight=False)
    t = Table(title=f"Plans compared with {escape(cmp.ref.folder.name)}")
    t.add_column("")
    for r in cmp.runs:
        t.add_column(escape(r.folder.name), justify="right")
    planner = []
    for r in cmp.runs:
        s = r.solver
        planner.append(f"{s.planner} {s.status}"
                       + (f" ({float(s.gap):.1%})" if s.gap is not None else "")
                       + (f", the plan of {s.taken_from}" if s.taken_from else ""))
    t.add_row("planner", *(escape(p) for p in planner))
    cells = []
    for r in cmp.runs:
        delta, verdict = cmp.gap_delta(r)
        text = f"{r.gap_days:,.1f}"
        if verdict == "effect":
            text += f" ({signed(delta)})"
        elif verdict == "same":
            text += " (same)"
        elif verdict != "reference":
            text += f" ({signed(delta)}, {verdict})"
        cells.append(text)
    t.add_row("gap-days", *cells)
    t.add_row("solver tolerance", *(
        f"{r.tolerance:,.1f}" if r.tolerance is not None else "none proven" for r in cmp.runs))
    t.add_row("closure day", *(
        f"C+{r.kpis.closure_day}" if r.kpis.closure_day is not None
        else "not reached" for r in cmp.runs))
    t.add_row("late forces", *(str(r.kpis.late_forces) for r in cmp.runs))
    binding = cmp.binding_rows()
    t.add_row(f"resources at >= {BINDING:.0%}", *(
        str(sum(1 for row in binding if (row[3][k] or 0.0) >= BINDING))
        for k in range(len(cmp.runs))))
    console.print(t)

    rows = cmp.force_rows()
    if not rows:
        console.print("every force closes at the same time in every plan")
        return
    t = Table(title="Forces closing earlier (-) or later (+) than in the first plan, days")
    t.add_column("force", max_width=30, no_wrap=True, overflow="ellipsis")
    for r in cmp.runs:
        t.add_column(escape(r.folder.name), justify="right")
    for _fid, name, days, deltas in rows[:MAX_FORCE_ROWS]:
        cells = ["not closed" if days[0] is None else f"C+{days[0]:.1f}"]
        for d, x in zip(days[1:], deltas[1:], strict=True):
            if d is None:
                cells.append("not closed")
            else:
                same = x is not None and abs(x) <= CLOSURE_EPS_DAYS
                cells.append(f"C+{d:.1f}" + (" (same)" if same else
                                             f" ({x:+.1f})" if x is not None else ""))
        t.add_row(escape(name), *cells)
    console.print(t)
    if len(rows) > MAX_FORCE_ROWS:
        console.print(f"... and {len(rows) - MAX_FORCE_ROWS} more forces (see the page)")
