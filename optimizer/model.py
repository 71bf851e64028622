"""The deployment MIP: a time-expanded multicommodity flow of movement requirements (continuous
tons) on integer vehicle groups, with readiness gaps in the ally's sectors as the objective.

`build_model` calls one function per constraint family, in a fixed order. Every column and row
carries a readable name (`sorties[us-c17|air:KDOV>EYKA|p12]`) so a surprising model can be read.

Objective (see README, "How the plan is scored"):
    sum over sectors, capabilities, periods of  weight x gap x period-days
        x (1 + LATE_WEIGHT if the day is on or after the requirement's by_day)
    + FORCE_DAY_WEIGHT per whole force and day not yet in its sector
    + LAD_WEIGHT per whole force and day debarked after its deployment line's LAD
    + a ton-km cost scaled so that all of it is worth less than COST_BUDGET gap-days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from contracts.network import Network
from optimizer.aggregate import Movement, movements
from optimizer.lp import LinearModel
from optimizer.timing import (
    Group,
    Timing,
    Window,
    before_ead,
    blocked,
    busy_periods,
    days_after_lad,
    ead_binds,
    ground_hours,
    leg_timings,
    movement_window,
    supply_km,
    supply_lag_days,
)

LATE_WEIGHT = 0.1  # a gap-day after the deadline counts 10% more: lateness breaks ties
COST_BUDGET = 0.5  # the whole ton-km term is worth less than half a gap-day
FORCE_DAY_WEIGHT = 0.01  # a whole force awaited for a day: a hundredth of a gap-day
LAD_WEIGHT = 0.1  # a whole force debarking a day after its LAD: a tenth of a gap-day
KT = 1000.0  # tonnage columns are in kilotons: keeps the matrix within a few decades


# (fleet, leg id, period) groups a movement must be able to use: those of a plan to start from
MustUse = dict[str, set[tuple[str, str, int]]]


FlowKey = tuple[str, Group]  # (movement, group): a tonnage column of the model


@dataclass
class Model:
    """The MIP and the maps from its columns back to movements, groups, sectors and days."""
    net: Network
    lp: LinearModel
    movements: list[Movement]
    windows: dict[str, Window]
    flow: dict[FlowKey, int] = field(default_factory=dict)  # -> its column
    waiting: dict[tuple[str, str, int], int] = field(default_factory=dict)  # (m, node, t)
    vehicles: dict[Group, int] = field(default_factory=dict)
    delivered: dict[tuple[str, str, int], int] = field(default_factory=dict)  # (m, sector, q)
    ready: dict[tuple[str, str, int], int] = field(default_factory=dict)
    assigned: dict[tuple[str, str], int] = field(default_factory=dict)  # (m, sector) -> copies
    supply: dict[tuple[str, str, tuple[str, ...], int], int] = field(default_factory=dict)
    supply_lag: dict[tuple[str, str], int] = field(default_factory=dict)  # (depot, sector)
    gap: dict[tuple[str, str, int], int] = field(default_factory=dict)
    tonnage: set[int] = field(default_factory=set)  # columns in kilotons
    must_use: MustUse = field(default_factory=dict)
    # Row indices of the resource rows, for their prices (optimizer/bottlenecks.py):
    # (family, resource id, day or period; -1 for none) -> row. Families: fleet_count
    # (fleet, period), throughput and mog (place, day), depot_stock (depot, -1),
    # depot_throughput (depot, day).
    rows: dict[tuple[str, str, int], int] = field(default_factory=dict)
    capacity_rows: dict[Group, list[int]] = field(default_factory=dict)  # payload, seats
    gap_rows: dict[tuple[str, str, int], int] = field(default_factory=dict)  # as `gap`

    def in_tons(self, values: list[float]) -> list[float]:
        """Solver values with tonnage columns back in tons."""
        return [v * KT if i in self.tonnage else v for i, v in enumerate(values)]

    def movement_columns(self) -> dict[str, list[int]]:
        """Every column that belongs to one movement: its tons, waiting, delivered, ready and
        sector assignment (vehicles, supply and gaps are shared)."""
        out: dict[str, list[int]] = defaultdict(list)
        for (mid, _), col in self.flow.items():
            out[mid].append(col)
        for table in (self.waiting, self.delivered, self.ready):
            for (mid, _, _), col in table.items():
                out[mid].append(col)
        for (mid, _), col in self.assigned.items():
            out[mid].append(col)
        return dict(out)

    def readiness_col(self, m: str, s: str, q: int) -> int | None:
        return self.ready.get((m, s, q), self.delivered.get((m, s, q)))


def build_model(
    net: Network, must_use: MustUse | None = None, every_route: bool = False
) -> Model:
    """The whole MIP. `must_use` widens each movement's routes and time windows to include the
    groups a given plan (the greedy one) uses, so that plan is a solution of this model.
    `every_route`: every (fleet, leg, period) a movement may use, not only its candidate
    routes; its LP relaxation bounds every plan the network allows (optimizer/bound.py).
    """
    timings = leg_timings(net)
    moves = movements(net)
    windows = {m.id: movement_window(net, m, timings, every_route) for m in moves}
    model = Model(net, LinearModel(), moves, windows, must_use=must_use or {})
    _widen_windows(model, timings)
    add_movement_flows(model)
    add_fleet_capacity(model)
    add_node_throughput(model)
    add_airfield_mog(model)
    add_sector_assignment(model)
    add_sustainment(model)
    add_readiness_gaps(model)
    add_burden_sharing(model)
    add_force_days_awaited(model)
    add_late_debarkation(model)
    add_transport_cost(model)
    return model


def _widen_windows(model: Model, timings: list[Timing]) -> None:
    by_key = {(tm.fleet, tm.leg.id): tm for tm in timings}
    for m in model.movements:
        wanted = model.must_use.get(m.id)
        if not wanted:
            continue
        w = model.windows[m.id]
        have = {(tm.fleet, tm.leg.id) for tm in w.timings}
        extra = [by_key[(f, leg)] for f, leg in sorted({(f, leg) for f, leg, _ in wanted})
                 if (f, leg) not in have and (f, leg) in by_key]
        sectors = set(w.sectors) | {
            tm.leg.to for tm in extra if tm.leg.to in model.net.sectors
        }
        model.windows[m.id] = Window(
            w.earliest, w.to_sector, w.timings + extra, sorted(sectors)
        )


def _group_name(g: Group) -> str:
    return f"{g.timing.fleet}|{g.timing.leg.id}|p{g.period}"


def _group_key(g: Group) -> tuple[str, str, int]:
    return g.timing.fleet, g.timing.leg.id, g.period


def _resource_row(model: Model, key: tuple[str, str, int], name: str,
                  terms: list[tuple[int, float]], ub: float) -> None:
    """A shared resource's row: one key, on the row and in `Model.rows` (for its price)."""
    model.rows[key] = model.lp.add_row(name, terms, ub=ub, key=key)


