"""Rules on what flows where: deliveries into sectors and closure hours, daily throughput
and MOG at places, and depot supply; plus the arrival recomputation the readiness rules
share."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import cast

from checker.context import Ctx, Json, Violation, fmt


def arrived_at_sector(ctx: Ctx) -> dict[str, list[tuple[float, float]]]:
    """force id -> sorted (arrive_h, tons) of its cargo arriving at its plan sector."""
    cached = ctx.cache.get("arrived")
    if cached is not None:
        return cast(dict[str, list[tuple[float, float]]], cached)
    out: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for t in ctx.trips:
        for c in t["cargo"]:
            if ctx.plan_sector(c["force"]) == t["to"]:
                out[c["force"]].append((t["arrive_h"], c["tons"]))
    for v in out.values():
        v.sort()
    ctx.cache["arrived"] = out
    return out


# docs/contracts.md: a force has closed once this share of its cargo is in its sector
CLOSED_SHARE = 0.99


def closure_hour(ctx: Ctx, force: Json, arr: list[tuple[float, float]]) -> float | None:
    """Hour 99% of the force's cargo_t is at its sector within the horizon, else None."""
    need = CLOSED_SHARE * force["cargo_t"]
    cum = 0.0
    for time, tons in arr:
        if time > ctx.horizon_h + ctx.hslack(ctx.horizon_h):
            break
        cum += tons
        if cum >= need - ctx.tslack(need):
            return float(time)
    return None


def rule_delivery(ctx: Ctx) -> list[Violation]:
    """Tons reach only the force's sector; assigned sectors respected; closure_h right."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        if t["to"] not in ctx.sectors:
            continue
        for c in t["cargo"]:
            if c["force"] not in ctx.forces:
                continue
            ps = ctx.plan_sector(c["force"])
            if ps != t["to"]:
                out.append(
                    Violation(
                        "delivery",
                        ctx.trip_where(i),
                        f"{fmt(c['tons'])} t of force {c['force']} arrive at sector {t['to']}, "
                        f"the plan puts the force in sector {ps or 'none'}",
                    )
                )
    arrived = arrived_at_sector(ctx)
    seen: set[str] = set()
    for i, row in enumerate(ctx.plan.get("forces") or []):
        fid = row["force"]
        w = f"forces[{i}] {fid}"
        force = ctx.forces.get(fid)
        if force is None:
            out.append(Violation("delivery", w, f"force {fid!r} is not in resolved.json forces"))
            continue
        if fid in seen:
            out.append(Violation("delivery", w, f"force {fid} is listed more than once"))
            continue
        seen.add(fid)
        if row.get("member") is not None and row["member"] != force["member"]:
            out.append(
                Violation("delivery", w, f"member {row['member']}, resolved has {force['member']}")
            )
        ps = row.get("sector")
        if ps is not None and ps not in ctx.sectors:
            out.append(Violation("delivery", w, f"sector {ps!r} is not in resolved.json sectors"))
        assigned = force.get("sector")
        if assigned is not None and ps is not None and ps != assigned:
            out.append(
                Violation("delivery", w, f"plan sector {ps}, the force is assigned to {assigned}")
            )
        got = row.get("closure_h")
        if force["cargo_t"] <= 0:
            continue  # nothing to deliver: any closure_h is accepted
        want = closure_hour(ctx, force, arrived.get(fid, [])) if ps is not None else None
        if (want is None) != (got is None) or (
            want is not None and got is not None and abs(got - want) > ctx.hslack(want)
        ):
            delivered = sum(tons for _, tons in arrived.get(fid, []))
            out.append(
                Violation(
                    "delivery",
                    w,
                    f"closure_h is {fmt(got)}, expected {fmt(want)} ({fmt(delivered)} of "
                    f"{fmt(force['cargo_t'])} t reach sector {ps or 'none'})",
                )
            )
    unlisted = sorted(
        ({c["force"] for t in ctx.trips for c in t["cargo"]} & set(ctx.forces))
        - set(ctx.plan_forces)
    )
    for fid in unlisted:
        out.append(Violation("delivery", f"force {fid}", "moves but is not in plan.forces"))
    return out


def rule_throughput(ctx: Ctx) -> list[Violation]:
    """Daily arrival tons per place and daily MOG vehicle-hours per airfield."""
    out: list[Violation] = []
    tons: dict[tuple[str, int], float] = defaultdict(float)
    mog_h: dict[tuple[str, int], float] = defaultdict(float)
    for t in ctx.trips:
        day = math.floor(t["arrive_h"] / 24.0)
        tons[(t["to"], day)] += t["tons"]
        fleet = ctx.fleets.get(t["fleet"])
        if t["mode"] == "air" and fleet is not None:
            # both ends hold a parking spot: loading where it leaves, unloading where it lands
            mog_h[(t["from"], math.floor(t["depart_h"] / 24.0))] += (
                t["vehicles"] * fleet["load_h"]
            )
            mog_h[(t["to"], day)] += t["vehicles"] * fleet["unload_h"]
    for (pid, day), v in sorted(tons.items()):
        place = ctx.places.get(pid)
        cap = None if place is None else place.get("throughput_tpd")
        share = _share_on(place, day)
        if cap is not None and v > cap * share + ctx.tslack(cap * share):
            out.append(
                Violation(
                    "throughput",
                    f"place {pid} day {day}",
                    f"{fmt(v)} t arrive, throughput_tpd is {fmt(cap)} t"
                    + (f" x {fmt(share)} (outage)" if share < 1.0 else ""),
                )
            )
    for (pid, day), v in sorted(mog_h.items()):
        place = ctx.places.get(pid)
        mog = None if place is None else place.get("mog")
        share = _share_on(place, day)
        if mog is not None and v > 24.0 * mog * share + ctx.hslack(24.0 * mog * share):
            out.append(
                Violation(
                    "throughput",
                    f"place {pid} day {day}",
                    f"{fmt(v)} aircraft-hours on the ground (loading and unloading), "
                    f"mog {fmt(mog)} x 24 h = {fmt(24.0 * mog)}"
                    + (f" x {fmt(share)} (outage)" if share < 1.0 else ""),
                )
            )
    return out


def _share_on(place: Json | None, day: int) -> float:
    """The share of its capacity a place has on a day: its outage's factor, else 1."""
    for o in (place or {}).get("outages") or []:
        if o["from_day"] <= day <= o["to_day"]:
            return float(o["factor"])
    return 1.0


