"""resolved network -> plan: the two planners behind `mobilize solve`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from mobilize.errors import MobilizeError
from optimizer.decompose import schedule_from_solution
from optimizer.inputs import Inputs, inputs_from_resolved
from optimizer.model import build_model
from optimizer.plan import SolverInfo, build_plan
from optimizer.solve import Progress, Status, solve


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
    model = build_model(inputs)
    stats = PlanStats(
        time.perf_counter() - started, model.lp.num_cols, model.lp.num_rows,
        model.lp.num_integer,
    )
    if progress is not None:
        progress(
            f"model: {stats.columns} columns ({stats.integers} integer), {stats.rows} rows, "
            f"built in {stats.build_s:.2f} s; solving with {backend}"
        )
    result = solve(model.lp, backend, time_limit_s, gap, progress)
    if result.values is None:
        if result.status == Status.INFEASIBLE:
            # every row can be met by moving nothing, so this is a modelling error, not input
            raise NoPlanError("the solver reports the model infeasible: please file a bug")
        raise NoPlanError(
            f"{backend} found no plan within {time_limit_s:g} s; raise --time-limit "
            "or use --planner greedy"
        )
    schedule = schedule_from_solution(model, result.values)
    info = SolverInfo(
        "mip", backend, result.status.value, result.objective, result.bound, result.gap,
        result.seconds,
    )
    return build_plan(inputs, schedule, info), stats


def plan_with_greedy(resolved: dict[str, Any]) -> dict[str, Any]:
    from optimizer.greedy import greedy_schedule

    inputs: Inputs = inputs_from_resolved(resolved)
    started = time.perf_counter()
    schedule = greedy_schedule(inputs)
    info = SolverInfo(
        "greedy", "dispatch", "feasible", None, None, None, time.perf_counter() - started
    )
    return build_plan(inputs, schedule, info)
