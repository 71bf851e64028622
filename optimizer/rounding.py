"""Relax, round, fix: a plan from the LP relaxation, sectors chosen one force at a time.

The gap between plan and bound lives in the sector assignment: the LP splits forces between
sectors, and with every force's sector fixed, integer vehicles cost well under 1% over their
LP (on the Baltic scenario 478.8 against 478.5). So sectors are fixed by a dive with
look-ahead: take the biggest force the LP still splits, solve the relaxation once for each
sector (or whole-force split) the LP gives it a share of, keep the best, repeat. Each solve
is dual simplex from the last basis on one persistent LP, a second or two, and stops as soon
as its dual objective (a floor under the option's value) passes the best so far: most options
lose, and on the Baltic scenario this cut 124 of 169 solves short and the dive's LP
iterations from 428,218 to 155,723, with the same sectors. Measured on the
Baltic scenario: 472.5 against 478.5 when the most split force goes first, and 473.0 (in
twice the time) when every sector is tried, not only those the LP uses.

Then vehicles: branch-and-bound over them alone, sectors fixed, from a rounded start (round
every group up, take back where a fleet or airfield is over). Rounding alone came out 0.7-4%
above the LP; a few nodes close that. What comes back obeys every row of the MIP.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.backend import HighsRelaxation, HighsSubproblems, LpOutcome, RelaxationSolver
from optimizer.lp import LinearModel, objective
from optimizer.model import Model
from optimizer.settings import SearchSettings
from optimizer.timing import busy_periods, ground_hours

UPGRADE_FROM = 1e-6  # any fraction of a vehicle the LP wants is rounded up first: flooring
# 10.03 vehicles to 10 strands the last tons of a brigade and leaves it "not closed"
# Above this many columns the first relaxation is solved by barrier (with crossover, so the
# dive can warm-start from its basis): twice as fast as simplex on the Baltic scenario.
BARRIER_FROM = 20_000
SPLIT = 1e-6  # an assignment further than this from a whole number is split
AGREE = 1e-6  # a vehicle group this close to the rounded start in the LP agrees with it
BETTER = 1e-7  # relative: an option must beat the one before by this to be taken
Solve = Callable[[float], LpOutcome]  # the relaxation as bounds are now; stops above the float
# hears the root LP's row prices once it solves (None if it did not)
HearPrices = Callable[[np.ndarray | None], None]


@dataclass(frozen=True)
class Rounding:
    """The relax-round-fix plan, its LP bound and what it cost."""
    values: list[float] | None  # a feasible column vector for the MIP, or None
    bound: float  # the LP relaxation's objective (nan if it did not solve within budget)
    by_clock: bool = False  # the safety-net time limit cut it
    relaxations: int = 0  # LPs solved in the dive
    look_ahead: bool = True  # False: the model was too big, sectors by largest remainder
    screened: int = 0  # options not solved: the reduced costs showed they could not win
    cut_off: int = 0  # options whose solve stopped once its dual objective passed the best
    # the dual bound of branch-and-bound over sector choices (settings.sector_nodes), if run
    sector_bound: float | None = None


@dataclass(frozen=True)
class Dived:
    """Where the look-ahead dive left the sectors: a relaxation with every force whole."""
    root_objective: float | None  # the root LP's (None: it did not solve within budget)
    values: np.ndarray | None  # the relaxation with whole sectors (None: the dive stopped)
    objective: float | None  # its objective
    sectors: dict[int, int]  # assignment column -> copies there
    relaxations: int
    look_ahead: bool
    screened: int
    cut_off: int
    by_clock: bool  # the safety-net clock cut the root or the dive


def dive_sectors(
    model: Model, settings: SearchSettings, deadline: float = math.inf,
    sectors_from: dict[str, str | None] | None = None,
    progress: Callable[[str], None] | None = None, root_prices: HearPrices | None = None,
) -> Dived:
    """The root LP, then sectors fixed by the look-ahead dive and the moves (see
    `relax_round_fix`, which goes on from here). `root_prices` hears the root LP's row
    prices as soon as it solves, before the dive."""
    say = progress or (lambda _: None)
    lp = model.lp
    solver = HighsRelaxation(lp, barrier_first=lp.num_cols > BARRIER_FROM)

    def solve(stop_above: float) -> LpOutcome:
        return solver.run(settings.lp_iterations, deadline - time.perf_counter(), stop_above)

    root = solve(math.inf)
    if root_prices is not None:
        root_prices(root.row_duals if root.optimal else None)
    if not root.optimal or root.values is None or root.objective is None:
        return Dived(None, None, None, {}, 1, True, 0, 0, root.by_clock)
    dive = _Dive(model, solver, settings, root, say)
    say(f"LP relaxation {root.objective:.2f}; fixing sectors, {len(dive._split())} movements "
        "split" + ("" if dive.look_ahead else f", by largest remainder ({lp.num_cols} "
                   f"columns, above the look-ahead's {settings.look_ahead_columns})"))
    stopped = bool(sectors_from) and dive.preset(_previous_sectors(model, sectors_from or {}),
                                                 solve)
    if stopped or dive.run(solve):
        return Dived(root.objective, None, None, {}, dive.relaxations, dive.look_ahead,
                     dive.screened, dive.cut_off, True)
    say(f"sectors fixed after {dive.relaxations} relaxations, {dive.iterations:,} LP "
        f"iterations ({dive.screened} options ruled "
        f"out by reduced costs, {dive.cut_off} cut off above the best), objective "
        f"{dive.objective:.2f}; integer vehicles")
    return Dived(root.objective, dive.values, dive.objective, dive.assignment(),
                 dive.relaxations, dive.look_ahead, dive.screened, dive.cut_off, False)


def relax_round_fix(
    model: Model, settings: SearchSettings, deadline: float = math.inf,
    sectors_from: dict[str, str | None] | None = None,
    progress: Callable[[str], None] | None = None, root_prices: HearPrices | None = None,
) -> Rounding:
    """A plan from the LP relaxation, and the LP bound it came from.

    `sectors_from` (force id -> sector, from a plan of a nearby scenario: a warm start):
    movements whose forces all went to sectors they can reach here start fixed there, so
    only the others are chosen by look-ahead; the moves then try each force only in the
    sectors this scenario's root LP gives it a share of (the changed world's own hint: on the
    Baltic what-if with 13 C-17s lost, the same plan as with every sector tried).

    Budgets are work: `settings.lp_iterations` per relaxation, `settings.dive_iterations`
    for the look-ahead (beyond it the rest are fixed by largest
    remainder; above `settings.look_ahead_columns` columns there is none, and no moves),
    `settings.move_iterations` for moves and `settings.vehicle_nodes` nodes
    for the vehicles, so the plan is the same on every run.
    A root relaxation beyond its budget gives no plan and no bound. `deadline` is only a
    safety net. `progress` hears of each phase: minutes pass between them on big models;
    `root_prices`, the root LP's row prices (see `dive_sectors`)."""
    dived = dive_sectors(model, settings, deadline, sectors_from, progress, root_prices)
    if dived.root_objective is None:
        return Rounding(None, math.nan, dived.by_clock, 1)
    if dived.values is None:
        return Rounding(None, dived.root_objective, True, dived.relaxations, dived.look_ahead)
    return round_from_dive(model, settings, dived, deadline, progress)


