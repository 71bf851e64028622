"""Legs (one mode between two places) and which fleets may use them, with their times.

Times follow docs/contracts.md: transit_h = load_h + km / speed_kmh + unload_h (loading at
the origin to cargo available at the destination); cycle_h = load_h + 2 km / speed_kmh +
unload_h + turnaround_h (how long one vehicle is busy from departure).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from geodata.distance import LatLon
from mobilize.scenario import Fleet

# Where a leg's km came from, as written to resolved.json.
SOURCE_AIR = "great-circle"
SOURCE_SEA = "searoute"
SOURCE_RAIL = "rail corridors"
SOURCE_ROAD = "great-circle x road circuity"
SOURCE_LINK = "scenario link"


@dataclass(frozen=True)
class LegTime:
    transit_h: float
    cycle_h: float


@dataclass(frozen=True)
class Leg:
    id: str
    from_: str
    to: str
    mode: str
    km: float
    gauge_mm: int | None
    source: str
    path: list[LatLon] = field(compare=False)
    fleets: dict[str, LegTime] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        return (self.from_, self.to, self.mode, self.gauge_mm)


def leg_id(mode: str, gauge_mm: int | None, a: str, b: str) -> str:
    """"air:KDOV>ETAR", "rail1435:DEBRV>PLGDN": mode (with gauge for rail), then the ends."""
    return f"{mode}{gauge_mm if mode == 'rail' and gauge_mm else ''}:{a}>{b}"


def fleet_fits(fleet: Fleet, mode: str, km: float, gauge_mm: int | None) -> bool:
    """May this fleet run this leg: same mode, within range (air), on its gauge (rail)."""
    if fleet.mode != mode:
        return False
    if mode == "air" and fleet.range_km is not None and fleet.range_km < km:
        return False
    return not (mode == "rail" and fleet.gauge_mm != gauge_mm)


def leg_time(fleet: Fleet, km: float) -> LegTime:
    run = km / fleet.speed_kmh
    load, unload, turn = (fleet.hours(w) for w in ("load_h", "unload_h", "turnaround_h"))
    return LegTime(
        transit_h=_ceil2(load + run + unload),
        cycle_h=_ceil2(load + 2 * run + unload + turn),
    )


def with_fleets(leg: Leg, fleets: list[Fleet]) -> Leg:
    """The leg with its `fleets` filled in from the (active) fleets that may use it."""
    times = {f.id: leg_time(f, leg.km) for f in fleets if fleet_fits(f, leg.mode, leg.km,
                                                                        leg.gauge_mm)}
    return Leg(leg.id, leg.from_, leg.to, leg.mode, leg.km, leg.gauge_mm, leg.source, leg.path,
               times)


def _ceil2(hours: float) -> float:
    # Rounded up to 0.01 h, never down, so a plan using these times is never faster than
    # km / speed allows (the checker tests arrive - depart >= km / speed).
    return math.ceil(hours * 100 - 1e-6) / 100
