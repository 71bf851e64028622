"""How the planner searches, in one object: every budget counts work (subproblems, branch-and-
bound nodes, simplex iterations), never seconds, so the same scenario and settings give the
same plan on any machine at any load. `--time-limit` is only a safety net: a plan it cuts says
so (status `time_limit`, `solver.cut_by_clock`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchSettings:
    """Budgets and knobs of the MIP planner (optimizer/planner.py, neighbourhood.py,
    rounding.py). The defaults are those measured in benchmarks/ and README.md."""

    # Up to this many movements the whole MIP goes to branch-and-bound, which proves the
    # optimum on small models; above it, fix-and-optimize from the best start.
    exact_up_to: int = 12
    gap: float = 1e-4  # stop when the plan is this close (relative) to the bound
    seed: int = 0  # of the neighbourhood choice
    # fix-and-optimize (optimizer/neighbourhood.py)
    subproblems: int = 24  # at most this many subproblems in all
    stall: int = 12  # stop after this many subproblems in a row without a gain
    start_size: int = 4  # movements freed at a time, at first
    min_size: int = 2
    max_size: int = 8  # HiGHS's root node is not work-limited: on the Baltic scenario 8 of 35
    # movements freed solved in 6 s, 10 ran past 90 s, 20 spent 11 minutes at the root
    grow: float = 1.5  # after a subproblem solved in under a third of its nodes
    shrink: float = 0.7  # after one that ran out of nodes
    subproblem_nodes: int = 200  # branch-and-bound nodes for one subproblem
    # If set: the times the solver may check in with the search (root cut rounds, nodes,
    # LP solves) in one subproblem, a deterministic cap on HiGHS's root cut loop, which has
    # no limit of its own. Off by default: measured on the Baltic scenario, listening for
    # checkpoints at all changed HiGHS's path and cost most improvements (545 gap-days
    # against 510), at any cap from 40 to 600.
    subproblem_checkpoints: int | None = None
    # relax-round-fix (optimizer/rounding.py)
    dive_steps: int = 3  # rounds in which forces' sectors are fixed
    lp_iterations: int = 2_000_000  # simplex or barrier iterations for one relaxation

    def __post_init__(self) -> None:
        if not 0 <= self.gap < 1:
            raise ValueError(f"gap must be in [0, 1), not {self.gap}")
        if min(self.subproblems, self.stall, self.start_size, self.min_size, self.max_size,
               self.subproblem_nodes, self.subproblem_checkpoints or 1, self.dive_steps,
               self.lp_iterations) < 1:
            raise ValueError("search budgets must be at least 1")
