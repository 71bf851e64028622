"""What a sifting stopped after each round would bound: the LP over every route solved by
sifting from the planner's routes (optimizer/bound.py `every_route_lp`, the planner's
settings), and at each round's prices the Lagrangian bound keeping no rows (sifting's own)
beside the one keeping each movement's own rows (optimizer/lagrangian.py), with the
lift-free bound, which the planner would report instead of either where higher.

    python -m benchmarks.stopped_bound             # the Baltic scenario
    python -m benchmarks.stopped_bound Baltic M    # some sizes
    python -m benchmarks.stopped_bound M --rounds 2

Writes benchmarks/stopped_bound_<size>.md for each size, so one size's run keeps the others'.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.markdown import write_table
from benchmarks.run import network_of

HERE = Path(__file__).resolve().parent


def rounds_of(name: str, rounds: int | None) -> list[str]:
    """One size: a line per round."""
    import dataclasses

    from optimizer.bound import first_working_set, lift_free_bound
    from optimizer.greedy import greedy_schedule
    from optimizer.model import build_model
    from optimizer.planner import groups_of
    from optimizer.settings import SearchSettings
    from optimizer.sifting import sift

    net = network_of(name)
    groups = groups_of(net, greedy_schedule(net))
    started = time.perf_counter()
    every = build_model(net, must_use=groups, every_route=True)
    planned = build_model(net, must_use=groups).flow
    relaxed = dataclasses.replace(every.lp, col_integer=[False] * every.lp.num_cols)
    first = first_working_set(every, planned)
    built = time.perf_counter() - started
    lift_free = lift_free_bound(net)
    say = lambda line: print(f"[{name}] {line}", file=sys.stderr, flush=True)  # noqa: E731
    sifted = sift(relaxed, first, SearchSettings().lp_iterations, say=say, max_rounds=rounds,
                  blocks=list(every.movement_columns().values()), kept_every_round=True)
    ended = "optimum" if sifted.converged else "stopped"
    lines = []
    for i, (lp_value, plain, kept) in enumerate(sifted.history, start=1):
        lines.append(
            f"| {name} | {relaxed.num_cols:,} | {i} | {lp_value:.2f} | {plain:,.2f} | "
            + ("-" if kept is None else f"{kept:,.2f}") + " | "
            + ("-" if lift_free is None else f"{lift_free:,.2f}")
            + f" | {ended if i == len(sifted.history) else ''} |")
    say(f"built in {built:.0f} s; sifted {sifted.rounds} rounds in {sifted.seconds:.0f} s")
    return lines


def main(argv: list[str]) -> int:
    """Command line: each size in turn; the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stopped_bound")
    parser.add_argument("sizes", nargs="*", default=["Baltic"])
    parser.add_argument("--rounds", type=int, default=None,
                        help="stop sifting after this many rounds (default: at its optimum)")
    args = parser.parse_args(argv)
    for name in args.sizes:
        command = ["python -m benchmarks.stopped_bound", name] + (
            [] if args.rounds is None else ["--rounds", str(args.rounds)])
        write_table(HERE / f"stopped_bound_{name}.md", " ".join(command),
                    "each round's working-set LP and the bounds at its prices (the round "
                    "that ends at the optimum has no movements-kept bound: its LP is the "
                    "bound).",
                    ["size", "every-route columns", "round", "working-set LP",
                     "bound keeping no rows", "bound keeping each movement's rows",
                     "lift-free bound", "end"], rounds_of(name, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
