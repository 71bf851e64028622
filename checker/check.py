"""Independent plan checker: re-verify ``plan.json`` against ``resolved.json``.

``mobilize check DIR`` reads ``DIR/resolved.json`` (the resolved scenario network) and
``DIR/plan.json`` (the optimizer's plan), both as fixed by ``docs/contracts.md``, and
re-verifies every rule of the contract with code that shares nothing with the optimizer:
standard library only (shapely and the shipped country outlines for the geography
rule), no import from ``optimizer``, ``geodata`` or ``contracts.scenario``,
so that a model bug cannot hide behind itself.

Each rule is one small function returning :class:`Violation` objects; :data:`RULES` lists
them in reporting order. Tolerances: tons compare with ``tol * max(1, |x|) + 1e-4`` t,
hours with ``tol * max(1, |x|) + 1e-6`` h, readiness and KPI figures with ``1e-4``
relative.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

__all__ = [
    "RULES",
    "CheckInputError",
    "Violation",
    "check_dir",
    "check_plan",
    "format_violations",
    "main",
]

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


class CheckInputError(ValueError):
    """resolved.json or plan.json is missing, not JSON, or not shaped as the contract says."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


# --------------------------------------------------------------------------- formatting


def _n(x: float | None) -> str:
    """Compact number for messages (no float noise, at most 6 significant decimals)."""
    if x is None:
        return "null"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- shape checks

# Field kinds: str, num, int, bool, list, dict; a trailing "?" means optional and
# nullable (missing reads as null). Only fields the checker reads are listed.
_RESOLVED_SPEC: dict[str, dict[str, str]] = {
    "members": {"code": "str", "fair_share": "num?", "max_share": "num?"},
    "places": {
        "id": "str",
        "throughput_tpd": "num?",
        "mog": "num?",
        "gauges_mm": "list?",
        "handling_h": "num?",
        "closed": "bool?",
    },
    "sectors": {"id": "str", "requirements": "list?"},
    "forces": {
        "id": "str",
        "member": "str",
        "home": "str",
        "personnel": "int",
        "cargo_t": "num",
        "outsize": "bool?",
        "capability": "dict?",
        "sector": "str?",
        "needs": "list?",
        "sustainment_tpd": "num?",
        "activation_day": "int?",
    },
    "fleets": {
        "id": "str",
        "mode": "str",
        "count": "int",
        "payload_t": "num",
        "pax": "num?",
        "speed_kmh": "num",
        "range_km": "num?",
        "outsize": "bool?",
        "gauge_mm": "int?",
        "load_h": "num",
        "unload_h": "num",
        "carries": "list?",
        "activation_day": "int?",
        "driving_h_per_day": "num?",
    },
    "depots": {
        "id": "str",
        "place": "str",
        "provides": "list?",
        "stock_t": "num",
        "throughput_tpd": "num?",
    },
    "legs": {
        "id": "str",
        "from": "str",
        "to": "str",
        "mode": "str",
        "km": "num",
        "gauge_mm": "int?",
        "fleets": "dict",
        "path": "list?",
        "via": "list?",
        "crossing_h": "num?",
    },
}
_REQUIREMENT_SPEC = {"capability": "str", "amount": "num", "by_day": "int", "weight": "num?"}
_LEG_FLEET_SPEC = {"transit_h": "num", "cycle_h": "num"}