def add_movement_flows(model: Model) -> None:
    """Activation and flow conservation: a movement's tons appear at home when it is ready,
    leave only on groups that may carry it, wait at places, and accumulate in sectors."""
    net, lp, horizon = model.net, model.lp, model.net.periods
    for m in model.movements:
        w = model.windows[m.id]
        out_of: dict[tuple[str, int], list[int]] = defaultdict(list)
        into: dict[tuple[str, int], list[int]] = defaultdict(list)  # (node, available period)
        for tm in w.timings:
            fleet_start = net.period_of_day(net.fleets[tm.fleet].activation_day or 0)
            first = max(w.earliest[tm.leg.from_], fleet_start, _ead_start(net, m, tm))
            # no waiting limit: capped at 21 days, half of an armored brigade was stranded at
            # home in the Baltic plan while its aircraft stood idle half the time
            last = horizon - tm.offset - w.to_sector[tm.leg.to]
            # a plan's groups widen the window only later, never earlier: before `first` the
            # movement, its fleet or its EAD forbids the leg, and before the place's earliest
            # period no conservation row exists, so a column there would carry tons from nowhere
            periods = set(range(first, last + 1)) | {
                t for f, leg, t in model.must_use.get(m.id, set())
                if f == tm.fleet and leg == tm.leg.id and t >= first
            }
            for t in sorted(periods):
                g = Group(tm, t)
                if blocked(net, g) or before_ead(net, m.line, g):
                    continue
                col = lp.add_var(f"tons[{m.id}|{_group_name(g)}]", ub=m.tons / KT)
                model.tonnage.add(col)
                model.flow[(m.id, g)] = col
                out_of[(tm.leg.from_, t)].append(col)
                into[(tm.leg.to, t + tm.offset)].append(col)
        nodes = {tm.leg.from_ for tm in w.timings} | {m.home}
        for node in sorted(nodes):
            _conserve_at(model, m, node, out_of, into)
        for s in w.sectors:
            _accumulate_in(model, m, s, into)


