"""A schedule (the greedy plan) written as a full solution of the MIP, to start HiGHS from.

HiGHS ignores a partial start, so every column gets a value: flows and vehicles from the
trips, waiting and delivered tons by running the flow balance forward, supply from the
schedule's supply rows, readiness and gaps from those. The result is checked row by row
before use; a start that does not fit is dropped, never forced on the solver.
"""

from __future__ import annotations

import math
from collections import defaultdict

from optimizer.model import KT, Model, MustUse
from optimizer.schedule import Schedule

ROW_TOL = 1e-6


def groups_used(period_hours: int, schedule: Schedule, movement_of: dict[str, str]) -> MustUse:
    """(fleet, leg, period) groups each movement uses in a schedule."""
    out: MustUse = defaultdict(set)
    for trip in schedule.trips:
        period = math.floor(trip.depart_h / period_hours + 1e-9)
        for force in trip.cargo:
            out[movement_of[force]].add((trip.fleet, trip.leg, period))
    return dict(out)


def start_from_schedule(model: Model, schedule: Schedule) -> list[float] | None:
    """The full column vector (tonnage in kilotons) of `schedule`, or None if it does not fit."""
    values = [0.0] * model.lp.num_cols
    movement_of = {f: m.id for m in model.movements for f in m.forces}
    period_h = model.net.period_hours
    GroupKey = tuple[str, str, int]  # fleet, leg id, period
    loads: dict[tuple[str, GroupKey], float] = defaultdict(float)
    vehicles: dict[GroupKey, int] = {}
    for trip in schedule.trips:
        period = math.floor(trip.depart_h / period_h + 1e-9)
        key = (trip.fleet, trip.leg, period)
        vehicles[key] = max(vehicles.get(key, 0), trip.vehicles)
        for force, tons in trip.cargo.items():
            loads[(movement_of[force], key)] += tons
    col_of = {(mid, (g.timing.fleet, g.timing.leg.id, g.period)): c
              for (mid, g), c in model.flow.items()}
    for load_key, tons in loads.items():
        col = col_of.get(load_key)
        if col is None:
            return None
        values[col] = tons / KT
    for g, col in model.vehicles.items():
        values[col] = vehicles.get((g.timing.fleet, g.timing.leg.id, g.period), 0)
    _balance(model, values)
    _assignment(model, schedule, values)
    _supply_and_readiness(model, schedule, values)
    return values if _fits(model, values) else None


def _balance(model: Model, values: list[float]) -> None:
    """waiting and delivered follow from the flows: solve each conservation row for its
    stock column, in period order (rows were added in that order)."""
    lp = model.lp
    stock_cols = model.tonnage
    for row, key in enumerate(lp.row_keys):
        if key is None or key[0] not in ("conserve", "arrive"):
            continue
        terms = lp.row_terms(row)
        own, rest = terms[0], terms[1:]  # the row's own stock column comes first
        assert own[0] in stock_cols
        values[own[0]] = max(0.0, lp.row_lb[row] - sum(values[c] * v for c, v in rest))


def _assignment(model: Model, schedule: Schedule, values: list[float]) -> None:
    """Forces to sectors as the schedule has them; a force it never sent (no sector) is
    counted in the movement's first sector, where it delivers nothing."""
    for m in model.movements:
        sectors = model.windows[m.id].sectors
        if (m.id, sectors[0] if sectors else "") not in model.assigned:
            continue
        for f in m.forces:
            sector = schedule.sectors.get(f)
            if sector not in sectors:
                sector = sectors[0]
            values[model.assigned[(m.id, sector)]] += 1


def _supply_and_readiness(model: Model, schedule: Schedule, values: list[float]) -> None:
    net = model.net
    moves = {m.id: m for m in model.movements}
    movement_of = {f: m for m in model.movements for f in m.forces}
    supplied: dict[tuple[str, str, int], float] = defaultdict(float)  # (movement, sector, day)
    for row in schedule.supply:
        m = movement_of[row.force]
        col = model.supply.get((row.depot, row.sector, m.needs, row.day))
        if col is None or model.supply_lag.get((row.depot, row.sector)) != row.day - row.ship_day:
            continue  # a shipment the model cannot express is simply left out of the start
        values[col] += row.tons / KT
        supplied[(m.id, row.sector, row.day)] += row.tons
    for (mid, sector, q), col in model.ready.items():
        day = q * net.period_hours // 24
        arrived = values[model.delivered[(mid, sector, q)]]
        by_supply = supplied[(mid, sector, day)] / moves[mid].sustainment_per_ton / KT
        values[col] = min(arrived, by_supply)
    for (s, cap, q), col in model.gap.items():
        values[col] = model.lp.col_lb[col]
        index = model.gap_rows.get((s, cap, q))
        if index is None:
            continue
        rest = sum(values[c] * v for c, v in model.lp.row_terms(index) if c != col)
        values[col] = min(model.lp.col_ub[col], max(0.0, model.lp.row_lb[index] - rest))


def _fits(model: Model, values: list[float]) -> bool:
    lp = model.lp
    for i, v in enumerate(values):
        if v < lp.col_lb[i] - ROW_TOL or v > lp.col_ub[i] + ROW_TOL:
            return False
    for row in range(lp.num_rows):
        total = sum(values[c] * v for c, v in lp.row_terms(row))
        if total < lp.row_lb[row] - ROW_TOL or total > lp.row_ub[row] + ROW_TOL:
            return False
    return True
