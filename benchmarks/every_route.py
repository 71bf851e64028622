"""What no plan on the network can beat: the LP over every route the network allows, with the
planner's objective and with gap-days alone, beside the planner's plan from results.json.

    python -m benchmarks.every_route             # the Baltic scenario
    python -m benchmarks.every_route Baltic M    # some sizes (M: 1.4M columns, most of an hour)

Each size: the every-route model (optimizer/bound.py, holding the greedy plan's groups as the
planner's does, so it contains the planner's model), its LP relaxation (the network-valid
bound the planner computes up to `network_bound_columns`; barrier above 20,000 columns, as
there), and the same LP with
the readiness gap-days (weight x gap per day, the KPI) as its only objective: the fewest
gap-days any plan the network and the model's rules allow can have. A gap-days target below
it cannot be met on this network by any planner. Writes benchmarks/every_route.md.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.markdown import write_table
from benchmarks.run import gap_days_bound, network_of, planned_by_size

HERE = Path(__file__).resolve().parent
LIMIT_S = 7200.0  # a safety net per LP: their budgets are barrier iterations


def run_size(name: str) -> dict[str, Any]:
    """Both LPs of one size, with their seconds and the process's peak memory."""

    net = network_of(name)
    return {"size": name, **bounds(net, lambda line: print(f"[{name}] {line}", file=sys.stderr,
                                                         flush=True)),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def bounds(net: Any, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """The every-route model's size, its LP (None if it stopped) and the fewest gap-days over
    every route, with their seconds."""
    from optimizer.bound import every_route_lp
    from optimizer.greedy import greedy_schedule
    from optimizer.planner import groups_of
    from optimizer.settings import SearchSettings
    from optimizer.solve import Status

    # as the planner's bound: the same model, solved the same way
    every = every_route_lp(net, groups_of(net, greedy_schedule(net)),
                           SearchSettings(), time.perf_counter() + LIMIT_S)
    model, relaxed, lp = every.model, every.relaxed, every.result
    say(f"every-route model: {relaxed.num_cols:,} columns, {relaxed.num_rows:,} rows")
    objective = lp.objective if lp.status == Status.OPTIMAL else None
    say(f"LP {objective} in {lp.seconds:.0f} s; fewest gap-days")
    started = time.perf_counter()
    fewest = gap_days_bound(model, relaxed, LIMIT_S)
    say(f"fewest gap-days {fewest}")
    return {"columns": relaxed.num_cols, "rows": relaxed.num_rows, "lp": objective,
            "lp_s": lp.seconds, "gap_days": fewest,
            "gap_days_s": time.perf_counter() - started}


def _fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def row(r: dict[str, Any], planned: dict[str, Any] | None) -> str:
    """One line of the table; the plan's figures from results.json if it has the size."""
    plan_gd = None if planned is None else planned.get("mip_gap_days")
    plan_obj = None if planned is None else planned.get("objective")
    above = "-" if plan_gd is None or not r["gap_days"] else \
        f"{(plan_gd - r['gap_days']) / r['gap_days']:.1%}"
    gap = "-" if plan_obj is None or r["lp"] is None else \
        f"{(plan_obj - r['lp']) / plan_obj:.2%}"
    return (f"| {r['size']} | {r['columns']:,} / {r['rows']:,} | {_fmt(r['lp'], 2)} "
            f"({r['lp_s']:.0f} s) | {_fmt(r['gap_days'])} ({r['gap_days_s']:.0f} s) | "
            f"{_fmt(plan_obj, 2)} | {gap} | {_fmt(plan_gd)} | {above} | {r['peak_mb']:.0f} |")


def main(argv: list[str]) -> int:
    """Command line: each size in turn; the table."""
    if argv[:1] == ["--one"]:  # one size in this process, so peak memory is its own
        print(json.dumps(run_size(argv[1])))
        return 0
    sizes = argv or ["Baltic"]
    planned = planned_by_size()
    rows = []
    for name in sizes:
        done = subprocess.run([sys.executable, "-m", "benchmarks.every_route", "--one", name],
                              stdout=subprocess.PIPE, text=True, check=False,
                              cwd=HERE.parent)
        if done.returncode != 0:
            return done.returncode
        rows.append(row(json.loads(done.stdout.strip().splitlines()[-1]), planned.get(name)))
    write_table(HERE / "every_route.md", " ".join(["python -m benchmarks.every_route", *sizes]),
                "the plan's figures are the planner's row in benchmarks/results.json.",
                ["size", "every-route columns / rows", "LP over every route (s)",
                 "fewest gap-days over every route (s)", "plan objective", "plan above the LP",
                 "plan gap-days", "plan above the fewest", "peak MB"], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