def rule_outage(ctx: Ctx) -> list[Violation]:
    """No trip leaves a place on a day it is closed (outage factor 0), and none delivers to a
    place on a day it is closed."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        for end, hour, what in ((t["from"], t["depart_h"], "leaves"),
                                (t["to"], t["arrive_h"], "arrives at")):
            day = math.floor(hour / 24.0)
            if end in ctx.places and _share_on(ctx.places[end], day) == 0.0:
                out.append(Violation(
                    "outage", f"trip {i} ({t['leg']})",
                    f"{what} {end} on day {day}, when it is closed"))
    return out


def depot_serves(depot: Json | None, force: Json | None) -> bool:
    """Whether the depot exists and provides every need of the (known) force."""
    if depot is None or force is None:
        return False
    return set(force.get("needs") or []) <= set(depot.get("provides") or [])


def rule_depot(ctx: Ctx) -> list[Violation]:
    """Supply rows: known depot providing every need, throughput, stock, days, sector."""
    out: list[Violation] = []
    per_day: dict[tuple[str, int], float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    for i, row in enumerate(ctx.plan.get("supply") or []):
        w = f"supply[{i}] {row['depot']}>{row['force']} day {row['day']}"

        def bad(msg: str, w: str = w) -> None:
            out.append(Violation("depot", w, msg))

        depot = ctx.depots.get(row["depot"])
        force = ctx.forces.get(row["force"])
        if depot is None:
            bad(f"depot {row['depot']!r} is not in resolved.json depots")
        if force is None:
            bad(f"force {row['force']!r} is not in resolved.json forces")
        if depot is not None and force is not None and not depot_serves(depot, force):
            missing = sorted(set(force.get("needs") or []) - set(depot.get("provides") or []))
            bad(f"depot does not provide {', '.join(missing)} needed by {force['id']}")
        if depot is not None:
            place = ctx.places.get(depot["place"])
            if place is not None and place.get("closed"):
                bad(f"depot place {depot['place']} is closed")
        if row["tons"] < -ctx.tslack(row["tons"]):
            bad(f"tons is {fmt(row['tons'])}, must be >= 0")
        if not 0 <= row["ship_day"] <= row["day"]:
            bad(f"ship_day {row['ship_day']} must lie in 0..day ({row['day']})")
        if not 0 <= row["day"] < ctx.horizon_days:
            bad(f"day {row['day']} is outside the horizon 0..{ctx.horizon_days - 1}")
        if force is not None and ctx.plan_sector(force["id"]) != row["sector"]:
            bad(
                f"supplies sector {row['sector']}, the plan puts {force['id']} in "
                f"{ctx.plan_sector(force['id']) or 'no sector'}"
            )
        per_day[(row["depot"], row["ship_day"])] += row["tons"]
        total[row["depot"]] += row["tons"]
    for (did, day), v in sorted(per_day.items()):
        depot = ctx.depots.get(did)
        cap = None if depot is None else depot.get("throughput_tpd")
        if cap is not None and v > cap + ctx.tslack(cap):
            out.append(
                Violation(
                    "depot",
                    f"depot {did} ship_day {day}",
                    f"{fmt(v)} t shipped, throughput_tpd is {fmt(cap)} t",
                )
            )
    for did, v in sorted(total.items()):
        depot = ctx.depots.get(did)
        if depot is not None and v > depot["stock_t"] + ctx.tslack(depot["stock_t"]):
            out.append(
                Violation(
                    "depot",
                    f"depot {did}",
                    f"{fmt(v)} t shipped in total, stock_t is {fmt(depot['stock_t'])} t",
                )
            )
    return out