_PLAN_SPEC: dict[str, dict[str, str]] = {
    "trips": {
        "fleet": "str",
        "mode": "str",
        "leg": "str",
        "from": "str",
        "to": "str",
        "depart_h": "num",
        "arrive_h": "num",
        "return_h": "num",
        "vehicles": "num",
        "tons": "num",
        "pax": "num?",
        "cargo": "list",
    },
    "forces": {
        "force": "str",
        "member": "str?",
        "sector": "str?",
        "ready_h": "num?",
        "closure_h": "num?",
    },
    "supply": {
        "depot": "str",
        "sector": "str",
        "force": "str",
        "day": "int",
        "ship_day": "int",
        "tons": "num",
    },
    "readiness": {
        "sector": "str",
        "capability": "str",
        "day": "int",
        "required": "num",
        "delivered": "num",
        "gap": "num",
    },
    "members": {"member": "str", "share": "num?", "fair_share": "num?"},
}
_CARGO_SPEC = {"force": "str", "tons": "num", "pax": "num?"}
_KPI_SPEC = {"gap_days": "num?", "closure_day": "int?", "late_forces": "int?"}


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _kind_ok(v: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(v, str)
    if kind == "num":
        return _is_num(v)
    if kind == "int":
        return _is_num(v) and float(v).is_integer()
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "list":
        return isinstance(v, list)
    return isinstance(v, dict)  # "dict"


def _check_obj(obj: Any, spec: dict[str, str], source: str, path: str) -> None:
    if not isinstance(obj, dict):
        raise CheckInputError(source, f"{path} must be an object, got {type(obj).__name__}")
    for key, kind in spec.items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        if key not in obj or obj[key] is None:
            if optional:
                continue
            raise CheckInputError(source, f"{path}.{key} is missing (expected {kind})")
        if not _kind_ok(obj[key], kind):
            raise CheckInputError(
                source, f"{path}.{key} must be {kind}, got {json.dumps(obj[key])[:60]}"
            )


def _check_list(doc: Json, key: str, source: str, required: bool) -> list[Any]:
    if key not in doc or doc[key] is None:
        if required:
            raise CheckInputError(source, f"top-level '{key}' is missing")
        return []
    val = doc[key]
    if not isinstance(val, list):
        raise CheckInputError(source, f"'{key}' must be a list")
    return val


def _validate(resolved: Any, plan: Any) -> None:
    """Raise :class:`CheckInputError` unless both documents have the contract's shape."""
    src = "resolved.json"
    if not isinstance(resolved, dict):
        raise CheckInputError(src, "top level must be a JSON object")
    _check_obj(
        resolved.get("scenario"),
        {"sha256": "str", "horizon_days": "int", "period_hours": "num?"},
        src,
        "scenario",
    )
    for key, spec in _RESOLVED_SPEC.items():
        for i, item in enumerate(_check_list(resolved, key, src, key != "depots")):
            _check_obj(item, spec, src, f"{key}[{i}]")
            if key == "sectors":
                for j, req in enumerate(item.get("requirements") or []):
                    _check_obj(req, _REQUIREMENT_SPEC, src, f"sectors[{i}].requirements[{j}]")
            if key == "legs":
                for fid, lf in item["fleets"].items():
                    _check_obj(lf, _LEG_FLEET_SPEC, src, f"legs[{i}].fleets.{fid}")
    src = "plan.json"
    if not isinstance(plan, dict):
        raise CheckInputError(src, "top level must be a JSON object")
    _check_obj(plan.get("scenario"), {"sha256": "str?"}, src, "scenario")
    for key, spec in _PLAN_SPEC.items():
        for i, item in enumerate(_check_list(plan, key, src, key == "trips")):
            _check_obj(item, spec, src, f"{key}[{i}]")
            if key == "trips":
                for j, c in enumerate(item["cargo"]):
                    _check_obj(c, _CARGO_SPEC, src, f"trips[{i}].cargo[{j}]")
    if plan.get("kpis") is not None:
        _check_obj(plan["kpis"], _KPI_SPEC, src, "kpis")
    if plan.get("period_hours") is not None and not _is_num(plan["period_hours"]):
        raise CheckInputError(src, "period_hours must be a number")


# --------------------------------------------------------------------------- context


@dataclass
class _Ctx:
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
        t = self.trips[i]
        return f"trips[{i}] {t['fleet']} {t['leg']}"

    def plan_sector(self, force_id: str) -> str | None:
        row = self.plan_forces.get(force_id)
        return None if row is None else row.get("sector")


def _index(items: Iterable[Json], key: str) -> dict[str, Json]:
    out: dict[str, Json] = {}
    for it in items:
        out.setdefault(it[key], it)
    return out


def _context(resolved: Json, plan: Json, tol: float) -> _Ctx:
    horizon_days = int(resolved["scenario"]["horizon_days"])
    return _Ctx(
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


# --------------------------------------------------------------------------- rules


def rule_plan_scenario(ctx: _Ctx) -> list[Violation]:
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
                f"plan period_hours {_n(got_ph)} differs from the scenario's {_n(want_ph)}",
            )
        )
    return out


def rule_trip_leg(ctx: _Ctx) -> list[Violation]:
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
            bad(f"leg is {_n(leg['km'])} km, fleet range is {_n(rng)} km")
    return out


