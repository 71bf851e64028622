"""Bottleneck values: what one more unit of each resource is worth, in gap-days saved.

`mobilize bottlenecks DIR` answers "what should I ask for first". HiGHS gives no duals for a
MIP, so the plan's integer decisions (vehicles per group, forces per sector) are fixed at the
plan's values and the linear program that is left is solved again (optimization-notes.md,
"HiGHS returns no duals for a MIP"). That LP minimizes the plan's own KPI, not the planner's
objective: sum of weight x gap x days, plan.json's `kpis.gap_days` (without the 10% lateness
surcharge, the force-days and ton-km tie-breakers), so each row dual y is directly gap-days
per unit of the row's bound. HiGHS's sign: y = d(gap-days) / d(bound), so raising a binding
upper bound gives y <= 0, and a resource's saving is -y x the change in its rows' bounds.

How each resource is valued, from which rows (`Model.rows`, `Model.capacity_rows` and
`Model.gap_rows`, row indices recorded by the add_* functions of optimizer/model.py):

- place, 1,000 t/day more throughput: every `throughput` row of the place (one a day) gets
  1 kt more room: saving = -sum over days of y[throughput, place, day] x 1 kt.
- depot, 1,000 t more stock: -y[depot_stock] x 1 kt; 1,000 t/day more throughput:
  -sum over days of y[depot_throughput, depot, day] x 1 kt.
- fleet, one more vehicle. With vehicles fixed, the fleet_count and MOG rows hold only fixed
  columns and price nothing; a vehicle's worth is in the payload and seats rows of the groups
  (fleet, leg, start period) it could join: one more vehicle in group g raises its payload by
  trips x payload_t and its seats by trips x pax, worth w_g = sum_r y_r a[r, v_g] over those
  rows. One vehicle serves one group at a time and is busy for the group's busy periods, from
  the fleet's activation on (no group exists before), and only where every MOG row it would
  touch has room for its ground hours: its value is the best such sequence of groups, a
  longest path over periods (`_best_sequence`).
- member, decision one day earlier. A member's decision day sets the activation day of its
  forces (decision + readiness: a movement's tons appear at home then, in its first
  `conserve` row) and of the fleets it decides for (max(available_day, the first owner's
  decision)). The fixed LP has no columns before an activation, and a right-hand side moved
  on a `conserve` row prices nothing (the tonnage columns are capped at the movement's tons,
  so those duals are degenerate). So the decision is priced where it ends: everything the
  member's movements have in their sectors (delivered, or ready when supplied) on day d + 1
  is there on day d instead, each capability point worth the dual y >= 0 of that day's
  readiness row (`gap_rows`): saving = sum over sectors, capabilities and periods q of
  y[gap, q] x points per kt x (x[q + 1 day] - x[q]). This takes its lift and supply to move
  a day earlier with it; cargo of other members on the member's fleets is not credited, and
  the last day (whose next day is past the horizon) gains nothing. Members that decide on
  C-day already, or opt out, have no entry.
- MOG slots are not valued: with vehicles fixed no aircraft can be added or moved, so MOG
  rows have no price; a re-solve with a larger `mog` in the scenario measures one.

A dual is a marginal rate, so the estimates are confirmed by re-solving the whole MIP with
each change (`confirm`). The figures differ when the change is larger than the dual's range
(a vehicle is 77.5 t a trip, 1,000 t/day may be far more than a place can use); when one
unit is summed over many rows (a vehicle's groups each priced as if it alone took the
scarcest cargo); when the re-solve re-plans the integer decisions the estimate held fixed
(it can only gain from that); when the LP is degenerate (a binding row with several valid
duals: the solver reports one); and because the re-solve is a heuristic search with a work
budget, which may land on another plan.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from contracts.errors import MobilizeError
from contracts.network import Network
from contracts.plan import Plan
from optimizer.backend import lp_optimum
from optimizer.lp import LinearModel
from optimizer.model import KT, Model
from optimizer.planner import model_holding
from optimizer.schedule import schedule_from_plan
from optimizer.timing import Group, ground_hours
from optimizer.warmstart import start_from_schedule

UNIT_T = 1000.0  # one unit of throughput (t/day) or stock (t) asked for
WHAT = ("gap-days saved (plan.json kpis.gap_days: weight x capability gap x days) per unit, "
        "estimated from the duals of the LP with the plan's integer decisions fixed")
TOL = 1e-9  # duals and slacks below this are the solver's round-off

ChangeKind = Literal["fleet", "throughput", "depot_stock", "depot_throughput", "member"]


class BottleneckError(MobilizeError):
    """A plan whose bottlenecks cannot be priced (no plan, or not of this network)."""


@dataclass(frozen=True)
class Change:
    """One unit more of one resource: what `confirm` applies to the scenario."""

    kind: ChangeKind
    target: str  # fleet, place or depot id, or member code

    @property
    def unit(self) -> str:
        return {
            "fleet": "one more vehicle",
            "throughput": "+1,000 t/day throughput",
            "depot_stock": "+1,000 t stock",
            "depot_throughput": "+1,000 t/day throughput",
            "member": "decision one day earlier",
        }[self.kind]

    @property
    def resource(self) -> str:
        noun = {"fleet": "fleet", "throughput": "place", "depot_stock": "depot",
                "depot_throughput": "depot", "member": "member"}[self.kind]
        return f"{noun} {self.target}"


@dataclass(frozen=True)
class Bottleneck:
    """One resource's value: estimated from the duals, and confirmed by a re-solve if asked."""

    change: Change
    estimate: float  # gap-days saved, from the duals
    confirmed: float | None = None  # gap-days saved by the re-solve with the change
    confirmed_gap_days: float | None = None  # the re-solved plan's gap-days
    # True if the re-solve's search stopped short of the plan being priced, which then
    # stands (a unit more keeps every plan of before): the saving is what that plan saves
    confirmed_by_base_plan: bool | None = None
    # the re-solve's own plan (whether kept or not): its gap-days, and how it was made (its
    # plan.json solver.method: a warm re-solve says it started from the previous plan)
    confirmed_own_gap_days: float | None = None
    confirmed_method: str | None = None


