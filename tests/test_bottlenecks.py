"""Bottleneck values (optimizer/bottlenecks.py, confirmed by whatif/bottlenecks.py) on tiny
networks whose duals are worked out by hand: every estimate here is a number of gap-days,
and a wrong sign, unit (tons for kilotons) or set of periods gives another number."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from test_share import stopped_at_start
from typer.testing import CliRunner

from checker import check_plan
from contracts import examples as tiny
from contracts.loader import load_scenario
from contracts.network import Network
from contracts.plan import Plan
from contracts.scenario import Scenario
from geodata.network import build_network
from mobilize.cli import _figure, app
from optimizer.bottlenecks import (
    BottleneckError,
    Change,
    Prices,
    bottleneck_values,
)
from optimizer.planner import plan_with_mip, planning_model
from optimizer.schedule import schedule_from_plan
from optimizer.settings import SearchSettings
from optimizer.warmstart import start_from_schedule
from whatif.bottlenecks import Resolver, changed_scenario_data, confirm, scenario_resolver
from whatif.share import World

MINI = Path(__file__).parent / "data" / "mini.yaml"


def steady_airlift(delay: int = 0, leg_km: float = 4000.0, horizon: int = 4) -> dict[str, Any]:
    """A 1,000 t brigade (armor 1: a point per kiloton) and one 50 t aircraft of its member,
    both ready on the member's decision day. H->S 4,000 km at 800 km/h: 7 h transit, 16 h
    cycle, so one flight a day, busy one period, landing the day it leaves (8,000 km: 12 h
    transit, 26 h cycle, busy two periods). The brigade never closes within the horizon, so
    every ton flown on day d shortens the gap on each day from d to the last."""
    c17 = tiny.fleet("c17", "air", 1, 50.0, 800.0, turnaround_h=4.0, activation_day=delay)
    members = [{"code": "US", "name": "US", "decision_delay_days": delay, "fair_share": None,
                "max_share": None, "opt_out": False}]
    return tiny.resolved(
        places=[tiny.place("H", "base")],
        sectors=[tiny.sector("S", [{"capability": "armor", "amount": 1, "by_day": 10}])],
        forces=[tiny.force("bde", "H", 1000.0, {"armor": 1}, activation_day=delay)],
        fleets=[c17], legs=[tiny.leg("H", "S", "air", leg_km, [c17])],
        horizon_days=horizon, members=members)


def two_ports() -> dict[str, Any]:
    """Two 1,000 t brigades (armor 1 from H1, infantry 1 from H2: a point per kiloton each),
    each with its own 50 t aircraft flying 4,000 km a day (7 h transit) to its airfield, A
    (throughput 30 t/day) or B (1,000 t/day), then trucked 100 km (8 h) to the sector.
    A flight on day d lands on day d (that is the day A or B counts it), the trucks leave on
    day d + 1 and are in by its end: cargo flown on day d counts from day d + 1 to day 4,
    4 - d days. Flights on days 0-3.
    - A binds (30 of the 50 t): 1,000 t more on day d saves 4 - d gap-days, and on every
      day 4 + 3 + 2 + 1 = 10 gap-days. B carries 50 t of 1,000: 0.
    - c17b is full: one more (50 t a day on days 0-3) saves 0.05 x 10 = 0.5 gap-days; c17a
      is held back by A (20 t spare): 0. The trucks are never full: 0."""
    a = tiny.fleet("c17a", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    b = tiny.fleet("c17b", "air", 1, 50.0, 800.0, turnaround_h=4.0)
    truck = tiny.fleet("truck", "road", 10, 20.0, 50.0, load_h=4.0, unload_h=2.0,
                       turnaround_h=4.0)
    return tiny.resolved(
        places=[tiny.place("H1", "base"), tiny.place("H2", "base"),
                tiny.place("A", throughput_tpd=30.0), tiny.place("B", throughput_tpd=1000.0)],
        sectors=[tiny.sector("S", [{"capability": "armor", "amount": 1, "by_day": 10},
                                   {"capability": "infantry", "amount": 1, "by_day": 10}])],
        forces=[tiny.force("arm", "H1", 1000.0, {"armor": 1}),
                tiny.force("inf", "H2", 1000.0, {"infantry": 1})],
        fleets=[a, b, truck],
        legs=[tiny.leg("H1", "A", "air", 4000.0, [a]), tiny.leg("H2", "B", "air", 4000.0, [b]),
              tiny.leg("A", "S", "road", 100.0, [truck]),
              tiny.leg("B", "S", "road", 100.0, [truck])],
        horizon_days=5)


def planned(resolved: dict[str, Any]) -> Plan:
    plan, _ = plan_with_mip(resolved, time_limit_s=30)
    assert check_plan(resolved, plan.to_json()) == []
    assert plan.solver.status == "optimal"
    return plan


def priced(resolved: dict[str, Any]) -> Prices:
    return bottleneck_values(Network.from_json(resolved), planned(resolved))


def base(resolved: dict[str, Any]) -> World:
    """The world the priced plan was made in, which a confirmation tries its plan in."""
    return World("base", resolved, planned(resolved))


def estimates(resolved: dict[str, Any]) -> tuple[Prices, dict[str, float]]:
    prices = priced(resolved)
    return prices, {b.change.resource: b.estimate for b in prices.values}


def changed(resolved: dict[str, Any]) -> Resolver:
    """This test's own reading of each change on a tiny resolved network (no scenario file):
    a vehicle more, 1,000 t/day more, or the member's forces and fleets a day earlier."""

    def resolve(change: Change) -> dict[str, Any]:
        out = copy.deepcopy(resolved)
        if change.kind == "fleet":
            next(f for f in out["fleets"] if f["id"] == change.target)["count"] += 1
        elif change.kind == "throughput":
            next(p for p in out["places"] if p["id"] == change.target)["throughput_tpd"] += 1000
        elif change.kind == "member":
            next(m for m in out["members"] if m["code"] == change.target)[
                "decision_delay_days"] -= 1
            for item in out["forces"] + out["fleets"]:
                if change.target in (item.get("owners") or [item.get("member")]):
                    item["activation_day"] -= 1
        else:
            raise AssertionError(change)
        return out

    return resolve


