"""Rules on single trips and vehicles: scenario identity, legs, timing, capacity, fleet
counts, activation, who a fleet carries, outsize cargo, rail gauge and the continuity of
force tons from place to place."""

from __future__ import annotations

import math
from collections import defaultdict

from checker.context import HOURS_ABS, TONS_ABS, Ctx, Violation, fmt


def rule_plan_scenario(ctx: Ctx) -> list[Violation]:
    """plan.scenario.sha256 (and period_hours) match the resolved scenario."""
    out: list[Violation] = []
    want = ctx.resolved["scenario"]["sha256"]
    got = (ctx.plan.get("scenario") or {}).get("sha256")
    if got != want:
        out.append(
            Violation(
                "plan-scenario",
                "scenario.sha256",
                f"plan was made for scenario sha256 {got!r}, resolved.json is {want!r}",
            )
        )
    want_ph = ctx.resolved["scenario"].get("period_hours")
    got_ph = ctx.plan.get("period_hours")
    if want_ph is not None and got_ph is not None and got_ph != want_ph:
        out.append(
            Violation(
                "plan-scenario",
                "period_hours",
                f"plan period_hours {fmt(got_ph)} differs from the scenario's {fmt(want_ph)}",
            )
        )
    return out


def rule_trip_leg(ctx: Ctx) -> list[Violation]:
    """The leg exists and matches the trip; the fleet may use it and takes part."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        w = ctx.trip_where(i)

        def bad(msg: str, w: str = w) -> None:
            out.append(Violation("trip-leg", w, msg))

        leg = ctx.legs.get(t["leg"])
        fleet = ctx.fleets.get(t["fleet"])
        if leg is None:
            bad(f"leg {t['leg']!r} is not in resolved.json legs")
        else:
            for key in ("from", "to", "mode"):
                if t[key] != leg[key]:
                    bad(f"trip {key} {t[key]!r} but leg {leg['id']} has {key} {leg[key]!r}")
        if fleet is None:
            bad(f"fleet {t['fleet']!r} is not in resolved.json fleets")
            continue
        if t["mode"] != fleet["mode"]:
            bad(f"trip mode {t['mode']!r} but fleet {fleet['id']} is {fleet['mode']!r}")
        if fleet.get("activation_day") is None:
            bad(f"fleet {fleet['id']} takes no part (activation_day null) but makes a trip")
        if leg is None:
            continue
        if fleet["id"] not in leg["fleets"]:
            allowed = ", ".join(sorted(leg["fleets"])) or "none"
            bad(f"fleet {fleet['id']} may not use leg {leg['id']} (allowed: {allowed})")
        if fleet["mode"] != leg["mode"]:
            bad(f"fleet {fleet['id']} is {fleet['mode']!r}, leg {leg['id']} is {leg['mode']!r}")
        rng = fleet.get("range_km")
        if leg["mode"] == "air" and rng is not None and leg["km"] > rng + ctx.hslack(rng):
            bad(f"leg is {fmt(leg['km'])} km, fleet range is {fmt(rng)} km")
    return out


def rule_trip_time(ctx: Ctx) -> list[Violation]:
    """Durations respect speed, transit and cycle; the trip lies inside the horizon."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        w = ctx.trip_where(i)
        dep, arr, ret = t["depart_h"], t["arrive_h"], t["return_h"]
        dur = arr - dep
        if dep < -ctx.hslack(dep):
            out.append(Violation("trip-time", w, f"depart_h {fmt(dep)} is before hour 0"))
        if arr > ctx.horizon_h + ctx.hslack(ctx.horizon_h):
            out.append(
                Violation(
                    "trip-time",
                    w,
                    f"arrive_h {fmt(arr)} is after the horizon end (hour {fmt(ctx.horizon_h)})",
                )
            )
        leg = ctx.legs.get(t["leg"])
        fleet = ctx.fleets.get(t["fleet"])
        if leg is not None and fleet is not None and fleet["speed_kmh"] > 0:
            fly = leg["km"] / fleet["speed_kmh"]
            # driving-time rule: at most driving_h_per_day at the wheel in any 24 h, so every
            # full day's driving before the last costs a whole day
            per_day = fleet.get("driving_h_per_day")
            wheel = fly
            if per_day and fly > per_day:
                days = math.ceil(fly / per_day - 1e-9)
                wheel = 24.0 * (days - 1) + (fly - per_day * (days - 1))
            ride = leg.get("crossing_h") or 0.0  # ferries and shuttles: not driven
            need = wheel + ride
            if dur < need - ctx.hslack(need):
                rules = f" driving at most {fmt(per_day)} h a day" if per_day else ""
                ferry = f" plus {fmt(ride)} h on ferries/shuttles" if ride else ""
                out.append(
                    Violation(
                        "trip-time",
                        w,
                        f"arrive_h - depart_h = {fmt(dur)} h, but {fmt(leg['km'])} km at "
                        f"{fmt(fleet['speed_kmh'])} km/h{rules}{ferry} needs {fmt(need)} h",
                    )
                )
        lf = None if leg is None else leg["fleets"].get(t["fleet"])
        if lf is None:
            continue
        # cargo is available at arrive_h: transit plus the destination's handling time
        to_place = ctx.places.get(t["to"]) or {}
        handling = to_place.get("handling_h") or 0.0
        if dur < lf["transit_h"] + handling - HOURS_ABS:
            out.append(
                Violation(
                    "trip-time",
                    w,
                    f"arrive_h - depart_h = {fmt(dur)} h < transit_h {fmt(lf['transit_h'])} h"
                    f" + handling_h {fmt(handling)} h at {t['to']}",
                )
            )
        if ret - dep < lf["cycle_h"] - HOURS_ABS:
            out.append(
                Violation(
                    "trip-time",
                    w,
                    f"return_h - depart_h = {fmt(ret - dep)} h < cycle_h {fmt(lf['cycle_h'])} h",
                )
            )
    return out


