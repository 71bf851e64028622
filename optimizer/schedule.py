"""What both planners (the MIP and the greedy baseline) hand to the plan writer: trips with
cargo by force, each force's sector, and supply by depot, sector, force and day."""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts.plan import Supply


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
