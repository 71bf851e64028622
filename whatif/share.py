"""Plans shared between the worlds of a what-if run: each world keeps the best plan found
for it, whichever world's search found it.

A search with a work budget stops short of the optimum, and not by the same amount in every
world. Measured on the Baltic what-ifs: closing Gdańsk read 0.05 gap-days *better* than the
base, though the Gdańsk plan was a plan of the base world too (a closure only takes choices
away). So every plan is tried in every other world: written as a plan of that world and
checked by the checker there (a plan that moves a force before its member decides, uses a
closed place or more aircraft than are left does not fit), mapped onto that world's model
widened to hold its routes (every row checked), and priced by that model's objective. A
plan that fits and is better replaces the world's own. Then a world that only loses choices,
whose plan fits the base, cannot read better than the base, and every difference left
between two worlds is one the other world's plan cannot close.

Only MIP plans take part (a greedy plan has no objective to compare), and never a plan the
search proved optimal. A plan taken in is measured against its new world's bound over every
route, which holds for any plan there; the bound of the routes the world's own search
modelled need not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from checker import check_plan
from contracts.network import Network
from contracts.plan import Plan
from optimizer.decompose import schedule_from_solution
from optimizer.lp import objective
from optimizer.model import Model
from optimizer.plan import build_plan
from optimizer.planner import model_holding
from optimizer.schedule import schedule_from_plan
from optimizer.solve import relative_gap
from optimizer.warmstart import start_from_schedule

BETTER = 1e-7  # relative: a plan from elsewhere must beat the world's own by this to replace it


@dataclass(frozen=True)
class World:
    """One scenario of a what-if run (resolved.json's content) and the plan its own search
    found."""
    label: str
    resolved: dict[str, Any]
    plan: Plan


class Offered(Protocol):
    """A plan offered to other worlds, under the name of the world it was found for (a
    `World`, or a sweep's sample, whose resolved network stays with its worker)."""

    @property
    def label(self) -> str: ...

    @property
    def plan(self) -> Plan: ...


@dataclass(frozen=True)
class Tried:
    """Another world's plan, tried in this one: its objective here, or None if it does not
    fit (it names what this world lacks, breaks one of its rules, or a row of its model)."""
    world: str
    source: str
    objective: float | None


@dataclass(frozen=True)
class Shared:
    """What sharing did: every plan tried in every world, and each world's plan after it
    (the same object as before where no other plan was better)."""
    tried: list[Tried]
    plans: list[Plan]
    taken_from: list[str | None]  # per world: whose plan it now has (None: its own)


def share_plans(worlds: Sequence[World]) -> Shared:
    """Try every MIP plan in every other world; each world keeps the best that fits."""
    tried: list[Tried] = []
    plans: list[Plan] = []
    taken_from: list[str | None] = []
    for world in worlds:
        kept = best_plan(world, [w for w in worlds if w is not world])
        tried += kept.tried
        plans.append(kept.plan)
        taken_from.append(kept.taken_from)
    return Shared(tried, plans, taken_from)


@dataclass(frozen=True)
class Kept:
    """One world's plan after the others' were tried in it."""
    plan: Plan  # its own (the same object) unless another's fits and is better
    taken_from: str | None  # whose plan it is (None: its own)
    tried: list[Tried]


def best_plan(world: World, others: Sequence[Offered]) -> Kept:
    """Try each of `others`' MIP plans in `world`: the best that fits and beats its own."""
    own = world.plan.solver.objective
    if own is None or not _takes_part(world.plan) or world.plan.solver.status == "optimal":
        return Kept(world.plan, None, [])
    net = Network.from_json(world.resolved)
    tried: list[Tried] = []
    best: tuple[float, Offered, Model, list[float]] | None = None
    for other in others:
        if not _takes_part(other.plan):
            continue
        fit = _fit(world.resolved, net, other.plan)
        value = None if fit is None else objective(fit[0].lp, fit[1])
        tried.append(Tried(world.label, other.label, value))
        bar = own if best is None else best[0]
        if fit is not None and value is not None and value < bar - BETTER * abs(bar):
            best = (value, other, *fit)
    if best is None:
        return Kept(world.plan, None, tried)
    _, source, model, values = best
    return Kept(_taken(world.plan, net, source, model, values), source.label, tried)


def _takes_part(plan: Plan) -> bool:
    return plan.solver.planner == "mip" and plan.solver.objective is not None


def _fit(resolved: dict[str, Any], net: Network, plan: Plan) -> tuple[Model, list[float]] | None:
    """The plan as a column vector of this world's model widened to hold its routes, or None
    if it does not fit: it names a force, fleet or leg this world lacks, the checker finds a
    rule of this world it breaks (a force moved before its member decides here, a closed
    place used), or it breaks a row of the model."""
    schedule = schedule_from_plan(plan)
    forces = net.forces.keys()
    if any(t.fleet not in net.fleets or t.leg not in net.leg_by_id or not t.cargo.keys() <= forces
           for t in schedule.trips):
        return None
    # the same trips, sectors and supply, written as a plan of this world (its forces' ready
    # times, due days and KPIs are this world's) for the checker
    if check_plan(resolved, build_plan(net, schedule, plan.solver).to_json()):
        return None
    model = model_holding(net, schedule)
    values = start_from_schedule(model, schedule)
    return None if values is None else (model, values)


def _taken(own: Plan, net: Network, source: Offered, model: Model, values: list[float]
           ) -> Plan:
    """The plan of `source` as a plan of this world (whose own plan was `own`): its trips,
    sectors and supply as this world's model holds them, found as `source`'s was, measured
    against this world's bound over every route."""
    was = own.solver
    value = objective(model.lp, values)
    bound = was.network_bound
    solver = dataclasses.replace(
        was, objective=value, bound=bound, gap=relative_gap(value, bound),
        bound_source=was.network_bound_source if bound is not None else None,
        method=source.plan.solver.method, taken_from=source.label)
    return build_plan(net, schedule_from_solution(model, model.in_tons(values)), solver)