def rule_trip_capacity(ctx: Ctx) -> list[Violation]:
    """Vehicles, payload, pax and the cargo breakdown add up."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        w = ctx.trip_where(i)

        def bad(msg: str, w: str = w) -> None:
            out.append(Violation("trip-capacity", w, msg))

        veh = t["vehicles"]
        if not float(veh).is_integer() or veh < 1:
            bad(f"vehicles is {fmt(veh)}, must be an integer >= 1")
        tons = t["tons"]
        pax = t.get("pax") or 0
        cargo_tons = sum(c["tons"] for c in t["cargo"])
        cargo_pax = sum(c.get("pax") or 0 for c in t["cargo"])
        if tons < -ctx.tslack(tons):
            bad(f"tons is {fmt(tons)}, must be >= 0")
        for j, c in enumerate(t["cargo"]):
            if c["tons"] < -ctx.tslack(c["tons"]) or (c.get("pax") or 0) < 0:
                bad(f"cargo[{j}] ({c['force']}) has negative tons/pax")
        if abs(tons - cargo_tons) > ctx.tslack(tons):
            bad(f"tons {fmt(tons)} != sum of cargo tons {fmt(cargo_tons)}")
        if abs(pax - cargo_pax) > ctx.tslack(pax):
            bad(f"pax {fmt(pax)} != sum of cargo pax {fmt(cargo_pax)}")
        fleet = ctx.fleets.get(t["fleet"])
        if fleet is None:
            continue
        cap = veh * fleet["payload_t"]
        if tons > cap + ctx.tslack(cap):
            bad(f"tons {fmt(tons)} > {fmt(veh)} vehicles x {fmt(fleet['payload_t'])} t "
                f"= {fmt(cap)} t")
        # docs/contracts.md: personnel ride with their cargo on a fleet with seats, in the
        # force's personnel-per-ton; on a cargo-only fleet (pax 0 or none) nobody rides
        seats = fleet.get("pax") or 0
        pcap = veh * seats
        if pax > pcap + ctx.tslack(pcap):
            bad(f"pax {fmt(pax)} > {fmt(veh)} vehicles x {fmt(seats)} seats = {fmt(pcap)}")
        for j, c in enumerate(t["cargo"]):
            force = ctx.forces.get(c["force"])
            if force is None or not seats or force["cargo_t"] <= 0:
                continue
            riding = c["tons"] * force["personnel"] / force["cargo_t"]
            if abs((c.get("pax") or 0) - riding) > ctx.tslack(riding):
                bad(f"cargo[{j}] ({c['force']}) pax {fmt(c.get('pax') or 0)}, its tons carry "
                    f"{fmt(riding)} personnel")
    return out


def rule_fleet_count(ctx: Ctx) -> list[Violation]:
    """At no instant are more vehicles of a fleet busy than it has (event sweep)."""
    out: list[Violation] = []
    events: dict[str, list[tuple[float, int, float, int]]] = defaultdict(list)
    for i, t in enumerate(ctx.trips):
        # Busy over [depart_h, return_h): a release sorts before a departure at the same
        # instant (kind 0 < 1); returns get HOURS_ABS of slack against float noise.
        events[t["fleet"]].append((t["depart_h"], 1, t["vehicles"], i))
        events[t["fleet"]].append((t["return_h"] - HOURS_ABS, 0, -t["vehicles"], i))
    for fid, evs in sorted(events.items()):
        fleet = ctx.fleets.get(fid)
        if fleet is None:
            continue
        count = fleet["count"]
        evs.sort(key=lambda e: (e[0], e[1]))
        busy = 0.0
        active: set[int] = set()  # trips in the air now
        # current over-count episode: start hour, peak vehicles, trips involved
        ep_start, ep_peak, ep_trips = 0.0, 0.0, set[int]()
        in_episode = False
        for time, kind, delta, idx in evs:
            busy += delta
            if kind == 1:
                active.add(idx)
            else:
                active.discard(idx)
            if busy > count + 1e-9:
                if not in_episode:
                    in_episode = True
                    ep_start, ep_peak, ep_trips = time, busy, set(active)
                else:
                    ep_peak = max(ep_peak, busy)
                    if kind == 1:
                        ep_trips.add(idx)
            elif in_episode and kind == 0:
                out.append(_fleet_episode(fid, count, ep_start, ep_peak, ep_trips))
                in_episode = False
        if in_episode:
            out.append(_fleet_episode(fid, count, ep_start, ep_peak, ep_trips))
    return out


def _fleet_episode(fid: str, count: int, start: float, peak: float, trips: set[int]) -> Violation:
    shown = ", ".join(str(i) for i in sorted(trips)[:8])
    more = "" if len(trips) <= 8 else f", ... {len(trips)} in all"
    return Violation(
        "fleet-count",
        f"fleet {fid} from hour {fmt(start)}",
        f"{fmt(peak)} vehicles busy at once (trips {shown}{more}), fleet count is {count}",
    )


def rule_activation(ctx: Ctx) -> list[Violation]:
    """Nothing moves before its fleet's or force's activation; opt-out forces never move."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        w = ctx.trip_where(i)
        dep = t["depart_h"]
        fleet = ctx.fleets.get(t["fleet"])
        if fleet is not None and fleet.get("activation_day") is not None:
            start = 24.0 * fleet["activation_day"]
            if dep < start - ctx.hslack(start):
                out.append(
                    Violation(
                        "activation",
                        w,
                        f"departs at hour {fmt(dep)}, fleet {fleet['id']} activates on day "
                        f"{fleet['activation_day']} (hour {fmt(start)})",
                    )
                )
        for c in t["cargo"]:
            force = ctx.forces.get(c["force"])
            if force is None:
                continue
            if force.get("activation_day") is None:
                out.append(
                    Violation(
                        "activation",
                        w,
                        f"carries force {force['id']}, which takes no part (activation_day null)",
                    )
                )
                continue
            start = 24.0 * force["activation_day"]
            if dep < start - ctx.hslack(start):
                out.append(
                    Violation(
                        "activation",
                        w,
                        f"force {force['id']} departs at hour {fmt(dep)}, activates on day "
                        f"{force['activation_day']} (hour {fmt(start)})",
                    )
                )
    for i, row in enumerate(ctx.plan.get("forces") or []):
        force = ctx.forces.get(row["force"])
        if force is None:
            continue
        act = force.get("activation_day")
        want = None if act is None else 24.0 * act
        got = row.get("ready_h")
        if (want is None) != (got is None) or (
            want is not None and got is not None and abs(got - want) > ctx.hslack(want)
        ):
            out.append(
                Violation(
                    "activation",
                    f"forces[{i}] {row['force']}",
                    f"ready_h is {fmt(got)}, activation_day {fmt(act)} gives {fmt(want)}",
                )
            )
    return out


