"""The optimizer's view of a resolved network (resolved.json, see docs/contracts.md).

The optimizer reads the same file the checker reads, so what it plans against is exactly what
the plan is checked against; nothing upstream is reached back into.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    country: str
    lat: float
    lon: float
    throughput_tpd: float | None
    mog: int | None
    handling_h: float


@dataclass(frozen=True)
class Requirement:
    capability: str
    amount: float
    by_day: int
    weight: float


@dataclass(frozen=True)
class Sector:
    id: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Force:
    id: str
    member: str
    home: str
    personnel: int
    cargo_t: float
    outsize: bool
    capability: tuple[tuple[str, float], ...]
    sector: str | None
    needs: tuple[str, ...]
    sustainment_tpd: float
    activation_day: int | None


@dataclass(frozen=True)
class Fleet:
    id: str
    mode: str
    owners: tuple[str, ...]
    count: int
    payload_t: float
    pax: int | None
    speed_kmh: float
    outsize: bool
    load_h: float
    unload_h: float
    turnaround_h: float
    carries: frozenset[str] | None
    activation_day: int | None

    def may_carry(self, force: Force) -> bool:
        if self.carries is not None and force.member not in self.carries:
            return False
        return not (self.mode == "air" and force.outsize and not self.outsize)


@dataclass(frozen=True)
class LegTime:
    transit_h: float
    cycle_h: float


@dataclass(frozen=True, eq=False)  # one object per leg: hashed by identity
class Leg:
    id: str
    from_: str
    to: str
    mode: str
    km: float
    fleets: dict[str, LegTime]


@dataclass(frozen=True)
class Depot:
    id: str
    place: str
    provides: frozenset[str]
    stock_t: float
    throughput_tpd: float


@dataclass(frozen=True)
class Member:
    code: str
    fair_share: float | None
    max_share: float | None
    opt_out: bool


@dataclass
class Inputs:
    name: str
    sha256: str
    c_day: str
    horizon_days: int
    period_hours: int
    members: dict[str, Member]
    places: dict[str, Place]
    sectors: dict[str, Sector]
    forces: dict[str, Force]
    fleets: dict[str, Fleet]
    depots: dict[str, Depot]
    legs: list[Leg]
    leg_by_id: dict[str, Leg] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.leg_by_id = {leg.id: leg for leg in self.legs}

    @property
    def periods(self) -> int:
        return self.horizon_days * 24 // self.period_hours

    def period_of_day(self, day: int) -> int:
        return day * 24 // self.period_hours

    def day_of_hour(self, hour: float) -> int:
        # exactly the checker's floor(arrive_h / 24): the plan's hours are these same floats
        return math.floor(hour / 24)


def inputs_from_resolved(resolved: dict[str, Any]) -> Inputs:
    sc = resolved["scenario"]
    return Inputs(
        name=sc["name"],
        sha256=sc["sha256"],
        c_day=str(sc["c_day"]),
        horizon_days=int(sc["horizon_days"]),
        period_hours=int(sc["period_hours"]),
        members={
            m["code"]: Member(m["code"], m.get("fair_share"), m.get("max_share"), m["opt_out"])
            for m in resolved["members"]
        },
        places={
            p["id"]: Place(
                p["id"], p["kind"], p["country"], p["lat"], p["lon"],
                p.get("throughput_tpd"), p.get("mog"), float(p.get("handling_h") or 0.0),
            )
            for p in resolved["places"]
        },
        sectors={
            s["id"]: Sector(
                s["id"],
                tuple(
                    Requirement(r["capability"], r["amount"], r["by_day"], r.get("weight", 1.0))
                    for r in s["requirements"]
                ),
            )
            for s in resolved["sectors"]
        },
        forces={
            f["id"]: Force(
                f["id"], f["member"], f["home"], int(f["personnel"]), float(f["cargo_t"]),
                bool(f["outsize"]), tuple(sorted(f["capability"].items())), f.get("sector"),
                tuple(sorted(f.get("needs") or ())), float(f.get("sustainment_tpd") or 0.0),
                f.get("activation_day"),
            )
            for f in resolved["forces"]
        },
        fleets={
            f["id"]: Fleet(
                f["id"], f["mode"], tuple(f["owners"]), int(f["count"]), float(f["payload_t"]),
                f.get("pax"), float(f["speed_kmh"]), bool(f.get("outsize")),
                float(f["load_h"]), float(f["unload_h"]), float(f["turnaround_h"]),
                frozenset(f["carries"]) if f.get("carries") is not None else None,
                f.get("activation_day"),
            )
            for f in resolved["fleets"]
        },
        depots={
            d["id"]: Depot(
                d["id"], d["place"], frozenset(d["provides"]), float(d["stock_t"]),
                float(d["throughput_tpd"]),
            )
            for d in resolved["depots"]
        },
        legs=[
            Leg(
                leg["id"], leg["from"], leg["to"], leg["mode"], float(leg["km"]),
                {k: LegTime(v["transit_h"], v["cycle_h"]) for k, v in leg["fleets"].items()},
            )
            for leg in resolved["legs"]
        ],
    )