def _ead_start(net: Network, m: Movement, tm: Timing) -> int:
    """The first period a leg that debarks the movement, or brings it into a sector, may start
    without arriving before its EAD (the waiting window counts from there)."""
    if not ead_binds(net, m.line, tm.leg) or m.line.ead_day is None:
        return 0
    return max(0, net.period_of_day(m.line.ead_day) - tm.offset)


def _conserve_at(
    model: Model, m: Movement, node: str, out_of: dict[tuple[str, int], list[int]],
    into: dict[tuple[str, int], list[int]],
) -> None:
    lp, horizon = model.lp, model.net.periods
    first = model.windows[m.id].earliest.get(node, 0)
    start = model.net.period_of_day(m.activation_day)
    previous = None
    for t in range(first, horizon):
        stock = lp.add_var(f"waiting[{m.id}|{node}|p{t}]", ub=m.tons / KT)
        model.tonnage.add(stock)
        model.waiting[(m.id, node, t)] = stock
        terms = [(stock, 1.0)]
        if previous is not None:
            terms.append((previous, -1.0))
        terms += [(c, 1.0) for c in out_of.get((node, t), [])]
        terms += [(c, -1.0) for c in into.get((node, t), [])]
        supplied = m.tons / KT if (node == m.home and t == start) else 0.0
        lp.add_row(f"conserve[{m.id}|{node}|p{t}]", terms, supplied, supplied,
                   key=("conserve", m.id, node, t))
        previous = stock


def _accumulate_in(
    model: Model, m: Movement, sector: str, into: dict[tuple[str, int], list[int]]
) -> None:
    """delivered[q]: tons in the sector by the end of period q (available from q + 1)."""
    lp, horizon = model.lp, model.net.periods
    first = max(0, model.windows[m.id].earliest[sector] - 1)
    previous = None
    for q in range(first, horizon):
        col = lp.add_var(f"delivered[{m.id}|{sector}|p{q}]", ub=m.tons / KT)
        model.tonnage.add(col)
        terms = [(col, 1.0)] + [(c, -1.0) for c in into.get((sector, q + 1), [])]
        if previous is not None:
            terms.append((previous, -1.0))
        lp.add_row(f"arrive[{m.id}|{sector}|p{q}]", terms, 0.0, 0.0,
                   key=("arrive", m.id, sector, q))
        model.delivered[(m.id, sector, q)] = col
        previous = col


def _groups(model: Model) -> dict[Group, list[tuple[str, int]]]:
    by_group: dict[Group, list[tuple[str, int]]] = defaultdict(list)
    for (mid, g), col in model.flow.items():
        by_group[g].append((mid, col))
    return by_group


def add_fleet_capacity(model: Model) -> None:
    """Integer vehicles per group; tons and passengers within their payload; vehicles busy at
    once within the fleet's count."""
    net, lp = model.net, model.lp
    moves = {m.id: m for m in model.movements}
    busy: dict[tuple[str, int], list[int]] = defaultdict(list)
    for g, cargo in sorted(_groups(model).items(), key=lambda kv: _group_name(kv[0])):
        fleet = net.fleets[g.timing.fleet]
        v = lp.add_var(f"vehicles[{_group_name(g)}]", ub=fleet.count, integer=True)
        model.vehicles[g] = v
        per_vehicle = g.timing.trips
        model.capacity_rows[g] = [lp.add_row(
            f"payload[{_group_name(g)}]",
            [(c, 1.0) for _, c in cargo] + [(v, -per_vehicle * fleet.payload_t / KT)], ub=0.0,
            key=("payload", *_group_key(g)),
        )]
        if fleet.pax:  # seats limit the personnel riding along; cargo-only fleets have none
            model.capacity_rows[g].append(lp.add_row(
                f"seats[{_group_name(g)}]",
                [(c, moves[mid].pax_per_ton * KT) for mid, c in cargo]
                + [(v, -per_vehicle * fleet.pax)],
                ub=0.0, key=("seats", *_group_key(g)),
            ))
        for q in busy_periods(net, g):
            busy[(fleet.id, q)].append(v)
    for (fleet_id, q), cols in sorted(busy.items()):
        if len(cols) > 1:
            _resource_row(model, ("fleet_count", fleet_id, q), f"fleet_count[{fleet_id}|p{q}]",
                          [(c, 1.0) for c in cols], net.fleets[fleet_id].count)


def arrival_days(model: Model, g: Group) -> dict[int, int]:
    """How many of a group's trips deliver on each calendar day."""
    days: dict[int, int] = defaultdict(int)
    for j in range(g.timing.trips):
        arrive = g.timing.arrive_h(g.period, model.net.period_hours, j)
        days[model.net.day_of_hour(arrive)] += 1
    return days


