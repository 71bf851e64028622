"""How the planner searches, in one object: every budget counts work (subproblems, branch-and-
bound nodes, LP iterations), never seconds, so the same scenario and settings give the
same plan on any machine at any load. `--time-limit` is only a safety net: a plan it cuts says
so (status `time_limit`, `solver.cut_by_clock`).
"""

from __future__ import annotations

from dataclasses import dataclass

# The default safety net, seconds. The Baltic planner takes about 10 minutes alone on a
# 2-core machine and 20 to 40 beside two or three other jobs; the net sits above that, or a
# busy machine gets a different, clock-cut plan.
SAFETY_NET_S = 3600.0


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
    # After relax-round-fix these gain little on the Baltic scenario (472.72 -> 472.67 in two
    # subproblems of 40 s), so few: they matter where the dive's budget ran out.
    subproblems: int = 6  # at most this many subproblems in all
    stall: int = 3  # stop after this many subproblems in a row without a gain
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
    # LP iterations (the root's included) for choosing sectors by look-ahead and then
    # moving forces; beyond it the forces still split are fixed by largest remainder. The
    # Baltic scenario: 75 relaxations for the look-ahead, and 155,723 iterations for the
    # whole dive, moves included (428,218 without the cut-off below).
    dive_iterations: int = 500_000
    # LP iterations for then moving whole forces to another sector, one force at a
    # time, the biggest first (0: none); on the Baltic scenario 116 relaxations, 470.4
    # against 472.7 without
    move_iterations: int = 300_000
    # Above this many model columns neither look-ahead nor moves: sectors by largest
    # remainder from the root LP at once. Measured on M (254,454 columns): look-ahead and
    # moves cost 1,492 of 2,091 s for 0.18 points of gap (0.68% against 0.86% of the LP
    # bound). The Baltic (99,628) and S (51,289) scenarios stay under it.
    look_ahead_columns: int = 200_000
    # Skip an option (of the look-ahead or a move) whose relaxation the reduced costs at the
    # best so far show cannot beat it. Exact per choice: the same options win; the iterations
    # saved let the moves' budget reach further (Baltic: the same plan; two what-ifs moved by
    # 0.05 and 0.14 of objective). False solves every one, to measure what the screen saves.
    screen_by_reduced_costs: bool = True
    # Stop an option's dual simplex once its dual objective (a floor under its value) is past
    # the best so far: it cannot win. Exact per choice like the screen, and like it, the
    # iterations saved let the moves reach further. False solves every option to its end.
    cut_off_losers: bool = True
    lp_iterations: int = 2_000_000  # simplex or barrier iterations for one relaxation
    vehicle_nodes: int = 20  # branch-and-bound nodes for the vehicles once sectors are fixed
    # If not 0: after the dive, branch-and-bound over the sector choices alone (vehicles
    # relaxed) for this many nodes, from the dive's sectors; 1 is its root: HiGHS's cuts and
    # sub-MIP heuristics. A better assignment it finds replaces the dive's, and its dual bound
    # (a relaxation of the MIP) joins the LP's. On the Baltic scenario 1 gave 433.7 gap-days
    # against 452.5 with 0 (sectors at 436.77 against the dive's 455.99 in the model with the
    # every-route LP's routes, bound 430.73 against 412.87), and every library scenario a
    # better plan or the same, for about 2x the CPU. 0 turns it off.
    sector_nodes: int = 1
    # Whether that branch-and-bound may restart its root after presolve reductions (HiGHS
    # does by default). The restarts buy bound, not plans: without them every model of every
    # library scenario kept its plan, for 0.69-1.02 of the CPU (Baltic 373 s against 543),
    # but the bounds fell (Baltic 430.73 to 427.81, Romania 138.36 to 132.27: 0.9% from its
    # bound to 5.2%). benchmarks/sector_root.md. End to end alone at c6c1283, the Baltic
    # plan to the last digit in 517 s against 622 (`mobilize solve ... --no-sector-restarts`),
    # and every other library scenario its plan too.
    # It stays on for the bounds: the what-if tolerance needs only the bound over every
    # route, but a plan's own gap is the one it reports.
    sector_restarts: bool = True
    # Whether it runs HiGHS's RENS sub-MIP (a search around the rounded root relaxation)
    # beside RINS (around the root and the start). Off, with the restarts kept, both Baltic
    # models found better sectors (435.62 against 436.99, 464.26 against 466.30) with their
    # bounds, and the library came out within 0.07 either way (benchmarks/sector_root.md).
    # But solved end to end off (at 3432bef), the Baltic what-ifs lost more than the base
    # gained: the C-17 world's root found sectors at 449.04 against a plan of 441.16 with
    # RENS, so its plan fell from 437.8 gap-days to 446.8 while the base's rose to 432.2
    # from 433.7. So it stays on; --no-sector-rens turns it off.
    sector_rens: bool = True
    # Run that root twice at once, with RENS and without, and keep the better sectors and
    # the higher bound: never worse than either, for twice the root's CPU. Neither setting
    # wins everywhere (docs/benchmarks.md, "What the sector root's parts buy"). Off until
    # measured on every figure.
    sector_portfolio: bool = False
    # sector_nodes for a warm start (optimizer/planner.py, `_warm_search`): 0, the previous
    # plan's sectors stand for the root's there. docs/benchmarks.md, "Warm re-solve".
    warm_sector_nodes: int = 0
    # Above this many model columns the vehicles' branch-and-bound frees only the vehicle
    # groups where the rounded start differs from the LP (RINS: Danna, Rothberg & Le Pape,
    # Math. Programming 2005); the rest stay as both have them. Measured on M (254,454
    # columns; benchmarks/vehicles.md): every group free took 791 s for 5,280.95, the
    # neighbourhood 20 s for 5,281.61. On the Baltic scenario (99,628, under it) every group
    # free wins, 466.30 against 466.38, in 38 s against 9, so it stays there.
    vehicle_neighbourhood_columns: int = 200_000
    # the bound over every route (optimizer/bound.py) is computed up to this many tonnage
    # columns (the Baltic scenario has 386k: 491k columns in all, 0.8 GB, 5 minutes); 0: never
    network_bound_columns: int = 1_000_000
    # Above that and up to this many, the LP over every route by column generation for
    # `bound_rounds` rounds (optimizer/sifting.py, by paths: each movement's own LP at the
    # working set's prices is the bound, and only the columns it uses join), from the
    # planner's routes, on the second core beside the search; its Lagrangian bound after the
    # last round. M (1.18M tonnage columns; `python -m benchmarks.paths M`, beside one other job):
    # 4,969.4, 5,105.9, 5,180.0 after one, two, three rounds (the optimum, 5,193.8, after
    # nine), against 4,992.7 at the root LP's prices alone; the first round is a cold simplex
    # over the planner's routes, beside the search's root LP. Not below this range: to the
    # optimum plain sifting is faster there (the Baltic scenario, `python -m
    # benchmarks.paths`: 93 s, by paths 100 s, nine cheap re-solves but 3-4 s of pricing
    # each), and its optimal routes widen the planner's model. Not above: L's (2.19M) first
    # round alone took 3,752 s.
    paths_bound_columns: int = 1_500_000
    bound_rounds: int = 3  # the working set's solves; each prices every movement once
    # Above that and up to this many, no LP over every route: its Lagrangian bound with each
    # movement's own rows kept (optimizer/lagrangian.py) at the row prices of the planner's
    # own root LP, on the second core beside the search (optimizer/bound.py,
    # `bound_at_root_prices`). L (2.19M tonnage columns): 24,264.6 against the lift-free
    # 20,690.7, in 36 s after the root LP (M, before the range above: 4,992.7 in 25 s).
    # XL (6.1M) is not in it: its every-route model alone would be about 7M columns.
    priced_bound_columns: int = 3_000_000
    # Above this many columns the every-route LP is solved by sifting (optimizer/sifting.py)
    # from the planner's routes rather than by barrier over all of them at once.
    sift_from_columns: int = 300_000
    # Up to this many tonnage columns the bound over every route is solved first, and every
    # (fleet, leg, period) its LP moves tons on joins the planner's routes (column generation,
    # once): on ANZUS 40 such routes (8% more columns) took the model's LP from 189.7 to the
    # network's 166.6. Above it the bound runs beside the search and the plan ignores it.
    # The Baltic scenarios (330,000-386,000) are under it since sifting made their LP 2 minutes:
    # 452.5 gap-days and C+23 against 461.1 and C+44, in about the same time. M (1.18M) is not.
    network_routes_columns: int = 400_000

    def __post_init__(self) -> None:
        if not 0 <= self.gap < 1:
            raise ValueError(f"gap must be in [0, 1), not {self.gap}")
        if min(self.subproblems, self.stall, self.start_size, self.min_size, self.max_size,
               self.subproblem_nodes, self.subproblem_checkpoints or 1, self.dive_iterations,
               self.lp_iterations, self.vehicle_nodes, self.bound_rounds) < 1 or min(
                   self.move_iterations, self.network_bound_columns,
                   self.network_routes_columns, self.look_ahead_columns,
                   self.priced_bound_columns, self.paths_bound_columns,
                   self.sift_from_columns, self.sector_nodes, self.warm_sector_nodes,
                   self.vehicle_neighbourhood_columns) < 0:
            raise ValueError("search budgets must be at least 1")
