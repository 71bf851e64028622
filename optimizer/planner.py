"""resolved network -> plan: the two planners behind `mobilize solve`."""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any

from mobilize.errors import MobilizeError
from optimizer.aggregate import movements
from optimizer.decompose import schedule_from_solution
from optimizer.greedy import greedy_schedule
from optimizer.inputs import Inputs, inputs_from_resolved
from optimizer.lp import objective, rescaled
from optimizer.model import KT, Model, build_model
from optimizer.plan import SolverInfo, build_plan
from optimizer.rounding import relax_round_fix
from optimizer.solve import Progress, SolveResult, Status, relative_gap, solve
from optimizer.warmstart import groups_used, start_from_schedule

ROUNDING_SHARE = 0.75  # of --time-limit, at most, for relax-round-fix


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
    inputs = inputs_from_resolved(resolved)
    started = time.perf_counter()
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
    # relax-round-fix first: on the Baltic scenario it, not branch-and-bound, found every
    # improvement; what it leaves unused goes to branch-and-bound
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
    result = _no_worse_than_start(result, model, start)
    if result.values is None:
        if result.status == Status.INFEASIBLE:
            # every row can be met by moving nothing, so this is a modelling error, not input
            raise NoPlanError("the solver reports the model infeasible: please file a bug")
        raise NoPlanError(
            f"{backend} found no plan within {time_limit_s:g} s; raise --time-limit "
            "or use --planner greedy"
        )
    result = _with_bound(result, lp_bound)
    assert result.values is not None
    schedule = schedule_from_solution(model, model.in_tons(result.values))
    info = SolverInfo(
        "mip", backend, result.status.value, result.objective, result.bound, result.gap,
        result.seconds,
    )
    return build_plan(inputs, schedule, info), stats


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
        "greedy", "dispatch", "feasible", None, None, None, time.perf_counter() - started
    )
    return build_plan(inputs, schedule, info)
