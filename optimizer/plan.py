"""The plan: a schedule written in the contract of docs/contracts.md (plan.json, plan.csv),
with readiness, closures, burden shares and KPIs computed from the trips themselves."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from contracts.met import is_met
from contracts.network import Network
from contracts.plan import (
    Cargo,
    ForceResult,
    Kpis,
    MemberShare,
    Plan,
    Readiness,
    SolverInfo,
    Trip,
    Unmet,
)
from optimizer.readiness import arrived_by_day, readiness_rows
from optimizer.schedule import Schedule

__all__ = ["SolverInfo", "build_plan"]

DELIVERED_TOL_T = 1e-3
CLOSED_SHARE = 0.99  # docs/contracts.md: closed once 99% of its cargo is in its sector


def build_plan(net: Network, schedule: Schedule, solver: SolverInfo) -> Plan:
    """The plan of a schedule: trips, forces' closures, readiness, shares and KPIs, all
    computed from the trips themselves."""
    rows = readiness_rows(net, schedule)
    forces = _force_rows(net, schedule)
    return Plan(
        scenario_name=net.name,
        scenario_sha256=net.scenario.sha256,
        solver=solver,
        period_hours=net.period_hours,
        trips=_trip_rows(net, schedule),
        forces=forces,
        supply=sorted(schedule.supply, key=lambda s: (s.day, s.sector, s.force, s.depot)),
        readiness=[
            Readiness(r.sector, r.capability, r.day, r.required, r.delivered, r.gap)
            for r in rows
        ],
        members=_member_shares(net, schedule),
        unmet=_unmet_requirements(net, rows),
        kpis=Kpis(
            gap_days=sum(r.weight * r.gap for r in rows),
            closure_day=_closure_day(rows, net.horizon_days),
            late_forces=sum(1 for f in forces if f.late),
        ),
    )


def _unmet_requirements(net: Network, rows: list[Any]) -> list[Unmet]:
    """Requirements not met on the last day (contracts.met), each with the binding reason."""
    last = net.horizon_days - 1
    offered: dict[str, float] = defaultdict(float)
    for f in net.forces.values():
        if f.activation_day is not None and f.activation_day < net.horizon_days:
            for cap, points in f.capability:
                offered[cap] += points
    required: dict[str, float] = defaultdict(float)
    for sector in net.sectors.values():
        for req in sector.requirements:
            required[req.capability] += req.amount
    out = []
    for r in rows:
        if r.day != last or is_met(r.required, r.delivered):
            continue
        if offered[r.capability] < required[r.capability] - 1e-6:
            why = (
                f"the forces that can take part offer {offered[r.capability]:g} points of "
                f"{r.capability} against {required[r.capability]:g} required in all sectors"
            )
        else:
            why = (
                f"enough {r.capability} exists ({offered[r.capability]:g} points for "
                f"{required[r.capability]:g} required) but not all of it can be in "
                f"{r.sector}, supplied, by the end of the horizon with this lift"
            )
        out.append(Unmet(r.sector, r.capability, r.required, r.delivered, r.gap, why))
    return out


def _trip_rows(net: Network, schedule: Schedule) -> list[Trip]:
    out = []
    for trip in sorted(schedule.trips, key=lambda t: (t.depart_h, t.leg, t.fleet)):
        leg = net.leg_by_id[trip.leg]
        # personnel ride with their cargo on fleets with seats; on a cargo-only fleet (pax 0
        # or none) the equipment goes with its crews and the troops travel separately
        seats = bool(net.fleets[trip.fleet].pax)
        cargo = tuple(
            Cargo(f, t, t * net.forces[f].pax_per_ton if seats else 0.0)
            for f, t in sorted(trip.cargo.items())
        )
        out.append(Trip(
            fleet=trip.fleet, mode=leg.mode, leg=leg.id, from_=leg.from_, to=leg.to,
            depart_h=trip.depart_h, arrive_h=trip.arrive_h, return_h=trip.return_h,
            vehicles=trip.vehicles, tons=sum(c.tons for c in cargo),
            pax=sum(c.pax for c in cargo), cargo=cargo,
        ))
    return out


def _force_rows(net: Network, schedule: Schedule) -> list[ForceResult]:
    delivered: dict[str, float] = defaultdict(float)
    arrivals: dict[str, list[tuple[float, float]]] = defaultdict(list)
    landed: dict[str, float] = {}  # force -> hour its last air or sea leg lands
    for trip in schedule.trips:
        leg = net.leg_by_id[trip.leg]
        to = leg.to
        for f in trip.cargo if leg.mode in ("air", "sea") else ():
            landed[f] = max(landed.get(f, 0.0), trip.arrive_h)
        for f, tons in trip.cargo.items():
            if schedule.sectors.get(f) == to:
                delivered[f] += tons
                arrivals[f].append((trip.arrive_h, tons))
    depots: dict[str, set[str]] = defaultdict(set)
    for s in schedule.supply:
        depots[s.force].add(s.depot)
    rows = []
    for fid, force in sorted(net.forces.items()):
        sector = schedule.sectors.get(fid)
        closure_h = _closure_h(arrivals[fid], force.cargo_t)
        due = (force.line.rdd_day if force.line.rdd_day is not None
               else _due_day(net, force.capability, sector))
        debark = closure_h if force.line.overland or fid not in landed else landed[fid]
        late = force.activation_day is not None and (
            closure_h is None or (due is not None and closure_h > 24.0 * (due + 1))
        )
        rows.append(ForceResult(
            force=fid,
            member=force.member,
            sector=sector,
            ready_h=None if force.activation_day is None else force.activation_day * 24.0,
            closure_h=closure_h,
            delivered_t=delivered[fid],
            due_day=due,
            late=late,
            reason=_why_late(net, fid, sector) if late else None,
            sustained_by=tuple(sorted(depots[fid])),
            debark_h=debark,
            lad_met=None if force.line.lad_day is None else (
                debark is not None and net.day_of_hour(debark) <= force.line.lad_day),
        ))
    return rows


def _why_late(net: Network, force_id: str, sector: str | None) -> str:
    """The binding reason a force is late, most basic first."""
    force = net.forces[force_id]
    assert force.activation_day is not None
    if force.activation_day >= net.horizon_days:
        return (
            f"not ready to move until day {force.activation_day}, after the "
            f"{net.horizon_days}-day horizon"
        )
    if sector is None:
        return "no route to any sector with the lift that may carry it"
    if force.sustainment_tpd > 0:
        sources = [
            d.id for d in net.depots.values()
            if d.serves(force.needs)
            and any(leg.from_ == d.place and leg.to == sector for leg in net.legs)
        ]
        if not sources:
            return (
                f"no depot that reaches {sector} provides all of {', '.join(sorted(force.needs))}: "
                "it could not be ready there, so it was not sent"
            )
    return "waited for lift, port or reception capacity shared with forces that close more gap"


def _closure_h(arrivals: list[tuple[float, float]], cargo_t: float) -> float | None:
    """When CLOSED_SHARE of the cargo is in the sector: planners count a unit closed once its
    main body is in, not its last crate (and a continuous plan may leave a tonne behind)."""
    total = 0.0
    for hour, tons in sorted(arrivals):
        total += tons
        if total >= CLOSED_SHARE * cargo_t - DELIVERED_TOL_T:
            return hour
    return None


def _due_day(
    net: Network, capability: tuple[tuple[str, float], ...], sector: str | None
) -> int | None:
    """The latest by_day among the sector's requirements this force's capabilities serve."""
    if sector is None:
        return None
    offered = {c for c, v in capability if v > 0}
    days = [r.by_day for r in net.sectors[sector].requirements if r.capability in offered]
    return max(days) if days else None


def _member_shares(net: Network, schedule: Schedule) -> list[MemberShare]:
    arrived = arrived_by_day(net, schedule.trips, schedule.sectors)
    points: dict[str, float] = defaultdict(float)
    for fid, cumulative in arrived.items():
        f = net.forces[fid]
        frac = min(1.0, cumulative[-1] / f.cargo_t)
        points[f.member] += frac * f.points
    total = sum(points.values())
    return [
        MemberShare(code, points[code] / total if total > 0 else 0.0, m.fair_share,
                    points[code])
        for code, m in sorted(net.members.items())
    ]


def _closure_day(rows: list[Any], horizon_days: int) -> int | None:
    open_days = {r.day for r in rows if not is_met(r.required, r.delivered)}
    if not open_days:
        return 0
    last_open = max(open_days)
    return last_open + 1 if last_open + 1 < horizon_days else None
