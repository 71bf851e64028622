"""Could a warm re-solve skip most of its root LP? Each what-if's root relaxation solved as the
planner solves it (barrier with crossover), and by simplex from the base scenario's optimal
basis, mapped onto the what-if's model by row and column names (HiGHS's "alien" basis: it
repairs a basis whose count is off), side by side in one run.

    python -m benchmarks.warm_root                       # the two what-ifs of benchmarks.warm
    python -m benchmarks.warm_root germany-later         # only these variant ids

A what-if that only closes a place keeps the base's basis nearly optimal; one that changes a
capacity (13 C-17s lost: every busy row's count) leaves it far from feasible. Writes
benchmarks/warm_root.md. Not used by the planner: the measurement behind the warm section of
README.md.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from typing import Any

from benchmarks.warm import BASE, DEFAULT, HERE, VARIANTS


def _relaxation(net: Any) -> Any:
    """The planner's model of `net` with its integer columns relaxed."""
    from optimizer.planner import planning_model

    model, _ = planning_model(net)
    return dataclasses.replace(model.lp, col_integer=[False] * model.lp.num_cols)


def _highs(lp: Any) -> Any:
    from optimizer.solve import highs_with

    return highs_with(lp)


def _run(h: Any) -> tuple[float, float, int, str]:
    started = time.perf_counter()
    h.run()
    info = h.getInfo()
    iterations = int(info.simplex_iteration_count) + int(info.ipm_iteration_count)
    return (time.perf_counter() - started, float(info.objective_function_value), iterations,
            h.modelStatusToString(h.getModelStatus()))


def main(argv: list[str]) -> int:
    """Command line: the chosen what-ifs' root LP, both ways; the table."""
    import highspy

    from contracts.loader import load_scenario
    from contracts.network import Network
    from geodata.network import build_network
    from whatif.apply import load_whatifs

    command = " ".join(["python -m benchmarks.warm_root", *argv])
    ids = argv or DEFAULT
    base = load_scenario(BASE)
    lp = _relaxation(Network.from_json(build_network(base, BASE).to_json()))
    h = _highs(lp)
    h.setOptionValue("solver", "ipm")
    seconds, objective, _, _ = _run(h)
    basis = h.getBasis()
    cols = dict(zip(lp.col_names, basis.col_status, strict=True))
    rows = dict(zip(lp.row_keys, basis.row_status, strict=True))
    lines = [f"Command: `{command}`", "",
             f"Base root LP: {objective:.4f}, {seconds:.1f} s by barrier with crossover.", "",
             "| what-if | columns not in the base | rows not in the base | barrier s (its "
             "iterations) | simplex from the base basis s (its iterations) | simplex / barrier "
             "| same LP value |",
             "|---|---|---|---|---|---|---|"]
    for w in load_whatifs(BASE, base, VARIANTS, None):
        if w.variant.id not in ids:
            continue
        net = Network.from_json(build_network(w.scenario, BASE).to_json())
        lp = _relaxation(net)  # built once: the greedy plan and model are the same both ways
        cold = _highs(lp)
        cold.setOptionValue("solver", "ipm")
        cold_s, cold_obj, cold_it, _ = _run(cold)
        warm = _highs(lp)
        warm.setOptionValue("solver", "simplex")
        given = warm.getBasis()
        col_status = [cols.get(n) for n in lp.col_names]
        row_status = [rows.get(k) for k in lp.row_keys]
        # a column the base lacks starts at its bound, a row the base lacks with its slack
        # basic: the usual crash for rows and columns added to a solved LP
        given.col_status = [s if s is not None else highspy.HighsBasisStatus.kLower
                            for s in col_status]
        given.row_status = [s if s is not None else highspy.HighsBasisStatus.kBasic
                            for s in row_status]
        given.valid, given.alien = True, True
        warm.setBasis(given)
        warm_s, warm_obj, warm_it, status = _run(warm)
        same = abs(warm_obj - cold_obj) <= 1e-6 * max(1.0, abs(cold_obj))
        lines.append(
            f"| {w.variant.id} | {col_status.count(None):,} | {row_status.count(None):,} | "
            f"{cold_s:.1f} ({cold_it:,}) | {warm_s:.1f} ({warm_it:,}, {status}) | "
            f"{warm_s / cold_s:.2f} | {'yes' if same else f'{warm_obj:.4f} / {cold_obj:.4f}'} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    (HERE / "warm_root.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
