"""Warm re-solve: a what-if started from the base plan against the same what-if solved
cold, side by side in one run, both at the defaults.

    python -m benchmarks.warm                          # the Baltic scenario, two what-ifs
    python -m benchmarks.warm gdansk-closed            # only these variant ids
    python -m benchmarks.warm --base-plan out-whatif/base/plan.json   # base already solved

The base scenario is solved cold once; then each what-if of scenarios/whatifs/
baltic_whatifs.yaml twice at the default work budget: cold (the LP over every route first,
its routes in a second model, two searches), and warm from the base plan (`mobilize whatif
--warm`: one search from the base plan's sectors in a model holding its routes, the bound
over every route beside it). Prints, per what-if, the seconds of each (plan_with_mip, wall),
objective and gap to the bound over every route, and the warm/cold time ratio, and writes
benchmarks/warm.md.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASE = ROOT / "scenarios" / "baltic_article5.yaml"
VARIANTS = ROOT / "scenarios" / "whatifs" / "baltic_whatifs.yaml"
DEFAULT = ["gdansk-closed", "c17-third-lost"]
OUT = HERE / "out" / "warm"  # every plan of the run, for `mobilize check`


def _solve(resolved: dict[str, Any], warm_from: Any = None) -> tuple[Any, float]:
    from optimizer.planner import plan_with_mip

    started = time.perf_counter()
    plan, _ = plan_with_mip(resolved, warm_from=warm_from)
    return plan, time.perf_counter() - started


def _objective(value: float | None, bound: float | None) -> str:
    """A plan's objective and, in brackets, its distance to the bound over every route."""
    if value is None:
        return "-"
    if bound is None or value <= 0:
        return f"{value:.2f}"
    return f"{value:.2f} ({100 * (value - bound) / value:.1f}%)"


def _write(path: Path, plan: Any) -> None:
    path.write_text(json.dumps(plan.to_json(), indent=1), encoding="utf-8")


def main(argv: list[str]) -> int:
    """Command line: the chosen what-ifs, cold and warm; the table."""
    from checker import check_plan
    from contracts.loader import load_scenario
    from contracts.plan import Plan
    from geodata.network import build_network
    from whatif.apply import load_whatifs

    command = " ".join(["python -m benchmarks.warm", *argv])
    given = None
    if "--base-plan" in argv:  # the base's cold plan from an earlier run (a what-if's base/)
        at = argv.index("--base-plan")
        given = Path(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    ids = argv or DEFAULT
    base = load_scenario(BASE)
    runs = [w for w in load_whatifs(BASE, base, VARIANTS, None) if w.variant.id in ids]
    if given is not None:
        base_plan = Plan.from_json(json.loads(given.read_text(encoding="utf-8")))
        base_s = float("nan")
    else:
        base_plan, base_s = _solve(build_network(base, BASE).to_json())
    OUT.mkdir(parents=True, exist_ok=True)
    _write(OUT / "base.json", base_plan)
    lines = [
        f"Command: `{command}`",
        "",
        f"Base: {base_plan.kpis.gap_days:,.1f} gap-days, objective "
        f"{base_plan.solver.objective:.2f}"
        + (" (given)." if given is not None else f", {base_s:.0f} s cold."),
        "",
        "| what-if | cold s | warm s | warm / cold | bound over every route | cold objective "
        "(gap) | warm objective (gap) | cold gap-days | warm gap-days | checker |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w in runs:
        resolved = build_network(w.scenario, BASE).to_json()
        cold, cold_s = _solve(resolved)
        warm, warm_s = _solve(resolved, base_plan)
        _write(OUT / f"{w.variant.id}-cold.json", cold)
        _write(OUT / f"{w.variant.id}-warm.json", warm)
        bad = len(check_plan(resolved, cold.to_json())) + len(
            check_plan(resolved, warm.to_json()))
        bound = cold.solver.network_bound
        lines.append(
            f"| {w.variant.id} | {cold_s:.0f} | {warm_s:.0f} | {warm_s / cold_s:.2f} | "
            f"{'-' if bound is None else f'{bound:.2f}'} | "
            f"{_objective(cold.solver.objective, bound)} | "
            f"{_objective(warm.solver.objective, warm.solver.network_bound)} | "
            f"{cold.kpis.gap_days:,.1f} | {warm.kpis.gap_days:,.1f} | "
            f"{'pass' if bad == 0 else str(bad) + ' violations'} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    (HERE / "warm.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