@dataclass(frozen=True)
class Prices:
    """Every priced resource, best first, and the figures they start from."""

    plan_gap_days: float  # plan.json's kpis.gap_days
    lp_gap_days: float  # the LP with the plan's integers fixed (at most the plan's)
    values: list[Bottleneck]

    def to_json(self) -> dict[str, Any]:
        return {
            "what": WHAT,
            "plan_gap_days": self.plan_gap_days,
            "lp_gap_days": self.lp_gap_days,
            "resources": [
                {"resource": b.change.resource, "kind": b.change.kind, "id": b.change.target,
                 "unit": b.change.unit, "estimated_gap_days_saved": b.estimate,
                 "confirmed_gap_days_saved": b.confirmed,
                 "confirmed_plan_gap_days": b.confirmed_gap_days,
                 "confirmed_by_base_plan": b.confirmed_by_base_plan,
                 "confirmed_own_gap_days": b.confirmed_own_gap_days,
                 "confirmed_method": b.confirmed_method}
                for b in self.values
            ],
        }


# --- the LP with the plan's integers fixed -----------------------------------------------


@dataclass(frozen=True)
class FixedLP:
    """The model, the plan's column values (kilotons) and the fixed LP's solution."""

    model: Model
    lp: LinearModel  # the model with the plan's integers fixed and gap-days as objective
    plan_values: list[float]
    values: list[float]
    duals: list[float]
    gap_days: float


