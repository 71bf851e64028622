"""Fix-and-optimize: improve a plan by solving the MIP again for a few movements at a time,
every other movement held where the plan has it (a large neighbourhood search).

Why: above a few hundred forces the LP relaxation of the whole time-expanded model takes
minutes here (benchmarks/results.md), so branch-and-bound never starts within a planner's
time limit. With all but a dozen movements fixed, HiGHS's presolve removes the fixed columns
and what is left solves in a second or two. Only column bounds change, never a row, so every
plan accepted is a solution of the full model, and each is better than the one before.

A neighbourhood is the movements that compete for something: one requirement the plan leaves
most short (who could fill it), one fleet (who rides it), or a random few for variety. Its size
adapts: it grows while subproblems solve in few branch-and-bound nodes and shrinks when they
run out of nodes. Budgets are work (subproblems, nodes), not seconds: the same scenario gives
the same plan at any machine load (optimizer/settings.py).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.backend import SubproblemSolver
from optimizer.lp import objective
from optimizer.model import KT, Model
from optimizer.settings import SearchSettings
from optimizer.solve import Progress, relative_gap

IMPROVED = 1e-6  # relative improvement that counts


@dataclass(frozen=True)
class Search:
    """The incumbent of fix-and-optimize and what the search has spent."""
    values: list[float]
    steps: int
    improvements: int
    bound: float | None = None  # when the last subproblem was the whole model, solved
    by_clock: bool = False  # the safety-net time limit, not the work budget, ended it


def fix_and_optimize(
    model: Model, start: list[float], solver: SubproblemSolver, settings: SearchSettings,
    deadline: float = math.inf, progress: Progress | None = None,
    bound: Callable[[], float | None] = lambda: None, subproblems: int | None = None,
) -> Search:
    """The best plan found from `start` (a feasible column vector) within the work budget:
    `subproblems` (default `settings.subproblems`) subproblems of at most
    `settings.subproblem_nodes` nodes and `settings.subproblem_checkpoints` solver checkpoints
    each, ending early after `settings.stall` in a row
    without a gain, or when the plan is within `settings.gap` of `bound()`. The same net
    give the same plan: neighbourhoods are seeded and sizes adapt to nodes used, not seconds.
    `deadline` (time.perf_counter()) is a safety net; a search it cuts says so (`by_clock`).
    When a subproblem is the whole model, solved, the search ends with its bound."""
    began = time.perf_counter()
    say = progress or (lambda _: None)

    def report(value: float, why: str) -> None:
        known = bound()
        versus = "" if known is None else (
            f"  bound {known:.2f}  gap {100 * (relative_gap(value, known) or 0.0):.2f}%")
        say(f"  {time.perf_counter() - began:6.1f}s  incumbent {value:.2f}{versus}  ({why})")

    lp = model.lp
    lower = np.asarray(lp.col_lb, dtype=np.float64)
    upper = np.asarray(lp.col_ub, dtype=np.float64)
    integer = np.asarray(lp.col_integer, dtype=bool)
    owned = {mid: np.asarray(cols, dtype=np.int32)
             for mid, cols in sorted(model.movement_columns().items())}
    if not owned:
        return Search(list(start), 0, 0)
    every = np.concatenate(list(owned.values()))
    fleets = _Vehicles(model)
    pick = _Neighbourhoods(model, sorted(owned), random.Random(settings.seed))
    best = np.clip(np.asarray(start, dtype=np.float64), lower, upper)
    best[integer] = np.round(best[integer])
    value = objective(lp, best.tolist())
    size, steps, improvements, since_gain = min(settings.start_size, len(owned)), 0, 0, 0
    budget = settings.subproblems if subproblems is None else subproblems
    while steps < budget and since_gain < settings.stall:
        known = bound()
        if known is not None and (relative_gap(value, known) or 0.0) <= settings.gap:
            break
        left = deadline - time.perf_counter()
        if left < 1.0:
            return Search(best.tolist(), steps, improvements, by_clock=True)
        freed = pick.next(size, best)
        lo, hi = lower.copy(), upper.copy()
        lo[every] = hi[every] = best[every]
        fleets.fix_idle(lo, hi, best, freed)
        for mid in freed:
            lo[owned[mid]], hi[owned[mid]] = lower[owned[mid]], upper[owned[mid]]
        solver.set_bounds(lo, hi)
        solver.set_start(best)
        outcome = solver.run(settings.subproblem_nodes, settings.subproblem_checkpoints, left)
        steps += 1
        since_gain += 1
        if outcome.values is not None:
            found_value = objective(lp, outcome.values.tolist())
            if found_value < value - IMPROVED * max(1.0, abs(value)):
                best, value = outcome.values, found_value
                improvements += 1
                since_gain = 0
                pick.improved()
                report(value, f"fix-and-optimize, {len(freed)} movements re-planned")
        if outcome.by_clock:
            return Search(best.tolist(), steps, improvements, by_clock=True)
        if len(freed) == len(owned) and outcome.proven:  # the whole model: nothing left
            return Search(best.tolist(), steps, improvements, outcome.bound)
        if outcome.proven and outcome.nodes < settings.subproblem_nodes / 3:
            size = min(len(owned), settings.max_size, math.ceil(size * settings.grow))
        elif not outcome.proven:
            size = max(min(settings.min_size, len(owned)), math.floor(size * settings.shrink))
    return Search(best.tolist(), steps, improvements)


class _Vehicles:
    """Vehicle groups that carry none of the freed movements are fixed at the fewest vehicles
    their (fixed) cargo needs: the rest of the fleet is free for the re-planned movements, and
    the subproblem keeps only the integers that matter."""

    def __init__(self, model: Model) -> None:
        fleets = model.net.fleets
        moves = {m.id: m for m in model.movements}
        self.cols = np.asarray(list(model.vehicles.values()), dtype=np.int32)
        index = {g: i for i, g in enumerate(model.vehicles)}
        cargo: dict[int, list[tuple[int, float]]] = defaultdict(list)  # group -> (col, pax/t)
        self.groups_of: dict[str, list[int]] = defaultdict(list)
        for (mid, g), col in model.flow.items():
            cargo[index[g]].append((col, moves[mid].pax_per_ton * KT))
            self.groups_of[mid].append(index[g])
        self.cargo = [cargo[i] for i in range(len(self.cols))]
        self.tons_each = [g.timing.trips * fleets[g.timing.fleet].payload_t / KT
                          for g in model.vehicles]
        self.seats_each = [g.timing.trips * (fleets[g.timing.fleet].pax or 0)
                           for g in model.vehicles]

    def fix_idle(
        self, lo: np.ndarray, hi: np.ndarray, values: np.ndarray, freed: list[str]
    ) -> None:
        touched = {i for mid in freed for i in self.groups_of.get(mid, [])}
        for i, col in enumerate(self.cols):
            if i in touched:
                continue
            tons = sum(values[c] for c, _ in self.cargo[i])
            need = tons / self.tons_each[i] if self.tons_each[i] > 0 else 0.0
            if self.seats_each[i] > 0:
                need = max(need, sum(values[c] * p for c, p in self.cargo[i])
                           / self.seats_each[i])
            lo[col] = hi[col] = min(values[col], math.ceil(need - 1e-6))


class _Neighbourhoods:
    """Which movements to free next: by requirement, by fleet, or at random, in turn."""

    def __init__(self, model: Model, ids: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.turn = 0
        self.ids = ids  # the movements that own columns, sorted
        self.fleets: dict[str, set[str]] = defaultdict(set)  # fleet -> movements
        self.serves: dict[tuple[str, str], set[str]] = defaultdict(set)  # (sector, cap)
        known = set(ids)
        for m in model.movements:
            if m.id not in known:
                continue
            w = model.windows[m.id]
            for tm in w.timings:
                self.fleets[tm.fleet].add(m.id)
            for s in w.sectors:
                for cap in m.points_per_ton:
                    self.serves[(s, cap)].add(m.id)
        self.gap_cost: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
        for (s, cap, _), col in model.gap.items():
            self.gap_cost[(s, cap)].append((col, model.lp.col_cost[col]))
        self.tried: set[tuple[str, str]] = set()  # requirements tried since the last gain

    def improved(self) -> None:
        self.tried.clear()

    def next(self, size: int, values: np.ndarray) -> list[str]:
        self.turn += 1
        kind = self.turn % 3
        chosen: set[str] = set()
        if kind == 1:
            chosen = self._by_requirement(size, values)
        elif kind == 2 and self.fleets:  # forces already in place ride no fleet
            fleet = self.rng.choice(sorted(self.fleets))
            chosen = set(self._sample(self.fleets[fleet], size))
        if len(chosen) < size:  # top up with movements sharing a fleet, then any
            related = {o for f, ms in self.fleets.items() if ms & chosen for o in ms}
            chosen |= set(self._sample(related - chosen, size - len(chosen)))
            chosen |= set(self._sample(set(self.ids) - chosen, size - len(chosen)))
        return sorted(chosen)

    def _by_requirement(self, size: int, values: np.ndarray) -> set[str]:
        short = sorted(
            ((sum(values[c] * w for c, w in cols), req) for req, cols in self.gap_cost.items()
             if req not in self.tried and self.serves.get(req)),
            reverse=True,
        )
        if not short or short[0][0] <= 0:
            self.tried.clear()
            return set()
        req = short[0][1]
        self.tried.add(req)
        return set(self._sample(self.serves[req], size))

    def _sample(self, pool: set[str], n: int) -> list[str]:
        ordered = sorted(pool)
        return self.rng.sample(ordered, min(n, len(ordered)))
