"""How far cuts on the sector choices lift the bound: HiGHS's root node over the whole-force
assignments alone (every vehicle count relaxed, optimizer/rounding.py's
`sector_choices_only`), with its heuristics off, on the planner's model and on the
every-route model, beside the LP of each.

    python -m benchmarks.sector_cuts             # the Baltic scenario (most of an hour)

The every-route model holds every (fleet, leg, period) a movement may use (optimizer/bound.py),
so its bound after cuts, like its LP, holds for every plan the network allows; the planner's
model's holds only for plans on its routes. The root is one node, so its bound is the same on
every run; the time limit is a safety net. Writes benchmarks/sector_cuts.md.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.markdown import write_table
from benchmarks.run import network_of, planned_by_size

HERE = Path(__file__).resolve().parent
LIMIT_S = 7200.0
HEURISTICS = ("feasibility_jump", "rens", "rins", "root_reduced_cost", "shifting", "zi_round")
MODELS = ("planner", "every-route")


def root_bounds(name: str, which: str) -> dict[str, Any]:
    """The LP bound and the bound after the root's cuts of one model of one size."""
    import highspy

    from optimizer.backend import HighsRelaxation
    from optimizer.bound import every_route_lp
    from optimizer.greedy import greedy_schedule
    from optimizer.planner import groups_of, planning_model
    from optimizer.rounding import sector_choices_only
    from optimizer.settings import SearchSettings
    from optimizer.solve import Status, highs_with

    net = network_of(name)
    settings = SearchSettings()
    started = time.perf_counter()
    if which == "every-route":  # its LP as the planner's bound solves it (sifting)
        groups = groups_of(net, greedy_schedule(net))
        every = every_route_lp(net, groups, settings, started + LIMIT_S)
        model = every.model
        lp_value = every.result.objective if every.result.status == Status.OPTIMAL else None
    else:
        model, _ = planning_model(net)  # the very model the planner solves first
        out = HighsRelaxation(model.lp, barrier_first=True).run(settings.lp_iterations, LIMIT_S)
        lp_value = out.objective
    lp_s = time.perf_counter() - started
    lp = sector_choices_only(model)
    root = highs_with(lp)
    root.setOptionValue("time_limit", LIMIT_S)
    root.setOptionValue("mip_max_nodes", 1)
    root.setOptionValue("mip_heuristic_effort", 0.0)
    for heuristic in HEURISTICS:
        root.setOptionValue(f"mip_heuristic_run_{heuristic}", False)
    started = time.perf_counter()
    root.run()
    bound = float(root.getInfo().mip_dual_bound)
    return {"size": name, "model": which, "columns": lp.num_cols,
            "integers": len(model.assigned), "lp": lp_value, "lp_s": lp_s,
            "cut": bound, "cut_s": time.perf_counter() - started,
            "by_clock": root.getModelStatus() == highspy.HighsModelStatus.kTimeLimit,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def row(r: dict[str, Any], plan_objective: float | None) -> str:
    """One line of the table: the plan (results.json's) against both bounds."""
    def above(bound: float | None) -> str:
        if plan_objective is None or bound is None:
            return "-"
        return f"{(plan_objective - bound) / plan_objective:.2%}"

    lp = "-" if r["lp"] is None else f"{r['lp']:.2f}"
    cut = f"{r['cut']:.2f}" + (" (clock)" if r["by_clock"] else "")
    plan = "-" if plan_objective is None else f"{plan_objective:.2f}"
    return (f"| {r['size']} | {r['model']} | {r['columns']:,} / {r['integers']:,} | {lp} "
            f"({r['lp_s']:.0f} s) | {cut} ({r['cut_s']:.0f} s) | {plan} | {above(r['lp'])} | "
            f"{above(r['cut'])} | {r['peak_mb']:.0f} |")


def main(argv: list[str]) -> int:
    """Command line: each model in its own process (its own peak memory); the table."""
    if argv[:1] == ["--one"]:
        print(json.dumps(root_bounds(argv[1], argv[2])))
        return 0
    sizes = argv or ["Baltic"]
    planned = planned_by_size()
    rows = []
    for name in sizes:
        for which in MODELS:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.sector_cuts", "--one", name, which],
                stdout=subprocess.PIPE, text=True, check=False, cwd=HERE.parent)
            if done.returncode != 0:
                return done.returncode
            result = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row(result, planned.get(name, {}).get("objective")))
    write_table(HERE / "sector_cuts.md", " ".join(["python -m benchmarks.sector_cuts", *sizes]),
                "the plan is the planner's row in benchmarks/results.json (the defaults).",
                ["size", "model", "columns / integer", "LP (s, build included)",
                 "root with cuts (s)", "plan objective", "plan above the LP",
                 "plan above the root", "peak MB"],
                rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