def solve_fixed(net: Network, plan: Plan) -> FixedLP:
    """Rebuild the planner's model (holding the plan's routes), map the plan onto its
    columns (the warm start's mapping), fix the integer columns there and solve the LP that
    is left, minimizing gap-days."""
    if plan.solver.status in ("infeasible", "no_solution"):
        raise BottleneckError("the plan has no integer solution to fix (solver status "
                              f"{plan.solver.status}): solve again with a larger budget")
    schedule = schedule_from_plan(plan)
    model = model_holding(net, schedule)
    values = start_from_schedule(model, schedule)
    if values is None:
        raise BottleneckError(
            "the plan's integer decisions do not fit the model rebuilt from resolved.json: "
            "was plan.json solved from another resolved.json?")
    lp = _fixed_lp(model, values)
    found = lp_optimum(lp)
    if found.values is None or found.row_duals is None or found.objective is None:
        raise BottleneckError(f"the LP with the plan's integers fixed did not solve: "
                              f"{found.failure}")
    return FixedLP(model, lp, values, found.values.tolist(), found.row_duals.tolist(),
                   found.objective)


def _fixed_lp(model: Model, values: list[float]) -> LinearModel:
    """The model with integer columns fixed at `values`, no integers, and the plan's KPI as
    the objective: weight x gap x period-days on each gap column, nothing else."""
    lp = model.lp
    lb, ub = list(lp.col_lb), list(lp.col_ub)
    for col, integer in enumerate(lp.col_integer):
        if integer:
            lb[col] = ub[col] = float(round(values[col]))
    weight = {(s.id, r.capability): r.weight
              for s in model.net.sectors.values() for r in s.requirements}
    cost = [0.0] * lp.num_cols
    period_days = model.net.period_hours / 24.0
    for (sector, capability, _), col in model.gap.items():
        cost[col] = weight[(sector, capability)] * period_days
    # rows are shared with the model, never changed
    return dataclasses.replace(lp, col_lb=lb, col_ub=ub, col_cost=cost,
                               col_integer=[False] * lp.num_cols, offset=0.0)


# --- from duals to resources -------------------------------------------------------------


def bottleneck_values(net: Network, plan: Plan) -> Prices:
    """Every resource's estimated gap-days saved per unit, best first (see module doc)."""
    fixed = solve_fixed(net, plan)
    worth = _group_worth(fixed)
    values = (
        [Bottleneck(Change("fleet", f), v) for f, v in _fleet_values(fixed, worth).items()]
        + [Bottleneck(Change("throughput", p), v)
           for p, v in _row_sums(fixed, "throughput").items()]
        + [Bottleneck(Change("depot_stock", d), v)
           for d, v in _row_sums(fixed, "depot_stock").items()]
        + [Bottleneck(Change("depot_throughput", d), v)
           for d, v in _row_sums(fixed, "depot_throughput").items()]
        + [Bottleneck(Change("member", m), v) for m, v in _member_values(fixed).items()]
    )
    return Prices(plan.kpis.gap_days, fixed.gap_days, ranked(values))


def ranked(values: list[Bottleneck]) -> list[Bottleneck]:
    """Largest saving first; ties by resource name, so the order is the same on every run."""
    return sorted(values, key=lambda b: (-round(b.estimate, 9), b.change.resource,
                                         b.change.kind))


def _saving(y: float) -> float:
    """Gap-days saved by one kiloton more room on a row with dual y (-y, round-off as 0)."""
    return -y if abs(y) > TOL else 0.0


def _row_sums(fixed: FixedLP, family: str) -> dict[str, float]:
    """Per resource of a row family: the saving of 1 kt more on every one of its rows (each
    day's, for a daily limit), since the unit adds 1,000 t on each."""
    out: dict[str, float] = defaultdict(float)
    for (fam, resource, _), row in fixed.model.rows.items():
        if fam == family:
            out[resource] += _saving(fixed.duals[row]) * UNIT_T / KT
    return dict(out)


