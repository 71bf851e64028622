"""Tiny resolved networks, small enough to work out the optimum by hand.

They are written as resolved.json dicts (docs/contracts.md) so model tests do not depend on
geodata; `leg()` computes transit and cycle hours by the contract's formulas.
"""

from __future__ import annotations

import copy
from typing import Any


def place(pid: str, kind: str = "airfield", **extra: Any) -> dict[str, Any]:
    """A resolved.json place at 54N 24E (Lithuania) unless lat/lon are given."""
    base = {"id": pid, "name": pid, "kind": kind, "country": "LT", "lat": 54.0, "lon": 24.0,
            "source": "test", "throughput_tpd": None, "mog": None, "gauges_mm": [],
            "handling_h": 0.0, "closed": False}
    base.update(extra)
    return base


def fleet(fid: str, mode: str, count: int, payload_t: float, speed_kmh: float, **extra: Any
          ) -> dict[str, Any]:
    """A resolved.json fleet: an hour each to load, unload and turn around unless given."""
    base = {"id": fid, "name": fid, "mode": mode, "owners": ["US"], "count": count,
            "payload_t": payload_t, "pax": None, "speed_kmh": speed_kmh, "range_km": None,
            "outsize": False, "gauge_mm": None, "load_h": 1.0, "unload_h": 1.0,
            "turnaround_h": 1.0, "carries": None, "activation_day": 0}
    base.update(extra)
    return base


def force(fid: str, home: str, cargo_t: float, capability: dict[str, float], **extra: Any
          ) -> dict[str, Any]:
    """A resolved.json force, active from day 0 unless given."""
    base = {"id": fid, "name": fid, "member": "US", "home": home, "personnel": 0,
            "cargo_t": cargo_t, "outsize": False, "capability": capability,
            "readiness_days": 0, "sector": None, "needs": [], "sustainment_tpd": 0.0,
            "activation_day": 0}
    base.update(extra)
    return base


def leg(frm: str, to: str, mode: str, km: float, fleets: list[dict[str, Any]],
        gauge_mm: int | None = None) -> dict[str, Any]:
    """A resolved.json leg with transit and cycle hours by the contract's formulas."""
    times = {}
    for f in fleets:
        run = km / f["speed_kmh"]
        times[f["id"]] = {
            "transit_h": f["load_h"] + run + f["unload_h"],
            "cycle_h": f["load_h"] + 2 * run + f["unload_h"] + f["turnaround_h"],
        }
    return {"id": f"{mode}:{frm}>{to}", "from": frm, "to": to, "mode": mode, "km": km,
            "gauge_mm": gauge_mm, "source": "test", "path": [[54.0, 24.0], [54.1, 24.1]],
            "fleets": times}


def sector(sid: str, requirements: list[dict[str, Any]]) -> dict[str, Any]:
    """A resolved.json sector with its requirements."""
    return {"id": sid, "name": sid, "lat": 54.5, "lon": 24.5, "radius_km": 30, "polygon": None,
            "requirements": [{"weight": 1.0, **r} for r in requirements]}


def resolved(
    places: list[dict[str, Any]], sectors: list[dict[str, Any]], forces: list[dict[str, Any]],
    fleets: list[dict[str, Any]], legs: list[dict[str, Any]], horizon_days: int = 6,
    depots: list[dict[str, Any]] | None = None, members: list[dict[str, Any]] | None = None,
    period_hours: int = 24,
) -> dict[str, Any]:
    """A whole resolved.json document from the pieces above."""
    return copy.deepcopy({
        "scenario": {"name": "tiny", "file": "tiny.yaml", "sha256": "0" * 64,
                     "c_day": "2027-03-01", "horizon_days": horizon_days,
                     "period_hours": period_hours, "ally": "LT"},
        "members": members or [
            {"code": "US", "name": "US", "decision_delay_days": 0, "fair_share": 0.6,
             "max_share": None, "opt_out": False},
            {"code": "LT", "name": "LT", "decision_delay_days": 0, "fair_share": 0.4,
             "max_share": None, "opt_out": False},
        ],
        "places": places, "sectors": sectors, "forces": forces, "fleets": fleets,
        "depots": depots or [], "legs": legs, "unreachable": [],
    })


