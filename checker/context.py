"""Shared ground for the rules: tolerances, :class:`Violation`, number formatting and
the indexed, read-only view of both documents (:class:`Ctx`).

Tolerances: tons compare with ``tol * max(1, |x|) + 1e-4`` t, hours with
``tol * max(1, |x|) + 1e-6`` h, readiness and KPI figures with ``1e-4`` relative.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

TONS_ABS = 1e-4  # absolute slack on tons
HOURS_ABS = 1e-6  # absolute slack on hours
REL = 1e-4  # relative tolerance on readiness, shares and KPI figures
MET_SHORTFALL = 0.01  # met: short by at most 1% of the requirement (docs/contracts.md, "Met")


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``where`` names the trip or row, ``message`` gives the numbers."""

    rule: str
    where: str
    message: str


def fmt(x: float | None) -> str:
    """Compact number for messages (no float noise, at most 6 significant decimals)."""
    if x is None:
        return "null"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


@dataclass
class Ctx:
    """Indexed view of both documents shared by the rule functions (read-only)."""

    resolved: Json
    plan: Json
    tol: float
    places: dict[str, Json]
    sectors: dict[str, Json]
    forces: dict[str, Json]
    fleets: dict[str, Json]
    depots: dict[str, Json]
    legs: dict[str, Json]
    members: dict[str, Json]
    trips: list[Json]
    plan_forces: dict[str, Json]  # first row per force id
    horizon_days: int
    horizon_h: float
    cache: dict[str, Any] = field(default_factory=dict)  # recomputations shared by rules

    def tslack(self, v: float) -> float:
        """Slack on a tons figure."""
        return self.tol * max(1.0, abs(v)) + TONS_ABS

    def hslack(self, v: float) -> float:
        """Slack on an hours figure."""
        return self.tol * max(1.0, abs(v)) + HOURS_ABS

    def trip_where(self, i: int) -> str:
        """How messages name trip ``i``: index, fleet and leg."""
        t = self.trips[i]
        return f"trips[{i}] {t['fleet']} {t['leg']}"

    def plan_sector(self, force_id: str) -> str | None:
        """The sector the plan puts a force in, None if unlisted or unplaced."""
        row = self.plan_forces.get(force_id)
        return None if row is None else row.get("sector")


def _index(items: Iterable[Json], key: str) -> dict[str, Json]:
    out: dict[str, Json] = {}
    for it in items:
        out.setdefault(it[key], it)
    return out


def make_context(resolved: Json, plan: Json, tol: float) -> Ctx:
    """Index both (already validated) documents for the rules."""
    horizon_days = int(resolved["scenario"]["horizon_days"])
    return Ctx(
        resolved=resolved,
        plan=plan,
        tol=tol,
        places=_index(resolved.get("places") or [], "id"),
        sectors=_index(resolved.get("sectors") or [], "id"),
        forces=_index(resolved.get("forces") or [], "id"),
        fleets=_index(resolved.get("fleets") or [], "id"),
        depots=_index(resolved.get("depots") or [], "id"),
        legs=_index(resolved.get("legs") or [], "id"),
        members=_index(resolved.get("members") or [], "code"),
        trips=list(plan.get("trips") or []),
        plan_forces=_index(plan.get("forces") or [], "force"),
        horizon_days=horizon_days,
        horizon_h=24.0 * horizon_days,
    )