def add_node_throughput(model: Model) -> None:
    """Tons received per day at a place within its throughput_tpd (trips counted on the day
    their cargo is available there)."""
    net = model.net
    rows: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    for g, cargo in _groups(model).items():
        place = net.places.get(g.timing.leg.to)
        if place is None or (place.throughput_tpd is None and not place.outages):
            continue
        for day, n in arrival_days(model, g).items():
            rows[(place.id, day)] += [(c, n / g.timing.trips) for _, c in cargo]
    for (pid, day), terms in sorted(rows.items()):
        cap = net.places[pid].throughput_on(day)
        if cap is None:  # no limit but on outage days
            continue
        _resource_row(model, ("throughput", pid, day), f"throughput[{pid}|d{day}]", terms,
                      cap / KT)


def add_airfield_mog(model: Model) -> None:
    """Aircraft-hours on the ground per day within MOG x 24 at each airfield: loading where
    aircraft leave and unloading where they land both hold a parking spot."""
    net = model.net
    rows: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    for g, v in model.vehicles.items():
        for (pid, day), hours in ground_hours(net, g.timing, g.period).items():
            rows[(pid, day)].append((v, hours))
    for (pid, day), terms in sorted(rows.items()):
        allowed = net.places[pid].ground_hours_on(day)
        assert allowed is not None  # ground_hours counts airfields with a MOG only
        _resource_row(model, ("mog", pid, day), f"mog[{pid}|d{day}]", terms, allowed)


def add_sector_assignment(model: Model) -> None:
    """Whole forces to sectors: a movement of n identical forces sends an integer number of
    them to each sector it can reach, and no more tons than those forces have."""
    lp, last = model.lp, model.net.periods - 1
    for m in model.movements:
        sectors = model.windows[m.id].sectors
        if len(sectors) < 2:
            continue
        cols = []
        for s in sectors:
            n = lp.add_var(f"forces_to[{m.id}|{s}]", ub=m.copies, integer=True)
            model.assigned[(m.id, s)] = n
            cols.append(n)
            lp.add_row(
                f"sector_share[{m.id}|{s}]",
                [(model.delivered[(m.id, s, last)], 1.0), (n, -m.tons_each / KT)], ub=0.0,
                key=("sector_share", m.id, s),
            )
        lp.add_row(f"assign_all[{m.id}]", [(c, 1.0) for c in cols], m.copies, m.copies,
                   key=("assign_all", m.id))


def add_sustainment(model: Model) -> None:
    """Forces count as ready only while supplied: ready tons x sustainment per ton <= supply
    from depots providing all their standards, within depot stock and daily throughput."""
    net, lp, horizon = model.net, model.lp, model.net.periods
    road_km = supply_km(net)
    demand: dict[tuple[str, tuple[str, ...], int], list[tuple[int, float]]] = defaultdict(list)
    for m in model.movements:
        if m.sustainment_tpd_each <= 0 or not m.needs:
            continue
        for s in model.windows[m.id].sectors:
            for q in range(horizon):
                d = model.delivered.get((m.id, s, q))
                if d is None:
                    continue
                e = lp.add_var(f"ready[{m.id}|{s}|p{q}]", ub=m.tons / KT)
                model.tonnage.add(e)
                lp.add_row(f"ready_if_arrived[{m.id}|{s}|p{q}]", [(e, 1.0), (d, -1.0)], ub=0.0,
                           key=("ready_if_arrived", m.id, s, q))
                model.ready[(m.id, s, q)] = e
                demand[(s, m.needs, q)].append((e, m.sustainment_per_ton))
    stock: dict[str, list[tuple[int, float]]] = defaultdict(list)
    shipped: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    for (s, needs, q), terms in sorted(demand.items()):
        day = q * net.period_hours // 24
        sources = []
        for dep in sorted(net.depots.values(), key=lambda d: d.id):
            km = road_km.get((dep.place, s))
            if not dep.serves(needs) or km is None:
                continue
            lag = supply_lag_days(km)
            if day - lag < 0:
                continue
            model.supply_lag[(dep.id, s)] = lag
            key = (dep.id, s, needs, day)
            if key not in model.supply:
                z = lp.add_var(f"supply[{dep.id}|{s}|{'+'.join(needs)}|d{day}]")
                model.tonnage.add(z)
                model.supply[key] = z
                stock[dep.id].append((z, 1.0))
                shipped[(dep.id, day - lag)].append((z, 1.0))
            sources.append((model.supply[key], -1.0))
        lp.add_row(f"sustain[{s}|{'+'.join(needs)}|p{q}]", terms + sources, ub=0.0,
                   key=("sustain", s, *needs, q))
    for dep_id, terms in sorted(stock.items()):
        _resource_row(model, ("depot_stock", dep_id, -1), f"depot_stock[{dep_id}]", terms,
                      net.depots[dep_id].stock_t / KT)
    for (dep_id, day), terms in sorted(shipped.items()):
        _resource_row(model, ("depot_throughput", dep_id, day),
                      f"depot_throughput[{dep_id}|d{day}]", terms,
                      net.depots[dep_id].throughput_tpd / KT)