def rule_trip_time(ctx: _Ctx) -> list[Violation]:
    """Durations respect speed, transit and cycle; the trip lies inside the horizon."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        w = ctx.trip_where(i)
        dep, arr, ret = t["depart_h"], t["arrive_h"], t["return_h"]
        dur = arr - dep
        if dep < -ctx.hslack(dep):
            out.append(Violation("trip-time", w, f"depart_h {_n(dep)} is before hour 0"))
        if arr > ctx.horizon_h + ctx.hslack(ctx.horizon_h):
            out.append(
                Violation(
                    "trip-time",
                    w,
                    f"arrive_h {_n(arr)} is after the horizon end (hour {_n(ctx.horizon_h)})",
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
                rules = f" driving at most {_n(per_day)} h a day" if per_day else ""
                ferry = f" plus {_n(ride)} h on ferries/shuttles" if ride else ""
                out.append(
                    Violation(
                        "trip-time",
                        w,
                        f"arrive_h - depart_h = {_n(dur)} h, but {_n(leg['km'])} km at "
                        f"{_n(fleet['speed_kmh'])} km/h{rules}{ferry} needs {_n(need)} h",
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
                    f"arrive_h - depart_h = {_n(dur)} h < transit_h {_n(lf['transit_h'])} h"
                    f" + handling_h {_n(handling)} h at {t['to']}",
                )
            )
        if ret - dep < lf["cycle_h"] - HOURS_ABS:
            out.append(
                Violation(
                    "trip-time",
                    w,
                    f"return_h - depart_h = {_n(ret - dep)} h < cycle_h {_n(lf['cycle_h'])} h",
                )
            )
    return out


def rule_trip_capacity(ctx: _Ctx) -> list[Violation]:
    """Vehicles, payload, pax and the cargo breakdown add up."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        w = ctx.trip_where(i)

        def bad(msg: str, w: str = w) -> None:
            out.append(Violation("trip-capacity", w, msg))

        veh = t["vehicles"]
        if not float(veh).is_integer() or veh < 1:
            bad(f"vehicles is {_n(veh)}, must be an integer >= 1")
        tons = t["tons"]
        pax = t.get("pax") or 0
        cargo_tons = sum(c["tons"] for c in t["cargo"])
        cargo_pax = sum(c.get("pax") or 0 for c in t["cargo"])
        if tons < -ctx.tslack(tons):
            bad(f"tons is {_n(tons)}, must be >= 0")
        for j, c in enumerate(t["cargo"]):
            if c["tons"] < -ctx.tslack(c["tons"]) or (c.get("pax") or 0) < 0:
                bad(f"cargo[{j}] ({c['force']}) has negative tons/pax")
        if abs(tons - cargo_tons) > ctx.tslack(tons):
            bad(f"tons {_n(tons)} != sum of cargo tons {_n(cargo_tons)}")
        if abs(pax - cargo_pax) > ctx.tslack(pax):
            bad(f"pax {_n(pax)} != sum of cargo pax {_n(cargo_pax)}")
        fleet = ctx.fleets.get(t["fleet"])
        if fleet is None:
            continue
        cap = veh * fleet["payload_t"]
        if tons > cap + ctx.tslack(cap):
            bad(f"tons {_n(tons)} > {_n(veh)} vehicles x {_n(fleet['payload_t'])} t = {_n(cap)} t")
        # docs/contracts.md: personnel ride with their cargo on a fleet with seats, in the
        # force's personnel-per-ton; on a cargo-only fleet (pax 0 or none) nobody rides
        seats = fleet.get("pax") or 0
        pcap = veh * seats
        if pax > pcap + ctx.tslack(pcap):
            bad(f"pax {_n(pax)} > {_n(veh)} vehicles x {_n(seats)} seats = {_n(pcap)}")
        for j, c in enumerate(t["cargo"]):
            force = ctx.forces.get(c["force"])
            if force is None or not seats or force["cargo_t"] <= 0:
                continue
            riding = c["tons"] * force["personnel"] / force["cargo_t"]
            if abs((c.get("pax") or 0) - riding) > ctx.tslack(riding):
                bad(f"cargo[{j}] ({c['force']}) pax {_n(c.get('pax') or 0)}, its tons carry "
                    f"{_n(riding)} personnel")
    return out


def rule_fleet_count(ctx: _Ctx) -> list[Violation]:
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
        f"fleet {fid} from hour {_n(start)}",
        f"{_n(peak)} vehicles busy at once (trips {shown}{more}), fleet count is {count}",
    )


def rule_activation(ctx: _Ctx) -> list[Violation]:
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
                        f"departs at hour {_n(dep)}, fleet {fleet['id']} activates on day "
                        f"{fleet['activation_day']} (hour {_n(start)})",
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
                        f"force {force['id']} departs at hour {_n(dep)}, activates on day "
                        f"{force['activation_day']} (hour {_n(start)})",
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
                    f"ready_h is {_n(got)}, activation_day {_n(act)} gives {_n(want)}",
                )
            )
    return out


def rule_carries(ctx: _Ctx) -> list[Violation]:
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


def rule_outsize(ctx: _Ctx) -> list[Violation]:
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
                        f"{_n(c['tons'])} t of outsize force {force['id']} on fleet "
                        f"{fleet['id']}, which is not outsize-capable",
                    )
                )
    return out