def one_force_one_fleet() -> dict[str, Any]:
    """100 t flown H->A (800 km at 800 km/h: 3 h transit, 5 h cycle, so 4 round trips a day
    for one 50 t aircraft), trucked A->S (100 km at 50 km/h, 8 h transit, 5 trucks of 20 t).
    Day 0: fly all 100 t; day 1: truck it; in the sector by the end of day 1.
    Optimum: gap 1 on day 0 only -> 1 gap-day."""
    c17 = fleet("c17", "air", 1, 50.0, 800.0)
    truck = fleet("truck", "road", 10, 20.0, 50.0, load_h=4.0, unload_h=2.0, turnaround_h=4.0)
    return resolved(
        places=[place("H", "base"), place("A")],
        sectors=[sector("S", [{"capability": "armor", "amount": 1, "by_day": 3}])],
        forces=[force("bde", "H", 100.0, {"armor": 1})],
        fleets=[c17, truck],
        legs=[leg("H", "A", "air", 800.0, [c17]), leg("A", "S", "road", 100.0, [truck])],
    )


def airfield_outage(factor: float, from_day: int, to_day: int,
                    throughput_tpd: float | None = None) -> dict[str, Any]:
    """one_force_one_fleet with the transfer airfield A out of action or degraded for some
    days. Closed (factor 0) on days 0-1: the flights may not land before day 2 (51-66 h), the
    trucks leave at 72 h and arrive at 80 h: gap on days 0-2 -> 3 gap-days. At half of a
    100 t/day throughput on days 0-5: 50 t land on day 0 and 50 t on day 1, trucked on to
    arrive at 32 h and 56 h: gap 1 on day 0 and 0.5 on day 1 -> 1.5 gap-days."""
    doc = one_force_one_fleet()
    a = next(p for p in doc["places"] if p["id"] == "A")
    a["throughput_tpd"] = throughput_tpd
    a["outages"] = [{"from_day": from_day, "to_day": to_day, "factor": factor, "reason": "test"}]
    return doc


def deployment_line(**line: Any) -> dict[str, Any]:
    """one_force_one_fleet over 8 days, with a second airfield B (H->B 800 km, B->S 100 km,
    the same as through A) and the force's TPFDD line set to `line`. With ead_day 5 the
    flights may not land before day 5: they leave at 120 h and land by 138 h, the trucks
    arrive at 152 h (day 6): gap on days 0-5 -> 6 gap-days. With pod B every flight lands at
    B, at no cost (1 gap-day, as through A). With activation_day 1 and lad_day 0 the force
    cannot debark by its LAD: it lands on day 1, and the plan says the LAD was missed."""
    doc = one_force_one_fleet()
    doc["scenario"]["horizon_days"] = 8
    doc["places"].append(place("B"))
    c17 = next(f for f in doc["fleets"] if f["id"] == "c17")
    truck = next(f for f in doc["fleets"] if f["id"] == "truck")
    doc["legs"] += [leg("H", "B", "air", 800.0, [c17]), leg("B", "S", "road", 100.0, [truck])]
    force_doc = doc["forces"][0]
    force_doc["activation_day"] = line.pop("activation_day", 0)
    force_doc["line"] = {"mode": "any", **line}
    return doc


