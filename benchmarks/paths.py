"""The LP over every route by plain sifting against column generation by paths, side by side
in one process, from the same first working set (the planner's routes): each round's
working-set LP, its Lagrangian bound with each movement's own rows kept, and the seconds
to it, so the bound a budget of rounds buys can be read off (SearchSettings.bound_rounds).

    python -m benchmarks.paths             # the Baltic scenario
    python -m benchmarks.paths Baltic M    # some sizes
    python -m benchmarks.paths M --method "by paths"   # one method (on M plain sifting
                                           # trickles on for 30 minutes past the optimum)

Writes benchmarks/paths_<size>.md for each size, so one size's run keeps the others'.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.markdown import write_table
from benchmarks.run import network_of

HERE = Path(__file__).resolve().parent
METHODS = {"plain sifting": False, "by paths": True}


def rounds_of(name: str, methods: list[str]) -> list[str]:
    """One size: a line per method and round."""
    import dataclasses

    from optimizer.bound import first_working_set
    from optimizer.greedy import greedy_schedule
    from optimizer.model import build_model
    from optimizer.planner import groups_of
    from optimizer.settings import SearchSettings
    from optimizer.sifting import sift

    net = network_of(name)
    groups = groups_of(net, greedy_schedule(net))
    every = build_model(net, must_use=groups, every_route=True)
    planned = build_model(net, must_use=groups).flow
    relaxed = dataclasses.replace(every.lp, col_integer=[False] * every.lp.num_cols)
    first = first_working_set(every, planned)
    blocks = list(every.movement_columns().values())
    lines = []
    for method in methods:
        by_paths = METHODS[method]
        stamps: list[float] = []
        started = time.perf_counter()

        def heard(line: str, method: str = method, started: float = started,
                  stamps: list[float] = stamps) -> None:
            stamps.append(time.perf_counter() - started)
            print(f"[{name}, {method}] {line}", file=sys.stderr, flush=True)

        # every round's bound keeps the movements' rows, as by paths computes it anyway
        sifted = sift(relaxed, first, SearchSettings().lp_iterations, say=heard,
                      blocks=blocks, kept_every_round=True, by_paths=by_paths)
        for i, ((lp_value, plain, kept), columns, seconds) in enumerate(
                zip(sifted.history, sifted.round_columns, stamps, strict=True), start=1):
            bound = plain if kept is None else max(plain, kept)
            ended = "optimum" if sifted.converged and i == len(sifted.history) else ""
            lines.append(f"| {name} | {relaxed.num_cols:,} | {method} | {i} | {columns:,} | "
                         f"{lp_value:,.2f} | {bound:,.2f} | {seconds:.0f} | {ended} |")
    return lines


def main(argv: list[str]) -> int:
    """Command line: each size in turn; its table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.paths")
    parser.add_argument("sizes", nargs="*", default=["Baltic"])
    parser.add_argument("--method", action="append", choices=list(METHODS),
                        help="only this method (default: both)")
    args = parser.parse_args(argv)
    methods = args.method or list(METHODS)
    for name in args.sizes:
        command = " ".join(["python -m benchmarks.paths", name,
                            *(f'--method "{m}"' for m in args.method or [])])
        write_table(HERE / f"paths_{name}.md", command,
                    "each round's working-set LP and its Lagrangian bound (each movement's "
                    "own rows kept; the higher of that and the plain one), seconds since "
                    "the method started (the every-route model built before both). By paths "
                    "that bound is the pricing itself; plain sifting's seconds include it "
                    "every round too, which the planner computes only in the last.",
                    ["size", "every-route columns", "method", "round", "working-set columns",
                     "working-set LP", "bound", "s", "ended"], rounds_of(name, methods))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
