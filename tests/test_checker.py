"""Tests for the independent plan checker (``mobilize check``).

The fixture ``tests/data/checker/tiny`` is a plan worked out by hand:

- force us-abct (US): 100 t, 200 pax, home KDOV, activation day 1 (hour 24), armor 2,
  needs fuel at 10 t/day; requirement in sector S-1: armor 2 by day 1; horizon 3 days.
- trip 0, us-c17 (2 aircraft x 50 t / 100 pax, 800 km/h, load/unload/turnaround 1 h)
  on air:KDOV>ETAR (800 km): transit 1 + 1 + 1 = 3 h, cycle 1 + 2 + 1 + 1 = 5 h;
  depart 24, cargo available 27 + handling 1 = 28, return 29, 100 t, 200 pax.
- ETAR handling_h = 1 is in arrive_h, so the cargo may go on at 28: trip 1, de-rail
  (1 train, 1435 mm)
  on rail:ETAR>RH-LT (300 km at 60 km/h, load/unload 2 h, turnaround 4 h): transit
  2 + 5 + 2 = 9 h, cycle 2 + 10 + 2 + 4 = 18 h; depart 28, arrive 37, return 46.
- trip 2, us-hets (4 of 5 trucks x 25 t, 50 km/h, 1/1/1 h) on road:RH-LT>S-1 (100 km):
  transit 1 + 2 + 1 = 4 h, cycle 1 + 4 + 1 + 1 = 7 h; depart 37, arrive 41, return 44.
  closure_h = 41.
- depot D-1 (fuel, 20 t/day, 100 t stock) ships 10 t on day 1 for days 1 and 2.
- readiness armor in S-1: day 0 nothing arrived (delivered 0, gap 2); days 1 and 2 all
  arrived by hour 48/72 and fully supplied (delivered 2, gap 0). gap_days = 2,
  closure_day = 1, late_forces = 0 (41 h <= end of by_day 1 = 48 h); US share 1.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker import (
    RULES,
    CheckInputError,
    Violation,
    check_dir,
    check_plan,
    format_violations,
    main,
)

DATA = Path(__file__).parent / "data" / "checker" / "tiny"

Json = dict[str, Any]
Mutation = Callable[[Json, Json], None]


@pytest.fixture
def docs() -> tuple[Json, Json]:
    resolved = json.loads((DATA / "resolved.json").read_text())
    plan = json.loads((DATA / "plan.json").read_text())
    return resolved, plan


def _fleet(r: Json, fid: str) -> Json:
    return next(f for f in r["fleets"] if f["id"] == fid)


def _place(r: Json, pid: str) -> Json:
    return next(p for p in r["places"] if p["id"] == pid)


def _member(r: Json, code: str) -> Json:
    return next(m for m in r["members"] if m["code"] == code)


def _set(target: Callable[[Json, Json], Json], key: str, value: Any) -> Mutation:
    def mutate(r: Json, p: Json) -> None:
        target(r, p)[key] = value

    return mutate


def _del_leg_fleet(r: Json, p: Json) -> None:
    del r["legs"][0]["fleets"]["us-c17"]


def _del_readiness_row(r: Json, p: Json) -> None:
    del p["readiness"][2]


def _faster_than_speed(r: Json, p: Json) -> None:
    # the leg's stated transit (3 h) is too short for 300 km at 60 km/h (5 h), and the trip
    # keeps to it: only the speed rule can see that no train covers the distance that fast
    r["legs"][1]["fleets"]["de-rail"]["transit_h"] = 3
    p["trips"][1]["arrive_h"] = 32


def _less_cargo(r: Json, p: Json) -> None:
    # 90 t at home, same personnel per ton: only the tons no longer add up
    r["forces"][0]["cargo_t"], r["forces"][0]["personnel"] = 90, 180


def _loading_over_mog(r: Json, p: Json) -> None:
    # 2 C-17s loading 13 h each at Dover: 26 aircraft-hours against MOG 1 x 24 h. Landing at
    # Ramstein stays within its MOG, so only the loading end can break the rule.
    _place(r, "KDOV")["mog"] = 1
    _fleet(r, "us-c17")["load_h"] = 13


def _riders_on_cargo_only(r: Json, p: Json) -> None:
    # the train has no seats, so no one may ride it
    p["trips"][1]["pax"] = 200
    p["trips"][1]["cargo"][0]["pax"] = 200


def _pax_not_per_ton(r: Json, p: Json) -> None:
    # 100 t of a force of 200 people per 100 t carry 200 people, not 150
    p["trips"][0]["pax"] = 150
    p["trips"][0]["cargo"][0]["pax"] = 150


def _forbid_poland(r: Json, p: Json) -> None:
    # the train from Ramstein and the road into S-1 both run through Poland
    r["geography"] = {"forbidden_territory": ["PL"], "closed_airspace": []}


# (case id, mutation, the one rule it must break)
CASES: list[tuple[str, Mutation, str]] = [
    ("sha256", _set(lambda r, p: p["scenario"], "sha256", "deadbeef"), "plan-scenario"),
    ("fleet-not-on-leg", _del_leg_fleet, "trip-leg"),
    ("out-of-range", _set(lambda r, p: _fleet(r, "us-c17"), "range_km", 700), "trip-leg"),
    ("leg-endpoint", _set(lambda r, p: r["legs"][0], "to", "EDDF"), "trip-leg"),
    ("short-cycle", _set(lambda r, p: p["trips"][0], "return_h", 28), "trip-time"),
    ("short-transit", _set(lambda r, p: p["trips"][1], "arrive_h", 36), "trip-time"),
    ("faster-than-speed", _faster_than_speed, "trip-time"),
    ("payload", _set(lambda r, p: _fleet(r, "us-c17"), "payload_t", 40), "trip-capacity"),
    ("pax", _set(lambda r, p: _fleet(r, "us-c17"), "pax", 90), "trip-capacity"),
    ("vehicles", _set(lambda r, p: p["trips"][2], "vehicles", 3), "trip-capacity"),
    ("tons-sum", _set(lambda r, p: p["trips"][1], "tons", 90), "trip-capacity"),
    ("fleet-count", _set(lambda r, p: _fleet(r, "us-c17"), "count", 1), "fleet-count"),
    ("force-early", _set(lambda r, p: r["forces"][0], "activation_day", 2), "activation"),
    ("fleet-early", _set(lambda r, p: _fleet(r, "de-rail"), "activation_day", 2), "activation"),
    ("ready_h", _set(lambda r, p: p["forces"][0], "ready_h", 0), "activation"),
    ("carries", _set(lambda r, p: _fleet(r, "us-hets"), "carries", ["DE"]), "carries"),
    ("outsize", _set(lambda r, p: r["forces"][0], "outsize", True), "outsize"),
    ("gauge", _set(lambda r, p: _fleet(r, "de-rail"), "gauge_mm", 1000), "gauge"),
    ("handling", _set(lambda r, p: p["trips"][1], "depart_h", 27.5), "continuity"),
    ("closed", _set(lambda r, p: _place(r, "RH-LT"), "closed", True), "continuity"),
    ("home-stock", _less_cargo, "continuity"),
    ("mog-loading", _loading_over_mog, "throughput"),
    ("riders-on-cargo-only", _riders_on_cargo_only, "trip-capacity"),
    ("pax-per-ton", _pax_not_per_ton, "trip-capacity"),
    ("closure_h", _set(lambda r, p: p["forces"][0], "closure_h", 40), "delivery"),
    ("assigned", _set(lambda r, p: r["forces"][0], "sector", "S-2"), "delivery"),
    ("tpd", _set(lambda r, p: _place(r, "ETAR"), "throughput_tpd", 50), "throughput"),
    ("mog", _set(lambda r, p: _fleet(r, "us-c17"), "unload_h", 13), "throughput"),
    ("depot-tpd", _set(lambda r, p: r["depots"][0], "throughput_tpd", 15), "depot"),
    ("depot-stock", _set(lambda r, p: r["depots"][0], "stock_t", 15), "depot"),
    ("ship-late", _set(lambda r, p: p["supply"][1], "ship_day", 3), "depot"),
    ("delivered", _set(lambda r, p: p["readiness"][1], "delivered", 1.5), "readiness"),
    ("gap", _set(lambda r, p: p["readiness"][0], "gap", 1), "readiness"),
    ("missing-row", _del_readiness_row, "readiness"),
    ("gap_days", _set(lambda r, p: p["kpis"], "gap_days", 3), "kpis"),
    ("closure_day", _set(lambda r, p: p["kpis"], "closure_day", 2), "kpis"),
    ("late", _set(lambda r, p: r["sectors"][0]["requirements"][0], "by_day", 0), "kpis"),
    ("max_share", _set(lambda r, p: _member(r, "US"), "max_share", 0.5), "shares"),
    ("share", _set(lambda r, p: p["members"][0], "share", 0.9), "shares"),
    ("fair_share", _set(lambda r, p: p["members"][1], "fair_share", 0.5), "shares"),
    ("forbidden-ground", _forbid_poland, "geography"),
    # the railhead closed on day 1: the train arrives then (37 h) and the trucks leave then
    ("closed-that-day", _set(lambda r, p: _place(r, "RH-LT"), "outages",
                             [{"from_day": 1, "to_day": 1, "factor": 0.0}]), "outage"),
    # Ramstein at 5% on day 1: 50 t a day and 1.2 aircraft-hours, against 100 t landing
    ("degraded-that-day", _set(lambda r, p: _place(r, "ETAR"), "outages",
                               [{"from_day": 1, "to_day": 3, "factor": 0.05}]), "throughput"),
    # its deployment line: flown into Ramstein on day 1 (28 h), in S-1 on day 1 (41 h)
    ("pod", _set(lambda r, p: r["forces"][0], "line", {"mode": "air", "pod": "EYKA"}),
     "deployment-line"),
    ("poe", _set(lambda r, p: r["forces"][0], "line", {"poe": "KDMA"}), "deployment-line"),
    ("sealift-line-flown", _set(lambda r, p: r["forces"][0], "line", {"mode": "sea"}),
     "deployment-line"),
    ("overland-line-flown", _set(lambda r, p: r["forces"][0], "line", {"mode": "road"}),
     "deployment-line"),
    ("ead", _set(lambda r, p: r["forces"][0], "line", {"ead_day": 2}), "deployment-line"),
]


def test_valid_plan_passes(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    assert check_plan(resolved, plan) == []


def test_a_line_the_plan_keeps_passes(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    resolved["forces"][0]["line"] = {"mode": "air", "poe": "KDOV", "pod": "ETAR", "ead_day": 1,
                                     "lad_day": 0, "rdd_day": 1}
    assert check_plan(resolved, plan) == []  # a missed LAD costs, it is not a violation


def test_rdd_decides_late(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    resolved["forces"][0]["line"] = {"rdd_day": 0}  # closes at 41 h, day 1: late
    assert {v.rule for v in check_plan(resolved, plan)} == {"kpis"}
    plan["kpis"]["late_forces"] = 1
    assert check_plan(resolved, plan) == []


def test_outages_on_other_days_change_nothing(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    _place(resolved, "RH-LT")["outages"] = [{"from_day": 2, "to_day": 9, "factor": 0.0}]
    _place(resolved, "ETAR")["outages"] = [{"from_day": 0, "to_day": 0, "factor": 0.0}]
    assert check_plan(resolved, plan) == []


def test_check_dir_valid() -> None:
    assert check_dir(DATA) == []


@pytest.mark.parametrize(("mutate", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_single_mutation_breaks_one_rule(
    docs: tuple[Json, Json], mutate: Mutation, rule: str
) -> None:
    resolved, plan = docs
    mutate(resolved, plan)
    vs = check_plan(resolved, plan)
    assert vs, "mutation went unnoticed"
    assert {v.rule for v in vs} == {rule}, format_violations(vs)
    assert all(v.where and v.message for v in vs)


def test_every_rule_has_a_mutation() -> None:
    assert {c[2] for c in CASES} == set(RULES)


def test_messages_carry_numbers(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    _fleet(resolved, "us-c17")["payload_t"] = 40
    (v,) = check_plan(resolved, plan)
    assert v == Violation(
        "trip-capacity",
        "trips[0] us-c17 air:KDOV>ETAR",
        "tons 100 > 2 vehicles x 40 t = 80 t",
    )


def test_tolerance_absorbs_float_noise(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    plan["trips"][0]["tons"] = plan["trips"][0]["cargo"][0]["tons"] = 100.00005
    plan["trips"][1]["depart_h"] = 28 - 1e-7
    plan["trips"][0]["return_h"] = 29 + 1e-7  # back to back with nothing, still fine
    assert check_plan(resolved, plan) == []
    plan["trips"][0]["tons"] = plan["trips"][0]["cargo"][0]["tons"] = 100.01
    assert {v.rule for v in check_plan(resolved, plan)} == {"trip-capacity", "continuity"}


def _reposition(depart: float) -> Json:
    return {
        "fleet": "us-c17",
        "mode": "air",
        "leg": "air:KDOV>ETAR",
        "from": "KDOV",
        "to": "ETAR",
        "depart_h": depart,
        "arrive_h": depart + 4,  # transit 3 h + handling 1 h at ETAR
        "return_h": depart + 5,
        "vehicles": 2,
        "tons": 0,
        "pax": 0,
        "cargo": [],
    }


def test_fleet_count_is_half_open(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    plan["trips"].append(_reposition(29.0))  # leaves the instant trip 0's aircraft are free
    assert check_plan(resolved, plan) == []
    plan["trips"][-1] = _reposition(28.5)
    (v,) = check_plan(resolved, plan)
    assert v.rule == "fleet-count"
    assert v.where == "fleet us-c17 from hour 28.5"
    assert "4 vehicles busy" in v.message and "count is 2" in v.message


def test_supply_caps_readiness(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    plan["supply"][0]["tons"] = 5  # half of day 1's sustainment: armor 2 x 0.5
    plan["readiness"][1].update(delivered=1.0, gap=1.0)
    plan["kpis"].update(gap_days=3.0, closure_day=2)
    assert check_plan(resolved, plan) == []
    del plan["supply"][0]  # nothing for day 1
    rules = {v.rule for v in check_plan(resolved, plan)}
    assert rules == {"readiness", "kpis"}


def test_supply_from_wrong_depot_does_not_count(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    resolved["depots"][0]["provides"] = ["water"]
    vs = check_plan(resolved, plan)
    assert {v.rule for v in vs} == {"depot", "readiness", "kpis"}
    assert any("does not provide fuel" in v.message for v in vs)


def test_undelivered_force_has_null_closure(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    plan["trips"] = plan["trips"][:2]  # stranded at the railhead
    plan["forces"][0]["closure_h"] = None
    plan["readiness"][1].update(delivered=0.0, gap=2)
    plan["readiness"][2].update(delivered=0.0, gap=2)
    plan["members"][0]["share"] = 0.0
    plan["kpis"].update(gap_days=6.0, closure_day=None, late_forces=1)
    assert check_plan(resolved, plan) == []


def test_opt_out_force_must_not_move(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    resolved["forces"][0]["activation_day"] = None
    vs = check_plan(resolved, plan)
    acts = [v for v in vs if v.rule == "activation"]
    assert len(acts) == 4  # three trips plus ready_h
    assert "takes no part" in acts[0].message


def test_opt_out_fleet_is_reported_once(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    _fleet(resolved, "us-hets")["activation_day"] = None
    (v,) = check_plan(resolved, plan)
    assert (v.rule, v.where) == ("trip-leg", "trips[2] us-hets road:RH-LT>S-1")


def test_unknown_references(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    plan["trips"][0]["leg"] = "air:NOPE"
    plan["supply"][0]["depot"] = "D-404"
    vs = check_plan(resolved, plan)
    msgs = [v.message for v in vs]
    assert "leg 'air:NOPE' is not in resolved.json legs" in msgs
    assert "depot 'D-404' is not in resolved.json depots" in msgs


def test_format_violations() -> None:
    assert format_violations([]) == "plan OK: 0 violations"
    vs = [
        Violation("shares", "member US", "share 1 > max 0.5"),
        Violation("trip-time", "trips[0] f l", "too fast"),
        Violation("shares", "member DE", "x"),
    ]
    assert format_violations(vs).splitlines() == [
        "[trip-time] trips[0] f l: too fast",
        "[shares] member US: share 1 > max 0.5",
        "[shares] member DE: x",
        "3 violations (trip-time 1, shares 2)",
    ]


def _write(d: Path, resolved: Any, plan: Any) -> None:
    (d / "resolved.json").write_text(json.dumps(resolved))
    (d / "plan.json").write_text(json.dumps(plan))


def test_check_dir_missing_file(tmp_path: Path) -> None:
    (tmp_path / "resolved.json").write_text((DATA / "resolved.json").read_text())
    with pytest.raises(CheckInputError, match=r"plan\.json: file not found"):
        check_dir(tmp_path)


def test_check_dir_invalid_json(tmp_path: Path) -> None:
    (tmp_path / "resolved.json").write_text("{not json")
    (tmp_path / "plan.json").write_text("{}")
    with pytest.raises(CheckInputError, match=r"resolved\.json: invalid JSON"):
        check_dir(tmp_path)


def test_check_dir_bad_shape_names_file(tmp_path: Path, docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    plan["trips"][0]["depart_h"] = "noon"
    _write(tmp_path, resolved, plan)
    with pytest.raises(CheckInputError) as err:
        check_dir(tmp_path)
    assert str(tmp_path / "plan.json") in str(err.value)
    assert "trips[0].depart_h must be num" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_check_plan_missing_field(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    del resolved["fleets"][0]["payload_t"]
    with pytest.raises(CheckInputError, match=r"resolved\.json: fleets\[0\]\.payload_t is missing"):
        check_plan(resolved, plan)


@pytest.mark.parametrize("point", [None, [54.6, None], [54.6], "54.6,25.3"])
def test_a_broken_path_point_is_an_input_error_not_a_crash(
    docs: tuple[Json, Json], point: Any
) -> None:
    resolved, plan = docs
    resolved["legs"][0]["path"] = [[54.0, 24.0], point]
    with pytest.raises(CheckInputError, match=r"resolved\.json: legs\[0\]\.path\[1\] must be"):
        check_plan(resolved, plan)


def test_main_exit_codes(tmp_path: Path, docs: tuple[Json, Json], capsys: Any) -> None:
    assert main([str(DATA)]) == 0
    assert "plan OK" in capsys.readouterr().out
    resolved, plan = docs
    bad = copy.deepcopy(plan)
    bad["kpis"]["late_forces"] = 5
    _write(tmp_path, resolved, bad)
    assert main([str(tmp_path)]) == 1
    assert "[kpis] kpis.late_forces: is 5, recomputed 0" in capsys.readouterr().out
    assert main([str(tmp_path / "nowhere")]) == 2


# --- geography and driving hours -------------------------------------------------------------


def test_geography_catches_closed_airspace_and_open_water(docs: tuple[Json, Json]) -> None:
    resolved, plan = docs
    # the drawn line Dover-Ramstein (straight in lat/lon) comes in over Brittany
    resolved["geography"] = {"forbidden_territory": [], "closed_airspace": ["FR"]}
    vs = check_plan(resolved, plan)
    assert {v.rule for v in vs} == {"geography"}
    assert "closed airspace of FR" in vs[0].message and vs[0].where == "leg air:KDOV>ETAR"
    # a road leg drawn across the Baltic (Karlshamn to Klaipėda) is open water...
    resolved["geography"] = {}
    road = resolved["legs"][2]
    road["path"] = [[54.9, 23.9], [55.71, 21.13], [56.17, 14.86], [55.71, 21.13], [54.9, 23.9],
                    [54.1, 23.0]]
    vs = check_plan(resolved, plan)
    assert [v.rule for v in vs] == ["geography"] and "open water" in vs[0].message
    # ...unless it is on a named ferry the leg lists in `via`
    road["via"] = [{"id": "karlshamn-klaipeda", "name": "ferry", "kind": "ferry", "hours": 14,
                    "board_h": 3, "capacity_tpd": None,
                    "path": [[56.17, 14.86], [55.71, 21.13]]}]
    assert check_plan(resolved, plan) == []


def test_driving_hours_700_km_take_two_days(docs: tuple[Json, Json]) -> None:
    """700 km at 35 km/h is 20 h at the wheel. At 9 h a day: 9 h on day 1, 9 h on day 2 and
    2 h on day 3, so 24 + 24 + 2 = 50 h from departure. A plan (and a network) that drives it
    in 22 h (load 1 + 20 + unload 1) passes the plain speed rule but not the driving rule."""
    resolved, plan = docs
    resolved["scenario"]["horizon_days"] = 10  # room for the slow trips below
    hets = _fleet(resolved, "us-hets")
    hets["speed_kmh"] = 35
    road = resolved["legs"][2]
    road["km"] = 700
    road["fleets"]["us-hets"] = {"transit_h": 22, "cycle_h": 45}
    trip = plan["trips"][2]
    trip["arrive_h"], trip["return_h"] = trip["depart_h"] + 22, trip["depart_h"] + 45

    def trip_time() -> list[Violation]:
        return [v for v in check_plan(resolved, plan) if v.rule == "trip-time"]

    assert trip_time() == []
    hets["driving_h_per_day"] = 9
    (v,) = trip_time()
    assert "driving at most 9 h a day" in v.message and "needs 50 h" in v.message
    # 50 h of road time plus a ferry's 17 h: 67 h
    road["crossing_h"] = 17
    (v,) = trip_time()
    assert "needs 67 h" in v.message
    trip["arrive_h"], trip["return_h"] = trip["depart_h"] + 69, trip["depart_h"] + 140
    road["fleets"]["us-hets"] = {"transit_h": 69, "cycle_h": 140}
    assert trip_time() == []