def round_from_dive(
    model: Model, settings: SearchSettings, dived: Dived, deadline: float = math.inf,
    progress: Callable[[str], None] | None = None,
) -> Rounding:
    """From the dive's whole sectors: branch-and-bound over the sector choices (if
    `settings.sector_nodes`), then integer vehicles."""
    say = progress or (lambda _: None)
    assert dived.values is not None and dived.objective is not None
    assert dived.root_objective is not None
    sectors, relaxed = dict(dived.sectors), dived.values
    chosen = SectorSearch(None, None, None, False)
    if settings.sector_nodes and dived.look_ahead:
        say(f"branch-and-bound over sector choices, vehicles relaxed, "
            f"{settings.sector_nodes} nodes from the dive's sectors")
        chosen = sectors_by_branch_and_bound(model, settings, relaxed, dived.objective,
                                             deadline)
        say(f"sector choices: bound {chosen.bound}, "
            + ("no better sectors" if chosen.values is None else
               f"better sectors, relaxation {chosen.objective:.2f}"))
        if chosen.values is not None:
            relaxed = chosen.values
            sectors = {c: round(float(relaxed[c])) for c in sectors}
    vehicles = _vehicles(model, settings, relaxed, sectors, deadline, say)
    return Rounding(vehicles.values, dived.root_objective,
                    vehicles.by_clock or chosen.by_clock, dived.relaxations,
                    dived.look_ahead, dived.screened, dived.cut_off, chosen.bound)