def test_one_more_aircraft_saves_what_the_dual_says() -> None:
    """One aircraft flies 50 t on days 0-3 into a 1,000 t brigade's sector: delivered 50, 100,
    150, 200 t by the ends of days 0-3, gaps 0.95 + 0.90 + 0.85 + 0.80 = 3.5 gap-days. A
    second aircraft doubles it: 0.90 + 0.80 + 0.70 + 0.60 = 3.0, so it saves 0.5. The dual
    of day d's payload row is 4 - d gap-days per kiloton (a ton flown on day d counts on
    days d..3), and one more aircraft joins each day's flight: 0.05 kt x (4 + 3 + 2 + 1)."""
    resolved = steady_airlift()
    prices, value = estimates(resolved)
    assert prices.plan_gap_days == pytest.approx(3.5)
    assert prices.lp_gap_days == pytest.approx(3.5)
    assert value == {"fleet c17": pytest.approx(0.5)}
    (done,) = confirm(prices, 1, changed(resolved), SearchSettings(), base(resolved)).values
    assert done.confirmed == pytest.approx(0.5) and done.confirmed_gap_days == pytest.approx(3.0)
    assert done.confirmed_by_base_plan is False


def test_a_vehicle_serves_one_group_at_a_time() -> None:
    """At 8,000 km the aircraft is busy two days a flight: it flies days 0 and 2 (50, 50,
    100, 100 t: 3.7 gap-days). A second one is worth the best flights it can make, days 0
    and 2: 0.05 x (4 + 2) = 0.3; a sum over every day's payload row would say more."""
    prices, value = estimates(steady_airlift(leg_km=8000.0))
    assert prices.plan_gap_days == pytest.approx(3.7)
    assert value == {"fleet c17": pytest.approx(0.3)}


def test_binding_throughput_is_priced_and_a_slack_one_is_zero() -> None:
    """See two_ports: A binds every day (10 gap-days per 1,000 t/day), B never (0)."""
    prices, value = estimates(two_ports())
    # armor: 30 t/day from day 1 (0.03 + 0.06 + 0.09 + 0.12 = 0.3 delivered-days), infantry
    # 50 t/day (0.5): 10 gap-days of need less 0.8
    assert prices.plan_gap_days == pytest.approx(9.2)
    assert value["place A"] == pytest.approx(10.0)
    assert value["place B"] == 0.0
    assert value["fleet c17a"] == 0.0 and value["fleet truck"] == 0.0


