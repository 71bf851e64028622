"""Readiness of a schedule as docs/contracts.md defines it: per force and day, the fraction of
its cargo in its sector, capped by the fraction of its sustainment supplied that day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from contracts.met import clean
from contracts.network import Network
from optimizer.schedule import Dispatch, Schedule


def arrived_by_day(net: Network, trips: list[Dispatch], sectors: dict[str, str | None]) -> dict[
    str, list[float]
]:
    """force -> cumulative tons in its sector by the end of each day of the horizon."""
    days = net.horizon_days
    daily: dict[str, list[float]] = defaultdict(lambda: [0.0] * days)
    for trip in trips:
        to = net.leg_by_id[trip.leg].to
        for force, tons in trip.cargo.items():
            if sectors.get(force) != to:
                continue
            # cargo available at hour h counts for the day that ends at or after h
            day = max(0, min(days - 1, _day_ending_at_or_after(trip.arrive_h)))
            daily[force][day] += tons
    out = {}
    for force, per_day in daily.items():
        total, cumulative = 0.0, []
        for tons in per_day:
            total += tons
            cumulative.append(total)
        out[force] = cumulative
    return out


def _day_ending_at_or_after(hour: float) -> int:
    whole = int(hour // 24)
    return whole - 1 if abs(hour - 24 * whole) < 1e-9 and whole > 0 else whole


ROUND_OFF = 1e-6  # of a force's cargo or sustainment: solver noise, not a shortfall


@dataclass(frozen=True)
class ReadinessRow:
    """A sector's capability on one day: required, delivered, gap and weight."""
    sector: str
    capability: str
    day: int
    required: float
    delivered: float
    gap: float
    weight: float
    by_day: int


def ready_fractions(net: Network, schedule: Schedule) -> dict[str, list[float]]:
    """force -> ready fraction on each day."""
    arrived = arrived_by_day(net, schedule.trips, schedule.sectors)
    supplied: dict[tuple[str, int], float] = defaultdict(float)
    for row in schedule.supply:
        supplied[(row.force, row.day)] += row.tons
    out = {}
    for fid, cumulative in arrived.items():
        force = net.forces[fid]
        fractions = []
        for day, tons in enumerate(cumulative):
            frac = min(1.0, tons / force.cargo_t)
            if force.sustainment_tpd > 0 and force.needs:  # needs nothing: nothing to cap
                frac = min(frac, supplied[(fid, day)] / force.sustainment_tpd)
            fractions.append(_snap(frac))
        out[fid] = fractions
    return out


def _snap(fraction: float) -> float:
    # the solver's tons come back as 0.99999998 of a force: that force is all there
    if abs(fraction - 1.0) < ROUND_OFF:
        return 1.0
    return 0.0 if abs(fraction) < ROUND_OFF else fraction


def readiness_rows(net: Network, schedule: Schedule) -> list[ReadinessRow]:
    """Readiness of every sector, capability and day from a schedule's arrivals and supply."""
    ready = ready_fractions(net, schedule)
    rows = []
    for sid, sector in sorted(net.sectors.items()):
        members = [f for f, s in schedule.sectors.items() if s == sid and f in ready]
        for req in sector.requirements:
            for day in range(net.horizon_days):
                delivered = clean(sum(
                    dict(net.forces[f].capability).get(req.capability, 0.0) * ready[f][day]
                    for f in members
                ))
                gap = clean(max(0.0, req.amount - delivered))
                rows.append(
                    ReadinessRow(
                        sid, req.capability, day, req.amount, delivered, gap, req.weight,
                        req.by_day,
                    )
                )
    return rows
