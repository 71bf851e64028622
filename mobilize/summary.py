"""Tables a planner reads in the terminal: what the scenario resolved to, and what the plan did."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.met import is_met
from contracts.network import Network
from contracts.plan import Plan


def _fmt(x: float, digits: int = 0) -> str:
    """A number with thousands separators, to `digits` decimals."""
    return f"{x:,.{digits}f}"


def print_network_summary(console: Console, network: Network) -> None:
    """Members, lift, places and legs of the resolved network, and who cannot reach the ally."""
    sc = network.scenario
    console.print(
        f"[bold]{sc.name}[/bold]  ally {sc.ally}  C-day {sc.c_day}  "
        f"horizon {sc.horizon_days} days, {sc.period_hours} h periods"
    )
    forces = list(network.forces.values())
    tons: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for f in forces:
        tons[f.member] += f.cargo_t
        count[f.member] += 1
        people[f.member] += f.personnel
    t = Table(title="Members")
    for col in ("member", "decision (days)", "forces", "personnel", "cargo t", "fair share"):
        t.add_column(col, justify="right" if col != "member" else "left")
    for m in network.members.values():
        code = m.code
        name = f"{code} {m.name}" + (" (opts out)" if m.opt_out else "")
        fair = f"{m.fair_share:.1%}" if m.fair_share is not None else "-"
        t.add_row(name, str(m.decision_delay_days), str(count[code]),
                  _fmt(people[code]), _fmt(tons[code]), fair)
    t.add_row("[bold]total[/bold]", "", str(len(forces)), _fmt(sum(people.values())),
              _fmt(sum(tons.values())), "")
    console.print(t)

    lift: dict[str, list[float]] = defaultdict(list)
    legs_of: Counter[str] = Counter()
    for leg in network.legs:
        for fid, times in leg.fleets.items():
            fleet = network.fleets[fid]
            lift[fid].append(fleet.count * fleet.payload_t * 24.0 / times.cycle_h)
            legs_of[fid] += 1
    t = Table(title="Lift (tons a day the whole fleet moves, shortest to longest leg it flies)")
    for col in ("fleet", "mode", "owners", "count", "payload t", "legs", "t/day", "from day"):
        t.add_column(col, justify="left" if col in ("fleet", "mode", "owners") else "right")
    for fl in network.fleets.values():
        rates = lift.get(fl.id, [])
        rate = f"{_fmt(min(rates))}-{_fmt(max(rates))}" if rates else "no usable leg"
        day = "-" if fl.activation_day is None else str(fl.activation_day)
        t.add_row(fl.id, fl.mode, ",".join(fl.owners), str(fl.count),
                  _fmt(fl.payload_t, 1), str(legs_of[fl.id]), rate, day)
    console.print(t)

    kinds = Counter(p.kind for p in network.places.values())
    modes = Counter(leg.mode for leg in network.legs)
    console.print(
        "Places: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        + f" | sectors: {len(network.sectors)} | depots: {len(network.depots)}"
    )
    console.print(
        "Legs: " + ", ".join(f"{n} {m}" for m, n in sorted(modes.items()))
        + f" ({len(network.legs)} in all)"
    )
    geo = network.geography_notes
    if geo:
        counts = Counter(
            (n["action"], n["mode"], ",".join(n.get("territory") or [])) for n in geo
        )
        console.print(
            "Geography: " + "; ".join(
                f"{n} {mode} {action} ({where})"
                for (action, mode, where), n in sorted(counts.items()))
            + " (resolved.json geography_notes)"
        )
    if network.unreachable:
        t = Table(title="Cannot reach the ally", title_style="bold red")
        t.add_column("force")
        t.add_column("why")
        for u in network.unreachable:
            t.add_row(u.force, u.reason)
        console.print(t)
    else:
        console.print("Every active force has a route to a sector.")


def print_plan_summary(console: Console, plan: Plan, network: Network) -> None:
    """How the plan was found, closure by sector, lift use, burden sharing, what is short."""
    s = plan.solver
    gap = f"{100 * s.gap:.2f}%" if s.gap is not None else "-"
    console.print(
        f"[bold]Plan[/bold] ({s.planner}, {s.backend}"
        f"{', ' + s.method if s.method else ''}): status {s.status}, "
        f"objective {s.objective if s.objective is not None else '-'}, gap {gap}, "
        f"{s.seconds:.1f} s"
    )
    if s.bound is not None:
        console.print(f"Bound {s.bound:.2f}: {escape(s.bound_source or 'unknown source')}")
    if s.network_bound is not None and s.objective is not None:
        away = 100 * (s.objective - s.network_bound) / max(abs(s.objective), 1e-9)
        console.print(f"Bound for every plan the network allows {s.network_bound:.2f} "
                      f"({escape(s.network_bound_source or 'unknown source')}): "
                      f"the plan is within {away:.1f}% of the best any plan could be")
    _sector_table(console, plan)
    _lift_table(console, plan, network)
    _share_table(console, plan)
    if plan.unmet:
        t = Table(title="Still short on the last day", title_style="bold red")
        for col in ("sector", "capability", "delivered / required", "why"):
            t.add_column(col)
        for u in plan.unmet:
            t.add_row(u.sector, u.capability, f"{u.delivered:.2f} / {u.required:g}", u.reason)
        console.print(t)
    k = plan.kpis
    closure = "not within the horizon" if k.closure_day is None else f"C+{k.closure_day}"
    console.print(
        f"Readiness gap: {k.gap_days:,.1f} capability-point-days; every requirement met "
        f"from {closure}; {k.late_forces} forces late or not delivered."
    )


def _sector_table(console: Console, plan: Plan) -> None:
    by_sector: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    short: dict[str, set[int]] = defaultdict(set)
    for r in plan.readiness:
        by_sector[r.sector][r.day] += r.gap
        if not is_met(r.required, r.delivered):
            short[r.sector].add(r.day)
    t = Table(title="Closure by sector")
    for col in ("sector", "gap-days", "met from", "forces"):
        t.add_column(col, justify="left" if col == "sector" else "right")
    forces = Counter(f.sector for f in plan.forces if f.sector)
    for sector, days in sorted(by_sector.items()):
        open_days = sorted(short[sector])
        met = "C+0" if not open_days else (
            f"C+{max(open_days) + 1}" if max(open_days) + 1 < len(days) else "never"
        )
        t.add_row(sector, _fmt(sum(days.values()), 1), met, str(forces[sector]))
    console.print(t)


def _lift_table(console: Console, plan: Plan, network: Network) -> None:
    horizon_h = network.horizon_days * 24.0
    used: dict[str, float] = defaultdict(float)
    tons: dict[str, float] = defaultdict(float)
    trips: Counter[str] = Counter()
    for trip in plan.trips:
        used[trip.fleet] += trip.vehicles * (trip.return_h - trip.depart_h)
        tons[trip.fleet] += trip.tons
        trips[trip.fleet] += 1
    t = Table(title="Lift use")
    for col in ("fleet", "trips", "tons", "vehicle-hours used"):
        t.add_column(col, justify="left" if col == "fleet" else "right")
    for f in network.fleets.values():
        if f.activation_day is None:
            continue
        available = f.count * max(0.0, horizon_h - 24.0 * f.activation_day)
        share = used[f.id] / available if available else 0.0
        t.add_row(f.id, str(trips[f.id]), _fmt(tons[f.id]), f"{share:.0%}")
    console.print(t)


def _share_table(console: Console, plan: Plan) -> None:
    t = Table(title="Burden sharing (capability delivered by the end of the horizon)")
    for col in ("member", "share", "fair share", "difference"):
        t.add_column(col, justify="left" if col == "member" else "right")
    for m in plan.members:
        fair = m.fair_share
        diff = f"{m.share - fair:+.1%}" if fair is not None else "-"
        t.add_row(m.member, f"{m.share:.1%}", f"{fair:.1%}" if fair is not None else "-",
                  diff)
    console.print(t)