def add_readiness_gaps(model: Model) -> None:
    """gap >= required - delivered capability, per sector, capability and period."""
    net, lp = model.net, model.lp
    period_days = net.period_hours / 24.0
    for s_id, sector in sorted(net.sectors.items()):
        for req in sector.requirements:
            for q in range(net.periods):
                day = q * net.period_hours // 24
                late = 1.0 + (LATE_WEIGHT if day >= req.by_day else 0.0)
                g = lp.add_var(
                    f"gap[{s_id}|{req.capability}|p{q}]", ub=req.amount,
                    cost=req.weight * period_days * late,
                )
                model.gap[(s_id, req.capability, q)] = g
                terms = [(g, 1.0)]
                for m in model.movements:
                    points = m.points_per_ton.get(req.capability, 0.0) * KT
                    col = model.readiness_col(m.id, s_id, q)
                    if points > 0 and col is not None:
                        terms.append((col, points))
                if len(terms) > 1:
                    model.gap_rows[(s_id, req.capability, q)] = lp.add_row(
                        f"gap[{s_id}|{req.capability}|p{q}]", terms, lb=req.amount,
                        key=("gap", s_id, req.capability, q))
                else:
                    lp.col_lb[g] = req.amount


def _points_delivered(model: Model, movement_ids: set[str] | None) -> list[tuple[int, float]]:
    last = model.net.periods - 1
    terms = []
    for m in model.movements:
        if movement_ids is not None and m.id not in movement_ids:
            continue
        per_kt = sum(m.points_per_ton.values()) * KT
        for s in model.windows[m.id].sectors:
            terms.append((model.delivered[(m.id, s, last)], per_kt))
    return terms


def add_burden_sharing(model: Model) -> None:
    """A member's delivered capability points at most max_share of everyone's."""
    for code, member in sorted(model.net.members.items()):
        if member.max_share is None:
            continue
        own = {m.id for m in model.movements if m.member == code}
        if not own:
            continue
        terms = _points_delivered(model, own)
        terms += [(c, -member.max_share * v) for c, v in _points_delivered(model, None)]
        model.lp.add_row(f"max_share[{code}]", terms, ub=0.0, key=("max_share", code))


def add_force_days_awaited(model: Model) -> None:
    """Every day a force (or the share of it) is not yet in its sector costs a little, so
    forces beyond what the requirements need are still brought in, whole and early: without
    it the ton-km cost would leave their last tons at home."""
    net, lp = model.net, model.lp
    period_days = net.period_hours / 24.0
    for m in model.movements:
        per_kt = FORCE_DAY_WEIGHT * period_days * KT / m.tons_each
        for q in range(net.periods):
            lp.offset += FORCE_DAY_WEIGHT * period_days * m.copies
            for s in model.windows[m.id].sectors:
                col = model.delivered.get((m.id, s, q))
                if col is not None:
                    lp.add_cost(col, -per_kt)


def add_late_debarkation(model: Model) -> None:
    """A deployment line debarking after its LAD costs LAD_WEIGHT gap-days per whole force and
    day late (a share of a force: that share)."""
    net, lp = model.net, model.lp
    by_id = {m.id: m for m in model.movements if m.line.lad_day is not None}
    for (mid, g), col in model.flow.items():
        m = by_id.get(mid)
        late = 0 if m is None else days_after_lad(net, m.line, g)
        if m is not None and late > 0:
            lp.add_cost(col, LAD_WEIGHT * late * KT / m.tons_each)


def add_transport_cost(model: Model) -> None:
    """A small ton-km cost, so that among plans equal in readiness the shorter one wins."""
    total = sum(m.tons for m in model.movements)
    longest = max((tm.leg.km for w in model.windows.values() for tm in w.timings), default=0.0)
    if total <= 0 or longest <= 0:
        return
    per_kt_km = KT * COST_BUDGET / (total * longest * 4)  # a ton crosses a few legs at most
    for (_, g), col in model.flow.items():
        model.lp.add_cost(col, per_kt_km * g.timing.leg.km)

