"""The LP over every route by sifting against barrier over all its columns, side by side in
one process (optimizer/bound.py `every_route_lp`, both at the planner's settings otherwise).

    python -m benchmarks.sifting             # the Baltic scenario
    python -m benchmarks.sifting Baltic S    # some sizes

Writes benchmarks/sifting.md: each method's bound and seconds, and their ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchmarks.markdown import write_table
from benchmarks.run import network_of

HERE = Path(__file__).resolve().parent


def compare(name: str) -> str:
    """One size: both methods, the table's line."""
    from optimizer.bound import every_route_lp
    from optimizer.greedy import greedy_schedule
    from optimizer.planner import groups_of
    from optimizer.settings import SearchSettings

    net = network_of(name)
    groups = groups_of(net, greedy_schedule(net))
    say = lambda line: print(f"[{name}] {line}", file=sys.stderr, flush=True)  # noqa: E731
    figures = []
    for sift_from in (0, 10**9):
        settings = SearchSettings(sift_from_columns=sift_from)
        started = time.perf_counter()
        every = every_route_lp(net, groups, settings, say=say)
        seconds = time.perf_counter() - started
        say(f"{every.method}: {every.result.bound} in {seconds:.0f} s")
        figures.append((every.result.bound, seconds, every.relaxed.num_cols))
    (sifted, sift_s, cols), (whole, whole_s, _) = figures
    return (f"| {name} | {cols:,} | {sifted:.4f} ({sift_s:.0f} s) | {whole:.4f} ({whole_s:.0f} s)"
            f" | {sift_s / whole_s:.2f} |")


def main(argv: list[str]) -> int:
    """Command line: each size in turn; the table."""
    sizes = argv or ["Baltic"]
    rows = [compare(name) for name in sizes]
    write_table(HERE / "sifting.md", " ".join(["python -m benchmarks.sifting", *sizes]),
                "seconds include building the every-route model.",
                ["size", "columns", "sifting: bound (s)", "barrier: LP (s)",
                 "sifting / barrier"], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