def rule_gauge(ctx: _Ctx) -> list[Violation]:
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


def rule_continuity(ctx: _Ctx) -> list[Violation]:
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
                        f"by hour {_n(time)} {_n(cum_dep)} t of force {fid} left its home "
                        f"{pid}, cargo_t is {_n(force['cargo_t'])} t"
                        + (f" plus {_n(cum_arr - initial)} t arrived" if cum_arr > initial else "")
                    )
                else:
                    msg = (
                        f"by hour {_n(time)} {_n(cum_dep)} t of force {fid} left {pid}, "
                        f"only {_n(cum_arr)} t had arrived there by then"
                    )
                out.append(Violation("continuity", ctx.trip_where(trip), msg))
                break  # first shortfall per (force, place) is enough
    return out


def _arrived_at_sector(ctx: _Ctx) -> dict[str, list[tuple[float, float]]]:
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


def _closure(ctx: _Ctx, force: Json, arr: list[tuple[float, float]]) -> float | None:
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


def rule_delivery(ctx: _Ctx) -> list[Violation]:
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
                        f"{_n(c['tons'])} t of force {c['force']} arrive at sector {t['to']}, "
                        f"the plan puts the force in sector {ps or 'none'}",
                    )
                )
    arrived = _arrived_at_sector(ctx)
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
        want = _closure(ctx, force, arrived.get(fid, [])) if ps is not None else None
        if (want is None) != (got is None) or (
            want is not None and got is not None and abs(got - want) > ctx.hslack(want)
        ):
            delivered = sum(tons for _, tons in arrived.get(fid, []))
            out.append(
                Violation(
                    "delivery",
                    w,
                    f"closure_h is {_n(got)}, expected {_n(want)} ({_n(delivered)} of "
                    f"{_n(force['cargo_t'])} t reach sector {ps or 'none'})",
                )
            )
    unlisted = sorted(
        ({c["force"] for t in ctx.trips for c in t["cargo"]} & set(ctx.forces))
        - set(ctx.plan_forces)
    )
    for fid in unlisted:
        out.append(Violation("delivery", f"force {fid}", "moves but is not in plan.forces"))
    return out


def rule_throughput(ctx: _Ctx) -> list[Violation]:
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
        if cap is not None and v > cap + ctx.tslack(cap):
            out.append(
                Violation(
                    "throughput",
                    f"place {pid} day {day}",
                    f"{_n(v)} t arrive, throughput_tpd is {_n(cap)} t",
                )
            )
    for (pid, day), v in sorted(mog_h.items()):
        place = ctx.places.get(pid)
        mog = None if place is None else place.get("mog")
        if mog is not None and v > 24.0 * mog + ctx.hslack(24.0 * mog):
            out.append(
                Violation(
                    "throughput",
                    f"place {pid} day {day}",
                    f"{_n(v)} aircraft-hours on the ground (loading and unloading), "
                    f"mog {_n(mog)} x 24 h = {_n(24.0 * mog)}",
                )
            )
    return out


def _depot_serves(depot: Json | None, force: Json | None) -> bool:
    if depot is None or force is None:
        return False
    return set(force.get("needs") or []) <= set(depot.get("provides") or [])


def rule_depot(ctx: _Ctx) -> list[Violation]:
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
        if depot is not None and force is not None and not _depot_serves(depot, force):
            missing = sorted(set(force.get("needs") or []) - set(depot.get("provides") or []))
            bad(f"depot does not provide {', '.join(missing)} needed by {force['id']}")
        if depot is not None:
            place = ctx.places.get(depot["place"])
            if place is not None and place.get("closed"):
                bad(f"depot place {depot['place']} is closed")
        if row["tons"] < -ctx.tslack(row["tons"]):
            bad(f"tons is {_n(row['tons'])}, must be >= 0")
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
                    f"{_n(v)} t shipped, throughput_tpd is {_n(cap)} t",
                )
            )
    for did, v in sorted(total.items()):
        depot = ctx.depots.get(did)
        if depot is not None and v > depot["stock_t"] + ctx.tslack(depot["stock_t"]):
            out.append(
                Violation(
                    "depot",
                    f"depot {did}",
                    f"{_n(v)} t shipped in total, stock_t is {_n(depot['stock_t'])} t",
                )
            )
    return out


@dataclass(frozen=True)
class _Requirement:
    amount: float
    weight: float
    by_day: int