def rule_carries(ctx: Ctx) -> list[Violation]:
    """Every force in a trip's cargo is known and its member is in fleet.carries."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        fleet = ctx.fleets.get(t["fleet"])
        carries = None if fleet is None else fleet.get("carries")
        for c in t["cargo"]:
            force = ctx.forces.get(c["force"])
            if force is None:
                out.append(
                    Violation(
                        "carries",
                        ctx.trip_where(i),
                        f"cargo force {c['force']!r} is not in resolved.json forces",
                    )
                )
            elif carries is not None and force["member"] not in carries:
                out.append(
                    Violation(
                        "carries",
                        ctx.trip_where(i),
                        f"force {force['id']} of {force['member']} aboard, fleet carries only "
                        f"{', '.join(carries) or 'nobody'}",
                    )
                )
    return out


def rule_outsize(ctx: Ctx) -> list[Violation]:
    """An outsize force's tons fly only on outsize-capable aircraft."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        fleet = ctx.fleets.get(t["fleet"])
        if t["mode"] != "air" or fleet is None or fleet.get("outsize"):
            continue
        for c in t["cargo"]:
            force = ctx.forces.get(c["force"])
            if force is not None and force.get("outsize") and c["tons"] > TONS_ABS:
                out.append(
                    Violation(
                        "outsize",
                        ctx.trip_where(i),
                        f"{fmt(c['tons'])} t of outsize force {force['id']} on fleet "
                        f"{fleet['id']}, which is not outsize-capable",
                    )
                )
    return out