def test_ranking_puts_the_largest_saving_first() -> None:
    prices, _ = estimates(two_ports())
    order = [b.change.resource for b in prices.values]
    assert order == ["place A", "fleet c17b", "fleet c17a", "fleet truck", "place B"]
    assert [b.change.unit for b in prices.values[:2]] == [
        "+1,000 t/day throughput", "one more vehicle"]


def test_confirm_matches_the_dual_where_it_is_exact() -> None:
    """c17b's estimate (0.5) is exact: the second aircraft's 50 t a day stays within the
    dual's range (infantry never runs out). A's is not: 1,000 t/day more at A is priced at
    10, but the aircraft carries 50 t, only 20 t/day more than A took: 0.02 x 10 = 0.2."""
    resolved = two_ports()
    prices = confirm(priced(resolved), 2, changed(resolved), SearchSettings(), base(resolved))
    a, b = prices.values[:2]
    assert (a.change.resource, a.estimate, a.confirmed) == (
        "place A", pytest.approx(10.0), pytest.approx(0.2))
    assert (b.change.resource, b.estimate, b.confirmed) == (
        "fleet c17b", pytest.approx(0.5), pytest.approx(0.5))
    assert b.confirmed_gap_days == pytest.approx(9.2 - 0.5)
    assert prices.values[2].confirmed is None  # only the top two were re-solved


def test_member_deciding_earlier_brings_its_deliveries_a_day_sooner() -> None:
    """The member decides on day 1: brigade and aircraft from day 1, flights days 1-4 of 5:
    0, 50, 100, 150, 200 t in by the ends of days 0-4 (4.5 gap-days). A day sooner, days 0-3
    have 50 t more each, a point per kiloton at 1 gap-day a point (every gap is open):
    4 x 0.05 = 0.2; day 4's next day is past the horizon, so it gains nothing in the
    estimate. Really deciding on C-day adds a day-0 flight that counts on all 5 days: 0.25.
    A sum over day 4 too, or tons for kilotons, gives another number."""
    resolved = steady_airlift(delay=1, horizon=5)
    prices = priced(resolved)
    value = {b.change.resource: b.estimate for b in prices.values}
    assert value["member US"] == pytest.approx(0.2)
    assert value["fleet c17"] == pytest.approx(0.05 * (4 + 3 + 2 + 1))
    member = next(b for b in prices.values if b.change.kind == "member")
    only = Prices(prices.plan_gap_days, prices.lp_gap_days, [member])
    (done,) = confirm(only, 1, changed(resolved), SearchSettings(), base(resolved)).values
    assert done.confirmed == pytest.approx(0.25)


def test_a_force_waiting_for_its_member_decision() -> None:
    """A 100 t battalion (armor 1) of PL, which decides on day 1, and a US aircraft of 150 t
    ready on C-day: the battalion flies the day it is ready and lands the same day, so the
    gap is 1 on day 0 only (1 gap-day of 4). A day sooner, its 0.1 kt (10 points per kt) is
    in on day 0, where the gap is fixed at 1 (nothing can be there yet: no readiness row, so
    the gap's own cost, 1 gap-day a point): 0.1 x 10 x 1 = 1.0, and deciding on C-day
    really saves that day: 1.0. The US decides on C-day: no entry."""
    resolved = steady_airlift()
    resolved["members"].append({"code": "PL", "name": "PL", "decision_delay_days": 1,
                                "fair_share": None, "max_share": None, "opt_out": False})
    resolved["forces"][0].update(member="PL", cargo_t=100.0, activation_day=1)
    resolved["fleets"][0]["payload_t"] = 150.0
    prices = priced(resolved)
    assert prices.plan_gap_days == pytest.approx(1.0)
    member = next(b for b in prices.values if b.change.kind == "member")
    assert (member.change.target, member.estimate) == ("PL", pytest.approx(1.0))
    assert [b.change.target for b in prices.values if b.change.kind == "member"] == ["PL"]
    only = Prices(prices.plan_gap_days, prices.lp_gap_days, [member])
    (done,) = confirm(only, 1, changed(resolved), SearchSettings(), base(resolved)).values
    assert done.confirmed == pytest.approx(1.0)


def searches_stopping_short(stopped: list[Plan]) -> Callable[..., tuple[Plan, None]]:
    """plan_with_mip's stand-in for a search that stops at its start (see test_share): the
    greedy start as a solution of the world's own model; each plan also goes to `stopped`."""

    def plan(world: dict[str, Any], *_: Any, **__: Any) -> tuple[Plan, None]:
        stopped.append(stopped_at_start(world, plan_with_mip(world)[0]))
        return stopped[-1], None

    return plan


