"""A 5,000-line force table, and how long mobilize takes to read, plan and check it.

The lines are drawn from the Baltic scenario's own forces (their members, homes, needs and
capabilities), each with a unique uln and a small load (1 to 5 t, personnel in proportion),
so the greedy plan stays quick and the figures measure the table path rather than the lift.
Every tenth line carries an RDD as an ISO date, the rest as day numbers.

    .venv/bin/python -m benchmarks.tpfdd --lines 5000 --out /tmp/tpfdd-bench

writes DIR/tpfdd.csv, imports it over the Baltic scenario (DIR/scenario.yaml), plans the
Baltic scenario reading its forces from the table (DIR/scenario-table.yaml) with `mobilize
solve --planner greedy`, re-checks it with `mobilize check` and exports its TPFDD, timing
each step.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from contracts.loader import load_scenario
from contracts.scenario import Force, Scenario
from contracts.tables import write_force_table

BASE = Path(__file__).resolve().parent.parent / "scenarios" / "baltic_article5.yaml"
MOBILIZE = Path(sys.executable).with_name("mobilize")


def table_scenario(lines: int, seed: int = 14, base_file: Path = BASE) -> Scenario:
    """The base scenario with `lines` small unit lines drawn from its forces."""
    base = load_scenario(base_file)
    rng = random.Random(seed)
    templates = sorted(base.forces, key=lambda f: f.id)
    forces = [_line(rng.choice(templates), i, rng, base.horizon_days) for i in range(lines)]
    return base.model_copy(update={"forces": forces})


def _line(t: Force, i: int, rng: random.Random, horizon_days: int) -> Force:
    tons = float(rng.randint(1, 5))
    return t.model_copy(update={
        "id": f"U{i:05d}", "uln": f"U{i:05d}", "name": f"{t.name or t.id} (line {i})",
        "cargo_t": tons, "personnel": round(t.personnel * tons / t.cargo_t),
        "sustainment_tpd": 0.0, "needs": [], "sector": None,
        "rdd_day": min(horizon_days - 1, t.readiness_days + rng.randint(3, 20)),
        "priority": rng.randint(1, 3),
    })


def write_table(lines: int, out: Path) -> Path:
    """Write the generated table as out/tpfdd.csv, every tenth RDD as an ISO date."""
    scenario = table_scenario(lines)
    path = write_force_table(scenario, out / "tpfdd.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows[::10]:
        day = int(row["rdd_day"])
        row["rdd_day"] = (scenario.c_day + dt.timedelta(days=day)).isoformat()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def write_table_scenario(table: Path, out: Path, base_file: Path = BASE) -> Path:
    """The base scenario reading its forces from `table` (`forces: {table: ...}`)."""
    from ruamel.yaml import YAML

    doc = load_scenario(base_file).model_dump(mode="json", by_alias=True, exclude_none=True)
    doc["forces"] = {"table": table.name}
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with out.open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)
    return out


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _timed(args: list[str]) -> float:
    """Seconds a mobilize command takes; stops the benchmark if it fails."""
    started = time.perf_counter()
    done = subprocess.run([str(MOBILIZE), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"mobilize {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    """Generate, import, solve and check; print the times as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=Path("out-tpfdd-bench"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    table = write_table(args.lines, out)
    read_s = _seconds(lambda: load_scenario(BASE, forces_table=table))
    imported = out / "scenario.yaml"
    import_s = _timed(["import", str(table), "--base", str(BASE), "--out", str(imported)])
    yaml_s = _seconds(lambda: load_scenario(imported))
    scenario = write_table_scenario(table, out / "scenario-table.yaml")
    steps = [
        ("read the table (load_scenario with forces_table)", read_s),
        ("mobilize import (writes the YAML)", import_s),
        ("read the imported YAML scenario (load_scenario)", yaml_s),
        ("mobilize solve --planner greedy (scenario with forces: {table: ...})", _timed([
            "solve", str(scenario), "--planner", "greedy", "--quiet", "--out",
            str(out / "plan")])),
        ("mobilize check", _timed(["check", str(out / "plan")])),
        ("mobilize export --format tpfdd", _timed([
            "export", str(out / "plan"), "--format", "tpfdd"])),
    ]
    print(f"{args.lines:,} lines, {table}")
    print("| step | seconds |\n|---|---:|")
    for name, seconds in steps:
        print(f"| {name} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