def rule_gauge(ctx: Ctx) -> list[Violation]:
    """Rail trips run only on the fleet's gauge."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        fleet = ctx.fleets.get(t["fleet"])
        if t["mode"] != "rail" or fleet is None:
            continue
        w = ctx.trip_where(i)
        g = fleet.get("gauge_mm")
        if g is None:
            out.append(Violation("gauge", w, f"rail fleet {fleet['id']} has no gauge_mm"))
            continue
        leg = ctx.legs.get(t["leg"])
        if leg is not None and leg.get("gauge_mm") is not None and leg["gauge_mm"] != g:
            out.append(
                Violation("gauge", w, f"fleet gauge {g} mm on a leg of gauge {leg['gauge_mm']} mm")
            )
        for end in ("from", "to"):
            place = ctx.places.get(t[end])
            served = [] if place is None else place.get("gauges_mm") or []
            if served and g not in served:
                out.append(
                    Violation(
                        "gauge",
                        w,
                        f"fleet gauge {g} mm at {t[end]}, which serves "
                        f"{', '.join(str(x) for x in served)} mm",
                    )
                )
    return out


def rule_continuity(ctx: Ctx) -> list[Violation]:
    """Force tons leave a place only after arriving (arrive_h includes handling); no closed
    places."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        for end, verb in (("from", "departs"), ("to", "arrives at")):
            place = ctx.places.get(t[end])
            if place is not None and place.get("closed"):
                out.append(
                    Violation("continuity", ctx.trip_where(i), f"{verb} closed place {t[end]}")
                )
    # (force, place) -> (available_h, tons) arrivals and (depart_h, tons, trip) departures
    arrivals: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    departures: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for i, t in enumerate(ctx.trips):
        for c in t["cargo"]:
            arrivals[(c["force"], t["to"])].append((t["arrive_h"], c["tons"]))
            departures[(c["force"], t["from"])].append((t["depart_h"], c["tons"], i))
    for (fid, pid), deps in sorted(departures.items()):
        force = ctx.forces.get(fid)
        if force is None:
            continue  # reported by `carries`
        initial = force["cargo_t"] if pid == force["home"] else 0.0
        arrs = sorted(arrivals.get((fid, pid), []))
        deps.sort()
        cum_arr, cum_dep, a = initial, 0.0, 0
        k = 0
        while k < len(deps):
            time = deps[k][0]
            while k < len(deps) and deps[k][0] <= time:
                cum_dep += deps[k][1]
                k += 1
            while a < len(arrs) and arrs[a][0] <= time + HOURS_ABS:
                cum_arr += arrs[a][1]
                a += 1
            if cum_dep > cum_arr + ctx.tslack(cum_dep):
                trip = deps[k - 1][2]
                if pid == force["home"]:
                    msg = (
                        f"by hour {fmt(time)} {fmt(cum_dep)} t of force {fid} left its home "
                        f"{pid}, cargo_t is {fmt(force['cargo_t'])} t"
                        + (f" plus {fmt(cum_arr - initial)} t arrived" if cum_arr > initial else "")
                    )
                else:
                    msg = (
                        f"by hour {fmt(time)} {fmt(cum_dep)} t of force {fid} left {pid}, "
                        f"only {fmt(cum_arr)} t had arrived there by then"
                    )
                out.append(Violation("continuity", ctx.trip_where(trip), msg))
                break  # first shortfall per (force, place) is enough
    return out
