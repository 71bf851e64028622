"""Benchmark the MIP against the greedy baseline, side by side in one run.

    python -m benchmarks.run                 # Baltic and sizes S M L
    python -m benchmarks.run S M XL          # some of them
    python -m benchmarks.run M --limit 300   # a clock limit instead of the safety net

Each size runs in its own process so peak memory is its own. For each: network build, model
build, LP relaxation (the bound), the MIP planner at its default work budget (the same plan
on every run; SAFETY_NET_S, the CLI's default --time-limit, is only a safety net, and a plan
it cut says so), greedy, the checker on both plans, the readiness gap-days of each, and the
fewest gap-days any plan of the model can have (the LP relaxation with gap-days alone as its
objective), from which the share of the distance from greedy to that bound the plan closes.
Phases and the planner's progress go to stderr with the seconds since the size started: a
big size runs for an hour.

Writes benchmarks/results.md and results.json, keeping the newest row of every size with the
command that made it, so sizes run one at a time (M beside L, say) still make one table.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from optimizer.settings import SAFETY_NET_S

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BALTIC_TARGET_S = 60.0  # issue 11's target for the Baltic scenario


def scenario_file(name: str) -> Path:
    """The Baltic scenario's file, or the benchmark size's, generated (a fixed seed) and
    written to benchmarks/out/scenario_<name>.yaml."""
    from benchmarks.generate import BASE, SIZES, generate

    if name == "Baltic":
        return BASE
    OUT.mkdir(exist_ok=True)
    path = OUT / f"scenario_{name}.yaml"
    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(json.loads(generate(SIZES[name]).model_dump_json(by_alias=True,
                                                                   exclude_none=True)), fh)
    return path


def network_of(name: str) -> Any:
    """The resolved network of the Baltic scenario or a benchmark size (`scenario_file`),
    as the planner reads it."""
    from contracts.loader import load_scenario
    from contracts.network import Network
    from geodata.network import build_network

    path = scenario_file(name)
    return Network.from_json(build_network(load_scenario(path), path).to_json())


def run_size(name: str, limit_s: float | None = None) -> dict[str, Any]:
    """Build, solve and check one benchmark size; one row of the table."""
    from benchmarks.generate import SIZES, Size
    from checker import check_plan
    from contracts.loader import load_scenario
    from contracts.network import Network
    from geodata.network import build_network
    from optimizer.bound import (
        BOUND_LIFT_FREE,
        BOUND_PATHS,
        BOUND_ROOT_PRICES,
        BOUND_STOPPED,
        lift_free_bound,
        tonnage_columns,
    )
    from optimizer.lp import objective as lp_objective
    from optimizer.planner import plan_with_greedy, plan_with_mip, planning_model
    from optimizer.solve import solve

    path = scenario_file(name)
    scenario = load_scenario(path)  # its fingerprint, as a user's run would have
    if name == "Baltic":
        size = Size("Baltic", len(scenario.forces), scenario.horizon_days, BALTIC_TARGET_S)
    else:
        size = SIZES[name]
    net_limit = SAFETY_NET_S if limit_s is None else limit_s
    began = time.perf_counter()

    def say(line: str) -> None:
        print(f"[{name} {time.perf_counter() - began:7.0f} s] {line}", file=sys.stderr,
              flush=True)

    t0 = time.perf_counter()
    resolved = build_network(scenario, path).to_json()
    network_s = time.perf_counter() - t0

    net = Network.from_json(resolved)
    t0 = time.perf_counter()
    model, start = planning_model(net)  # the very model the MIP planner solves
    build_s = time.perf_counter() - t0
    say(f"model {model.lp.num_cols:,} columns, {model.lp.num_rows:,} rows; its LP")
    relaxed = dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)
    lp = solve(relaxed, "highs", net_limit)
    say(f"LP {lp.objective} in {lp.seconds:.0f} s; fewest gap-days")
    fewest = gap_days_bound(model, relaxed, net_limit)
    lift_free = lift_free_bound(net)
    say(f"fewest gap-days {fewest}; lift-free bound {lift_free}; the MIP planner")

    t0 = time.perf_counter()
    mip, _ = plan_with_mip(resolved, "highs", net_limit, progress=say)
    planner_s = time.perf_counter() - t0  # model, greedy start and solve: what the limit caps
    say(f"planner done in {planner_s:.0f} s; greedy and the checker")
    greedy = plan_with_greedy(resolved)
    mip_violations = len(check_plan(resolved, mip.to_json()))
    greedy_violations = len(check_plan(resolved, greedy.to_json()))
    objective = mip.solver.objective
    greedy_objective = None if start is None else lp_objective(model.lp, start)
    return {
        "size": name,
        "forces": size.forces,
        "days": size.horizon_days,
        "movements": len(model.movements),
        "columns": model.lp.num_cols,
        "integers": model.lp.num_integer,
        "rows": model.lp.num_rows,
        "network_s": network_s,
        "build_s": build_s,
        "lp_s": lp.seconds,
        "lp_solved": lp.objective is not None,
        "solve_s": mip.solver.seconds,
        "planner_s": planner_s,
        "time_limit_s": size.time_limit_s,
        "status": mip.solver.status,
        "method": mip.solver.method,
        "bound_source": mip.solver.bound_source,
        "cut_by_clock": mip.solver.cut_by_clock,
        "gap_to_bound": mip.solver.gap,
        "gap_to_lp": (objective - lp.objective) / max(abs(objective), 1e-9)
        if lp.objective is not None and objective is not None else None,
        "network_bound": mip.solver.network_bound,
        "network_bound_lift_free": mip.solver.network_bound_source == BOUND_LIFT_FREE,
        "network_bound_stopped": mip.solver.network_bound_source == BOUND_STOPPED,
        "network_bound_root_prices": mip.solver.network_bound_source == BOUND_ROOT_PRICES,
        "network_bound_paths": mip.solver.network_bound_source == BOUND_PATHS,
        "lift_free_bound": lift_free,
        "every_route_columns": tonnage_columns(net),
        "gap_to_network_bound": (objective - mip.solver.network_bound)
        / max(abs(objective), 1e-9)
        if mip.solver.network_bound is not None and objective is not None else None,
        "objective": objective,
        "greedy_objective": greedy_objective,
        "mip_gap_days": mip.kpis.gap_days,
        "greedy_gap_days": greedy.kpis.gap_days,
        "gap_days_bound": fewest,
        "greedy_s": greedy.solver.seconds,
        "violations": mip_violations + greedy_violations,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def gap_days_bound(model: Any, relaxed: Any, limit_s: float) -> float | None:
    """The fewest gap-days (the KPI: weight x gap per day, without the lateness factor and
    the cost term) any plan of the model can have: its LP relaxation with only that as the
    objective. None if it does not finish within the limit. By barrier without crossover:
    by simplex M's did not finish in an hour, and only its objective is wanted.

    A plan's readiness on a day is what is in the sector by the day's end, so each day counts
    the gap of the period that ends it; with 12-hour periods, weighting every period by half a
    day counted the morning's larger gap too and read above plans' own gap-days."""
    from optimizer.bound import BARRIER_FROM
    from optimizer.solve import solve

    hours = model.net.period_hours
    cost = [0.0] * relaxed.num_cols
    for (sector, capability, q), col in model.gap.items():
        if (q + 1) * hours % 24 == 0:  # the period that ends a day
            cost[col] = next(r.weight for r in model.net.sectors[sector].requirements
                             if r.capability == capability)
    kpi = dataclasses.replace(relaxed, col_cost=cost, offset=0.0)
    # barrier alone stops short of optimal on some tiny models, where simplex is instant
    return solve(kpi, "highs", limit_s, interior_point=kpi.num_cols > BARRIER_FROM).objective


def _closed(r: dict[str, Any]) -> str:
    """Share of the distance from greedy's gap-days to the fewest any plan can have that the
    MIP plan closes: 100% at the bound, 0% no better than greedy."""
    bound, greedy, mip = r.get("gap_days_bound"), r["greedy_gap_days"], r["mip_gap_days"]
    if bound is None or greedy - bound <= 1e-9:
        return "-"
    return f"{100 * (greedy - mip) / (greedy - bound):.0f}%"


def _closed_to_network(r: dict[str, Any]) -> str:
    """The same share in the objective, against the network-valid bound."""
    bound, greedy, mip = r.get("network_bound"), r.get("greedy_objective"), r.get("objective")
    if bound is None or greedy is None or mip is None or greedy - bound <= 1e-9:
        return "-"
    return f"{100 * (greedy - mip) / (greedy - bound):.0f}%"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.2f}%"


# a row's network-bound flag (see `run_size`) and how the table names that bound; none: "LP"
NETWORK_BOUND_LABELS = (
    ("network_bound_lift_free", "lift-free"),
    ("network_bound_stopped", "LP stopped after a round of sifting: Lagrangian"),
    ("network_bound_root_prices", "Lagrangian at the planner's root LP prices"),
    ("network_bound_paths", "Lagrangian after rounds of column generation by paths"),
)


def _network(r: dict[str, Any]) -> str:
    cols = r.get("every_route_columns")
    size = "" if cols is None else f"{cols:,}"
    bound = r.get("network_bound")
    if bound is None:
        return f"- ({size})"
    source = next((label for flag, label in NETWORK_BOUND_LABELS if r.get(flag)), "LP")
    return f"{bound:,.1f} ({source}; {size})"


def _lift_free(r: dict[str, Any]) -> str:
    bound = r.get("lift_free_bound")
    return "-" if bound is None else f"{bound:,.1f}"


def _fewest(r: dict[str, Any]) -> str:
    bound = r.get("gap_days_bound")
    if bound is None:
        return "- (LP stopped)"
    most = 1 - bound / r["greedy_gap_days"] if r["greedy_gap_days"] > 0 else 0.0
    return f"{bound:,.1f} ({100 * most:.0f}%)"


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    head = (
        "| size | forces x days | movements | columns (integer) / rows | network s "
        "| model + greedy s | LP s | MIP planner s (target) | method | status | gap to bound "
        "| bound from | network-valid bound (LP over every route, its Lagrangian, or lift-free; "
        "every-route tonnage columns) | gap to it | lift-free bound "
        "| gap-days MIP | gap-days greedy | gap-days bound (most fewer than greedy) "
        "| greedy-to-bound closed (gap-days, model) | greedy-to-bound closed (objective, "
        "network-valid bound) | checker | peak MB |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        "---|---|\n"
    )
    lines = []
    for r in rows:
        lp_s = f"{r['lp_s']:.1f}" + ("" if r.get("lp_solved", True) else " (stopped)")
        lines.append(
            f"| {r['size']} | {r['forces']} x {r['days']} | {r['movements']} | "
            f"{r['columns']:,} ({r['integers']:,}) / {r['rows']:,} | {r['network_s']:.1f} | "
            f"{r['build_s']:.1f} | {lp_s} | {r.get('planner_s', r['solve_s']):.1f} "
            f"({r['time_limit_s']:.0f}) | {r.get('method', '-')} | {r['status']} | "
            f"{_pct(r['gap_to_bound'])} | {r.get('bound_source') or '-'} | "
            f"{_network(r)} | {_pct(r.get('gap_to_network_bound'))} | {_lift_free(r)} | "
            f"{r['mip_gap_days']:,.1f} | "
            f"{r['greedy_gap_days']:,.1f} | {_fewest(r)} | {_closed(r)} | "
            f"{_closed_to_network(r)} | "
            f"{'pass' if r['violations'] == 0 else str(r['violations']) + ' violations'} | "
            f"{r['peak_mb']:.0f} |"
        )
    return head + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Command line: run the named sizes and write the results."""
    limit: float | None = None
    if "--limit" in argv:  # one time limit for every size instead of the 20/20/60 s
        at = argv.index("--limit")
        limit = float(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    if argv[:1] == ["--one"]:
        print(json.dumps(run_size(argv[1], limit)))
        return 0
    sizes = argv or list(ORDER[:-1])  # XL (an hour) only when asked for
    extra = [] if limit is None else ["--limit", str(limit)]
    command = " ".join(["python -m benchmarks.run", *sizes, *extra])
    tag = "" if limit is None else f"-limit{limit:g}"
    rows = []
    for name in sizes:
        done = subprocess.run(  # stderr (phases, progress) passes through
            [sys.executable, "-m", "benchmarks.run", "--one", name, *extra],
            stdout=subprocess.PIPE, text=True, check=False, cwd=HERE.parent,
        )
        if done.returncode != 0:
            return done.returncode
        rows.append({**json.loads(done.stdout.strip().splitlines()[-1]), "command": command})
        print(table(rows[-1:]), flush=True)
    merged = merge_rows(_read_rows(HERE / f"results{tag}.json"), rows)
    (HERE / f"results{tag}.json").write_text(json.dumps(merged, indent=1) + "\n",
                                             encoding="utf-8")
    (HERE / f"results{tag}.md").write_text(report(merged), encoding="utf-8")
    print(table(rows))
    return 0


ORDER = ("Baltic", "S", "M", "L", "XL")


def merge_rows(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest row of every size, in the order Baltic, S, M, L, XL."""
    by_size = {r["size"]: r for r in old} | {r["size"]: r for r in new}
    return sorted(by_size.values(),
                  key=lambda r: (ORDER.index(r["size"]) if r["size"] in ORDER else len(ORDER),
                                 r["size"]))


def report(rows: list[dict[str, Any]]) -> str:
    """results.md: the commands that made the rows, then the table."""
    commands: dict[str, list[str]] = {}
    for r in rows:
        commands.setdefault(r.get("command", "(not recorded)"), []).append(r["size"])
    said = "\n".join(f"- `{c}`: {', '.join(sizes)}" for c, sizes in commands.items())
    return f"Commands (each row is the newest run of its size):\n\n{said}\n\n{table(rows)}"


def planned_by_size() -> dict[str, dict[str, Any]]:
    """The planner's row of each size in benchmarks/results.json (none if it is not there):
    the plan other benchmarks set beside their bounds."""
    return {r["size"]: r for r in _read_rows(HERE / "results.json")}


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