def _requirements(ctx: _Ctx) -> dict[tuple[str, str], _Requirement]:
    """(sector, capability) -> requirement; repeated capabilities in a sector add up."""
    out: dict[tuple[str, str], _Requirement] = {}
    for sid, sector in ctx.sectors.items():
        for req in sector.get("requirements") or []:
            key = (sid, req["capability"])
            w = 1.0 if req.get("weight") is None else float(req["weight"])
            prev = out.get(key)
            if prev is None:
                out[key] = _Requirement(float(req["amount"]), w, int(req["by_day"]))
            else:
                out[key] = _Requirement(
                    prev.amount + req["amount"],
                    max(prev.weight, w),
                    max(prev.by_day, req["by_day"]),
                )
    return out


def _arrived_fraction(force: Json, arr: list[tuple[float, float]], hour: float) -> float:
    """Fraction of the force's cargo_t at its sector by ``hour`` (1 if it has no cargo)."""
    if force["cargo_t"] <= 0:
        return 1.0
    got = sum(tons for time, tons in arr if time <= hour + HOURS_ABS)
    return min(1.0, max(0.0, got / force["cargo_t"]))


def _daily_fractions(ctx: _Ctx) -> dict[str, list[float]]:
    """force id -> per horizon day: min(arrived fraction by hour 24(d+1), supply fraction).

    Only forces that take part and have a plan sector; supply counts only rows to the
    force's plan sector from a depot providing all its needs.
    """
    supplied: dict[tuple[str, int], float] = defaultdict(float)
    for row in ctx.plan.get("supply") or []:
        force = ctx.forces.get(row["force"])
        if (
            _depot_serves(ctx.depots.get(row["depot"]), force)
            and ctx.plan_sector(row["force"]) == row["sector"]
        ):
            supplied[(row["force"], int(row["day"]))] += row["tons"]
    arrived = _arrived_at_sector(ctx)
    out: dict[str, list[float]] = {}
    for fid, force in ctx.forces.items():
        if force.get("activation_day") is None or ctx.plan_sector(fid) is None:
            continue
        arr = arrived.get(fid, [])
        need = force.get("sustainment_tpd") or 0.0
        sustained = bool(force.get("needs")) and need > 0
        fracs: list[float] = []
        got, k = 0.0, 0
        for day in range(ctx.horizon_days):
            while k < len(arr) and arr[k][0] <= 24.0 * (day + 1) + HOURS_ABS:
                got += arr[k][1]
                k += 1
            frac = 1.0 if force["cargo_t"] <= 0 else min(1.0, max(0.0, got / force["cargo_t"]))
            if sustained:
                frac = min(frac, max(0.0, supplied.get((fid, day), 0.0) / need))
            fracs.append(frac)
        out[fid] = fracs
    return out


def _readiness(ctx: _Ctx) -> dict[tuple[str, str, int], tuple[float, float]]:
    """(sector, capability, day) -> (required, delivered) recomputed from trips/supply."""
    cached = ctx.cache.get("readiness")
    if cached is not None:
        return cast(dict[tuple[str, str, int], tuple[float, float]], cached)
    fractions = _daily_fractions(ctx)
    in_sector: dict[str, list[str]] = defaultdict(list)
    for fid in fractions:
        in_sector[str(ctx.plan_sector(fid))].append(fid)
    out: dict[tuple[str, str, int], tuple[float, float]] = {}
    for (sid, cap), req in _requirements(ctx).items():
        contributors = [
            (points, fractions[fid])
            for fid in in_sector.get(sid, [])
            if (points := (ctx.forces[fid].get("capability") or {}).get(cap, 0.0))
        ]
        for day in range(ctx.horizon_days):
            delivered = sum(points * fracs[day] for points, fracs in contributors)
            out[(sid, cap, day)] = (req.amount, delivered)
    ctx.cache["readiness"] = out
    return out


def _close(got: float, want: float) -> bool:
    return abs(got - want) <= REL * max(1.0, abs(want))


def rule_readiness(ctx: _Ctx) -> list[Violation]:
    """Every (sector, capability, day) row present once, with recomputed figures."""
    out: list[Violation] = []
    want = _readiness(ctx)
    seen: set[tuple[str, str, int]] = set()
    for i, row in enumerate(ctx.plan.get("readiness") or []):
        key = (row["sector"], row["capability"], int(row["day"]))
        w = f"readiness[{i}] {key[0]}/{key[1]}/day {key[2]}"
        if key not in want:
            out.append(
                Violation("readiness", w, "no such requirement and horizon day in resolved.json")
            )
            continue
        if key in seen:
            out.append(Violation("readiness", w, "row appears more than once"))
            continue
        seen.add(key)
        required, delivered = want[key]
        gap = max(0.0, required - delivered)
        for name, exp in (("required", required), ("delivered", delivered), ("gap", gap)):
            if not _close(row[name], exp):
                out.append(
                    Violation("readiness", w, f"{name} is {_n(row[name])}, recomputed {_n(exp)}")
                )
    missing = sorted(set(want) - seen)
    for sid, cap, day in missing[:20]:
        out.append(Violation("readiness", f"{sid}/{cap}/day {day}", "row is missing"))
    if len(missing) > 20:
        out.append(
            Violation("readiness", "readiness", f"{len(missing) - 20} more rows are missing")
        )
    return out


