"""Which forces cannot reach their sector, and why.

A force reaches a sector when a chain of legs leads from its home to the sector node and each
leg has at least one fleet that may carry it: the right mode, in range (air), on its gauge
(rail), carrying the force's member (`carries`), and outsize-capable on air legs when the
force is outsize. When no chain exists, the rules are relaxed one at a time, in the order
range, carries, outsize, gauge, then cumulatively; the first relaxation that opens a chain is
what the user is told, phrased in terms of the legs it unblocked.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from contracts.network import Unreachable
from contracts.scenario import Fleet, Force
from geodata.legs import Leg

RELAXATIONS = ("range", "carries", "outsize", "gauge")


class Reachability:
    """Reachability over a fixed set of legs and active fleets, under optional relaxations."""

    def __init__(self, legs: list[Leg], fleets: list[Fleet]) -> None:
        self.out: dict[str, list[Leg]] = defaultdict(list)
        for leg in legs:
            self.out[leg.from_].append(leg)
        self.by_mode: dict[str, list[Fleet]] = defaultdict(list)
        for f in fleets:
            self.by_mode[f.mode].append(f)

    def carriers(self, leg: Leg, force: Force, relaxed: Iterable[str] = ()) -> list[Fleet]:
        """Fleets that may carry `force` on `leg`, ignoring the rules named in `relaxed`."""
        r = set(relaxed)
        out = []
        for f in self.by_mode[leg.mode]:
            if (
                "range" not in r and leg.mode == "air" and f.range_km is not None
                and f.range_km < leg.km
            ):
                continue
            if "gauge" not in r and leg.mode == "rail" and f.gauge_mm != leg.gauge_mm:
                continue
            if "carries" not in r and f.carries is not None and force.member not in f.carries:
                continue
            if "outsize" not in r and leg.mode == "air" and force.outsize and not f.outsize:
                continue
            out.append(f)
        return out

    def reach(self, home: str, force: Force, relaxed: Iterable[str] = ()) -> set[str]:
        r = tuple(relaxed)
        seen = {home}
        todo = deque([home])
        while todo:
            at = todo.popleft()
            for leg in self.out.get(at, []):
                if leg.to not in seen and self.carriers(leg, force, r):
                    seen.add(leg.to)
                    todo.append(leg.to)
        return seen

    def path(self, home: str, force: Force, targets: set[str],
             relaxed: tuple[str, ...]) -> list[Leg] | None:
        """Fewest-legs chain home -> a target under the relaxations, or None."""
        parent: dict[str, Leg | None] = {home: None}
        todo = deque([home])
        while todo:
            at = todo.popleft()
            if at in targets:
                chain: list[Leg] = []
                while (leg := parent[at]) is not None:
                    chain.append(leg)
                    at = leg.from_
                return chain[::-1]
            for leg in self.out.get(at, []):
                if leg.to not in parent and self.carriers(leg, force, relaxed):
                    parent[leg.to] = leg
                    todo.append(leg.to)
        return None

    def explain(self, home: str, force: Force, chain: list[Leg], base: tuple[str, ...],
                extra: str) -> list[str]:
        """What rule `extra` blocks on the chain, once `base` is relaxed: one clause per
        mode and origin, in the order the chain meets them."""
        blocked = [leg for leg in chain if not self.carriers(leg, force, base)]
        if extra == "range" and blocked:
            return [self._range_clause(home, force, base)]
        seen: set[tuple[str, str]] = set()
        out = []
        for leg in blocked:
            if (leg.mode, leg.from_) not in seen:
                seen.add((leg.mode, leg.from_))
                out.append(self._clause(force, leg, base, extra))
        return out[:3]

    def _range_clause(self, home: str, force: Force, base: tuple[str, ...]) -> str:
        # The shortest air leg that range alone blocks, out of anywhere the force can get to:
        # how far the aircraft fall short where they fall short least.
        inside = self.reach(home, force, base)
        options = [x for p in inside for x in self.out.get(p, []) if x.mode == "air"
                   and not self.carriers(x, force, base)
                   and self.carriers(x, force, (*base, "range"))]
        nearest = min(options, key=lambda x: (x.km, x.id))
        ranges = [f.range_km for f in self.carriers(nearest, force, (*base, "range"))
                  if f.range_km is not None]
        kind = "outsize fleet" if force.outsize and "outsize" not in base else "fleet"
        return (
            f"air legs from {nearest.from_} exceed the range of every {kind} that carries "
            f"{force.member} forces: nearest {nearest.km:,.0f} km vs "
            f"{max(ranges, default=0):,.0f} km range"
        )

    def _clause(self, force: Force, leg: Leg, base: tuple[str, ...],
                extra: str) -> str:
        at = leg.from_
        who = f"{force.member} forces"
        fleets = self.carriers(leg, force, (*base, extra))
        if extra == "carries":
            listed = ", ".join(
                f"{f.id} carries {'/'.join(f.carries or [])}" for f in fleets[:4]
            )
            return f"no {leg.mode} fleet serving legs from {at} carries {who} ({listed})"
        if extra == "outsize":
            names = ", ".join(f.id for f in fleets[:4])
            return (
                f"{force.id} has outsize cargo and no outsize aircraft serves air legs from "
                f"{at} (only {names})"
            )
        have = "/".join(str(g) for g in sorted({f.gauge_mm for f in fleets if f.gauge_mm}))
        return (
            f"rail legs from {at} are {leg.gauge_mm} mm and no {leg.gauge_mm} mm rail fleet "
            f"carries {who} (only {have or 'no'} mm)"
        )


def diagnose(
    forces: list[tuple[Force, int | None]],
    sector_ids: list[str],
    legs: list[Leg],
    fleets: list[Fleet],
    horizon_days: int,
) -> list[Unreachable]:
    """One Unreachable per active force that cannot get to its sector (or, without one, to
    any sector) within the network, or that activates after the horizon."""
    net = Reachability(legs, fleets)
    out: list[Unreachable] = []
    for force, activation_day in forces:
        if activation_day is None:
            continue  # opt-out member: takes no part, nothing to diagnose
        if activation_day >= horizon_days:
            out.append(Unreachable(force.id, (
                f"activates on day {activation_day} (decision delay + readiness), after the "
                f"{horizon_days}-day horizon (days 0-{horizon_days - 1})"
            )))
            continue
        targets = {force.sector} if force.sector is not None else set(sector_ids)
        reason = _why(net, force, targets)
        if reason:
            out.append(Unreachable(force.id, reason))
    return out


def _why(net: Reachability, force: Force, targets: set[str]) -> str | None:
    home = force.home
    where = next(iter(targets)) if len(targets) == 1 else "any sector"
    if net.reach(home, force) & targets:
        return None
    tries: list[tuple[str, ...]] = [(r,) for r in RELAXATIONS]
    tries += [RELAXATIONS[:k] for k in range(2, len(RELAXATIONS) + 1)]
    for relaxed in tries:
        chain = net.path(home, force, targets, relaxed)
        if chain is None:
            continue
        parts: list[str] = []
        for r in relaxed:
            others = tuple(x for x in relaxed if x != r)
            if net.reach(home, force, others) & targets:
                continue  # not needed once the others are relaxed
            parts += net.explain(home, force, chain, others, r)
        detail = "; and ".join(parts) or f"fleet limits ({', '.join(relaxed)})"
        return f"cannot reach {where} from {home}: {detail}"
    if not net.out.get(home):
        return f"no leg out of {home}"
    return (
        f"no chain of legs from {home} reaches {where}, whatever the fleets "
        f"(check the places and links between them)"
    )
