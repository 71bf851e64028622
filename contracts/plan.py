"""The plan (plan.json, plan.csv; docs/contracts.md), typed once for every stage.

The optimizer builds a :class:`Plan`; the CLI writes it with :meth:`Plan.to_json`; maps,
reports, summaries and comparisons read it back with :meth:`Plan.from_json`. (The checker
reads plan.json with its own code on purpose.) Times are hours from C-day 00:00 (UTC).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.calendar import at_hour
from contracts.files import write_atomic

Json = dict[str, Any]


@dataclass(frozen=True)
class SolverInfo:
    """How the plan was found and how good it provably is."""

    planner: str  # "mip" or "greedy"
    backend: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float  # wall time from the scenario to the plan (everything --time-limit caps)
    method: str = ""  # how the plan was found: branch-and-bound, fix-and-optimize, ...
    cut_by_clock: bool = False  # the --time-limit safety net cut the search short
    bound_source: str | None = None  # which relaxation the bound comes from
    # `bound` holds for the routes the planner modelled; this one for every route the network
    # allows (optimizer/bound.py): lower, and the honest one to measure a plan against
    network_bound: float | None = None
    network_bound_source: str | None = None  # which relaxation network_bound comes from
    # `mobilize whatif` shares plans between worlds: the id of the world whose search found
    # this plan, where it beat this world's own (whatif/share.py); None: this world's own
    taken_from: str | None = None


@dataclass(frozen=True)
class Cargo:
    """One force's share of a trip."""

    force: str
    tons: float
    pax: float


@dataclass(frozen=True)
class Trip:
    """Vehicles of one fleet leaving together over one leg."""

    fleet: str
    mode: str
    leg: str
    from_: str
    to: str
    depart_h: float
    arrive_h: float
    return_h: float
    vehicles: int
    tons: float
    pax: float
    cargo: tuple[Cargo, ...]


@dataclass(frozen=True)
class ForceResult:
    """Where a force went, when it closed, and why it is late if it is."""

    force: str
    member: str
    sector: str | None
    ready_h: float | None
    closure_h: float | None
    delivered_t: float
    due_day: int | None
    late: bool
    reason: str | None
    sustained_by: tuple[str, ...]
    # debarkation: the last air or sea leg carrying it lands (or, moving overland, its
    # closure); LAD met when that is on or before its line's lad_day (None: no LAD)
    debark_h: float | None = None
    lad_met: bool | None = None


@dataclass(frozen=True)
class Supply:
    """Tons of supply a depot ships for a force in a sector, for a day."""

    depot: str
    sector: str
    force: str
    day: int
    ship_day: int
    tons: float


@dataclass(frozen=True)
class Readiness:
    """A sector's capability on one day: required, delivered and the gap."""

    sector: str
    capability: str
    day: int
    required: float
    delivered: float
    gap: float


@dataclass(frozen=True)
class MemberShare:
    """A member's share of the capability that arrived, beside its fair share."""

    member: str
    share: float
    fair_share: float | None
    points: float


@dataclass(frozen=True)
class Unmet:
    """A requirement still short at the end of the horizon, and why."""

    sector: str
    capability: str
    required: float
    delivered: float
    gap: float
    reason: str


@dataclass(frozen=True)
class Kpis:
    """Weighted gap-days, the day every requirement is met (None: never), late forces."""

    gap_days: float
    closure_day: int | None
    late_forces: int