def _kpis(ctx: _Ctx) -> tuple[float, tuple[int | None, int | None], int]:
    """Recomputed (gap_days, (earliest, latest) closure_day, late_forces).

    A requirement is met on a day when it is short by at most MET_SHORTFALL of itself
    (docs/contracts.md, "Met"). The plan's figures carry round-off, so a shortfall within
    REL of that line may be judged either way: closure_day is right anywhere between the
    closure of the lenient reading and that of the strict one.
    """
    reqs = _requirements(ctx)
    ready = _readiness(ctx)
    gap_days = 0.0
    surely_short: set[int] = set()
    maybe_short: set[int] = set()
    for (sid, cap, day), (required, delivered) in ready.items():
        gap = max(0.0, required - delivered)
        # readiness rows are daily: each covers one day
        gap_days += reqs[(sid, cap)].weight * gap * 1.0
        line, slack = MET_SHORTFALL * required, REL * max(1.0, required)
        if required - delivered > line + slack:
            surely_short.add(day)
        if required - delivered > line - slack:
            maybe_short.add(day)
    closure_range = (_closure_day(surely_short, ctx.horizon_days),
                     _closure_day(maybe_short, ctx.horizon_days))
    arrived = _arrived_at_sector(ctx)
    late = 0
    for fid, force in ctx.forces.items():
        if force.get("activation_day") is None:
            continue
        ps = ctx.plan_sector(fid)
        if ps is None:
            late += 1
            continue
        closure = 0.0 if force["cargo_t"] <= 0 else _closure(ctx, force, arrived.get(fid, []))
        if closure is None:
            late += 1
            continue
        by_days = [
            r.by_day
            for (sid, cap), r in reqs.items()
            if sid == ps and (force.get("capability") or {}).get(cap)
        ]
        if by_days and closure > 24.0 * (max(by_days) + 1) + ctx.hslack(closure):
            late += 1
    return gap_days, closure_range, late


def _closure_day(short_days: set[int], horizon_days: int) -> int | None:
    """The day from which no requirement is short again; None if the last day is short."""
    if not short_days:
        return 0
    return max(short_days) + 1 if max(short_days) + 1 < horizon_days else None


def rule_kpis(ctx: _Ctx) -> list[Violation]:
    """gap_days, closure_day and late_forces match their recomputation."""
    out: list[Violation] = []
    kpis = ctx.plan.get("kpis")
    if kpis is None:
        return [Violation("kpis", "kpis", "plan.json has no kpis")]
    gap_days, (earliest, latest), late = _kpis(ctx)
    got = kpis.get("gap_days")
    if got is None or not _close(got, gap_days):
        out.append(Violation("kpis", "kpis.gap_days", f"is {_n(got)}, recomputed {_n(gap_days)}"))
    never = ctx.horizon_days  # a closure_day of None sorts after every day

    def rank(day: Any) -> int:
        return never if day is None else int(day)

    got_closure = kpis.get("closure_day")
    if not (
        (got_closure is None or isinstance(got_closure, int))
        and rank(earliest) <= rank(got_closure) <= rank(latest)
    ):
        want = _n(earliest) if earliest == latest else f"{_n(earliest)} to {_n(latest)}"
        out.append(
            Violation("kpis", "kpis.closure_day", f"is {_n(got_closure)}, recomputed {want}")
        )
    if kpis.get("late_forces") != late:
        out.append(
            Violation(
                "kpis",
                "kpis.late_forces",
                f"is {_n(kpis.get('late_forces'))}, recomputed {late}",
            )
        )
    return out


def _shares(ctx: _Ctx) -> dict[str, float]:
    """member -> share of all capability points delivered by the end of the horizon."""
    arrived = _arrived_at_sector(ctx)
    points: dict[str, float] = defaultdict(float)
    for fid, force in ctx.forces.items():
        if force.get("activation_day") is None or ctx.plan_sector(fid) is None:
            continue
        frac = _arrived_fraction(force, arrived.get(fid, []), ctx.horizon_h)
        points[force["member"]] += sum((force.get("capability") or {}).values()) * frac
    total = sum(points.values())
    return {m: (points.get(m, 0.0) / total if total > 0 else 0.0) for m in ctx.members}


