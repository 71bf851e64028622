"""The greedy baseline on tiny networks worked out by hand (see contracts/examples.py); every greedy
plan is verified by the independent checker."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from checker import check_plan, format_violations
from contracts import examples as tiny
from contracts.network import Network
from optimizer.greedy import greedy_schedule
from optimizer.plan import SolverInfo, build_plan

Json = dict[str, Any]


def greedy(resolved: Json) -> Json:
    net = Network.from_json(resolved)
    info = SolverInfo("greedy", "dispatch", "feasible", None, None, None, 0.0)
    plan = build_plan(net, greedy_schedule(net), info).to_json()
    violations = check_plan(resolved, plan)
    assert violations == [], format_violations(violations)
    return plan


def _by(items: list[Json], key: str, value: str) -> Json:
    return next(x for x in items if x[key] == value)


# --- scenarios --------------------------------------------------------------------------------


def one_aircraft_two_forces() -> Json:
    """One aircraft, 100 t a day H->A (800 km at 800 km/h: 3 h transit, 13 h cycle, one trip a
    day), plenty of trucks A->S (8 h transit, one day's offset). Sector S needs armor 11.
    Force "a": 200 t, armor 1, ready day 0. Force "b": 100 t, armor 10, ready day 1.

    Greedy (earliest ready first): a flies days 0 and 1, b day 2; in S on days 1, 2 and 3.
      gap: day 0 11, day 1 10.5, day 2 10, days 3-5 0  -> 31.5 gap-days.
    Optimum: half of a day 0, b day 1, the other half of a day 2; in S days 1, 2, 3.
      gap: day 0 11, day 1 10.5, day 2 0.5, days 3-5 0  -> 22 gap-days."""
    c17 = tiny.fleet("c17", "air", 1, 100.0, 800.0, turnaround_h=9.0)
    truck = tiny.fleet("truck", "road", 10, 20.0, 50.0, load_h=4.0, unload_h=2.0,
                       turnaround_h=4.0)
    return tiny.resolved(
        places=[tiny.place("H", "base"), tiny.place("A")],
        sectors=[tiny.sector("S", [{"capability": "armor", "amount": 11, "by_day": 3}])],
        forces=[
            tiny.force("a", "H", 200.0, {"armor": 1}),
            tiny.force("b", "H", 100.0, {"armor": 10}, activation_day=1),
        ],
        fleets=[c17, truck],
        legs=[tiny.leg("H", "A", "air", 800.0, [c17]), tiny.leg("A", "S", "road", 100.0, [truck])],
    )


def airfield_throughput(tpd: float) -> Json:
    r = tiny.one_force_one_fleet()
    _by(r["places"], "id", "A")["throughput_tpd"] = tpd
    return r


def airfield_mog() -> Json:
    """Ten 10 t aircraft flying 4 trips a day each (1 h unloading a trip) into A with MOG 1:
    24 aircraft-hours a day at A let 6 aircraft work, 240 t a day, for a 500 t force."""
    r = tiny.one_force_one_fleet()
    _by(r["places"], "id", "A")["mog"] = 1
    _by(r["fleets"], "id", "c17").update(count=10, payload_t=10.0)
    _by(r["fleets"], "id", "truck")["count"] = 20
    _by(r["forces"], "id", "bde")["cargo_t"] = 500.0
    return r


def two_depots() -> Json:
    """The force (all in S by the end of day 1) needs 10 t of fuel a day. Depot "near" (100 km,
    one day's lag) holds only 15 t; depot "far" (1200 km, three days) ships 5 t a day."""
    r = tiny.one_force_one_fleet()
    _by(r["forces"], "id", "bde").update(needs=["fuel"], sustainment_tpd=10.0)
    r["places"] += [tiny.place("DN", "depot"), tiny.place("DF", "depot")]
    r["legs"] += [tiny.leg("DN", "S", "road", 100.0, []), tiny.leg("DF", "S", "road", 1200.0, [])]
    r["depots"] = [
        {"id": "near", "place": "DN", "provides": ["fuel"], "stock_t": 15.0,
         "throughput_tpd": 100.0},
        {"id": "far", "place": "DF", "provides": ["fuel", "ammo"], "stock_t": 1000.0,
         "throughput_tpd": 5.0},
    ]
    return r


def two_sectors() -> Json:
    """Two armor-2 forces, S1 needs 1 armor by day 2, S2 needs 3 by day 5. The first goes
    where most is missing (S2: 3); then both miss 1 and S1, due first, gets the second."""
    r = tiny.one_force_one_fleet()
    truck = _by(r["fleets"], "id", "truck")
    r["sectors"] = [
        tiny.sector("S1", [{"capability": "armor", "amount": 1, "by_day": 2}]),
        tiny.sector("S2", [{"capability": "armor", "amount": 3, "by_day": 5}]),
    ]
    r["legs"] = [r["legs"][0], tiny.leg("A", "S1", "road", 100.0, [truck]),
                 tiny.leg("A", "S2", "road", 100.0, [truck])]
    r["forces"] = [tiny.force("x", "H", 50.0, {"armor": 2}),
                   tiny.force("y", "H", 50.0, {"armor": 2})]
    return r


def max_share() -> Json:
    """US may deliver at most half the points; greedy sends both forces, the US one then
    makes 2/3 of the points, so it is stood down."""
    r = tiny.one_force_one_fleet()
    r["members"][0]["max_share"] = 0.5
    r["forces"] = [tiny.force("us", "H", 50.0, {"armor": 2}),
                   tiny.force("lt", "H", 50.0, {"armor": 1}, member="LT")]
    return r


def opt_out() -> Json:
    r = one_aircraft_two_forces()
    _by(r["forces"], "id", "a")["activation_day"] = None
    return r


def period_hours(hours: int) -> Callable[[], Json]:
    def make() -> Json:
        r = one_aircraft_two_forces()
        r["scenario"]["period_hours"] = hours
        return r

    return make


# --- tests ------------------------------------------------------------------------------------


def test_one_force_one_fleet_reaches_the_optimum() -> None:
    plan = greedy(tiny.one_force_one_fleet())
    assert plan["kpis"]["gap_days"] == pytest.approx(1.0)
    assert plan["kpis"]["closure_day"] == 1
    (force,) = plan["forces"]
    assert force["sector"] == "S"
    assert force["closure_h"] == pytest.approx(32.0)
    air = [t for t in plan["trips"] if t["leg"] == "air:H>A"]
    assert [t["depart_h"] for t in air] == [0.0, 5.0, 10.0, 15.0]  # 4 round trips, 25 t each
    assert all(t["tons"] == pytest.approx(25.0) for t in air)


def test_earliest_ready_first_blocks_the_stronger_force() -> None:
    plan = greedy(one_aircraft_two_forces())
    assert plan["kpis"]["gap_days"] == pytest.approx(31.5)
    flights = sorted((t for t in plan["trips"] if t["mode"] == "air"), key=lambda t: t["depart_h"])
    assert [(t["depart_h"], [c["force"] for c in t["cargo"]]) for t in flights] == [
        (0.0, ["a"]), (24.0, ["a"]), (48.0, ["b"]),
    ]
    assert _by(plan["forces"], "force", "b")["closure_h"] == pytest.approx(80.0)


def test_the_mip_beats_greedy_where_greedy_blocks() -> None:
    from optimizer.planner import plan_with_mip

    resolved = one_aircraft_two_forces()
    mip = plan_with_mip(resolved, time_limit_s=30)[0].to_json()
    assert check_plan(resolved, mip) == []
    assert mip["kpis"]["gap_days"] == pytest.approx(22.0)
    assert greedy(resolved)["kpis"]["gap_days"] > mip["kpis"]["gap_days"]


def _daily(plan: Json, place: str, value: Callable[[Json], float]) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for t in plan["trips"]:
        if t["to"] == place:
            out[math.floor(t["arrive_h"] / 24)] += value(t)
    return dict(out)


def test_airfield_throughput_is_respected() -> None:
    plan = greedy(airfield_throughput(60.0))
    assert _daily(plan, "A", lambda t: t["tons"]) == pytest.approx({0: 60.0, 1: 40.0})
    # 60 t in S on day 1, the rest on day 2: gaps 1, 0.4, 0, ...
    assert plan["kpis"]["gap_days"] == pytest.approx(1.4)


def test_airfield_mog_is_respected() -> None:
    resolved = airfield_mog()
    plan = greedy(resolved)
    hours = _daily(plan, "A", lambda t: t["vehicles"] * 1.0)  # unload_h is 1
    assert hours == pytest.approx({0: 24.0, 1: 24.0, 2: 4.0})
    assert _daily(plan, "A", lambda t: t["tons"]) == pytest.approx({0: 240.0, 1: 240.0, 2: 20.0})
    # in S: 240 t on day 1, 240 on day 2, 20 on day 3 -> gaps 1, 0.52, 0.04
    assert plan["kpis"]["gap_days"] == pytest.approx(1.56)


def test_sustainment_from_the_nearest_depot_first() -> None:
    plan = greedy(two_depots())
    rows = [(s["day"], s["depot"], s["ship_day"], round(s["tons"], 9)) for s in plan["supply"]]
    assert rows == [
        (1, "near", 0, 10.0),
        (2, "near", 1, 5.0),  # near is out of stock; far cannot reach S before day 3
        (3, "far", 0, 5.0), (4, "far", 1, 5.0), (5, "far", 2, 5.0),
    ]
    # day 0 nothing arrived (gap 1); day 1 ready; days 2-5 half supplied (gap 0.5 each)
    assert plan["kpis"]["gap_days"] == pytest.approx(3.0)
    assert _by(plan["forces"], "force", "bde")["sustained_by"] == ["far", "near"]


def test_sector_with_most_missing_first_then_earliest_due() -> None:
    plan = greedy(two_sectors())
    assert {f["force"]: f["sector"] for f in plan["forces"]} == {"x": "S2", "y": "S1"}


def test_member_over_max_share_is_stood_down() -> None:
    plan = greedy(max_share())
    assert _by(plan["forces"], "force", "us")["sector"] is None
    assert {c["force"] for t in plan["trips"] for c in t["cargo"]} == {"lt"}
    assert _by(plan["members"], "member", "US")["share"] == 0.0


def test_opted_out_forces_do_not_move() -> None:
    plan = greedy(opt_out())
    assert {c["force"] for t in plan["trips"] for c in t["cargo"]} == {"b"}
    assert _by(plan["forces"], "force", "a")["sector"] is None


@pytest.mark.parametrize(
    "make",
    [tiny.one_force_one_fleet, one_aircraft_two_forces, lambda: airfield_throughput(30.0),
     airfield_mog, two_depots, two_sectors, max_share, opt_out, period_hours(6),
     period_hours(8), period_hours(12)],
)
def test_every_greedy_plan_passes_the_checker_and_is_deterministic(
    make: Callable[[], Json],
) -> None:
    assert greedy(make()) == greedy(make())  # greedy() runs check_plan


@pytest.mark.parametrize(("outage", "gap_days"), [
    ((0.0, 0, 1, None), 3.0),  # contracts.examples.airfield_outage works both out by hand
    ((0.5, 0, 5, 100.0), 1.5),
])
def test_greedy_respects_outages(outage: tuple[float, int, int, float | None], gap_days: float
                                 ) -> None:
    resolved = tiny.airfield_outage(*outage)
    plan = greedy(resolved)
    assert check_plan(resolved, plan) == []
    assert plan["kpis"]["gap_days"] == pytest.approx(gap_days)