@dataclass
class Plan:
    """plan.json as objects."""

    scenario_name: str
    scenario_sha256: str
    solver: SolverInfo
    period_hours: int
    trips: list[Trip]
    forces: list[ForceResult]
    supply: list[Supply]
    readiness: list[Readiness]
    members: list[MemberShare]
    unmet: list[Unmet]
    kpis: Kpis
    force_by_id: dict[str, ForceResult] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.force_by_id = {f.force: f for f in self.forces}

    @classmethod
    def from_json(cls, doc: Json) -> Plan:
        """Read plan.json's document (already parsed)."""
        sv, k = doc["solver"], doc["kpis"]
        return cls(
            scenario_name=str(doc["scenario"]["name"]),
            scenario_sha256=str(doc["scenario"].get("sha256") or ""),
            solver=SolverInfo(
                sv["planner"], sv["backend"], sv["status"], sv.get("objective"),
                sv.get("bound"), sv.get("gap"), float(sv.get("seconds") or 0.0),
                str(sv.get("method") or ""), bool(sv.get("cut_by_clock")),
                sv.get("bound_source"), sv.get("network_bound"),
                sv.get("network_bound_source"), sv.get("taken_from"),
            ),
            period_hours=int(doc.get("period_hours") or 24),
            trips=[_trip(t) for t in doc["trips"]],
            forces=[
                ForceResult(
                    f["force"], f["member"], f.get("sector"), f.get("ready_h"),
                    f.get("closure_h"), float(f.get("delivered_t") or 0.0), f.get("due_day"),
                    bool(f.get("late")), f.get("reason"), tuple(f.get("sustained_by") or ()),
                    f.get("debark_h"), f.get("lad_met"),
                )
                for f in doc["forces"]
            ],
            supply=[
                Supply(s["depot"], s["sector"], s["force"], int(s["day"]), int(s["ship_day"]),
                       float(s["tons"]))
                for s in doc.get("supply") or []
            ],
            readiness=[
                Readiness(r["sector"], r["capability"], int(r["day"]), float(r["required"]),
                          float(r["delivered"]), float(r["gap"]))
                for r in doc["readiness"]
            ],
            members=[
                MemberShare(m["member"], float(m["share"]), m.get("fair_share"),
                            float(m.get("points") or 0.0))
                for m in doc["members"]
            ],
            unmet=[
                Unmet(u["sector"], u["capability"], float(u["required"]),
                      float(u["delivered"]), float(u["gap"]), str(u.get("reason") or ""))
                for u in doc.get("unmet") or []
            ],
            kpis=Kpis(float(k["gap_days"]), k.get("closure_day"), int(k.get("late_forces") or 0)),
        )

    def to_json(self) -> Json:
        """plan.json's document, key for key as in docs/contracts.md."""
        sv, k = self.solver, self.kpis
        return {
            "scenario": {"name": self.scenario_name, "sha256": self.scenario_sha256},
            "solver": {
                "planner": sv.planner, "backend": sv.backend, "status": sv.status,
                "objective": sv.objective, "bound": sv.bound, "gap": sv.gap,
                "seconds": round(sv.seconds, 3), "method": sv.method,
                "cut_by_clock": sv.cut_by_clock, "bound_source": sv.bound_source,
                "network_bound": sv.network_bound,
                "network_bound_source": sv.network_bound_source,
                "taken_from": sv.taken_from,
            },
            "period_hours": self.period_hours,
            "trips": [_trip_json(t) for t in self.trips],
            "forces": [
                {"force": f.force, "member": f.member, "sector": f.sector, "ready_h": f.ready_h,
                 "closure_h": f.closure_h, "delivered_t": f.delivered_t, "due_day": f.due_day,
                 "late": f.late, "reason": f.reason, "sustained_by": list(f.sustained_by),
                 "debark_h": f.debark_h, "lad_met": f.lad_met}
                for f in self.forces
            ],
            "supply": [
                {"depot": s.depot, "sector": s.sector, "force": s.force, "day": s.day,
                 "ship_day": s.ship_day, "tons": s.tons}
                for s in self.supply
            ],
            "readiness": [
                {"sector": r.sector, "capability": r.capability, "day": r.day,
                 "required": r.required, "delivered": r.delivered, "gap": r.gap}
                for r in self.readiness
            ],
            "members": [
                {"member": m.member, "share": m.share, "fair_share": m.fair_share,
                 "points": m.points}
                for m in self.members
            ],
            "unmet": [
                {"sector": u.sector, "capability": u.capability, "required": u.required,
                 "delivered": u.delivered, "gap": u.gap, "reason": u.reason}
                for u in self.unmet
            ],
            "kpis": {"gap_days": k.gap_days, "closure_day": k.closure_day,
                     "late_forces": k.late_forces},
        }


def _trip(t: Json) -> Trip:
    return Trip(
        t["fleet"], t["mode"], t["leg"], t["from"], t["to"], float(t["depart_h"]),
        float(t["arrive_h"]), float(t["return_h"]), int(t["vehicles"]), float(t["tons"]),
        float(t.get("pax") or 0.0),
        tuple(Cargo(c["force"], float(c["tons"]), float(c.get("pax") or 0.0))
              for c in t["cargo"]),
    )


def _trip_json(t: Trip) -> Json:
    return {
        "fleet": t.fleet, "mode": t.mode, "leg": t.leg, "from": t.from_, "to": t.to,
        "depart_h": t.depart_h, "arrive_h": t.arrive_h, "return_h": t.return_h,
        "vehicles": t.vehicles, "tons": t.tons, "pax": t.pax,
        "cargo": [{"force": c.force, "tons": c.tons, "pax": c.pax} for c in t.cargo],
    }


def write_plan_csv(path: Path, plan: Plan, c_day: str) -> Path:
    """plan.csv: one row per force per trip, with calendar times, for spreadsheets."""
    fields = ["force", "member", "sector", "fleet", "mode", "from", "to", "depart", "arrive",
              "depart_h", "arrive_h", "tons", "pax"]

    def write(tmp: Path) -> None:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            for trip in plan.trips:
                for c in trip.cargo:
                    force = plan.force_by_id[c.force]
                    w.writerow({
                        "force": c.force, "member": force.member, "sector": force.sector or "",
                        "fleet": trip.fleet, "mode": trip.mode, "from": trip.from_,
                        "to": trip.to,
                        "depart": at_hour(c_day, trip.depart_h).isoformat(timespec="minutes"),
                        "arrive": at_hour(c_day, trip.arrive_h).isoformat(timespec="minutes"),
                        "depart_h": round(trip.depart_h, 2),
                        "arrive_h": round(trip.arrive_h, 2),
                        "tons": round(c.tons, 3), "pax": round(c.pax, 1),
                    })

    return write_atomic(path, write)
