"""Legs (one mode between two places) and which fleets may use them, with their times.

Times follow docs/contracts.md: transit_h = load_h + run + crossing_h + unload_h (loading at
the origin to cargo available at the destination); cycle_h = load_h + 2 (run + crossing_h) +
unload_h + turnaround_h (how long one vehicle is busy from departure). run is km / speed_kmh,
except for a road fleet with driving_h_per_day: then every full driving_h_per_day of driving
takes a whole day (rest in between), run = 24 floor(h / d) + (h mod d) for h = km / speed
(with a whole last day when h is an exact multiple: 24 (n - 1) + d). crossing_h is the hours
the leg spends on ferries and shuttles (boarding included), which speed does not cover.
"""

from __future__ import annotations

import math
from dataclasses import replace

from contracts.network import Leg, LegTime
from contracts.scenario import Fleet

__all__ = ["Leg", "LegTime", "driving_elapsed_h", "fleet_fits", "leg_id", "leg_time", "with_fleets"]

# Where a leg's km came from, as written to resolved.json.
SOURCE_AIR = "great-circle"
SOURCE_SEA = "searoute"
SOURCE_RAIL = "rail corridors"
SOURCE_ROAD = "road corridors"
SOURCE_LINK = "scenario link"


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


def driving_elapsed_h(drive_h: float, per_day: float | None) -> float:
    """Elapsed hours for drive_h hours at the wheel with at most per_day hours a day (each
    day 24 h from the start of its driving); drive_h itself when per_day is None."""
    if per_day is None or drive_h <= per_day:
        return drive_h
    full = math.floor(drive_h / per_day)
    rest = drive_h - full * per_day
    if rest <= 1e-9:
        return 24.0 * (full - 1) + per_day
    return 24.0 * full + rest


def leg_time(fleet: Fleet, km: float, crossing_h: float = 0.0) -> LegTime:
    """Transit and cycle hours of a fleet on a leg (formulas in the module docstring)."""
    run = driving_elapsed_h(km / fleet.speed_kmh, fleet.driving_h_per_day)
    load, unload, turn = (fleet.hours(w) for w in ("load_h", "unload_h", "turnaround_h"))
    return LegTime(
        transit_h=_ceil2(load + run + crossing_h + unload),
        cycle_h=_ceil2(load + 2 * (run + crossing_h) + unload + turn),
    )


def with_fleets(leg: Leg, fleets: list[Fleet]) -> Leg:
    """The leg with its `fleets` filled in from the (active) fleets that may use it."""
    times = {f.id: leg_time(f, leg.km, leg.crossing_h) for f in fleets
             if fleet_fits(f, leg.mode, leg.km, leg.gauge_mm)}
    return replace(leg, fleets=times)


def _ceil2(hours: float) -> float:
    # Rounded up to 0.01 h, never down, so a plan using these times is never faster than
    # km / speed allows (the checker tests arrive - depart >= km / speed).
    return math.ceil(hours * 100 - 1e-6) / 100
