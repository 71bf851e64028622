"""resolved network -> plan: the two planners behind `mobilize solve`."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mobilize.errors import MobilizeError
from optimizer.aggregate import movements
from optimizer.decompose import schedule_from_solution
from optimizer.greedy import greedy_schedule
from optimizer.inputs import Inputs, inputs_from_resolved
from optimizer.lp import objective, rescaled
from optimizer.model import KT, Model, build_model
from optimizer.neighbourhood import fix_and_optimize
from optimizer.plan import SolverInfo, build_plan
from optimizer.rounding import relax_round_fix
from optimizer.solve import Progress, SolveResult, Status, relative_gap, solve
from optimizer.warmstart import groups_used, start_from_schedule

ROUNDING_SHARE = 0.75  # of --time-limit, at most, for relax-round-fix before B&B
# Up to this many movements the whole MIP goes to branch-and-bound, which proves the optimum;
# above it, fix-and-optimize from the greedy plan (branch-and-bound stalls in its root LP).
EXACT_UP_TO = 12
FINISH_SHARE = 0.25


class NoPlanError(MobilizeError):
    """The solver stopped before it found any plan."""


@dataclass(frozen=True)
class PlanStats:
    build_s: float
    columns: int
    rows: int
    integers: int


def plan_with_mip(
    resolved: dict[str, Any], backend: str = "highs", time_limit_s: float = 60.0,
    gap: float = 1e-4, progress: Progress | None = None,
) -> tuple[dict[str, Any], PlanStats]:
    started = time.perf_counter()  # --time-limit covers everything from here to the plan
    inputs = inputs_from_resolved(resolved)
    model, start = planning_model(inputs)
    stats = PlanStats(
        time.perf_counter() - started, model.lp.num_cols, model.lp.num_rows,
        model.lp.num_integer,
    )
    if progress is not None:
        progress(
            f"model: {stats.columns} columns ({stats.integers} integer), {stats.rows} rows, "
            f"built in {stats.build_s:.2f} s; solving with {backend}"
        )
    # turning the solution into a plan takes about a fifth of the build (benchmarks L, M)
    left = max(1.0, time_limit_s - (time.perf_counter() - started) - FINISH_SHARE * stats.build_s)
    if backend == "highs" and start is not None and len(model.movements) > EXACT_UP_TO:
        result = _search(model, start, left, gap, progress)
    else:
        result = _branch_and_bound(model, start, backend, left, gap, progress)
    if result.values is None:
        if result.status == Status.INFEASIBLE:
            # every row can be met by moving nothing, so this is a modelling error, not input
            raise NoPlanError("the solver reports the model infeasible: please file a bug")
        raise NoPlanError(
            f"{backend} found no plan within {time_limit_s:g} s; raise --time-limit "
            "or use --planner greedy"
        )
    assert result.values is not None
    schedule = schedule_from_solution(model, model.in_tons(result.values))
    info = SolverInfo(
        "mip", backend, result.status.value, result.objective, result.bound, result.gap,
        result.seconds, result.method,
    )
    return build_plan(inputs, schedule, info), stats


def _branch_and_bound(
    model: Model, start: list[float] | None, backend: str, time_limit_s: float, gap: float,
    progress: Progress | None,
) -> SolveResult:
    """Relax-round-fix for a better start, then the backend's branch-and-bound."""
    started = time.perf_counter()
    # on the Baltic scenario relax-round-fix, not branch-and-bound, found every improvement;
    # what it leaves unused goes to branch-and-bound
    start, lp_bound = _best_start(model, start, ROUNDING_SHARE * time_limit_s, progress)
    left = max(1.0, time_limit_s - (time.perf_counter() - started))
    if backend == "cp-sat":  # integral data: tons, not kilotons
        lp = rescaled(model.lp, model.tonnage, KT)
        tons_start = None if start is None else model.in_tons(start)
        result = solve(lp, backend, left, gap, progress, tons_start)
        if result.values is not None:
            result = dataclasses.replace(
                result, values=[v / KT if i in model.tonnage else v
                                for i, v in enumerate(result.values)])
    else:
        result = solve(model.lp, backend, left, gap, progress, start)
    return _with_bound(_no_worse_than_start(result, model, start), lp_bound)


