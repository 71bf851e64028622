"""A bound over every route at the planner's root LP prices: the planner's model and its root
LP solved as the dive solves it (barrier with crossover above 20,000 columns), then the
every-route model's Lagrangian bound at those row prices, each movement's own rows kept
(optimizer/bound.py `bound_at_root_prices`), beside the lift-free bound. No LP over every
route is solved: sifting's first round would solve the planner's LP again.

    python -m benchmarks.root_prices             # the Baltic scenario
    python -m benchmarks.root_prices Baltic M L

Writes benchmarks/root_prices_<size>.md for each size, so one size's run keeps the others'.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import time
from pathlib import Path

from benchmarks.markdown import write_table
from benchmarks.run import network_of

HERE = Path(__file__).resolve().parent


def line_of(name: str) -> list[str]:
    """One size: its line."""
    from optimizer.backend import HighsRelaxation
    from optimizer.bound import bound_at_root_prices, lift_free_bound, tonnage_columns
    from optimizer.greedy import greedy_schedule
    from optimizer.model import build_model
    from optimizer.planner import groups_of
    from optimizer.rounding import BARRIER_FROM
    from optimizer.settings import SearchSettings

    say = lambda line: print(f"[{name}] {line}", file=sys.stderr, flush=True)  # noqa: E731
    net = network_of(name)
    groups = groups_of(net, greedy_schedule(net))
    model = build_model(net, must_use=groups)
    started = time.perf_counter()
    root = HighsRelaxation(model.lp, barrier_first=model.lp.num_cols > BARRIER_FROM).run(
        SearchSettings().lp_iterations, math.inf)
    root_s = time.perf_counter() - started
    say(f"root LP {root.objective} in {root_s:.0f} s")
    prices = None if root.row_duals is None else (model.lp, root.row_duals)
    bound = bound_at_root_prices(net, groups, lambda: prices)
    say(f"bound at its prices {bound.value} in {bound.seconds:.0f} s")
    lift_free = lift_free_bound(net)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def number(x: float | None) -> str:
        return "-" if x is None else f"{x:,.2f}"

    return [f"| {name} | {model.lp.num_cols:,} | {number(root.objective)} | {root_s:.0f} | "
            f"{tonnage_columns(net):,} | {bound.columns:,} | {number(bound.value)} | "
            f"{bound.seconds:.0f} | {number(lift_free)} | {peak_mb:.0f} |"]


def main(argv: list[str]) -> int:
    """Command line: each size in turn; the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.root_prices")
    parser.add_argument("sizes", nargs="*", default=["Baltic"])
    args = parser.parse_args(argv)
    for name in args.sizes:
        write_table(HERE / f"root_prices_{name}.md", f"python -m benchmarks.root_prices {name}",
                    "the planner's root LP, and at its row prices the Lagrangian bound over "
                    "every route with each movement's own rows kept (seconds: building the "
                    "every-route model and the bound; peak: the process's).",
                    ["size", "planner columns", "root LP", "root LP s",
                     "every-route tonnage columns", "every-route columns",
                     "bound at the root's prices", "bound s", "lift-free bound",
                     "peak MB"], line_of(name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