def _group_worth(fixed: FixedLP) -> dict[Group, float]:
    """Gap-days one more vehicle in a group saves through its payload and seats rows:
    sum_r y_r a[r, v] (a is -trips x payload in kilotons, or -trips x seats)."""
    lp, out = fixed.model.lp, {}
    for g, rows in fixed.model.capacity_rows.items():
        v = fixed.model.vehicles[g]
        worth = sum(fixed.duals[r] * a for r in rows for c, a in lp.row_terms(r) if c == v)
        out[g] = worth if abs(worth) > TOL else 0.0
    return out


def _mog_room(fixed: FixedLP) -> dict[tuple[str, int], float]:
    """Aircraft-hours left on the ground at each (airfield, day) with MOG, in the plan."""
    lp, out = fixed.model.lp, {}
    for (fam, place, day), row in fixed.model.rows.items():
        if fam == "mog":
            used = sum(fixed.values[c] * a for c, a in lp.row_terms(row))
            out[(place, day)] = lp.row_ub[row] - used
    return out


def _fleet_values(fixed: FixedLP, worth: dict[Group, float]) -> dict[str, float]:
    """One more vehicle per fleet: the best sequence of groups it could join."""
    net, room = fixed.model.net, _mog_room(fixed)
    by_fleet: dict[str, list[tuple[Group, float]]] = defaultdict(list)
    for g, w in worth.items():
        fits = all(room.get(key, math.inf) >= hours - 1e-6
                   for key, hours in ground_hours(net, g.timing, g.period).items())
        if fits and w > 0:
            by_fleet[g.timing.fleet].append((g, w))
    return {f: _best_sequence(by_fleet.get(f, []), net.periods)
            for f, fleet in net.fleets.items() if fleet.activation_day is not None}


def _best_sequence(groups: list[tuple[Group, float]], periods: int) -> float:
    """Longest path over periods: at each period the vehicle idles one period or starts a
    group, which keeps it busy for `busy` periods, and earns the group's worth."""
    starting: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for g, w in groups:
        starting[g.period].append((g.timing.busy, w))
    best = [0.0] * (periods + 2)
    for t in range(periods - 1, -1, -1):
        best[t] = max([best[t + 1]] + [w + best[min(periods, t + busy)]
                                       for busy, w in starting[t]])
    return best[0]


def _member_values(fixed: FixedLP) -> dict[str, float]:
    """A day earlier decision: what the member's movements deliver on each day delivered a
    day sooner, priced by the readiness rows' duals (gap-days per capability point)."""
    model = fixed.model
    net = model.net
    day = net.period_of_day(1)
    out: dict[str, float] = {}
    for code, member in net.members.items():
        if member.opt_out or member.decision_delay_days <= 0:
            continue  # nothing earlier than C-day
        own = [m for m in model.movements if m.member == code]
        saved = 0.0
        for key, y in _point_prices(fixed).items():
            sector, capability, q = key
            for m in own:
                ahead = model.readiness_col(m.id, sector, q + day)
                if ahead is None:
                    continue  # past the horizon: what it would bring is not in the model
                now = model.readiness_col(m.id, sector, q)
                more = fixed.values[ahead] - (fixed.values[now] if now is not None else 0.0)
                saved += y * m.points_per_ton.get(capability, 0.0) * KT * more
        out[code] = saved if abs(saved) > TOL else 0.0
    return out


def _point_prices(fixed: FixedLP) -> dict[tuple[str, str, int], float]:
    """Gap-days one more capability point saves, per (sector, capability, period): the dual
    of its readiness row, or where no movement can be there yet (no row: the gap is fixed at
    the requirement) the gap's own cost while the requirement is positive."""
    out = {}
    for key, col in fixed.model.gap.items():
        row = fixed.model.gap_rows.get(key)
        if row is not None:
            y = fixed.duals[row]
        else:
            y = fixed.lp.col_cost[col] if fixed.lp.col_lb[col] > 0 else 0.0
        if abs(y) > TOL:
            out[key] = y
    return out
