"""Realistic scenarios of a chosen size on the real Baltic network.

Forces are drawn from the built-in scenario's own force list (real unit types, homes,
readiness and needs), so a large benchmark is the Baltic scenario with more of the same
kinds of units; lift, depots and sector requirements grow in proportion to the tons, so the
problem stays as tight as the original instead of drowning in lift or starving.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from contracts.loader import load_scenario
from contracts.scenario import Force, Scenario

BASE = Path(__file__).resolve().parent.parent / "scenarios" / "baltic_article5.yaml"


@dataclass(frozen=True)
class Size:
    """A benchmark size: forces, days, the target seconds of issue 11 and the period."""
    name: str
    forces: int
    horizon_days: int
    time_limit_s: float  # the target: the planner runs its work budget, this is reported
    period_hours: int = 24


SIZES = {
    "S": Size("S", 50, 30, 20.0),
    "M": Size("M", 250, 60, 120.0),
    "L": Size("L", 1000, 90, 300.0),
    "XL": Size("XL", 5000, 120, 600.0, 12),
}


def generate(size: Size, seed: int = 7, base_file: Path = BASE) -> Scenario:
    """A synthetic scenario of `size`, grown from the Baltic one with a fixed seed."""
    base = load_scenario(base_file)
    rng = random.Random(seed)
    templates = sorted(base.forces, key=lambda f: f.id)
    forces: list[Force] = []
    for i in range(size.forces):
        t = rng.choice(templates)
        # readiness staggered over the horizon, the way NATO Force Model tiers follow one
        # another (10, 30, 60+ days), in whole days so identical units aggregate
        wave = rng.choice([0, 0, 1, 2]) * max(1, size.horizon_days // 6)
        forces.append(
            t.model_copy(update={
                "id": f"{t.id}-{i:04d}",
                "readiness_days": min(size.horizon_days - 1, t.readiness_days + wave),
                "sector": None,
            })
        )
    scale = sum(f.cargo_t for f in forces) / sum(f.cargo_t for f in base.forces)
    fleets = [
        fl.model_copy(update={"count": max(1, round(fl.count * scale))}) for fl in base.fleets
    ]
    depots = [
        d.model_copy(update={
            "stock_t": d.stock_t * scale * size.horizon_days / base.horizon_days,
            "throughput_tpd": d.throughput_tpd * scale,
        })
        for d in base.depots
    ]
    places = [
        p.model_copy(update={"throughput_tpd": p.throughput_tpd * scale})
        if p.throughput_tpd is not None else p
        for p in base.places
    ]
    sectors = [
        s.model_copy(update={
            "requirements": [
                r.model_copy(update={
                    "amount": r.amount * scale,
                    "by_day": min(size.horizon_days - 1, round(r.by_day * size.horizon_days
                                                                / base.horizon_days)),
                })
                for r in s.requirements
            ]
        })
        for s in base.sectors
    ]
    return base.model_copy(update={
        "name": f"{base.name} (benchmark {size.name}: {size.forces} forces, "
                f"{size.horizon_days} days)",
        "horizon_days": size.horizon_days,
        "period_hours": size.period_hours,
        "forces": forces,
        "fleets": fleets,
        "depots": depots,
        "places": places,
        "sectors": sectors,
    })
