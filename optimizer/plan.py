"""The plan: a schedule written in the contract of docs/contracts.md (plan.json, plan.csv),
with readiness, closures, burden shares and KPIs computed from the trips themselves."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.files import write_atomic
from contracts.met import is_met
from contracts.network import Network
from optimizer.readiness import arrived_by_day, readiness_rows
from optimizer.schedule import Schedule

DELIVERED_TOL_T = 1e-3
CLOSED_SHARE = 0.99  # docs/contracts.md: closed once 99% of its cargo is in its sector


@dataclass(frozen=True)
class SolverInfo:
    planner: str  # "mip" or "greedy"
    backend: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    method: str = ""  # how the plan was found: branch-and-bound, fix-and-optimize, ...
    by_clock: bool = False  # the --time-limit safety net cut the search short
    bound_source: str | None = None  # which relaxation the bound comes from


def build_plan(net: Network, schedule: Schedule, solver: SolverInfo) -> dict[str, Any]:
    rows = readiness_rows(net, schedule)
    forces = _force_rows(net, schedule)
    return {
        "scenario": {"name": net.name, "sha256": net.scenario.sha256},
        "solver": {
            "planner": solver.planner, "backend": solver.backend, "status": solver.status,
            "objective": solver.objective, "bound": solver.bound, "gap": solver.gap,
            "seconds": round(solver.seconds, 3), "method": solver.method,
            "cut_by_clock": solver.by_clock, "bound_source": solver.bound_source,
        },
        "period_hours": net.period_hours,
        "trips": _trip_rows(net, schedule),
        "forces": forces,
        "supply": [
            {"depot": s.depot, "sector": s.sector, "force": s.force, "day": s.day,
             "ship_day": s.ship_day, "tons": s.tons}
            for s in sorted(schedule.supply, key=lambda s: (s.day, s.sector, s.force, s.depot))
        ],
        "readiness": [
            {"sector": r.sector, "capability": r.capability, "day": r.day,
             "required": r.required, "delivered": r.delivered, "gap": r.gap}
            for r in rows
        ],
        "members": _member_shares(net, schedule),
        "unmet": _unmet_requirements(net, rows),
        "kpis": {
            "gap_days": sum(r.weight * r.gap for r in rows),
            "closure_day": _closure_day(rows, net.horizon_days),
            "late_forces": sum(1 for f in forces if f["late"]),
        },
    }


def _unmet_requirements(net: Network, rows: list[Any]) -> list[dict[str, Any]]:
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
        out.append({"sector": r.sector, "capability": r.capability, "required": r.required,
                    "delivered": r.delivered, "gap": r.gap, "reason": why})
    return out


def _trip_rows(net: Network, schedule: Schedule) -> list[dict[str, Any]]:
    out = []
    for trip in sorted(schedule.trips, key=lambda t: (t.depart_h, t.leg, t.fleet)):
        leg = net.leg_by_id[trip.leg]
        # personnel ride with their cargo on fleets with seats; on a cargo-only fleet (pax 0
        # or none) the equipment goes with its crews and the troops travel separately
        seats = bool(net.fleets[trip.fleet].pax)
        cargo: list[dict[str, Any]] = [
            {"force": f, "tons": t, "pax": t * _pax_per_ton(net, f) if seats else 0.0}
            for f, t in sorted(trip.cargo.items())
        ]
        out.append({
            "fleet": trip.fleet, "mode": leg.mode, "leg": leg.id, "from": leg.from_,
            "to": leg.to, "depart_h": trip.depart_h, "arrive_h": trip.arrive_h,
            "return_h": trip.return_h, "vehicles": trip.vehicles,
            "tons": sum(c["tons"] for c in cargo), "pax": sum(c["pax"] for c in cargo),
            "cargo": cargo,
        })
    return out


def _pax_per_ton(net: Network, force_id: str) -> float:
    f = net.forces[force_id]
    return f.personnel / f.cargo_t


def _force_rows(net: Network, schedule: Schedule) -> list[dict[str, Any]]:
    delivered: dict[str, float] = defaultdict(float)
    arrivals: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for trip in schedule.trips:
        to = net.leg_by_id[trip.leg].to
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
        due = _due_day(net, force.capability, sector)
        late = force.activation_day is not None and (
            closure_h is None or (due is not None and closure_h > 24.0 * (due + 1))
        )
        rows.append({
            "force": fid,
            "member": force.member,
            "sector": sector,
            "ready_h": None if force.activation_day is None else force.activation_day * 24.0,
            "closure_h": closure_h,
            "delivered_t": delivered[fid],
            "due_day": due,
            "late": late,
            "reason": _why_late(net, fid, sector) if late else None,
            "sustained_by": sorted(depots[fid]),
        })
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


def _member_shares(net: Network, schedule: Schedule) -> list[dict[str, Any]]:
    arrived = arrived_by_day(net, schedule.trips, schedule.sectors)
    points: dict[str, float] = defaultdict(float)
    for fid, cumulative in arrived.items():
        f = net.forces[fid]
        frac = min(1.0, cumulative[-1] / f.cargo_t)
        points[f.member] += frac * sum(v for _, v in f.capability)
    total = sum(points.values())
    return [
        {"member": code, "share": points[code] / total if total > 0 else 0.0,
         "fair_share": m.fair_share, "points": points[code]}
        for code, m in sorted(net.members.items())
    ]


def _closure_day(rows: list[Any], horizon_days: int) -> int | None:
    open_days = {r.day for r in rows if not is_met(r.required, r.delivered)}
    if not open_days:
        return 0
    last_open = max(open_days)
    return last_open + 1 if last_open + 1 < horizon_days else None


# --- files --------------------------------------------------------------------------------


def write_plan_csv(path: Path, plan: dict[str, Any], c_day: str) -> Path:
    """One row per force per trip, with calendar times, for spreadsheets."""
    start = dt.datetime.combine(dt.date.fromisoformat(c_day), dt.time())
    fields = ["force", "member", "sector", "fleet", "mode", "from", "to", "depart", "arrive",
              "depart_h", "arrive_h", "tons", "pax"]
    member = {f["force"]: (f["member"], f["sector"]) for f in plan["forces"]}

    def write(tmp: Path) -> None:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            for trip in plan["trips"]:
                for c in trip["cargo"]:
                    m, s = member[c["force"]]
                    w.writerow({
                        "force": c["force"], "member": m, "sector": s or "",
                        "fleet": trip["fleet"], "mode": trip["mode"], "from": trip["from"],
                        "to": trip["to"],
                        "depart": (start + dt.timedelta(hours=trip["depart_h"])).isoformat(
                            timespec="minutes"),
                        "arrive": (start + dt.timedelta(hours=trip["arrive_h"])).isoformat(
                            timespec="minutes"),
                        "depart_h": round(trip["depart_h"], 2),
                        "arrive_h": round(trip["arrive_h"], 2),
                        "tons": round(c["tons"], 3), "pax": round(c["pax"], 1),
                    })

    return write_atomic(path, write)