def _search(
    model: Model, start: list[float], time_limit_s: float, gap: float,
    progress: Progress | None,
) -> SolveResult:
    """Fix-and-optimize from the greedy plan for the whole time limit while, on the other
    core, relax-round-fix solves the LP relaxation: its bound measures the gap, and its plan
    is handed to the search if better than the search's own."""
    started = time.perf_counter()
    say = progress or (lambda _: None)
    rounding = _Background(lambda: relax_round_fix(model, time_limit_s))

    def offers() -> list[float] | None:
        done = rounding.take()
        if done is None:
            return None
        rounded, bound = done
        if not math.isnan(bound):
            say(f"LP relaxation bound {bound:.2f}")
        return rounded

    def keep_going(value: float) -> bool:
        bound = rounding.bound()
        return bound is None or (relative_gap(value, bound) or 0.0) > gap

    say(f"fix-and-optimize from the greedy plan, objective {objective(model.lp, start):.2f}")
    found = fix_and_optimize(model, start, time_limit_s, progress, keep_going, offers, gap=gap,
                             bound=rounding.bound)
    values, final = found.values, objective(model.lp, found.values)
    rounded = rounding.wait()
    if rounded is not None and rounded[0] is not None:
        rounded_value = objective(model.lp, rounded[0])
        if rounded_value < final:
            values, final = rounded[0], rounded_value
    bounds = [b for b in (rounding.bound(), found.bound) if b is not None]
    best_bound = max(bounds) if bounds else None
    # as branch-and-bound reports it: optimal at the bound, feasible within --gap of it
    rel = relative_gap(final, best_bound)
    status = Status.TIME_LIMIT
    if rel is not None and rel <= 1e-6:
        status = Status.OPTIMAL
    elif rel is not None and rel <= gap:
        status = Status.FEASIBLE
    say(f"fix-and-optimize: {found.steps} subproblems, {found.improvements} improvements")
    return SolveResult(
        "highs", status, float(final), best_bound, relative_gap(final, best_bound),
        time.perf_counter() - started, values, "fix-and-optimize",
    )


class _Background:
    """relax_round_fix in a thread: HiGHS releases the GIL while it solves."""

    def __init__(self, work: Callable[[], tuple[list[float] | None, float]]) -> None:
        self._done: tuple[list[float] | None, float] | None = None
        self._failed: BaseException | None = None
        self._taken = False
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], tuple[list[float] | None, float]]) -> None:
        try:
            self._done = work()
        except BaseException as failure:  # raised again in the caller's thread, by wait()
            self._failed = failure

    def take(self) -> tuple[list[float] | None, float] | None:
        """The result, once, when it is there."""
        if self._done is None or self._taken:
            return None
        self._taken = True
        return self._done

    def bound(self) -> float | None:
        if self._done is None or math.isnan(self._done[1]):
            return None
        return self._done[1]

    def wait(self) -> tuple[list[float] | None, float] | None:
        self._thread.join()
        if self._failed is not None:
            raise self._failed
        return self._done


def planning_model(inputs: Inputs) -> tuple[Model, list[float] | None]:
    """The MIP the planner solves, and the greedy plan as a solution of it (None if it does
    not fit). The greedy plan is built first and the model widened to contain it, so the
    solver starts from it: the MIP can only improve on the baseline, even when time runs out.
    """
    baseline = greedy_schedule(inputs)
    movement_of = {f: m.id for m in movements(inputs) for f in m.forces}
    model = build_model(
        inputs, must_use=groups_used(inputs.period_hours, baseline, movement_of)
    )
    return model, start_from_schedule(model, baseline)


def _best_start(
    model: Model, greedy_start: list[float] | None, time_limit_s: float,
    progress: Progress | None,
) -> tuple[list[float] | None, float]:
    """The better of the greedy plan and relax-round-fix, to start branch-and-bound from."""
    say = progress or (lambda _: None)
    if greedy_start is None:
        say("the greedy plan does not fit the model")
    rounded, lp_bound = relax_round_fix(model, time_limit_s)
    say(f"LP relaxation bound {lp_bound:.2f}")
    candidates = [(objective(model.lp, v), name, v)
                  for name, v in (("greedy", greedy_start), ("LP rounding", rounded))
                  if v is not None]
    if not candidates:
        return None, lp_bound
    value, name, best = min(candidates, key=lambda c: c[0])
    say(f"starting from the {name} plan, objective {value:.2f}")
    return best, lp_bound


def _no_worse_than_start(
    result: SolveResult, model: Model, start: list[float] | None
) -> SolveResult:
    """A solver may drop a start it finds slightly infeasible and stop with a worse plan:
    the start is a checked solution of the same model, so it stands if it is better."""
    if start is None:
        return result
    value = objective(model.lp, start)
    if result.values is not None and result.objective is not None and (
        result.objective <= value + 1e-6
    ):
        return result
    status = Status.TIME_LIMIT if result.status != Status.OPTIMAL else Status.FEASIBLE
    return dataclasses.replace(
        result, status=status, objective=value, values=start,
        gap=relative_gap(value, result.bound),
    )


def _with_bound(result: SolveResult, lp_bound: float) -> SolveResult:
    """The LP relaxation's bound is valid too: keep the stronger of the two."""
    if result.objective is None or math.isnan(lp_bound):
        return result
    bound = lp_bound if result.bound is None else max(result.bound, lp_bound)
    return dataclasses.replace(result, bound=bound, gap=relative_gap(result.objective, bound))


def plan_with_greedy(resolved: dict[str, Any]) -> dict[str, Any]:
    inputs: Inputs = inputs_from_resolved(resolved)
    started = time.perf_counter()
    schedule = greedy_schedule(inputs)
    info = SolverInfo(
        "greedy", "dispatch", "feasible", None, None, None, time.perf_counter() - started,
        "earliest-ready-first dispatch",
    )
    return build_plan(inputs, schedule, info)
