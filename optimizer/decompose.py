"""From the MIP's solution back to forces: path-decompose each movement's tons, give the
identical forces their sectors and equal parts of the paths, and hand out depot supply."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from contracts.plan import Supply
from optimizer.aggregate import Movement
from optimizer.model import Model
from optimizer.readiness import arrived_by_day
from optimizer.schedule import Dispatch, Schedule
from optimizer.timing import Group, vehicles_needed

EPS_T = 1e-6  # tons below this are solver noise


@dataclass
class Parcel:
    """Tons of a movement waiting at a node, while the flow is split into trips."""
    tons: float
    groups: list[Group] = field(default_factory=list)


def schedule_from_solution(model: Model, values: list[float]) -> Schedule:
    """Trips, sectors and supply from the model's column values (tons, not kilotons)."""
    net = model.net
    sectors: dict[str, str | None] = {f: None for f in net.forces}
    loads: dict[Group, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m in model.movements:
        arrived, stranded = _decompose(model, m, values)
        assignment = _assign_sectors(model, m, values)
        sectors.update(assignment)
        for force, parcels in _split_among_forces(m, assignment, arrived, stranded).items():
            for tons, groups in parcels:
                for g in groups:
                    loads[g][force] += tons
    trips = _trips(model, values, loads)
    schedule = Schedule(trips, sectors, [])
    schedule.supply = _supply(model, values, schedule)
    return schedule


def _decompose(
    model: Model, m: Movement, values: list[float]
) -> tuple[dict[str, list[Parcel]], list[Parcel]]:
    """FIFO path decomposition of one movement's flow, in time order."""
    net, horizon = model.net, model.net.periods
    departures: dict[int, list[tuple[Group, float]]] = defaultdict(list)
    for (mid, g), col in model.flow.items():
        if mid == m.id and values[col] > EPS_T:
            departures[g.period].append((g, values[col]))
    pools: dict[str, deque[Parcel]] = defaultdict(deque)
    incoming: dict[int, list[tuple[str, Parcel]]] = defaultdict(list)
    incoming[net.period_of_day(m.activation_day)].append((m.home, Parcel(m.tons)))
    arrived: dict[str, list[Parcel]] = defaultdict(list)
    for t in range(horizon + 1):
        for node, parcel in incoming.pop(t, []):
            if node in net.sectors:
                arrived[node].append(parcel)
            else:
                pools[node].append(parcel)
        for g, amount in sorted(departures.get(t, []), key=lambda x: x[0].timing.leg.id):
            for parcel in _take(pools[g.timing.leg.from_], amount):
                parcel.groups.append(g)
                incoming[t + g.timing.offset].append((g.timing.leg.to, parcel))
    stranded = [p for pool in pools.values() for p in pool if p.groups]
    return arrived, stranded


def _take(pool: deque[Parcel], amount: float) -> list[Parcel]:
    taken = []
    while amount > EPS_T and pool:
        head = pool[0]
        if head.tons <= amount + EPS_T:
            taken.append(pool.popleft())
            amount -= head.tons
        else:
            taken.append(Parcel(amount, list(head.groups)))
            head.tons -= amount
            amount = 0.0
    return taken


def _assign_sectors(model: Model, m: Movement, values: list[float]) -> dict[str, str | None]:
    sectors = model.windows[m.id].sectors
    if len(sectors) == 1:
        return dict.fromkeys(m.forces, sectors[0])
    if not sectors:
        return dict.fromkeys(m.forces, None)
    counts = {s: int(round(values[model.assigned[(m.id, s)]])) for s in sectors}
    out: dict[str, str | None] = {}
    forces = list(m.forces)
    for s in sectors:
        for _ in range(counts[s]):
            if forces:
                out[forces.pop(0)] = s
    for f in forces:  # rounding left some over: send them where most tons went
        out[f] = max(sectors, key=lambda s: counts[s])
    return out


def _split_among_forces(
    m: Movement, assignment: dict[str, str | None], arrived: dict[str, list[Parcel]],
    stranded: list[Parcel],
) -> dict[str, list[tuple[float, list[Group]]]]:
    out: dict[str, list[tuple[float, list[Group]]]] = defaultdict(list)
    room = dict.fromkeys(m.forces, m.tons_each)
    for sector, parcels in arrived.items():
        forces = [f for f, s in assignment.items() if s == sector]
        if not forces:
            stranded = stranded + parcels
            continue
        for p in parcels:
            for f in forces:
                share = p.tons / len(forces)
                out[f].append((share, p.groups))
                room[f] -= share
    for p in stranded:
        total = sum(max(0.0, r) for r in room.values())
        if total <= EPS_T:
            break
        for f, r in list(room.items()):
            share = p.tons * max(0.0, r) / total
            if share > EPS_T:
                out[f].append((share, p.groups))
                room[f] -= share
    return out


def _trips(
    model: Model, values: list[float], loads: dict[Group, dict[str, float]]
) -> list[Dispatch]:
    net, period = model.net, model.net.period_hours
    trips = []
    for g, cargo in sorted(loads.items(), key=lambda kv: (kv[0].period, kv[0].timing.leg.id,
                                                           kv[0].timing.fleet)):
        tons = sum(cargo.values())
        if tons <= EPS_T:
            continue
        fleet = net.fleets[g.timing.fleet]
        k = g.timing.trips
        need = vehicles_needed(net, g, cargo)
        vehicles = max(1, min(need, int(round(values[model.vehicles[g]]))))
        for j in range(k):
            trips.append(
                Dispatch(
                    fleet=fleet.id,
                    leg=g.timing.leg.id,
                    depart_h=g.timing.depart_h(g.period, period, j),
                    arrive_h=g.timing.arrive_h(g.period, period, j),
                    return_h=g.timing.return_h(g.period, period, j),
                    vehicles=vehicles,
                    cargo={f: t / k for f, t in sorted(cargo.items()) if t / k > EPS_T},
                )
            )
    return trips


def _supply(model: Model, values: list[float], schedule: Schedule) -> list[Supply]:
    """Hand each (sector, standards, day)'s supply to the forces there: first what the model
    counted ready, then the rest towards each force's full need, split across depots in
    proportion to what each shipped."""
    net = model.net
    arrived = arrived_by_day(net, schedule.trips, schedule.sectors)
    by_class: dict[tuple[str, tuple[str, ...], int], dict[str, float]] = defaultdict(dict)
    for (dep, s, needs, day), col in model.supply.items():
        if values[col] > EPS_T:
            by_class[(s, needs, day)][dep] = values[col]
    moves = {m.id: m for m in model.movements}
    out = []
    for (s, needs, day), depots in sorted(by_class.items()):
        total = sum(depots.values())
        forces = [
            f for f, sec in schedule.sectors.items()
            if sec == s and tuple(sorted(net.forces[f].needs)) == needs
            and net.forces[f].sustainment_tpd > 0
        ]
        need = {
            f: net.forces[f].sustainment_tpd
            * min(1.0, arrived.get(f, [0.0] * net.horizon_days)[day] / net.forces[f].cargo_t)
            for f in forces
        }
        given = _model_allocation(model, moves, values, s, day, need)
        counted = sum(given.values())
        if counted > total:  # solver tolerance: never hand out more than was shipped
            given = {f: v * total / counted for f, v in given.items()}
        left = max(0.0, total - sum(given.values()))
        extra = {f: need[f] - given[f] for f in forces}
        extra_total = sum(extra.values())
        if extra_total > EPS_T and left > EPS_T:
            scale = min(1.0, left / extra_total)
            for f in forces:
                given[f] += extra[f] * scale
        for f in forces:
            for dep, shipped in sorted(depots.items()):
                tons = given[f] * shipped / total
                if tons > EPS_T:
                    lag = model.supply_lag[(dep, s)]
                    out.append(Supply(dep, s, f, day, day - lag, tons))
    return out


def _model_allocation(
    model: Model, moves: dict[str, Movement], values: list[float], sector: str, day: int,
    need: dict[str, float],
) -> dict[str, float]:
    """Supply the model itself counted, per force: sustainment per ton x ready tons."""
    net = model.net
    last_period = (day + 1) * 24 // net.period_hours - 1
    given = dict.fromkeys(need, 0.0)
    for m in model.movements:
        col = model.ready.get((m.id, sector, last_period))
        if col is None:
            continue
        here = [f for f in m.forces if f in need]
        if not here:
            continue
        ready_tons = values[col] / len(here)
        for f in here:
            given[f] = min(need[f], moves[m.id].sustainment_per_ton * ready_tons)
    return given