def two_forces_one_aircraft() -> dict[str, Any]:
    """One aircraft flies 8,000 km at 800 km/h: 12 h transit (arrives the day it leaves), 26 h
    cycle, so it can leave on day 0 and again on day 2. Force A (armor 2) and B (armor 1),
    50 t each, both ready on day 0; the sector needs armor 3.
    A first: gaps 1, 1, 0, 0 -> 2 gap-days.  B first: 2, 2, 0, 0 -> 4.  Optimum: 2."""
    c17 = fleet("c17", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    return resolved(
        places=[place("H", "base")],
        sectors=[sector("S", [{"capability": "armor", "amount": 3, "by_day": 10}])],
        forces=[force("a", "H", 50.0, {"armor": 2}), force("b", "H", 50.0, {"armor": 1})],
        fleets=[c17],
        legs=[leg("H", "S", "air", 8000.0, [c17])],
        horizon_days=4,
    )


def a_long_wait_for_one_aircraft() -> dict[str, Any]:
    """One aircraft flies 7,000 km at 800 km/h: 10.75 h transit, 20.5 h cycle, one trip a day.
    Force A (1,250 t, armor 10: 0.4 a trip) and B (50 t, armor 0.1), both ready on day 0;
    the sector needs armor 10.1 by day 30. Each of A's tons is worth four times B's, so A
    flies days 0-24 and B waits at home until day 25: gap 10.1 - 0.4 (k + 1) on day k < 25,
    then 0 -> 122.5 gap-days. B any earlier delays an A trip a day for each of its own: 0.3
    worse a day. A model that let a force wait only 21 days would strand B or fly it early.
    """
    c17 = fleet("c17", "air", 1, 50.0, 800.0)
    return resolved(
        places=[place("H", "base")],
        sectors=[sector("S", [{"capability": "armor", "amount": 10.1, "by_day": 30}])],
        forces=[force("a", "H", 1250.0, {"armor": 10}), force("b", "H", 50.0, {"armor": 0.1})],
        fleets=[c17],
        legs=[leg("H", "S", "air", 7000.0, [c17])],
        horizon_days=30,
    )


def depot_standards(provides: list[str]) -> dict[str, Any]:
    """A 100 t battalion (armor 1, needs fuel and 155 mm at 10 t/day) trucked 100 km to the
    sector on day 0 (available by hour 8). A depot 100 km away ships with a 1-day lag.
    With a depot that provides both standards it is ready from day 1 (day 0 cannot be
    supplied: nothing can ship before C-day): gaps 1, 0, 0, 0 -> 1 gap-day.
    If the depot lacks a standard the battalion is never ready: 4 gap-days."""
    truck = fleet("truck", "road", 10, 20.0, 50.0, load_h=4.0, unload_h=2.0, turnaround_h=4.0)
    return resolved(
        places=[place("H", "base"), place("DEP", "depot")],
        sectors=[sector("S", [{"capability": "armor", "amount": 1, "by_day": 10}])],
        forces=[force("bn", "H", 100.0, {"armor": 1}, needs=["nato-f34-fuel", "nato-155mm"],
                      sustainment_tpd=10.0)],
        fleets=[truck],
        legs=[leg("H", "S", "road", 100.0, [truck]), leg("DEP", "S", "road", 100.0, [truck])],
        depots=[{"id": "dep", "place": "DEP", "provides": provides, "stock_t": 1000.0,
                 "throughput_tpd": 100.0}],
        horizon_days=4,
    )


def gauge_break(handling_h: float) -> dict[str, Any]:
    """Rail from a German port to the Lithuanian border on 1,435 mm, then 1,520 mm beyond the
    gauge break at B. 1,000 t; each train carries 1,000 t, 60 km/h, 12 h load, 8 h unload.
    H->B 480 km: transit 12 + 8 + 8 = 28 h -> available at B from day 2 (+ handling).
    B->S 120 km on the 1,520 mm train: transit 12 + 2 + 8 = 22 h -> in the sector by the end
    of the day it leaves. handling 0: leaves B day 2, arrives day 2: gaps on days 0-1 -> 2.
    handling 24 h: available at B at hour 52 -> leaves day 3, in by day 3: 3 gap-days."""
    std = fleet("db-1435", "rail", 1, 1000.0, 60.0, load_h=12.0, unload_h=8.0,
                turnaround_h=12.0, gauge_mm=1435)
    broad = fleet("ltg-1520", "rail", 1, 1000.0, 60.0, load_h=12.0, unload_h=8.0,
                  turnaround_h=12.0, gauge_mm=1520)
    return resolved(
        places=[place("H", "seaport", gauges_mm=[1435]),
                place("B", "railhead", gauges_mm=[1435, 1520], handling_h=handling_h)],
        sectors=[sector("S", [{"capability": "armor", "amount": 1, "by_day": 10}])],
        forces=[force("bde", "H", 1000.0, {"armor": 1})],
        fleets=[std, broad],
        legs=[leg("H", "B", "rail", 480.0, [std], gauge_mm=1435),
              leg("B", "S", "rail", 120.0, [broad], gauge_mm=1520)],
        horizon_days=6,
    )


def late_fleet(activation_day: int) -> dict[str, Any]:
    """one_force_one_fleet with the aircraft available only from `activation_day` (its
    owner decides late, or it is withheld). It flies on that day (hour 24 d, lands 3 h
    later, available at A from the next period), the trucks carry on the day after and are
    in by its end: gaps on days 0 .. d -> d + 1 gap-days (1 when d = 0)."""
    out = one_force_one_fleet()
    out["fleets"][0]["activation_day"] = activation_day
    return out


def weighted_sectors(weight_far: float) -> dict[str, Any]:
    """One 50 t force (armor 1) and one aircraft; sectors NEAR (800 km, weight 1) and FAR
    (1,600 km, weight `weight_far`) each need armor 1. Either flight lands on day 0 (2 h and
    3 h), so the force closes one sector from day 0 and the other is short all 4 days.
    To FAR: 4 x 1 = 4 weighted gap-days; to NEAR: 4 x weight_far. With weight_far = 3 the
    force must go FAR (objective 4), although NEAR is the cheaper flight; by_day is beyond
    the horizon, so lateness plays no part."""
    c17 = fleet("c17", "air", 1, 50.0, 800.0)
    return resolved(
        places=[place("H", "base")],
        sectors=[
            sector("NEAR", [{"capability": "armor", "amount": 1, "by_day": 10}]),
            sector("FAR", [{"capability": "armor", "amount": 1, "by_day": 10,
                            "weight": weight_far}]),
        ],
        forces=[force("bn", "H", 50.0, {"armor": 1})],
        fleets=[c17],
        legs=[leg("H", "NEAR", "air", 800.0, [c17]), leg("H", "FAR", "air", 1600.0, [c17])],
        horizon_days=4,
    )


def half_a_force_each(weight_near: float) -> dict[str, Any]:
    """One 50 t force (armor 1) and one aircraft; sectors FAR (1,600 km, weight 1) and NEAR
    (800 km, weight `weight_near`) each need armor 0.5 for 4 days; either flight lands on
    day 0. The LP relaxation sends half the force to each and closes both: 0 gap-days. A
    whole force closes one: to NEAR leaves FAR 0.5 x 4 x 1 = 2 weighted gap-days, to FAR
    leaves NEAR 0.5 x 4 x weight_near. The LP's shares are equal, so only trying both
    (look-ahead) tells which is better."""
    return _one_force_two_sectors(
        [sector("FAR", [{"capability": "armor", "amount": 0.5, "by_day": 10}]),
         sector("NEAR", [{"capability": "armor", "amount": 0.5, "by_day": 10,
                          "weight": weight_near}])],
        [("NEAR", 800.0), ("FAR", 1600.0)])


def _one_force_two_sectors(
    sectors: list[dict[str, Any]], flights: list[tuple[str, float]],
) -> dict[str, Any]:
    """A 50 t force (armor 1) at H and one 50 t aircraft, flights (sector, km) in this order,
    over 4 days."""
    c17 = fleet("c17", "air", 1, 50.0, 800.0)
    return resolved(
        places=[place("H", "base")],
        sectors=sectors,
        forces=[force("bn", "H", 50.0, {"armor": 1})],
        fleets=[c17],
        legs=[leg("H", to, "air", km, [c17]) for to, km in flights],
        horizon_days=4,
    )


def lateness_decides() -> dict[str, Any]:
    """One 50 t force (armor 1), one aircraft, two sectors each needing armor 1 over 4 days:
    EARLY by day 0, LATER by day 3. Either way 4 gap-days are left in the other sector; a
    gap-day on or after its by_day weighs 1.1 (README, "How the plan is scored").
    To EARLY: LATER short on days 0-3, late only on day 3: 1 + 1 + 1 + 1.1 = 4.1.
    To LATER: EARLY short on days 0-3, all late: 4 x 1.1 = 4.4. The flight to LATER is the
    shorter, so only the lateness term sends the force to EARLY."""
    return _one_force_two_sectors(
        [sector("EARLY", [{"capability": "armor", "amount": 1, "by_day": 0}]),
         sector("LATER", [{"capability": "armor", "amount": 1, "by_day": 3}])],
        [("EARLY", 1600.0), ("LATER", 800.0)])


def late_fleet_beside_a_slow_one() -> dict[str, Any]:
    """late_fleet(3) plus a small aircraft available from C-day: 10 t, 800 km at 400 km/h
    (4 h transit, 7 h cycle: 3 trips a day, 30 t a day). The big one (50 t, 4 trips a day)
    only joins on day 3. Flown on day d, cargo is trucked on day d + 1 and in by its end:
    by the end of days 1, 2, 3, 4 the sector has 30, 60, 90, 100 t of the 100 t force.
    Gaps 1, 0.7, 0.4, 0.1, 0, 0 -> 2.2 gap-days. A model that let the big aircraft fly on
    day 0 would close on day 1 with 1 gap-day."""
    out = late_fleet(3)
    c130 = fleet("c130", "air", 1, 10.0, 400.0)
    out["fleets"].append(c130)
    out["legs"][0] = leg("H", "A", "air", 800.0, [out["fleets"][0], c130])
    return out


def crowded_departure_airfield(mog: int | None) -> dict[str, Any]:
    """200 t flown from airfield H (MOG `mog`) to A by four 50 t aircraft that each spend
    10 h loading (800 km at 800 km/h: 12 h transit, 14 h cycle, one trip a day), then trucked
    on the next day. No MOG: all four fly on day 0, everything is in by the end of day 1:
    1 gap-day. MOG 1 at H (24 aircraft-hours on the ground a day) lets only two load a day
    (20 h; three would be 30 h): 100 t in by the end of day 1, the rest by day 2:
    gaps 1, 0.5 -> 1.5 gap-days. Landing at A has no MOG: only the loading end limits."""
    c17 = fleet("c17", "air", 4, 50.0, 800.0, load_h=10.0)
    truck = fleet("truck", "road", 10, 20.0, 50.0, load_h=4.0, unload_h=2.0, turnaround_h=4.0)
    return resolved(
        places=[place("H", "airfield", mog=mog), place("A")],
        sectors=[sector("S", [{"capability": "armor", "amount": 1, "by_day": 3}])],
        forces=[force("bde", "H", 200.0, {"armor": 1})],
        fleets=[c17, truck],
        legs=[leg("H", "A", "air", 800.0, [c17]), leg("A", "S", "road", 100.0, [truck])],
    )


def three_fleets_on_one_leg() -> dict[str, Any]:
    """One 150 t brigade (armor 3) at H; the sector needs armor 3. Three one-aircraft fleets
    of 50 t fly H->S 8,000 km: c17 and c5 at 800 km/h (12 h transit, 26 h cycle: days 0 and
    2), a400 at 780 km/h (12.3 h). The planner's routes keep the two fleets per leg that move
    most tons a day, so a400 is left out: 100 t on day 0 and 50 t on day 2, gaps 1, 1, 0, 0
    -> 2 gap-days. The LP over every route flies all three on day 0: 0 gap-days."""
    c17 = fleet("c17", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    c5 = fleet("c5", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    a400 = fleet("a400", "air", 1, 50.0, 780.0, turnaround_h=4.0)
    return resolved(
        places=[place("H", "base")],
        sectors=[sector("S", [{"capability": "armor", "amount": 3, "by_day": 10}])],
        forces=[force("bde", "H", 150.0, {"armor": 3})],
        fleets=[c17, c5, a400],
        legs=[leg("H", "S", "air", 8000.0, [c17, c5, a400])],
        horizon_days=4,
    )


def needed_in_one_sector() -> dict[str, Any]:
    """One 50 t force (armor 1), one aircraft, two sectors 800 km away: ARMOR needs armor 1
    for 4 days, INFANTRY needs infantry 1. The force is worth nothing in INFANTRY, so it goes
    whole to ARMOR (0 gap-days there, 4 in INFANTRY whatever happens), and moving it to
    INFANTRY can only lose: the relaxation's reduced costs say so without solving it."""
    return _one_force_two_sectors(
        [sector("ARMOR", [{"capability": "armor", "amount": 1, "by_day": 10}]),
         sector("INFANTRY", [{"capability": "infantry", "amount": 1, "by_day": 10}])],
        [("ARMOR", 800.0), ("INFANTRY", 800.0)])