def sector_choices_only(model: Model) -> LinearModel:
    """The model with every vehicle count relaxed: only the whole-force assignments are
    integer. A relaxation of the MIP, so its branch-and-bound bound holds for every plan of
    the model."""
    integer = [False] * model.lp.num_cols
    for col in model.assigned.values():
        integer[col] = True
    return dataclasses.replace(model.lp, col_integer=integer)


@dataclass(frozen=True)
class SectorSearch:
    """What branch-and-bound over the sector choices alone gave."""
    values: np.ndarray | None  # a relaxation with whole sectors better than the start's
    objective: float | None  # that relaxation's
    bound: float | None  # its dual bound: the MIP's relaxation, so a bound for the model
    by_clock: bool


def sectors_by_branch_and_bound(
    model: Model, settings: SearchSettings, start: np.ndarray, start_objective: float,
    deadline: float = math.inf,
) -> SectorSearch:
    """Branch-and-bound over the sector choices alone, every vehicle count relaxed, for
    `settings.sector_nodes` nodes from `start` (a relaxation with whole sectors).

    Why: the gap lives in the sector assignment. Its root alone adds what the dive lacks:
    HiGHS's cuts tighten the assignment relaxation (knapsack covers over the sectors'
    requirements) and its sub-MIP heuristics search around that cut relaxation, not one
    force at a time. Node budgets, so the same sectors on every run."""
    if not model.assigned:  # nothing to choose, and HiGHS would solve an LP: no MIP bound
        return SectorSearch(None, None, None, False)
    if not settings.sector_portfolio:
        return _sector_root(model, settings, start, start_objective, deadline,
                            settings.sector_rens)
    from concurrent.futures import ThreadPoolExecutor

    # both roots at once (HiGHS releases the GIL); each is node-budgeted, so both are the
    # same on every run, and so is the better of the two
    with ThreadPoolExecutor(2) as pool:
        own, other = pool.map(
            lambda rens: _sector_root(model, settings, start, start_objective, deadline, rens),
            [settings.sector_rens, not settings.sector_rens])
    return better_root(own, other)


def _sector_root(model: Model, settings: SearchSettings, start: np.ndarray,
                 start_objective: float, deadline: float, rens: bool) -> SectorSearch:
    mip = HighsSubproblems(sector_choices_only(model), settings.gap,
                           restarts=settings.sector_restarts, rens=rens)
    mip.set_start(start)
    out = mip.run(settings.sector_nodes, None, deadline - time.perf_counter())
    value = None if out.values is None else objective(model.lp, list(out.values))
    if value is None or value >= _to_beat(start_objective):
        return SectorSearch(None, None, out.bound, out.by_clock)
    return SectorSearch(out.values, value, out.bound, out.by_clock)


def better_root(own: SectorSearch, other: SectorSearch) -> SectorSearch:
    """Two sector roots over the same model as one: the better sectors (`own` on a tie), the
    higher bound (both hold for every plan of the model), cut by the clock if either was."""
    pick = own if other.objective is None or (
        own.objective is not None and own.objective <= other.objective) else other
    bounds = [b for b in (own.bound, other.bound) if b is not None]
    return SectorSearch(pick.values, pick.objective, max(bounds) if bounds else None,
                        own.by_clock or other.by_clock)


