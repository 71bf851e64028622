"""What both planners (the MIP and the greedy baseline) hand to the plan writer: trips with
cargo by force, each force's sector, and supply by depot, sector, force and day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from contracts.plan import Plan, Supply


@dataclass
class Dispatch:
    """Vehicles of one fleet leaving together over one leg, with cargo by force: the
    optimizer's working form of what the plan writes as a contracts.plan.Trip."""
    fleet: str
    leg: str
    depart_h: float
    arrive_h: float
    return_h: float
    vehicles: int
    cargo: dict[str, float] = field(default_factory=dict)  # force id -> tons

    @property
    def tons(self) -> float:
        return sum(self.cargo.values())


@dataclass
class Schedule:
    """Trips, the sector each force goes to, and supply: what build_plan turns into a Plan."""
    trips: list[Dispatch]
    sectors: dict[str, str | None]  # force id -> sector (None: not sent anywhere)
    supply: list[Supply]  # as the plan writes them: the contract's own type


def schedule_from_plan(plan: Plan) -> Schedule:
    """A plan's trips, sectors and supply as the Schedule the planners hand the writer."""
    trips = []
    for t in plan.trips:
        cargo: dict[str, float] = defaultdict(float)
        for c in t.cargo:
            cargo[c.force] += c.tons
        trips.append(Dispatch(t.fleet, t.leg, t.depart_h, t.arrive_h, t.return_h, t.vehicles,
                          dict(cargo)))
    sectors = {f.force: f.sector for f in plan.forces}
    return Schedule(trips, sectors, list(plan.supply))
