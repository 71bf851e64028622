"""Plans shared between the samples of a MIP sweep, as between the worlds of a what-if run
(whatif/share.py): each sample keeps the best plan that obeys its rules, whichever sample's
search found it.

A sweep solves each sample alone, and a search with a work budget stops short of the optimum
by a different amount in each world: on the Baltic scenario, re-solves with one more vehicle
stopped 5.7-12.2 gap-days *worse* than the plan without it. So once every sample is solved,
each sample whose plan is not proven optimal is offered every other sample's plan. A plan
that fits its world (the checker passes it there and the world's model holds it) and scores
better by that world's objective replaces its own. Then a sample with more lift, an earlier
decision or an open port never reads worse than one with less beyond the plans' own gaps:
the plan made with less is a plan of the world with more.

Each sample's round is one task on the sweep's executor, like its solve (local processes or
Dask, one code path); it resolves the sample's world again there, from the task, and tries
n - 1 plans (a checker run each, and a model built for those that pass). The round grows as
n^2, against the n MIP solves it follows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from contracts.errors import MobilizeError
from contracts.plan import Plan
from whatif.share import World, best_plan
from whatif.sweep import (
    Data,
    SampleResult,
    SampleTask,
    Sweep,
    gather,
    resolve_sample,
    sample_result,
)


@dataclass(frozen=True)
class ShareTask:
    """One sample's round, as plain data: its task (to resolve its world again), its result
    with its plan, and every other sample's plan by sample id."""

    task: SampleTask
    own: SampleResult
    others: list[tuple[int, Data]]


@dataclass(frozen=True)
class _Offer:
    label: str
    plan: Plan


def label(sample_id: int) -> str:
    """A sample's name as a plan's `solver.taken_from` gives it."""
    return f"sample {sample_id}"


def share_sample(task: ShareTask) -> SampleResult:
    """The sample's result with the best plan that fits its world: its own, or another
    sample's (checked again by the checker in this world, `plan_from` naming the sample)."""
    from checker import check_plan

    own = task.own
    assert own.plan is not None
    by_label = {label(i): i for i, _ in task.others}
    try:
        resolved = resolve_sample(task.task)
        kept = best_plan(World(label(own.id), resolved, Plan.from_json(own.plan)),
                         [_Offer(label(i), Plan.from_json(p)) for i, p in task.others])
        if kept.taken_from is None:
            return dataclasses.replace(own, plan=None)
        violations = check_plan(resolved, kept.plan.to_json())
    except MobilizeError as exc:  # the sample keeps its own plan, checked already
        return dataclasses.replace(own, plan=None, error=f"sharing plans: {exc}"[:300])
    except Exception as exc:  # noqa: BLE001 - as run_sample: one sample must not end a sweep
        return dataclasses.replace(
            own, plan=None, error=f"sharing plans: {type(exc).__name__}: {exc}"[:300])
    return dataclasses.replace(
        sample_result(task.task.sample, kept.plan, violations,
                      plan_from=by_label[kept.taken_from]), own_gap_days=own.gap_days)


def share_samples(sweep: Sweep, results: Sequence[SampleResult], executor: Executor,
                  on_result: Callable[[SampleResult], None] | None = None
                  ) -> list[SampleResult]:
    """Every sample's round on `executor`, for samples with a checked MIP plan that is not
    proven optimal; returns every result by sample id, plans dropped. `on_result` is called
    once per sample (those with nothing to try first)."""
    offered = [(r.id, r.plan) for r in results if r.plan is not None and r.checker_ok]
    tasks = {t.sample.id: t for t in sweep.tasks}
    jobs = [ShareTask(tasks[r.id], r, [(i, p) for i, p in offered if i != r.id])
            for r in results
            if r.plan is not None and r.checker_ok and r.status != "optimal" and len(offered) > 1]
    asked = {j.own.id for j in jobs}
    kept = {r.id: dataclasses.replace(r, plan=None) for r in results if r.id not in asked}
    if on_result is not None:
        for r in kept.values():
            on_result(r)
    kept.update((r.id, r) for r in gather(executor, share_sample, jobs, on_result))
    return [kept[r.id] for r in results]
