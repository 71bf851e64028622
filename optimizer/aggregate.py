"""Movement requirements: identical forces merged so the model moves tons, not units.

Forces that share member, home, size, readiness, needs, capability and assigned sector become
one requirement of n copies (the NRMO pattern): cargo moves as continuous tons on integer
sorties, and the plan is split back into forces in equal parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from contracts.network import DeploymentLine, Force, Network


@dataclass(frozen=True)
class Movement:
    """Identical forces moving together: one movement requirement of the model."""
    id: str
    forces: tuple[str, ...]  # the identical forces it stands for
    member: str
    home: str
    tons_each: float
    pax_each: int
    outsize: bool
    capability_each: tuple[tuple[str, float], ...]
    sector: str | None
    needs: tuple[str, ...]
    sustainment_tpd_each: float
    activation_day: int
    # what its forces' deployment lines ask of the route and dates (ids and priority aside)
    line: DeploymentLine = field(default_factory=DeploymentLine)

    @property
    def copies(self) -> int:
        return len(self.forces)

    @property
    def tons(self) -> float:
        return self.tons_each * self.copies

    @property
    def pax_per_ton(self) -> float:
        return self.pax_each / self.tons_each

    @property
    def points_per_ton(self) -> dict[str, float]:
        return {c: v / self.tons_each for c, v in self.capability_each}

    @property
    def sustainment_per_ton(self) -> float:
        """Tons of supply a day per ton of the force ready in its sector."""
        return self.sustainment_tpd_each / self.tons_each


def _key(f: Force) -> tuple[object, ...]:
    return (
        f.member, f.home, f.cargo_t, f.personnel, f.outsize, tuple(sorted(f.capability)),
        f.sector, tuple(sorted(f.needs)), f.sustainment_tpd, f.activation_day, _route_and_dates(f),
    )


def _route_and_dates(f: Force) -> DeploymentLine:
    """What of a force's deployment line binds the model: not its ids or priority."""
    return replace(f.line, uln=None, uic=None, unit_type=None, priority=None)


def movements(net: Network) -> list[Movement]:
    """Active forces grouped into movement requirements, in a stable order."""
    groups: dict[tuple[object, ...], list[Force]] = {}
    for f in sorted(net.forces.values(), key=lambda f: f.id):
        if f.activation_day is None or f.activation_day >= net.horizon_days:
            continue
        groups.setdefault(_key(f), []).append(f)
    out = []
    for group in groups.values():
        first = group[0]
        name = first.id if len(group) == 1 else f"{first.id}+{len(group) - 1}"
        assert first.activation_day is not None
        out.append(
            Movement(
                id=name,
                forces=tuple(f.id for f in group),
                member=first.member,
                home=first.home,
                tons_each=first.cargo_t,
                pax_each=first.personnel,
                outsize=first.outsize,
                capability_each=tuple(sorted(first.capability)),
                sector=first.sector,
                needs=tuple(sorted(first.needs)),
                sustainment_tpd_each=first.sustainment_tpd,
                activation_day=first.activation_day,
                line=_route_and_dates(first),
            )
        )
    return out