def test_a_re_solve_that_stops_short_keeps_the_plan_it_started_from() -> None:
    """One more C-17 takes no choice away, so the plan before is a plan after too. The
    Baltic re-solves with one more low-loader, US train or broad-gauge train stopped 5.7-12.2
    gap-days worse than the plan they confirm, and read as negative savings. A search that
    stops short is stood in for by the changed world's greedy start (see test_share): the
    confirmation must keep the plan it started from, saving nothing, not lose gap-days."""
    resolved = build_network(load_scenario(MINI), MINI).to_json()
    before = planned(resolved)
    prices = bottleneck_values(Network.from_json(resolved), before)
    c17 = next(b for b in prices.values if b.change == Change("fleet", "us-c17"))
    stopped: list[Plan] = []
    only = Prices(prices.plan_gap_days, prices.lp_gap_days, [c17])
    with patch("whatif.bottlenecks.plan_with_mip", side_effect=searches_stopping_short(stopped)):
        (done,) = confirm(only, 1, scenario_resolver(resolved), SearchSettings(),
                          World("base", resolved, before)).values
    # the premise: the stopped search is worse than the plan before, in gap-days too
    assert stopped[0].kpis.gap_days > before.kpis.gap_days + 0.5
    assert done.confirmed_by_base_plan is True
    assert done.confirmed_gap_days == pytest.approx(before.kpis.gap_days)
    assert done.confirmed == pytest.approx(0.0, abs=1e-9)
    # the stopped search's own plan is reported beside the plan that stood
    assert done.confirmed_own_gap_days == pytest.approx(stopped[0].kpis.gap_days)
    doc = dataclasses.replace(only, values=[done]).to_json()
    assert doc["resources"][0]["confirmed_by_base_plan"] is True


def test_cli_marks_a_confirmation_that_kept_the_plan(tmp_path: Path) -> None:
    """The table says when the re-solve found nothing better and the plan stood."""
    resolved = build_network(load_scenario(MINI), MINI).to_json()
    (tmp_path / "resolved.json").write_text(json.dumps(resolved), encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps(planned(resolved).to_json()),
                                        encoding="utf-8")
    with patch("whatif.bottlenecks.plan_with_mip", side_effect=searches_stopping_short([])):
        result = runner.invoke(app, ["bottlenecks", str(tmp_path), "--confirm", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "bottlenecks.json").read_text(encoding="utf-8"))
    first = doc["resources"][0]
    assert first["confirmed_by_base_plan"] is True and first["confirmed_gap_days_saved"] >= 0
    assert "(this plan)" in result.output
    assert doc["resources"][1]["confirmed_by_base_plan"] is None  # not confirmed


@pytest.mark.parametrize(("flag", "warm"), [([], True), (["--warm"], True),
                                             (["--cold"], False)])
def test_confirmations_start_from_the_plan_being_priced_unless_cold(
        tmp_path: Path, flag: list[str], warm: bool) -> None:
    """By default each confirming re-solve starts from the plan being priced (its sectors
    and routes): bottlenecks.json records each re-solve's own method, which says so;
    `--cold` searches each changed world afresh. Either way one more unit saves no less
    than nothing."""
    resolved = build_network(load_scenario(MINI), MINI).to_json()
    plan = planned(resolved)
    (tmp_path / "resolved.json").write_text(json.dumps(resolved), encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps(plan.to_json()), encoding="utf-8")
    result = runner.invoke(app, ["bottlenecks", str(tmp_path), "--confirm", "2", "--quiet",
                                 *flag])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "bottlenecks.json").read_text(encoding="utf-8"))
    done, rest = doc["resources"][:2], doc["resources"][2:]
    assert all(("previous plan" in r["confirmed_method"]) is warm for r in done)
    assert all(r["confirmed_gap_days_saved"] >= -1e-9 for r in done)
    assert all(r["confirmed_method"] is None for r in rest)


def test_a_saving_of_round_off_prints_as_zero() -> None:
    """The same plan's gap-days in the changed world differ from the base's in the sixth
    decimal (433.678927 against 433.678926 on the Baltic plan): 0.00, not -0.00."""
    assert _figure(-1e-6) == "0.00" and _figure(-1.1e-13) == "0.00"
    assert _figure(1234.567) == "1,234.57" and _figure(-0.5) == "-0.50"


