"""The plan as planners' tables: one row per unit line (TPFDD style), and each place's load
day by day.

A line's *legs* are the trips carrying its force, grouped by mode, fleet and route: a brigade
flown in 30 C-17 sorties from Dover to Kaunas is one leg, departing with its first sortie and
arriving with its last, so a line has a handful of legs, not hundreds. Legs are ordered by
their first departure. Days count from C-day: day d runs from hour 24 d to 24 (d + 1).

- POD arrival: the arrival of the last air or sea trip carrying the force (its debarkation);
  for a force moving only overland, its closure in its sector.
- Closure: `closure_h` of the plan (99% of the cargo in the sector); days late = closure day
  - RDD when positive; LAD met = POD arrival day <= LAD.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from contracts.files import write_atomic
from contracts.network import Network
from contracts.plan import Plan, Trip

STRATEGIC = ("air", "sea")  # the modes whose legs embark at a POE and debark at a POD
LEG_FIELDS = ("mode", "fleet", "from", "to", "depart_day", "arrive_day", "tons")


def day_of(hour: float) -> int:
    """The day an hour falls on (C+0 is hours 0 to 24), as the checker counts."""
    return math.floor(hour / 24.0)


@dataclass(frozen=True)
class LineLeg:
    """The trips of one fleet over one route carrying one force."""

    mode: str
    fleet: str
    from_: str
    to: str
    depart_h: float  # its first trip's departure
    arrive_h: float  # its last trip's arrival
    tons: float


@dataclass(frozen=True)
class LineMove:
    """How the plan moves one unit line, against its dates."""

    uln: str
    force: str
    name: str
    member: str
    origin: str
    sector: str | None
    mode: str  # the mode the line asks for (air, sea, rail, road or any)
    legs: tuple[LineLeg, ...]
    closure_h: float | None
    rdd_day: int | None
    lad_day: int | None
    reason: str | None  # the plan's reason, when the force is late
    # the plan's own verdicts (contracts.plan.ForceResult), not recomputed here
    debark_h: float | None = None  # its last air or sea leg lands; overland: its closure
    lad_met: bool | None = None  # debarked by its LAD; None without one
    due_late: bool = False  # closes after its due day (its RDD when it has one), or never

    @property
    def poe(self) -> str | None:
        """Where its first air or sea leg leaves from."""
        return next((g.from_ for g in self.legs if g.mode in STRATEGIC), None)

    @property
    def pod(self) -> str | None:
        """Where its last air or sea leg lands."""
        return next((g.to for g in reversed(self.legs) if g.mode in STRATEGIC), None)

    @property
    def pod_arrival_day(self) -> int | None:
        """The day it debarks (the plan's debark_h)."""
        return None if self.debark_h is None else day_of(self.debark_h)

    @property
    def closure_day(self) -> int | None:
        """The day it closes in its sector; None if it does not within the horizon."""
        return None if self.closure_h is None else day_of(self.closure_h)

    @property
    def days_late(self) -> int | None:
        """Days its closure is after its RDD (0 on time); None without an RDD or closure."""
        if self.rdd_day is None or self.closure_day is None:
            return None
        return max(0, self.closure_day - self.rdd_day)

    @property
    def late(self) -> bool:
        """It has an RDD and the plan says it closes after it, or not at all."""
        return self.rdd_day is not None and self.due_late


def line_moves(network: Network, plan: Plan) -> list[LineMove]:
    """One LineMove per force of the network, in its order."""
    carried: dict[str, list[Trip]] = defaultdict(list)
    for t in plan.trips:
        for c in t.cargo:
            carried[c.force].append(t)
    out = []
    for f in network.forces.values():
        result = plan.force_by_id.get(f.id)
        out.append(LineMove(
            uln=f.line.uln or f.id, force=f.id, name=f.name, member=f.member, origin=f.home,
            sector=result.sector if result else f.sector, mode=f.line.mode,
            legs=_legs(f.id, carried[f.id]),
            closure_h=result.closure_h if result else None,
            rdd_day=f.line.rdd_day, lad_day=f.line.lad_day,
            reason=result.reason if result and result.late else None,
            debark_h=result.debark_h if result else None,
            lad_met=result.lad_met if result else None,
            due_late=result.late if result else False,
        ))
    return out


def _legs(force: str, trips: list[Trip]) -> tuple[LineLeg, ...]:
    """The trips carrying `force`, grouped by (mode, fleet, from, to), by first departure."""
    groups: dict[tuple[str, str, str, str], list[Trip]] = defaultdict(list)
    for t in trips:
        groups[(t.mode, t.fleet, t.from_, t.to)].append(t)
    legs = [
        LineLeg(mode, fleet, a, b, min(t.depart_h for t in ts), max(t.arrive_h for t in ts),
                sum(c.tons for t in ts for c in t.cargo if c.force == force))
        for (mode, fleet, a, b), ts in groups.items()
    ]
    return tuple(sorted(legs, key=lambda g: (g.depart_h, g.arrive_h, g.fleet)))


def tpfdd_frame(network: Network, plan: Plan) -> pd.DataFrame:
    """One row per unit line: where and when it moves, and its closure against RDD and LAD.
    Leg columns `legN_mode`, ... run to the most legs any line has."""
    lines = line_moves(network, plan)
    most = max((len(x.legs) for x in lines), default=0)
    rows = []
    for x in lines:
        row: dict[str, Any] = {
            "uln": x.uln, "force": x.force, "unit_name": x.name, "member": x.member,
            "origin": x.origin, "mode": x.mode, "poe": x.poe, "pod": x.pod,
            "sector": x.sector,
            "pod_arrival_day": x.pod_arrival_day, "closure_day": x.closure_day,
            "rdd_day": x.rdd_day, "days_late": x.days_late, "lad_day": x.lad_day,
            "lad_met": x.lad_met, "late": x.late if x.rdd_day is not None else None,
            "reason": x.reason, "legs": len(x.legs),
        }
        for n in range(most):
            row.update(_leg_cells(n + 1, x.legs[n] if n < len(x.legs) else None))
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("pod_arrival_day", "closure_day", "rdd_day", "days_late", "lad_day"):
        frame[col] = pd.array(frame[col], dtype="Int64")  # whole days, empty when none
    return frame


def _leg_cells(n: int, leg: LineLeg | None) -> dict[str, Any]:
    values: tuple[Any, ...] = (None,) * len(LEG_FIELDS) if leg is None else (
        leg.mode, leg.fleet, leg.from_, leg.to, day_of(leg.depart_h), day_of(leg.arrive_h),
        round(leg.tons, 3))
    return {f"leg{n}_{name}": v for name, v in zip(LEG_FIELDS, values, strict=True)}


@dataclass(frozen=True)
class RddDay:
    """Closure against RDD on one day: of the lines due by then (RDD <= day), how many closed
    by their RDD."""

    day: int
    due: int
    met: int

    @property
    def share(self) -> float | None:
        """Share of the lines due that closed by their RDD; None when none is due."""
        return self.met / self.due if self.due else None


def closure_against_rdd(lines: list[LineMove], horizon_days: int) -> list[RddDay]:
    """Per day of the horizon, the lines with an RDD by then and those closed by it."""
    dated = [x for x in lines if x.rdd_day is not None]
    out = []
    for day in range(horizon_days):
        due = [x for x in dated if x.rdd_day is not None and x.rdd_day <= day]
        out.append(RddDay(day, len(due), sum(1 for x in due if not x.late)))
    return out


def late_lines(lines: list[LineMove]) -> list[LineMove]:
    """Lines closing after their RDD (or not at all), latest first."""
    late = [x for x in lines if x.late]
    return sorted(late, key=lambda x: (x.days_late is not None, -(x.days_late or 0), x.uln))


# --- node load ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeDay:
    """A place's load on one day against its capacity that day (outages applied)."""

    place: str
    day: int
    tons_in: float  # cargo available here this day (arrival hour), as throughput counts it
    tons_out: float  # cargo leaving this day (departure hour); no limit in the model
    throughput_t: float | None  # tons that may arrive; None: no limit
    ground_h: float  # aircraft-hours on the ground: loading at departures, unloading at arrivals
    mog_h: float | None  # MOG x 24 x outage factor; None: no MOG

    @property
    def share(self) -> float | None:
        """The larger of tons over throughput and ground hours over MOG hours; None with no
        limit, 0 on a closed day with nothing moving."""
        ratios = [use / cap if cap else (0.0 if use == 0 else math.inf)
                  for use, cap in ((self.tons_in, self.throughput_t),
                                   (self.ground_h, self.mog_h)) if cap is not None]
        return max(ratios) if ratios else None


def node_load(network: Network, plan: Plan) -> list[NodeDay]:
    """Every place a trip touches (not sector nodes), every day of the horizon (and any later
    day in use), with what arrives and the aircraft ground time against that day's limits
    (docs/contracts.md: `mog` counts load_h where an aircraft leaves and unload_h where it
    lands)."""
    tons: dict[tuple[str, int], float] = defaultdict(float)
    out: dict[tuple[str, int], float] = defaultdict(float)
    ground: dict[tuple[str, int], float] = defaultdict(float)
    for t in plan.trips:
        arrive = (t.to, day_of(t.arrive_h))
        tons[arrive] += t.tons
        out[(t.from_, day_of(t.depart_h))] += t.tons
        fleet = network.fleets.get(t.fleet)
        if t.mode == "air" and fleet is not None:
            ground[(t.from_, day_of(t.depart_h))] += t.vehicles * fleet.load_h
            ground[arrive] += t.vehicles * fleet.unload_h
    # sector nodes have no capacity: what arrives there is closure, not load
    touched = [*tons, *out, *ground]
    used = {pid for pid, _ in touched
            if pid in network.places and not network.places[pid].is_sector}
    last = max([network.horizon_days - 1, *(d for _, d in touched)])
    return [
        NodeDay(pid, day, tons.get((pid, day), 0.0), out.get((pid, day), 0.0),
                p.throughput_on(day), ground.get((pid, day), 0.0), p.ground_hours_on(day))
        for pid, p in network.places.items() if pid in used
        for day in range(last + 1)
    ]


def node_load_frame(network: Network, plan: Plan) -> pd.DataFrame:
    """The node load as a table: place, name, kind, day and the figures of NodeDay."""
    rows = [{
        "place": n.place, "name": network.places[n.place].name,
        "kind": network.places[n.place].kind, "day": n.day, "tons_in": round(n.tons_in, 3),
        "tons_out": round(n.tons_out, 3),
        "throughput_t": n.throughput_t, "ground_h": round(n.ground_h, 3), "mog_h": n.mog_h,
        "share_used": None if n.share is None else round(n.share, 4),
    } for n in node_load(network, plan)]
    columns = ["place", "name", "kind", "day", "tons_in", "tons_out", "throughput_t",
               "ground_h", "mog_h", "share_used"]
    return pd.DataFrame(rows, columns=columns)


def _write_frame(frame: pd.DataFrame, path: Path) -> Path:
    def write(tmp: Path) -> None:
        frame.to_csv(tmp, index=False)
    return write_atomic(path, write)


def write_tpfdd(network: Network, plan: Plan, path: Path) -> Path:
    """Write the unit-line table (tpfdd_frame) as CSV."""
    return _write_frame(tpfdd_frame(network, plan), path)


def write_node_load(network: Network, plan: Plan, path: Path) -> Path:
    """Write the node load per day (node_load_frame) as CSV."""
    return _write_frame(node_load_frame(network, plan), path)
