"""Solve every scenario of the library (scenarios/*.yaml) and tabulate the results.

    python -m benchmarks.library                 # every scenario, the CLI's safety net each
    python -m benchmarks.library --limit 120     # another time limit
    python -m benchmarks.library romania anzus   # only files whose name contains one of these

For each scenario: build the network, plan with the greedy baseline and with the MIP planner
under the time limit, check both plans with the independent checker, and print one markdown
row: scenario, alliance, members, forces, tons of cargo, closure day, gap-days (MIP, and
greedy for comparison), gap to the best bound, solve time and the checker's verdict. The
table goes to stdout and to benchmarks/library.md (or --out). Run with filters, it replaces
only those scenarios' rows of an existing table and keeps the others, so rerunning the
scenarios a change touched updates the table without solving the whole library again. Files
under scenarios/ that are not scenarios (a what-if variants file) are skipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from optimizer.settings import SAFETY_NET_S

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"
SCENARIO_KEYS = frozenset({"members", "places", "sectors", "forces", "fleets"})

HEADER = ("| scenario | alliance | members | forces | tons | closure day | gap-days MIP | "
          "gap-days greedy | gap to bound | gap to the bound over every route | "
          "solve s (limit) | network s | checker |")
RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|---|"


def scenario_files(filters: list[str]) -> list[Path]:
    """The scenario files under scenarios/, by name, those matching any filter."""
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        try:
            doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - unreadable YAML is not a scenario
            continue
        if not (isinstance(doc, dict) and set(doc) >= SCENARIO_KEYS):
            continue
        if filters and not any(f in path.stem for f in filters):
            continue
        out.append(path)
    return out


def run_one(path: Path, limit_s: float) -> dict[str, Any]:
    """Network, greedy and MIP plans of one scenario, both checked: the figures of its row."""
    from checker import check_plan
    from contracts.loader import load_scenario
    from geodata.network import build_network
    from optimizer.bound import BOUND_LIFT_FREE
    from optimizer.planner import plan_with_greedy, plan_with_mip

    scenario = load_scenario(path)
    t0 = time.perf_counter()
    resolved = build_network(scenario, path).to_json()
    network_s = time.perf_counter() - t0
    greedy = plan_with_greedy(resolved)
    t0 = time.perf_counter()
    mip, _ = plan_with_mip(resolved, time_limit_s=limit_s)
    solve_s = time.perf_counter() - t0
    violations = check_plan(resolved, mip.to_json()) + check_plan(resolved, greedy.to_json())
    active = [m for m in scenario.members if not m.opt_out]
    return {
        "scenario": path.name,
        "alliance": scenario.alliance,
        "members": len(active),
        "forces": len(scenario.forces),
        "tons": sum(f.cargo_t for f in scenario.forces),
        "closure_day": mip.kpis.closure_day,
        "gap_days": mip.kpis.gap_days,
        "greedy_gap_days": greedy.kpis.gap_days,
        "gap": mip.solver.gap,
        "network_gap": None if mip.solver.network_bound is None or mip.solver.objective is None
        else (mip.solver.objective - mip.solver.network_bound) / max(abs(mip.solver.objective),
                                                                     1e-9),
        # above the every-route LP's size limit the plan's network bound is the lift-free one
        "network_lift_free": mip.solver.network_bound_source == BOUND_LIFT_FREE,
        "status": mip.solver.status,
        "solve_s": solve_s,
        "limit_s": limit_s,
        "network_s": network_s,
        "violations": len(violations),
    }


def row(r: dict[str, Any]) -> str:
    """The markdown row of one scenario's figures (see HEADER)."""
    closure = "not within horizon" if r["closure_day"] is None else f"C+{r['closure_day']}"
    gap = "-" if r["gap"] is None else f"{100 * r['gap']:.1f}%"
    network = "-" if r.get("network_gap") is None else f"{100 * r['network_gap']:.1f}%" + (
        " (lift-free)" if r.get("network_lift_free") else "")
    checker = "pass" if r["violations"] == 0 else f"{r['violations']} violations"
    return (f"| {r['scenario']} | {r['alliance']} | {r['members']} | {r['forces']} | "
            f"{r['tons']:,.0f} | {closure} | {r['gap_days']:,.1f} | "
            f"{r['greedy_gap_days']:,.1f} | {gap} ({r['status']}) | {network} | "
            f"{r['solve_s']:.1f} ({r['limit_s']:g}) | {r['network_s']:.1f} | {checker} |")


def kept_rows(table: Path, replaced: set[str]) -> list[str]:
    """Rows of an existing table whose scenario is not among `replaced` (file names)."""
    if not table.exists():
        return []
    # a header of any earlier layout is no row either
    rows = [ln for ln in table.read_text(encoding="utf-8").splitlines()
            if ln.startswith("| ") and ln.split("|")[1].strip() != "scenario"]
    return [ln for ln in rows if ln.split("|")[1].strip() not in replaced]


def main(argv: list[str] | None = None) -> int:
    """Solve the chosen scenarios, print their rows and write the table; 2 if none matches."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.library", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("filters", nargs="*", help="only scenario files whose name contains one")
    ap.add_argument("--limit", type=float, default=SAFETY_NET_S,
                    help="MIP safety net per scenario, seconds (default %(default)g)")
    ap.add_argument("--out", type=Path, default=HERE / "library.md",
                    help="markdown file to write (default benchmarks/library.md)")
    args = ap.parse_args(argv)
    if args.limit <= 0:
        ap.error("--limit must be > 0")
    files = scenario_files(args.filters)
    if not files:
        print("no scenario matches", file=sys.stderr)
        return 2
    rows = kept_rows(args.out, {p.name for p in files}) if args.filters else []
    print(HEADER)
    print(RULE)
    for path in files:
        line = row(run_one(path, args.limit))
        rows.append(line)
        print(line, flush=True)
    lines = [HEADER, RULE, *sorted(rows)]
    note = (f"\nMIP planner (HiGHS, relax-round-fix and fix-and-optimize) with `--limit "
            f"{args.limit:g}` s per scenario, greedy baseline beside it; gap-days are readiness "
            "capability-point-days (plan.json `kpis.gap_days`); gap to bound is the MIP plan's "
            "gap to the best bound of its model (the routes it enumerates), and the next "
            "column its gap to the LP bound over every route the network allows "
            "(`solver.network_bound`). Run: `python -m benchmarks.library`.\n")
    args.out.write_text("\n".join(lines) + "\n" + note, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
