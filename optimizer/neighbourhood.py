"""Fix-and-optimize: improve a plan by solving the MIP again for a few movements at a time,
every other movement held where the plan has it (a large neighbourhood search).

Why: above a few hundred forces the LP relaxation of the whole time-expanded model takes
minutes here (benchmarks/results.md), so branch-and-bound never starts within a planner's
time limit. With all but a dozen movements fixed, HiGHS's presolve removes the fixed columns
and what is left solves in a second or two. Only column bounds change, never a row, so every
plan accepted is a solution of the full model, and each is better than the one before.

A neighbourhood is the movements that compete for something: one requirement the plan leaves
most short (who could fill it), one fleet (who rides it), or a random few for variety. Its size
adapts: it grows while subproblems solve to optimality quickly and shrinks when they time out.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.lp import objective
from optimizer.model import KT, Model
from optimizer.solve import Progress, highs_with, relative_gap

# Measured on the benchmarks (python -m benchmarks.run): 20 movements for up to 8 s gained
# 8-10% on S and L where 12 for 4 s gained 4%. Subproblems are solved to --gap: a gap of 1%
# of the whole objective stalled the search on S (1% of it is more than most single gains).
START_SIZE = 20  # movements freed at a time, at first
MIN_SIZE = 4
STEP_S = 8.0  # time limit of one subproblem
GROW, SHRINK = 1.5, 0.7
IMPROVED = 1e-6  # relative improvement that counts


@dataclass(frozen=True)
class Search:
    values: list[float]
    steps: int
    improvements: int
    bound: float | None = None  # when the last subproblem was the whole model, solved


def fix_and_optimize(
    model: Model, start: list[float], time_limit_s: float, progress: Progress | None = None,
    keep_going: Callable[[float], bool] = lambda _: True,
    offers: Callable[[], list[float] | None] = lambda: None, seed: int = 0,
    gap: float = 1e-4, bound: Callable[[], float | None] = lambda: None,
) -> Search:
    """The best plan found from `start` (a feasible column vector) within the time limit, or
    until `keep_going(best objective)` says stop. Between subproblems `offers()` may hand in
    another feasible plan (from a heuristic running beside this one); it is taken if better.
    Subproblems are solved to `gap`; when one is the whole model, the search ends.
    `bound()`, the best bound known elsewhere (or None), is only for the progress lines."""
    import highspy

    started = time.perf_counter()
    say = progress or (lambda _: None)

    def report(value: float, why: str) -> None:
        known = bound()
        versus = "" if known is None else (
            f"  bound {known:.2f}  gap {100 * (relative_gap(value, known) or 0.0):.2f}%")
        say(f"  {time.perf_counter() - started:6.1f}s  incumbent {value:.2f}{versus}  ({why})")
    lp = model.lp
    h = highs_with(lp)
    h.setOptionValue("mip_rel_gap", gap)
    lower = np.clip(np.asarray(lp.col_lb, dtype=np.float64), -highspy.kHighsInf, None)
    upper = np.clip(np.asarray(lp.col_ub, dtype=np.float64), None, highspy.kHighsInf)
    integer = np.asarray(lp.col_integer, dtype=bool)
    owned = {mid: np.asarray(cols, dtype=np.int32)
             for mid, cols in sorted(model.movement_columns().items())}
    if not owned:
        return Search(list(start), 0, 0)
    every = np.concatenate(list(owned.values()))
    fleets = _Vehicles(model)
    pick = _Neighbourhoods(model, sorted(owned), random.Random(seed))
    best = np.clip(np.asarray(start, dtype=np.float64), lower, upper)
    best[integer] = np.round(best[integer])
    value = objective(lp, best.tolist())
    size, steps, improvements = min(START_SIZE, len(owned)), 0, 0
    overrun = 0.0
    while True:
        offered = offers()
        if offered is not None and (offered_value := objective(lp, offered)) < value:
            best, value = np.asarray(offered, dtype=np.float64), offered_value
            report(value, "the LP rounding plan")
        # HiGHS checks its clock between root cut rounds, and one round can take seconds:
        # a subproblem gets what is left less the longest overrun seen, so the search ends
        # on time
        left = time_limit_s - (time.perf_counter() - started) - overrun
        if left < 1.0 or not keep_going(value):
            break
        freed = pick.next(size, best)
        lo, hi = lower.copy(), upper.copy()
        lo[every] = hi[every] = best[every]
        fleets.fix_idle(lo, hi, best, freed)
        for mid in freed:
            lo[owned[mid]], hi[owned[mid]] = lower[owned[mid]], upper[owned[mid]]
        h.changeColsBounds(lp.num_cols, np.arange(lp.num_cols, dtype=np.int32), lo, hi)
        solution = highspy.HighsSolution()
        solution.col_value = best.tolist()
        solution.value_valid = True
        h.setSolution(solution)
        limit = min(STEP_S, left)
        h.setOptionValue("time_limit", float(limit))
        began = time.perf_counter()
        h.run()
        took = time.perf_counter() - began
        overrun = max(overrun, took - limit)
        steps += 1
        solved = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        if h.getInfo().primal_solution_status == 2:
            found = np.asarray(h.getSolution().col_value, dtype=np.float64)
            found[integer] = np.round(found[integer])
            found_value = objective(lp, found.tolist())
            if found_value < value - IMPROVED * max(1.0, abs(value)):
                best, value = found, found_value
                improvements += 1
                pick.improved()
                report(value, f"fix-and-optimize, {len(freed)} movements re-planned")
        if len(freed) == len(owned) and solved:  # the whole model: nothing left to search
            return Search(best.tolist(), steps, improvements, h.getInfo().mip_dual_bound)
        if solved and took < STEP_S / 3:
            size = min(len(owned), math.ceil(size * GROW))
        elif not solved:
            size = max(MIN_SIZE, math.floor(size * SHRINK))
    return Search(best.tolist(), steps, improvements)


class _Vehicles:
    """Vehicle groups that carry none of the freed movements are fixed at the fewest vehicles
    their (fixed) cargo needs: the rest of the fleet is free for the re-planned movements, and
    the subproblem keeps only the integers that matter."""

    def __init__(self, model: Model) -> None:
        fleets = model.inputs.fleets
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