class _Dive:
    """Sectors fixed one movement at a time on a persistent relaxation."""

    def __init__(
        self, model: Model, solver: RelaxationSolver, settings: SearchSettings,
        root: LpOutcome, say: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.solver, self.settings, self.say = solver, settings, say
        # False: the model is too big for it, largest remainder at once and no moves
        self.look_ahead = model.lp.num_cols <= settings.look_ahead_columns
        self.cols: dict[str, list[int]] = defaultdict(list)
        for (mid, _), col in sorted(model.assigned.items()):
            self.cols[mid].append(col)
        self.copies = {m.id: m.copies for m in model.movements}
        self.lower = np.asarray(model.lp.col_lb, dtype=np.float64)  # as the model has them
        self.upper = np.asarray(model.lp.col_ub, dtype=np.float64)
        self.tons = {m.id: m.tons for m in model.movements}
        self.values: np.ndarray | None = root.values
        self.objective = root.objective
        self.reduced = root.reduced_costs  # at `values`: a subgradient of the relaxation
        self.fixed: dict[str, list[int]] = {}
        self.relaxations, self.iterations = 1, root.iterations
        self.screened = 0  # options the reduced costs showed could not win: not solved
        self.cut_off = 0  # options whose dual simplex stopped above the best: cannot win
        self.root = root.values  # the root relaxation's shares: what moves after a warm start
        self.warm = False  # sectors came from a previous plan

    def _fix(self, mid: str, counts: list[int]) -> None:
        cols = np.asarray(self.cols[mid], dtype=np.int32)
        n = np.asarray(counts, dtype=np.float64)
        self.solver.set_bounds(cols, n, n)
        self.fixed[mid] = counts

    def _split(self) -> list[str]:
        assert self.values is not None
        x = self.values
        return [mid for mid, cols in self.cols.items() if mid not in self.fixed
                and any(abs(x[c] - round(x[c])) > SPLIT for c in cols)]

    def run(self, solve: Solve) -> bool:
        """Fix every split movement, then try moving each whole force to another sector
        (without look-ahead: every split movement by largest remainder at once, and no
        moves); True if the safety-net clock cut it. Once `settings.dive_iterations` LP
        iterations are spent, every movement still split is fixed by largest remainder at
        once; moves stop after `settings.move_iterations` more. On big models each
        relaxation costs more, so fewer are solved, and the plan is still the same on every
        run."""
        while (split := self._split()):
            assert self.values is not None
            if not self.look_ahead or self.iterations >= self.settings.dive_iterations:
                # every split movement by largest remainder at once, then again on the new
                # relaxation: fixing some can split others that were whole (M: 15 of 90
                # after the first round), and the vehicles must round a relaxation whose
                # forces are whole where they were fixed
                for mid in split:
                    self._fix(mid, _options(self.cols[mid], self.values, self.copies[mid])[0])
                out = solve(math.inf)
                self._spend(out)
                if out.by_clock or out.values is None or out.objective is None:
                    return out.by_clock
                self.objective, self.values, self.reduced = (
                    out.objective, out.values, out.reduced_costs)
                continue
            mid = max(split, key=lambda m: (self.tons[m], m))  # the biggest first
            options = _options(self.cols[mid], self.values, self.copies[mid])
            cut, chosen = self._best_of(mid, options, solve, None)
            if cut or chosen is None:
                return cut  # no option solved within its budget: the rest as they lie
            self.say(f"  {mid}: sectors fixed, relaxation {self.objective:.2f}")
        assert self.values is not None
        for mid, cols in self.cols.items():  # whole in the last relaxation: fixed as they are
            if mid not in self.fixed:
                self._fix(mid, [round(self.values[c]) for c in cols])
        if not self.look_ahead:
            return False
        dived = self.iterations
        self.say(f"look-ahead done after {self.relaxations} relaxations, objective "
                 f"{self.objective:.2f}; moving whole forces to other sectors")
        for mid in sorted(self.cols, key=lambda m: (-self.tons[m], m)):
            if self.iterations - dived >= self.settings.move_iterations:
                break
            options = _moves(self.fixed[mid])
            if self.warm:  # only to a sector this scenario's root LP gives the movement a share of
                options = [o for o in options if self._root_shares(mid, o)]
            cut, _ = self._best_of(mid, options, solve, self.objective)
            if cut:
                return True
        return False

    def preset(self, counts: dict[str, list[int]], solve: Solve) -> bool:
        """Fix these movements (a warm start) and solve; True if the clock cut it."""
        if not counts:
            return False
        for mid, n in sorted(counts.items()):
            self._fix(mid, n)
        out = solve(math.inf)
        self._spend(out)
        if out.optimal and out.values is not None and out.objective is not None:
            self.objective, self.values, self.reduced = (
                out.objective, out.values, out.reduced_costs)
            self.warm = True
        else:  # the previous sectors do not solve within budget here: choose afresh
            for mid in counts:
                cols = np.asarray(self.cols[mid], dtype=np.int32)
                self.solver.set_bounds(cols, self.lower[cols], self.upper[cols])
                del self.fixed[mid]
        return out.by_clock

    def _spend(self, out: LpOutcome) -> None:
        self.relaxations += 1
        self.iterations += out.iterations

    def _best_of(
        self, mid: str, options: list[list[int]], solve: Solve,
        incumbent: float | None,
    ) -> tuple[bool, list[int] | None]:
        """Solve the relaxation with each option fixed and keep the best, if it beats
        `incumbent` (the objective as fixed now); else the movement is fixed back. Returns
        (cut by the clock, the option kept).

        An option is not solved when the reduced costs at the best so far (or at the
        incumbent) show it cannot beat it: the relaxation's value is convex in the fixed
        counts and the reduced costs are a subgradient, so the option's value is at least
        the best's plus their product with the step between the two. Exact: what is kept is
        the same as if every option were solved."""
        keep = self.fixed.get(mid)
        best: tuple[float, list[int], np.ndarray, np.ndarray | None] | None = None
        # the point whose reduced costs screen the options: the incumbent, then the best
        at = (keep, self.reduced) if incumbent is not None else (None, None)
        for counts in options:
            if self._cannot_win(mid, counts, *at):
                self.screened += 1
                continue
            beat = _to_beat(best[0] if best is not None else incumbent)
            self._fix(mid, counts)
            out = solve(beat if self.settings.cut_off_losers else math.inf)
            self._spend(out)
            if out.by_clock:
                return True, None
            if out.above:
                self.cut_off += 1
                continue
            if (out.optimal and out.objective is not None and out.values is not None
                    and out.objective < beat):
                best = (out.objective, counts, out.values, out.reduced_costs)
                at = (counts, out.reduced_costs)
        if best is None:
            if keep is not None:
                self._fix(mid, keep)
            return False, None
        self._fix(mid, best[1])  # the solver's basis is from the last option: no matter
        self.objective, self.values, self.reduced = best[0], best[2], best[3]
        return False, best[1]

    def _root_shares(self, mid: str, counts: list[int]) -> bool:
        """True if the root relaxation gives the movement a share of every sector `counts`
        has more of than the movement has now."""
        assert self.root is not None
        now = self.fixed[mid]
        return all(self.root[c] > SPLIT for c, n, was in zip(self.cols[mid], counts, now,
                                                              strict=True) if n > was)

    def _cannot_win(
        self, mid: str, counts: list[int], at: list[int] | None, reduced: np.ndarray | None,
    ) -> bool:
        """True if the relaxation with `counts` cannot beat the one solved with `at` (whose
        reduced costs are `reduced`): the step's first-order change is not negative."""
        if not self.settings.screen_by_reduced_costs or at is None or reduced is None:
            return False
        step = np.asarray(counts, dtype=np.float64) - np.asarray(at, dtype=np.float64)
        # 0, not -BETTER x objective: the solver's dual tolerance stays inside that margin
        return float(reduced[self.cols[mid]] @ step) >= 0.0

    def assignment(self) -> dict[int, int]:
        """Every assignment column's whole number of forces: fixed ones as fixed, the rest
        (whole in the last relaxation, or left when budgets ran out) by largest remainder."""
        assert self.values is not None
        out: dict[int, int] = {}
        for mid, cols in self.cols.items():
            counts = self.fixed.get(mid) or _options(cols, self.values, self.copies[mid])[0]
            out.update(zip(cols, counts, strict=True))
        return out


def _to_beat(bar: float | None) -> float:
    """What an option must come in under to be taken over `bar`: below it by BETTER. Also
    where its solve may stop (dual simplex stops only once its dual objective, a floor under
    the option's value, is past it), so the cut-off and the choice cannot disagree."""
    return math.inf if bar is None else bar - BETTER * abs(bar)


def _previous_sectors(model: Model, sectors: dict[str, str | None]) -> dict[str, list[int]]:
    """Per movement with sector columns, its forces counted by the sector each had in a
    previous plan, when every one of them went to a sector it can reach in this model."""
    columns: dict[str, list[str]] = defaultdict(list)
    for mid, sector in sorted(model.assigned):
        columns[mid].append(sector)
    out = {}
    for m in model.movements:
        order = columns.get(m.id)
        if order is None:
            continue
        went = [sectors.get(f) for f in m.forces]
        if all(s in order for s in went):
            out[m.id] = [went.count(s) for s in order]
    return out


def _moves(counts: list[int]) -> list[list[int]]:
    """Every assignment one whole force away: one of them to another sector."""
    out = []
    for i, n in enumerate(counts):
        for j in range(len(counts)):
            if n > 0 and j != i:
                other = list(counts)
                other[i] -= 1
                other[j] += 1
                out.append(other)
    return out


def _options(cols: list[int], x: np.ndarray, copies: int) -> list[list[int]]:
    """Whole-force assignments worth trying, the largest-remainder one first: for one force,
    each sector the LP gives a share; for several, the remainder to each such sector."""
    base = [math.floor(x[c] + SPLIT) for c in cols]
    left = copies - sum(base)
    order = sorted(range(len(cols)), key=lambda i: (-(x[cols[i]] - base[i]), i))
    first = list(base)
    for i in order[:max(0, left)]:
        first[i] += 1
    out = [first]
    for i in range(len(cols)):
        if x[cols[i]] - base[i] > SPLIT and left > 0:
            other = list(base)
            other[i] += left
            if other not in out:
                out.append(other)
    return out


@dataclass(frozen=True)
class Vehicles:
    """What the integer vehicles gave."""
    values: list[float] | None  # the plan; None if the rounded start's LP did not solve
    by_clock: bool  # the safety-net clock cut it (the plan is the rounded start, or better)
    rounded: float | None = None  # the rounded start's objective
    freed: int = 0  # vehicle groups branch-and-bound could change
    groups: int = 0  # vehicle groups in all


def _vehicles(
    model: Model, settings: SearchSettings, x: np.ndarray, sectors: dict[int, int],
    deadline: float, say: Callable[[str], None] = lambda _: None,
) -> Vehicles:
    """Integer vehicles for the relaxation `x` with sectors fixed: a rounded start, then
    `settings.vehicle_nodes` nodes of branch-and-bound over the vehicles alone (above
    `settings.vehicle_neighbourhood_columns`, over the groups the rounding moved)."""
    lp = model.lp
    lower = np.asarray(lp.col_lb, dtype=np.float64)
    upper = np.asarray(lp.col_ub, dtype=np.float64)
    for col, n in sectors.items():
        lower[col] = upper[col] = n
    rounded = _rounded_vehicles(model, list(x))
    relaxation = HighsRelaxation(lp, barrier_first=False)
    fixed = np.asarray(sorted({*sectors, *rounded}), dtype=np.int32)
    at = np.asarray([sectors.get(c, rounded.get(c, 0)) for c in fixed], dtype=np.float64)
    relaxation.set_bounds(fixed, at, at)
    start = relaxation.run(settings.lp_iterations, deadline - time.perf_counter())
    if start.values is None:
        return Vehicles(None, start.by_clock)
    integer = np.asarray(lp.col_integer, dtype=bool)
    values = start.values.copy()
    values[integer] = np.round(values[integer])
    best = [float(v) for v in values]  # the rounded start stands, cut by the clock or not
    rounded_objective = objective(lp, best)
    groups = np.fromiter(model.vehicles.values(), dtype=np.int64)
    freed = len(groups)
    if lp.num_cols > settings.vehicle_neighbourhood_columns:
        # RINS: a group where the rounded start and the LP agree stays as it is. On big
        # models the whole branch-and-bound spends minutes at its root for a few tenths of a
        # percent; the groups the rounding changed are where those lie.
        agree = groups[np.abs(x[groups] - values[groups]) <= AGREE]
        lower[agree] = upper[agree] = values[agree]
        freed -= len(agree)
    say(f"rounded vehicles, objective {rounded_objective:.2f}; "
        f"{settings.vehicle_nodes} nodes of branch-and-bound over "
        + ("them" if freed == len(groups) else
           f"the {freed:,} of {len(groups):,} groups the rounding moved off the LP"))
    mip = HighsSubproblems(lp, settings.gap)
    mip.set_bounds(lower, upper)
    mip.set_start(values)
    out = mip.run(settings.vehicle_nodes, None, deadline - time.perf_counter())
    if out.values is not None and objective(lp, list(out.values)) < rounded_objective:
        best = [float(v) for v in out.values]
    return Vehicles(best, out.by_clock, rounded_objective, freed, len(groups))


def _rounded_vehicles(model: Model, values: list[float]) -> dict[int, int]:
    """Round every group up, then take vehicles back where the fleet is over its count or the
    airfield over its MOG, from the groups the LP wanted least."""
    net = model.net
    chosen = {col: math.ceil(values[col] - UPGRADE_FROM) for col in model.vehicles.values()}
    busy: dict[tuple[str, int], list[tuple[object, int]]] = defaultdict(list)
    ground: dict[tuple[str, int], list[tuple[object, int, float]]] = defaultdict(list)
    for g, col in model.vehicles.items():
        for q in busy_periods(net, g):
            busy[(g.timing.fleet, q)].append((g, col))
        for (place_id, day), hours in ground_hours(net, g.timing, g.period).items():
            ground[(place_id, day)].append((g, col, hours))
    for (fleet_id, _), groups in sorted(busy.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        count = net.fleets[fleet_id].count
        _take_back(chosen, values, [(col, 1.0) for _, col in groups], float(count))
    for (place_id, day), landing in sorted(ground.items()):
        place = net.places.get(place_id)
        allowed = place.ground_hours_on(day) if place is not None else None
        if allowed is not None:
            _take_back(chosen, values, [(col, h) for _, col, h in landing], allowed)
    return chosen


def _take_back(
    chosen: dict[int, int], values: list[float], terms: list[tuple[int, float]], cap: float
) -> None:
    """Lower the most rounded-up columns until sum(chosen x weight) <= cap."""
    total = sum(chosen[c] * w for c, w in terms)
    for col, weight in sorted(terms, key=lambda cw: values[cw[0]] - chosen[cw[0]]):
        while total > cap + 1e-9 and chosen[col] > math.floor(values[col] + 1e-6):
            chosen[col] -= 1
            total -= weight
        if total <= cap + 1e-9:
            return
    for col, weight in sorted(terms, key=lambda cw: values[cw[0]]):  # still over: below LP
        while total > cap + 1e-9 and chosen[col] > 0:
            chosen[col] -= 1
            total -= weight