def rule_shares(ctx: _Ctx) -> list[Violation]:
    """members[].share recomputed; share <= max_share where given; fair_share echoed."""
    out: list[Violation] = []
    want = _shares(ctx)
    total_zero = not any(want.values())
    listed: set[str] = set()
    for i, row in enumerate(ctx.plan.get("members") or []):
        code = row["member"]
        w = f"members[{i}] {code}"
        member = ctx.members.get(code)
        if member is None:
            out.append(Violation("shares", w, f"member {code!r} is not in resolved.json members"))
            continue
        if code in listed:
            out.append(Violation("shares", w, "member is listed more than once"))
            continue
        listed.add(code)
        got = row.get("share")
        if got is None and total_zero:
            pass  # nothing delivered at all: a null share is as good as 0
        elif got is None or abs(got - want[code]) > REL:
            out.append(Violation("shares", w, f"share is {_n(got)}, recomputed {_n(want[code])}"))
        fair = member.get("fair_share")
        pfair = row.get("fair_share")
        if (fair is None) != (pfair is None) or (
            fair is not None and pfair is not None and abs(fair - pfair) > REL
        ):
            out.append(
                Violation("shares", w, f"fair_share is {_n(pfair)}, resolved has {_n(fair)}")
            )
    for code, share in sorted(want.items()):
        member = ctx.members[code]
        if share > REL and code not in listed:
            out.append(Violation("shares", f"member {code}", f"share {_n(share)} but not listed"))
        cap = member.get("max_share")
        if cap is not None and share > cap + ctx.tol:
            out.append(
                Violation(
                    "shares",
                    f"member {code}",
                    f"delivers share {_n(share)} of capability points, max_share is {_n(cap)}",
                )
            )
    return out


# Geography: what rule_geography tolerates (the shipped outlines are 1:50m, good to a few
# hundred metres): inside a closed country for at most INSIDE_KM, over water for pieces of at
# most WATER_KM, water within END_KM of a leg's ends (ports on the coast), and water within
# VIA_KM of a named crossing the leg lists in `via`.
GEO_INSIDE_KM = 0.5
GEO_WATER_KM = 3.0
GEO_END_KM = 5.0
GEO_VIA_KM = 10.0
_KM_PER_DEG = 111.0


def _outlines() -> dict[str, Any]:
    """ISO alpha-2 code -> shapely geometry, read from the shipped countries.geojson."""
    from shapely.geometry import shape  # checker reads the file itself: no geodata import

    f = Path(__file__).resolve().parent.parent / "geodata" / "data" / "countries.geojson"
    doc = json.loads(f.read_text(encoding="utf-8"))
    return {
        ft["properties"]["iso_a2"]: shape(ft["geometry"])
        for ft in doc["features"]
        if ft["properties"].get("iso_a2")
    }


def _geo_km(geom: Any) -> float:
    """Length in km of a (multi)line in lon/lat degrees, by the haversine on its segments."""
    if geom.is_empty:
        return 0.0
    total = 0.0
    for ln in getattr(geom, "geoms", [geom]):
        xy = list(getattr(ln, "coords", []))
        for (x1, y1), (x2, y2) in zip(xy, xy[1:], strict=False):
            p1, p2 = math.radians(y1), math.radians(y2)
            h = (math.sin((p2 - p1) / 2) ** 2
                 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(x2 - x1) / 2) ** 2)
            total += 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
    return total


