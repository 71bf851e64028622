"""What the sector branch-and-bound's root costs, and what each of its parts buys: on each
library scenario and each model the HiGHS search runs on (optimizer/planner.py's
`search_models`), the look-ahead dive once, then from its sectors the rest of
relax-round-fix (the sector root, then integer vehicles) under each variant below, side by
side in one run.

    python -m benchmarks.sector_root                  # every library scenario (about 2 hours)
    python -m benchmarks.sector_root romania anzus    # only files whose name contains one

Rows go to benchmarks/out/sector_root/<scenario>.json, so runs over different scenarios
may go in parallel; every run rewrites benchmarks/sector_root.md from all the rows there.
Times are CPU seconds of this process (HiGHS runs on one thread), so another job beside it
costs little. Budgets are nodes, so every row's plan is the same on every run.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.library import scenario_files
from benchmarks.markdown import write_table

HERE = Path(__file__).resolve().parent
ROWS = HERE / "out" / "sector_root"
# name -> the settings' fields it changes; the first is the default
VARIANTS: dict[str, dict[str, Any]] = {
    "default (restarts, RENS)": {},
    "no restarts": {"sector_restarts": False},
    "no restarts, no RENS": {"sector_restarts": False, "sector_rens": False},
    "no sector branch-and-bound": {"sector_nodes": 0},
}
COLUMNS = ["scenario", "model", "dive", "variant", "plan (relax-round-fix)", "sector bound",
           "CPU s after the dive", "vs default"]


def rows_of(path: Path) -> list[dict[str, Any]]:
    """One row per model and variant of one scenario file."""
    from contracts.loader import load_scenario
    from contracts.network import Network
    from geodata.network import build_network
    from optimizer.lp import objective
    from optimizer.planner import search_models
    from optimizer.rounding import dive_sectors, round_from_dive
    from optimizer.settings import SearchSettings

    net = Network.from_json(build_network(load_scenario(path), path).to_json())
    default = SearchSettings()
    rows = []
    for model_name, model in search_models(net, default):
        started = time.process_time()
        dived = dive_sectors(model, default)
        dive_s = time.process_time() - started
        for variant, changes in VARIANTS.items():
            started = time.process_time()
            rounded = round_from_dive(model, dataclasses.replace(default, **changes), dived)
            rows.append({
                "scenario": path.stem, "model": model_name, "dive": dived.objective,
                "dive_s": dive_s, "variant": variant,
                "plan": None if rounded.values is None else objective(model.lp, rounded.values),
                "sector_bound": rounded.sector_bound,
                "seconds": time.process_time() - started,
            })
            print(json.dumps(rows[-1]), flush=True)
    return rows


def table_row(row: dict[str, Any], default: dict[str, Any]) -> str:
    """One markdown row; `default` is the same model's default variant, for the ratio."""
    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"
    ratio = row["seconds"] / default["seconds"] if default["seconds"] else float("nan")
    return (f"| {row['scenario']} | {row['model']} | {num(row['dive'])} ({row['dive_s']:.0f} s)"
            f" | {row['variant']} | {num(row['plan'])} | {num(row['sector_bound'])} | "
            f"{row['seconds']:.0f} | {ratio:.2f} |")


def main(argv: list[str]) -> None:
    """Measure the scenarios matching `argv` (all if none) and rewrite the table."""
    ROWS.mkdir(parents=True, exist_ok=True)
    for path in scenario_files(argv):
        rows = rows_of(path)
        (ROWS / f"{path.stem}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    lines = []
    for part in sorted(ROWS.glob("*.json")):
        rows = json.loads(part.read_text(encoding="utf-8"))
        for row in rows:
            default = next(r for r in rows if r["model"] == row["model"])
            lines.append(table_row(row, default))
    write_table(HERE / "sector_root.md", "python -m benchmarks.sector_root",
                "the dive once per model, then each variant of the sector root from its "
                "sectors, and integer vehicles (no fix-and-optimize); plan and bounds are "
                "objectives (gap-days plus the small costs); CPU seconds of one thread.",
                COLUMNS, lines)


if __name__ == "__main__":
    main(sys.argv[1:])