def test_a_member_deciding_on_c_day_has_no_entry() -> None:
    _, value = estimates(steady_airlift())
    assert "member US" not in value


def test_plan_without_a_solution_or_of_another_network_is_refused() -> None:
    resolved = steady_airlift()
    plan = planned(resolved)
    lost = dataclasses.replace(plan.solver, status="no_solution")
    with pytest.raises(BottleneckError, match="no integer solution"):
        bottleneck_values(Network.from_json(resolved), dataclasses.replace(plan, solver=lost))
    with pytest.raises(BottleneckError, match="do not fit the model"):
        bottleneck_values(Network.from_json(steady_airlift(leg_km=8000.0)), plan)


def test_changes_apply_to_the_scenario_and_resolve() -> None:
    base = load_scenario(MINI).model_dump(mode="json", by_alias=True, exclude_none=True)
    for change, check in [
        (Change("fleet", "us-c17"), lambda n: n.fleets["us-c17"].count == 3),
        (Change("throughput", "EYKA"), lambda n: n.places["EYKA"].throughput_tpd == 3000),
        (Change("depot_stock", "dep-bialystok"), lambda n: n.depots["dep-bialystok"].stock_t
         == 6000),
        (Change("member", "US"), lambda n: (n.members["US"].decision_delay_days,
                                            n.fleets["us-c17"].activation_day,
                                            n.forces["us-abn-coy"].activation_day) == (0, 0, 0)),
    ]:
        s = Scenario.model_validate(changed_scenario_data(base, change))
        assert check(build_network(s, MINI)), change
    assert load_scenario(MINI).model_dump(mode="json", by_alias=True, exclude_none=True) == base


runner = CliRunner()


def test_cli_writes_the_table_and_json(tmp_path: Path) -> None:
    resolved = two_ports()
    (tmp_path / "resolved.json").write_text(json.dumps(resolved), encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps(planned(resolved).to_json()),
                                        encoding="utf-8")
    result = runner.invoke(app, ["bottlenecks", str(tmp_path), "--top", "2"])
    assert result.exit_code == 0, result.output
    assert "place A" in result.output and "fleet c17b" in result.output
    assert "place B" not in result.output  # --top 2
    doc = json.loads((tmp_path / "bottlenecks.json").read_text(encoding="utf-8"))
    assert doc["resources"][0]["estimated_gap_days_saved"] == pytest.approx(10.0)
    assert doc["resources"][0]["confirmed_gap_days_saved"] is None
    assert "gap-days saved" in doc["what"]
    printed = runner.invoke(app, ["bottlenecks", str(tmp_path), "--json"])
    assert json.loads(printed.output) == doc


def test_cli_says_when_there_is_no_plan(tmp_path: Path) -> None:
    (tmp_path / "resolved.json").write_text(json.dumps(two_ports()), encoding="utf-8")
    result = runner.invoke(app, ["bottlenecks", str(tmp_path)])
    assert result.exit_code == 2
    assert "plan.json not found" in result.output


def test_cli_says_when_the_plan_has_no_integer_solution(tmp_path: Path) -> None:
    resolved = steady_airlift()
    doc = planned(resolved).to_json()
    doc["solver"]["status"] = "no_solution"
    (tmp_path / "resolved.json").write_text(json.dumps(resolved), encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["bottlenecks", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("error: the plan has no integer solution")
    assert len(result.output.strip().splitlines()) == 1


def test_a_plan_on_routes_the_every_route_lp_added_is_priced() -> None:
    """tests/data/geo/reinforce.yaml: the planner's best plan flies a route its first model
    (candidate routes and the greedy plan's) lacks, found by the LP over every route. Its
    resources are still priced, on a model rebuilt to hold the plan's own routes."""
    path = Path(__file__).parent / "data" / "geo" / "reinforce.yaml"
    resolved = build_network(load_scenario(path), path).to_json()
    plan = plan_with_mip(resolved)[0]
    net = Network.from_json(resolved)
    first, _ = planning_model(net)
    assert start_from_schedule(first, schedule_from_plan(plan)) is None
    prices = bottleneck_values(net, plan)
    assert abs(prices.plan_gap_days - plan.kpis.gap_days) < 1e-6
    assert prices.lp_gap_days <= prices.plan_gap_days + 1e-6
    assert prices.values