def rule_geography(ctx: _Ctx) -> list[Violation]:
    """Legs the plan uses keep out of forbidden territory (surface) and closed airspace (air),
    and road/rail legs cross open water only on a named crossing they list in `via`."""
    geo = ctx.resolved.get("geography") or {}
    forbidden = set(geo.get("forbidden_territory") or [])
    airspace = set(geo.get("closed_airspace") or [])
    used = sorted({t["leg"] for t in ctx.trips if t["leg"] in ctx.legs})
    surface = [lid for lid in used if ctx.legs[lid]["mode"] in ("road", "rail")]
    if not used or not (forbidden or airspace or surface):
        return []
    from shapely.geometry import LineString, Point

    shapes = ctx.cache.get("outlines")
    if shapes is None:
        shapes = ctx.cache["outlines"] = _outlines()
    out: list[Violation] = []
    for lid in used:
        leg = ctx.legs[lid]
        pts = leg.get("path") or []
        if len(pts) < 2:
            continue
        line = LineString([(p[1], p[0]) for p in pts])
        closed = airspace if leg["mode"] == "air" else (
            forbidden if leg["mode"] in ("road", "rail") else set())
        for code in sorted(closed):
            geom = shapes.get(code)
            if geom is None or not geom.intersects(line):
                continue
            km = _geo_km(line.intersection(geom))
            if km > GEO_INSIDE_KM:
                what = "airspace" if leg["mode"] == "air" else "territory"
                out.append(Violation("geography", f"leg {lid}",
                                     f"{leg['mode']} path runs {_n(round(km, 1))} km inside "
                                     f"closed {what} of {code}"))
        if leg["mode"] not in ("road", "rail"):
            continue
        wet = line
        for g in shapes.values():  # one outline at a time: cheaper than their union
            if not wet.is_empty and g.intersects(wet):
                wet = wet.difference(g)
        ends = Point(pts[0][1], pts[0][0]).buffer(GEO_END_KM / _KM_PER_DEG).union(
            Point(pts[-1][1], pts[-1][0]).buffer(GEO_END_KM / _KM_PER_DEG))
        wet = wet.difference(ends)
        for v in leg.get("via") or []:
            vp = v.get("path") or []
            if len(vp) >= 2:
                zone = LineString([(p[1], p[0]) for p in vp]).buffer(GEO_VIA_KM / _KM_PER_DEG)
                wet = wet.difference(zone)
        pieces = [g for g in getattr(wet, "geoms", [wet]) if _geo_km(g) > GEO_WATER_KM]
        if pieces:
            x, y = list(pieces[0].coords)[0]
            out.append(Violation("geography", f"leg {lid}",
                                 f"{leg['mode']} path crosses {_n(round(_geo_km(pieces[0]), 1))}"
                                 f" km of open water near ({_n(round(y, 2))}, "
                                 f"{_n(round(x, 2))}) outside any named ferry or fixed link"))
    return out


RULES: dict[str, Callable[[_Ctx], list[Violation]]] = {
    "plan-scenario": rule_plan_scenario,
    "trip-leg": rule_trip_leg,
    "trip-time": rule_trip_time,
    "trip-capacity": rule_trip_capacity,
    "fleet-count": rule_fleet_count,
    "activation": rule_activation,
    "carries": rule_carries,
    "outsize": rule_outsize,
    "gauge": rule_gauge,
    "continuity": rule_continuity,
    "delivery": rule_delivery,
    "throughput": rule_throughput,
    "depot": rule_depot,
    "readiness": rule_readiness,
    "kpis": rule_kpis,
    "shares": rule_shares,
    "geography": rule_geography,
}


# --------------------------------------------------------------------------- entry points


def check_plan(resolved: Json, plan: Json, tol: float = 1e-6) -> list[Violation]:
    """All violations of ``plan`` against ``resolved``, in :data:`RULES` order.

    Raises :class:`CheckInputError` when either document lacks a field the contract
    requires or has one of the wrong type.
    """
    _validate(resolved, plan)
    ctx = _context(resolved, plan, tol)
    out: list[Violation] = []
    for fn in RULES.values():
        out.extend(fn(ctx))
    return out


def _load(path: Path) -> Json:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CheckInputError(str(path), "file not found") from None
    except OSError as e:
        raise CheckInputError(str(path), f"cannot read: {e}") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise CheckInputError(str(path), f"invalid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise CheckInputError(str(path), "top level must be a JSON object")
    return doc


def check_dir(out_dir: Path, tol: float = 1e-6) -> list[Violation]:
    """Check ``out_dir/plan.json`` against ``out_dir/resolved.json``."""
    out_dir = Path(out_dir)
    resolved = _load(out_dir / "resolved.json")
    plan = _load(out_dir / "plan.json")
    try:
        return check_plan(resolved, plan, tol)
    except CheckInputError as e:
        raise CheckInputError(str(out_dir / e.source), e.message) from e


def format_violations(vs: list[Violation]) -> str:
    """One line per violation grouped by rule (in RULES order), then a count."""
    if not vs:
        return "plan OK: 0 violations"
    order = {name: k for k, name in enumerate(RULES)}
    groups: dict[str, list[Violation]] = defaultdict(list)
    for v in vs:
        groups[v.rule].append(v)
    lines: list[str] = []
    for rule in sorted(groups, key=lambda r: (order.get(r, len(order)), r)):
        for v in groups[rule]:
            lines.append(f"[{rule}] {v.where}: {v.message}")
    summary = ", ".join(
        f"{r} {len(groups[r])}" for r in sorted(groups, key=lambda r: order.get(r, len(order)))
    )
    n = len(vs)
    lines.append(f"{n} violation{'s' if n != 1 else ''} ({summary})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m checker DIR``: print the report; exit 0 if clean, 1 if not,
    2 on unreadable input."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m checker DIR", file=sys.stderr)
        return 2
    try:
        vs = check_dir(Path(args[0]))
    except CheckInputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_violations(vs))
    return 1 if vs else 0


if __name__ == "__main__":
    raise SystemExit(main())
