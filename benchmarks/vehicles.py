"""The integer vehicles, once sectors are fixed: branch-and-bound over every vehicle group
against branch-and-bound over only the groups the rounded start moved off the LP (RINS: the
others stay as both have them), side by side in one run on the same sectors.

    python -m benchmarks.vehicles              # Baltic and M
    python -m benchmarks.vehicles M L          # some of them

Each size: the planner's model, its root LP (barrier) and sectors as the planner fixes them
(look-ahead and moves up to `look_ahead_columns`, largest remainder above it), then
`optimizer.rounding._vehicles` twice at the default 20 nodes, with
`vehicle_neighbourhood_columns` at 0 (the neighbourhood) and above the model (every group).
Writes benchmarks/vehicles.md. The measurement behind `SearchSettings.
vehicle_neighbourhood_columns`.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
from pathlib import Path

from benchmarks.run import network_of

HERE = Path(__file__).resolve().parent


def run_size(name: str) -> str:
    """One row of the table."""
    from optimizer.backend import HighsRelaxation
    from optimizer.lp import objective
    from optimizer.planner import planning_model
    from optimizer.rounding import BARRIER_FROM, _Dive, _vehicles
    from optimizer.settings import SearchSettings

    net = network_of(name)
    model, _ = planning_model(net)
    lp = model.lp
    settings = SearchSettings()
    solver = HighsRelaxation(lp, barrier_first=lp.num_cols > BARRIER_FROM)
    root = solver.run(settings.lp_iterations, math.inf)
    assert root.values is not None, f"{name}: the root LP did not solve"
    dive = _Dive(model, solver, settings, root)
    dive.run(lambda above: solver.run(settings.lp_iterations, math.inf, above))
    assert dive.values is not None and dive.objective is not None
    sectors = dive.assignment()
    runs = []
    for limit in (0, lp.num_cols):  # the neighbourhood, then every group
        started = time.perf_counter()
        out = _vehicles(model, dataclasses.replace(
            settings, vehicle_neighbourhood_columns=limit), dive.values, sectors, math.inf)
        seconds = time.perf_counter() - started
        assert out.values is not None, f"{name}: the rounded start did not solve"
        runs.append((out, seconds, objective(lp, out.values)))
        print(f"[{name}] {out.freed:,} of {out.groups:,} groups freed: {runs[-1][2]:.2f} in "
              f"{seconds:.1f} s", file=sys.stderr, flush=True)
    (rins, rins_s, rins_obj), (_, whole_s, whole_obj) = runs
    return (f"| {name} | {lp.num_cols:,} | {rins.groups:,} | {dive.objective:.2f} | "
            f"{rins.rounded:.2f} | {whole_obj:.2f} ({whole_s:.1f} s) | {rins_obj:.2f} "
            f"({rins_s:.1f} s) | {rins.freed:,} | {rins_s / whole_s:.2f} | "
            f"{(rins_obj - whole_obj) / whole_obj:+.3%} |")


def main(argv: list[str]) -> int:
    """Command line: the sizes, each in turn; the table."""
    command = " ".join(["python -m benchmarks.vehicles", *argv])
    rows = [run_size(name) for name in (argv or ["Baltic", "M"])]
    lines = [f"Command: `{command}`", "",
             "| size | columns | vehicle groups | LP, sectors fixed | rounded start | every "
             "group: objective (s) | groups the rounding moved: objective (s) | groups freed "
             "| time ratio | objective difference |",
             "|---|---|---|---|---|---|---|---|---|---|", *rows]
    text = "\n".join(lines) + "\n"
    (HERE / "vehicles.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
