"""What the sector branch-and-bound's root costs, and what each of its parts buys: on each
library scenario and each model the HiGHS search runs on (optimizer/planner.py's
`search_models`), the look-ahead dive once, then from its sectors the rest of
relax-round-fix (the sector root, then integer vehicles) under each variant below, side by
side in one run.

    python -m benchmarks.sector_root                  # every library scenario (about 2 hours)
    python -m benchmarks.sector_root romania anzus    # only files whose name contains one
    python -m benchmarks.sector_root --variant "no RENS" baltic   # only that variant (and
                                                      # the default, the ratio's base)

Rows go to benchmarks/out/sector_root/<scenario>.json, so runs over different scenarios
may go in parallel; a run of some variants replaces only their rows (and the default's);
every run rewrites benchmarks/sector_root.md from all the rows there.
Times are CPU seconds of this process (HiGHS runs on one thread), so another job beside it
costs little. Budgets are nodes, so every row's plan is the same on every run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
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
    "no RENS": {"sector_rens": False},
    "no restarts, no RENS": {"sector_restarts": False, "sector_rens": False},
    "no sector branch-and-bound": {"sector_nodes": 0},
}
DEFAULT = next(iter(VARIANTS))
COLUMNS = ["scenario", "model", "dive", "variant", "plan (relax-round-fix)", "sector bound",
           "CPU s after the dive", "vs its run's default", "run"]


def rows_of(path: Path, variants: list[str]) -> list[dict[str, Any]]:
    """One row per model and variant (of `variants`) of one scenario file."""
    from contracts.loader import load_scenario
    from contracts.network import Network
    from geodata.network import build_network
    from optimizer.lp import objective
    from optimizer.planner import search_models
    from optimizer.rounding import dive_sectors, round_from_dive
    from optimizer.settings import SearchSettings

    net = Network.from_json(build_network(load_scenario(path), path).to_json())
    default = SearchSettings()
    run = f"{time.strftime('%Y-%m-%d %H:%M')} at {_commit()}"
    rows = []
    for model_name, model in search_models(net, default):
        started = time.process_time()
        dived = dive_sectors(model, default)
        dive_s = time.process_time() - started
        seconds: dict[str, float] = {}
        for variant in variants:
            changes = VARIANTS[variant]
            started = time.process_time()
            rounded = round_from_dive(model, dataclasses.replace(default, **changes), dived)
            seconds[variant] = time.process_time() - started
            # CPU against this run's default (the first variant, always run), not another
            # run's: the machine's load differs between runs
            base = seconds[variants[0]]
            rows.append({
                "scenario": path.stem, "run": run, "model": model_name, "dive": dived.objective,
                "dive_s": dive_s, "variant": variant,
                "plan": None if rounded.values is None else objective(model.lp, rounded.values),
                "sector_bound": rounded.sector_bound,
                "seconds": seconds[variant],
                "vs_default": seconds[variant] / base if base else float("nan"),
            })
            print(json.dumps(rows[-1]), flush=True)
    return rows


def _commit() -> str:
    """The working tree's commit, marked if it has changes (benchmarks run on work in progress)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True,
                              check=False).stdout.strip()
    changed = "+" if git("status", "--porcelain") else ""
    return (git("rev-parse", "--short", "HEAD") or "unknown") + changed


def table_row(row: dict[str, Any]) -> str:
    """One markdown row."""
    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"
    return (f"| {row['scenario']} | {row['model']} | {num(row['dive'])} ({row['dive_s']:.0f} s)"
            f" | {row['variant']} | {num(row['plan'])} | {num(row['sector_bound'])} | "
            f"{row['seconds']:.0f} | {row['vs_default']:.2f} | {row['run']} |")


def merged(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`old` rows with `new` in place of those of the same model and variant, in the order
    of the models, then of VARIANTS."""
    key = {(r["model"], r["variant"]): r for r in old}
    key.update({(r["model"], r["variant"]): r for r in new})
    models = list(dict.fromkeys(r["model"] for r in [*old, *new]))
    order = list(VARIANTS)
    return sorted(key.values(), key=lambda r: (models.index(r["model"]),
                                               order.index(r["variant"])))


def main(argv: list[str]) -> None:
    """Measure the scenarios matching `argv` (all if none) and rewrite the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sector_root")
    parser.add_argument("filters", nargs="*", help="scenario files whose name contains one")
    parser.add_argument("--variant", action="append", choices=list(VARIANTS),
                        help="only this variant (and the default, the ratio's base)")
    args = parser.parse_args(argv)
    variants = [v for v in VARIANTS if not args.variant or v == DEFAULT or v in args.variant]
    ROWS.mkdir(parents=True, exist_ok=True)
    for path in scenario_files(args.filters):
        part = ROWS / f"{path.stem}.json"
        old = json.loads(part.read_text(encoding="utf-8")) if part.exists() else []
        part.write_text(json.dumps(merged(old, rows_of(path, variants)), indent=1),
                        encoding="utf-8")
    lines = []
    for part in sorted(ROWS.glob("*.json")):
        rows = json.loads(part.read_text(encoding="utf-8"))
        for row in rows:
            lines.append(table_row(row))
    write_table(HERE / "sector_root.md", "python -m benchmarks.sector_root",
                "the dive once per model, then each variant of the sector root from its "
                "sectors, and integer vehicles (no fix-and-optimize); plan and bounds are "
                "objectives (gap-days plus the small costs); CPU seconds of one thread, "
                "against the default's in the same run (the row's run: when, at which "
                "commit; + for uncommitted changes).",
                COLUMNS, lines)


if __name__ == "__main__":
    main(sys.argv[1:])
