"""Sweeps (whatif.sweep, whatif.sweep_share, whatif.sweep_page, `mobilize sweep`): the
--vary grammar and its errors, draws fixed by the seed, the same statistics on local
processes and on a Dask cluster, statistics worked out by hand, more lift never hurting an
optimal plan, plans shared between samples, and an offline page that escapes the scenario's
text."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest
from test_share import stopped_at_start
from typer.testing import CliRunner

from checker import check_plan
from contracts.loader import load_scenario, parse_scenario
from contracts.plan import Plan
from contracts.scenario import Scenario
from mobilize.cli import app
from optimizer.settings import SearchSettings
from whatif.sweep import (
    RunSettings,
    SampleResult,
    SweepError,
    draw_samples,
    gather,
    local_executor,
    parse_vary,
    prepare_sweep,
    quantile,
    resolve_sample,
    run_sample,
    run_sweep,
    sample_result,
    summarise,
    sweep_record,
    warm_start,
)
from whatif.sweep_page import build_sweep_page, write_sweep_page
from whatif.sweep_share import share_samples

DATA = Path(__file__).parent / "data"
GEO = DATA / "geo" / "reinforce.yaml"
MINI = DATA / "mini.yaml"
GREEDY = RunSettings(planner="greedy")
runner = CliRunner()

# One US brigade flown from Dover to Kaunas, trucked the last few km: only the C-17s limit
# how fast it arrives, so with more of them the optimal plan can only be as good or better.
AIRLIFT = """
name: {name}
alliance: NATO
c_day: 2027-03-01
horizon_days: 8
ally: LT
members:
  - {{code: LT, name: Lithuania}}
  - {{code: US, name: United States}}
places:
  - {{id: KDOV, kind: airfield, icao: KDOV, country: US}}
  - {{id: EYKA, kind: airfield, icao: EYKA, country: LT}}
sectors:
  - {{id: S-KAUNAS, name: {name}, place: EYKA, radius_km: 30,
     requirements: [{{capability: infantry, amount: 1, by_day: 0}}]}}
forces:
  - {{id: us-bde, name: {name}, member: US, home: KDOV, personnel: 1000, cargo_t: 1000,
     capability: {{infantry: 1}}, sector: S-KAUNAS}}
fleets:
  - {{id: us-c17, name: {name}, member: US, mode: air, count: 2, payload_t: 77.5, pax: 102,
     speed_kmh: 830, range_km: 8300}}
  - {{id: lt-trucks, member: LT, mode: road, count: 200, payload_t: 20, speed_kmh: 50}}
"""
HOSTILE = "<img src=x onerror=alert(1)>"


def airlift(name: str = "Airlift only") -> Scenario:
    return parse_scenario(AIRLIFT.format(name=json.dumps(name)), "airlift.yaml")


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI)


@pytest.fixture(scope="module")
def geo() -> Scenario:
    return load_scenario(GEO)


# --- the grammar ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind", "key", "dist", "values"), [
    ("members.US.decision_delay_days=uniform(0,10)", "delay", "US", "uniform", (0, 10)),
    ("members.PL.opt_out=choice(false,true)", "opt_out", "PL", "choice", (0, 1)),
    ("fleets.us-c17.count=range(20,60,5)", "fleet_count", "us-c17", "range",
     tuple(range(20, 61, 5))),
    ("places.EPRZ.closed=choice(0,1)", "place_closed", "EPRZ", "choice", (0, 1)),
    ("places.EYKA.capacity_factor=range(0.5,1,0.25)", "place_capacity", "EYKA", "range",
     (0.5, 0.75, 1.0)),
    ("passages.bosporus=choice(open,closed)", "passage", "bosporus", "choice", (0, 1)),
    ("airspace.SE=choice(open,closed)", "airspace", "SE", "choice", (0, 1)),
    ("sectors.south.requirements.infantry.amount=uniform(1,3)", "requirement",
     "south/infantry", "uniform", (1, 3)),
    (" fleets.us-c17.count = choice( 1 , 2 ) ", "fleet_count", "us-c17", "choice", (1, 2)),
])
def test_vary_grammar(mini: Scenario, text: str, kind: str, key: str, dist: str,
                      values: tuple[float, ...]) -> None:
    (spec,) = parse_vary([text], mini)
    assert (spec.target.kind, spec.target.key, spec.dist.kind) == (kind, key, dist)
    assert spec.dist.values == pytest.approx(values)


@pytest.mark.parametrize(("text", "words"), [
    ("fleets.us-c17.count", "write PATH=DIST"),
    ("fleets.us-c5m.count=range(1,4,1)", "unknown fleet 'us-c5m'; did you mean one of ['us-c17']"),
    ("members.DE.decision_delay_days=uniform(0,3)", "unknown member 'DE'"),
    ("places.EYVI.closed=choice(0,1)", "unknown place 'EYVI'"),
    ("passages.kiel=choice(open,closed)", "unknown passage 'kiel'"),
    ("airspace.Sweden=choice(open,closed)", "not an ISO 3166-1 alpha-2"),
    ("sectors.south.requirements.armor.amount=uniform(1,2)", "unknown capability"),
    ("fleets.us-c17.speed_kmh=uniform(500,900)", "unknown input 'fleets.us-c17.speed_kmh'"),
    ("fleets.us-c17.count=normal(2,1)", "unknown distribution 'normal'"),
    ("fleets.us-c17.count=uniform(5,1)", "two values a < b"),
    ("fleets.us-c17.count=uniform(1,2.5)", "'2.5': this input takes whole numbers"),
    ("fleets.us-c17.count=choice(1)", "two values or more"),
    ("fleets.us-c17.count=range(1,5,0)", "a step > 0"),
    ("fleets.us-c17.count=choice(-1,2)", "-1 is out of range"),
    ("places.EYKA.capacity_factor=choice(0,0.5)", "0 is out of range: this input takes "
                                                  "values in (0, 1]"),
    ("places.ORZYSZ.capacity_factor=choice(0.5,1)", "has no throughput_tpd or mog"),
    ("places.EPRZ.closed=choice(0,maybe)", "this input is on/off"),
    ("members.LT.opt_out=choice(0,1)", "the ally itself"),
    ("members.US.decision_delay_days=uniform(0,x)", "'x' is not a number"),
])
def test_bad_spec_is_one_clear_line(mini: Scenario, text: str, words: str) -> None:
    with pytest.raises(SweepError) as err:
        parse_vary([text], mini)
    message = str(err.value)
    assert message.count("\n") == 0
    assert message.startswith(f"--vary {text!r}: ")
    assert words in message


def test_every_bad_spec_is_reported_and_nothing_runs(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    result = runner.invoke(app, [
        "sweep", str(MINI), "--vary", "fleets.nope.count=range(1,3,1)",
        "--vary", "members.US.decision_delay_days=uniform(0,2)",
        "--vary", "members.US.decision_delay_days=uniform(0,3)", "--planner", "greedy",
        "--out", str(out)])
    assert result.exit_code == 2
    assert "unknown fleet 'nope'" in result.output
    assert "'members.US.decision_delay_days': varied twice" in result.output
    assert not out.exists()


def test_no_vary_is_an_error(mini: Scenario) -> None:
    with pytest.raises(SweepError, match="give at least one input to vary"):
        parse_vary([], mini)


# --- drawing ----------------------------------------------------------------------------


def test_draws_follow_the_seed(mini: Scenario) -> None:
    specs = parse_vary(["members.US.decision_delay_days=uniform(0,10)",
                        "places.EYKA.capacity_factor=uniform(0.2,1)",
                        "places.EPRZ.closed=choice(0,1)"], mini)
    a, b = draw_samples(specs, 50, seed=7), draw_samples(specs, 50, seed=7)
    assert a == b
    c = draw_samples(specs, 50, seed=8)
    assert [s.inputs for s in c] != [s.inputs for s in a]
    delays = [s.inputs["members.US.decision_delay_days"] for s in a]
    assert all(isinstance(d, int) and 0 <= d <= 10 for d in delays)
    assert {0, 10} <= set(delays)  # both ends included
    factors = [s.inputs["places.EYKA.capacity_factor"] for s in a]
    assert all(0.2 <= f < 1 for f in factors) and len(set(factors)) == 50
    # an input added after the others leaves their draws as they were
    more = draw_samples([*specs, *parse_vary(["fleets.us-c17.count=uniform(1,3)"], mini)],
                        50, seed=7)
    assert [{k: s.inputs[k] for k in a[0].inputs} for s in more] == [s.inputs for s in a]


def test_grid_is_walked_point_by_point(mini: Scenario) -> None:
    specs = parse_vary(["fleets.us-c17.count=range(1,3,1)",
                        "members.US.decision_delay_days=uniform(0,5)"], mini)
    samples = draw_samples(specs, 4, seed=1)
    assert [s.inputs["fleets.us-c17.count"] for s in samples] == [1] * 4 + [2] * 4 + [3] * 4
    grid_only = parse_vary(["fleets.us-c17.count=range(1,3,1)"], mini)
    assert len(draw_samples(grid_only, None, seed=1)) == 3
    with pytest.raises(SweepError, match="every input is a range"):
        draw_samples(grid_only, 10, seed=1)


def test_samples_are_what_if_changes_of_a_widened_base(mini: Scenario) -> None:
    """Counts above the base's 2 C-17s, and a delay below the base's 1 day, are reached by
    raising the fleet and shortening the delay in the sweep's base, then taking away."""
    sw = prepare_sweep(mini, ["fleets.us-c17.count=range(0,6,3)",
                              "members.US.decision_delay_days=choice(0,4)",
                              "places.EPRZ.closed=choice(0,1)"], 2, 3, GREEDY)
    base = sw.tasks[0].scenario
    assert next(f for f in base["fleets"] if f["id"] == "us-c17")["count"] == 6
    assert next(m for m in base["members"] if m["code"] == "US")["decision_delay_days"] == 0
    for task in sw.tasks:
        v = task.sample.inputs
        kinds = {next(iter(c)): c[next(iter(c))] for c in task.changes}
        if v["fleets.us-c17.count"] < 6:
            assert kinds["fleet_loss"] == {"fleet": "us-c17",
                                           "count": 6 - v["fleets.us-c17.count"]}
        else:
            assert "fleet_loss" not in kinds
        assert ("member_delay" in kinds) == (v["members.US.decision_delay_days"] == 4)
        assert ("close_place" in kinds) == (v["places.EPRZ.closed"] == 1)


# --- statistics, by hand ------------------------------------------------------------------


def test_quantiles_are_sampled_values() -> None:
    xs = [float(x) for x in range(1, 11)]  # 1..10
    assert [quantile(xs, q) for q in (0.1, 0.5, 0.9)] == [1.0, 5.0, 9.0]
    assert quantile([3.0, math.inf, 1.0], 0.9) == math.inf


def test_statistics_by_hand(mini: Scenario) -> None:
    """Six made-up results: closure and gap-days quantiles, tornado groups and swings."""
    sw = prepare_sweep(mini, ["members.US.decision_delay_days=choice(0,1,2)",
                              "places.EPRZ.closed=choice(0,1)"], 6, 0, GREEDY)
    rows = [(0, 0, 10.0, 2), (1, 0, 20.0, 4), (2, 0, 30.0, None),
            (0, 1, 12.0, 3), (1, 1, 22.0, 5), (2, 1, 50.0, None)]
    results = [SampleResult(i, {"members.US.decision_delay_days": d, "places.EPRZ.closed": c},
                            g, day, 0, "optimal", True) for i, (d, c, g, day) in enumerate(rows)]
    results.append(SampleResult(6, results[0].inputs, None, None, None, "error", None,
                                error="no plan"))
    s = summarise(sw, results)
    assert (s["samples"], s["solved"], s["errors"]) == (7, 6, 1)
    assert s["gap_days"] == {"p10": 10.0, "p50": 20.0, "p90": 50.0}
    # closure days 2, 3, 4, 5, never, never: P90 falls on "never"
    assert s["closure_day"] == {"p10": 2, "p50": 4, "p90": None}
    assert s["closure_not_reached"] == 2
    bars = {b["input"]: b for b in s["tornado"]}
    delay = bars["members.US.decision_delay_days"]
    # delays 0,1,2 twice each: 1/3 quantile 0, 2/3 quantile 1 -> low {0}, high {1, 2}
    assert (delay["low"], delay["high"]) == ([0, 0], [1, 2])
    assert delay["gap_days_swing"] == pytest.approx((20 + 22 + 30 + 50) / 4 - (10 + 12) / 2)
    horizon = mini.horizon_days  # never closed counts as the horizon
    assert delay["closure_day_swing"] == pytest.approx((4 + 5 + 2 * horizon) / 4 - 2.5)
    closed = bars["places.EPRZ.closed"]
    assert (closed["n_low"], closed["n_high"]) == (3, 3)
    assert closed["gap_days_swing"] == pytest.approx((12 + 22 + 50) / 3 - (10 + 20 + 30) / 3)
    assert s["tornado"][0]["input"] == "members.US.decision_delay_days"  # largest first
    assert s["curve"] is None


# --- running: the same statistics on any engine -------------------------------------------


def test_processes_and_dask_give_the_same_statistics(geo: Scenario) -> None:
    from distributed import Client, LocalCluster

    sw = prepare_sweep(geo, ["members.DE.decision_delay_days=uniform(0,10)",
                             "fleets.us-c17.count=uniform(5,30)",
                             "places.SESTOKAI.closed=choice(0,1)"], 10, 1, GREEDY)
    with local_executor(2) as pool:
        arrived: list[int] = []
        local = run_sweep(sw, pool, lambda r: arrived.append(r.id))
    assert sorted(arrived) == list(range(10)) and [r.id for r in local] == list(range(10))
    with (LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                       dashboard_address=None) as cluster,
          Client(cluster) as client, client.get_executor() as ex):
        remote = run_sweep(sw, ex)
    assert remote == local
    assert summarise(sw, remote) == summarise(sw, local)
    assert all(r.status == "feasible" and r.checker_ok for r in local)
    assert len({r.gap_days for r in local}) > 1  # the inputs do move the outcome
    # and another seed draws another sweep
    other = prepare_sweep(geo, ["members.DE.decision_delay_days=uniform(0,10)",
                                "fleets.us-c17.count=uniform(5,30)",
                                "places.SESTOKAI.closed=choice(0,1)"], 10, 2, GREEDY)
    assert [t.sample for t in other.tasks] != [t.sample for t in sw.tasks]


def test_more_lift_never_hurts_an_optimal_plan() -> None:
    """Only the C-17s limit the brigade: every optimal plan with k aircraft is a plan with
    k + 2, so the proven-optimal gap-days cannot rise along the range."""
    sw = prepare_sweep(airlift(), ["fleets.us-c17.count=range(1,13,2)"], None, 0,
                       RunSettings(planner="mip"))
    with local_executor(2) as pool:
        results = run_sweep(sw, pool)
    assert all(r.status == "optimal" and r.checker_ok for r in results)
    curve = summarise(sw, results)["curve"]
    assert [p["value"] for p in curve] == [1, 3, 5, 7, 9, 11, 13]
    gaps = [p["gap_days"]["p50"] for p in curve]
    assert all(b <= a + 1e-9 for a, b in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] < gaps[0] - 1  # and lift does matter here


def test_a_sample_whose_search_stopped_short_takes_a_plan_that_fits_it(mini: Scenario
                                                                       ) -> None:
    """The Gdańsk case in a sweep. Four worlds of mini.yaml: the US deciding on C+1 or C+4,
    Kaunas open or closed. The MIP proves each optimal, so two searches that stopped short are
    stood in for as in test_share (the greedy start as a plan of the world's own model). The
    base (C+1, Kaunas open) has every other world's choices, so it takes a plan found for one
    of them and no longer reads worse; the late, open world must never take a plan that
    moves the US company before the US decides."""
    delay, closed = "members.US.decision_delay_days", "places.EYKA.closed"
    sw = prepare_sweep(mini, [f"{delay}=range(1,4,3)", f"{closed}=range(0,1,1)"], None, 0,
                       RunSettings(planner="mip"))
    tasks = {t.sample.id: t for t in sw.tasks}

    def stopped_short(r: SampleResult) -> SampleResult:
        assert r.plan is not None
        resolved = resolve_sample(tasks[r.id])
        plan = stopped_at_start(resolved, Plan.from_json(r.plan))
        return sample_result(tasks[r.id].sample, plan, check_plan(resolved, plan.to_json()),
                             plan.to_json())

    with local_executor(2) as pool:
        solved = gather(pool, run_sample, sw.tasks)  # the solves of run_sweep, plans kept
        assert all(r.status == "optimal" and r.checker_ok and r.plan for r in solved)
        at = {(r.inputs[delay], r.inputs[closed]): r.id for r in solved}
        base, late = at[(1, 0)], at[(4, 0)]
        start = [stopped_short(r) if r.id in (base, late) else r for r in solved]
        shared = share_samples(sw, start, pool)
    # what the test relies on: the base's stand-in reads worse than worlds with fewer choices
    short = start[base].gap_days
    assert short is not None and start[base].checker_ok
    assert short > min(r.gap_days or 0 for r in solved if r.id != base) + 0.5
    b = shared[base]
    assert b.plan_from is not None and b.plan_from != base and b.checker_ok
    assert b.gap_days == pytest.approx(solved[b.plan_from].gap_days, abs=1e-9)
    assert b.status == "work_limit" and b.plan is None and b.own_gap_days == short
    # the base's optimum is better than the late world's stand-in, but moves the US too soon
    assert shared[late].plan_from in (None, at[(4, 1)]) and shared[late].checker_ok
    for r in solved:  # proven optimal: nothing tried, kept as solved
        if r.id not in (base, late):
            assert shared[r.id] == dataclasses.replace(r, plan=None)
    assert summarise(sw, shared)["plans_from_other_samples"] == 1 + (
        shared[late].plan_from is not None)


# --- the page and the command -------------------------------------------------------------


def _page(tmp_path: Path, scenario: Scenario) -> Path:
    """A small sweep's page, from real solves (greedy, two local processes)."""
    sw = prepare_sweep(scenario, ["fleets.us-c17.count=range(1,9,4)",
                                  "fleets.lt-trucks.count=choice(50,200)"], 2, 5, GREEDY)
    with local_executor(2) as pool:
        results = run_sweep(sw, pool)
    record = sweep_record(sw, summarise(sw, results))
    return write_sweep_page(tmp_path / "sweep.html", record, results)


def test_page_opens_offline_and_escapes_the_scenario(tmp_path: Path, offline_browser: Any
                                                     ) -> None:
    path = _page(tmp_path, airlift(HOSTILE))
    html = path.read_text(encoding="utf-8")
    assert HOSTILE not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("plotly.js v") == 1  # embedded once
    page = offline_browser.open(path.as_uri(), console=True)
    page.wait_for_selector(".plotly-graph-div .main-svg")
    assert page.locator(".plotly-graph-div").count() == 3  # distribution, tornado, curve
    assert HOSTILE in page.locator("h1").inner_text()  # shown as text, not run
    assert page.locator("img").count() == 0
    assert offline_browser.errors == []
    assert offline_browser.requested == []


def test_page_without_curve_or_tornado(mini: Scenario) -> None:
    sw = prepare_sweep(mini, ["places.EPRZ.closed=choice(0,1)"], 3, 0, GREEDY)
    results = [SampleResult(i, {"places.EPRZ.closed": 0}, 1.0, 1, 0, "feasible", True)
               for i in range(3)]
    html = build_sweep_page(sweep_record(sw, summarise(sw, results)), results)
    assert "No input took more than one value" in html
    assert "id='curve'" not in html
    assert "plan_from" not in html  # greedy: nothing shared


@pytest.mark.parametrize("share, words", [
    (True, "2 samples keep a plan another sample's search found"),
    (False, "Each sample has its own search's plan")])
def test_page_says_where_the_plans_came_from(mini: Scenario, share: bool, words: str) -> None:
    sw = prepare_sweep(mini, ["places.EPRZ.closed=choice(0,1)"], 3, 0,
                       RunSettings(planner="mip", share=share))
    results = [SampleResult(i, {"places.EPRZ.closed": 0}, 1.0, 1, 0, "work_limit", True,
                            plan_from=None if i == 0 or not share else 0) for i in range(3)]
    html = build_sweep_page(sweep_record(sw, summarise(sw, results)), results)
    assert words in html


def test_sweep_command_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, [
        "sweep", str(MINI), "--vary", "fleets.us-c17.count=range(1,3,1)",
        "--vary", "places.EPRZ.closed=choice(0,1)", "--samples", "2", "--seed", "4",
        "--planner", "greedy", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 samples on 1 local process" in result.output
    lines = (out / "sweep.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("sample,fleets.us-c17.count,places.EPRZ.closed,gap_days,")
    assert lines[0].endswith(",error,plan_from,own_gap_days")
    assert len(lines) == 7
    record = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert record["seed"] == 4 and record["statistics"]["solved"] == 6
    assert record["settings"]["share"] is True
    assert record["statistics"]["plans_from_other_samples"] == 0  # greedy: nothing shared
    assert [p["value"] for p in record["statistics"]["curve"]] == [1, 2, 3]
    assert (out / "sweep.html").is_file()


def test_no_share_is_recorded_with_the_sweep(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, [
        "sweep", str(MINI), "--vary", "fleets.us-c17.count=range(1,2,1)", "--planner",
        "greedy", "--workers", "1", "--no-share", "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert record["settings"]["share"] is False


def test_sweep_command_refuses_workers_with_dask(tmp_path: Path) -> None:
    result = runner.invoke(app, [
        "sweep", str(MINI), "--vary", "places.EPRZ.closed=choice(0,1)", "--workers", "2",
        "--dask", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "--workers is for local processes" in result.output


def test_a_warm_sweep_starts_every_sample_from_the_sweep_bases_plan() -> None:
    """With `warm` (the default), the sweep base (13 C-17s: the most any sample has) is
    solved once and every other sample's search starts from its plan and holds its routes
    (plan_with_mip's warm start, as its method says); the sample that changes nothing is the
    base itself and gets the base's result, not a second search. The plans still pass the
    checker and, the airlift being simple, the curve is the cold sweep's."""
    search = SearchSettings(exact_up_to=0)  # the search, which a warm start changes
    spec = ["fleets.us-c17.count=range(1,13,4)"]
    warm = prepare_sweep(airlift(), spec, None, 0, RunSettings(planner="mip", search=search))
    cold = prepare_sweep(airlift(), spec, None, 0,
                         RunSettings(planner="mip", search=search, warm=False))
    with local_executor(2) as pool:
        base, tasks = warm_start(warm, pool)
        assert base.plan is not None and all(t.warm_from == base.plan for t in tasks)
        assert {t.fleet for t in Plan.from_json(base.plan).trips} == {"us-c17", "lt-trucks"}
        # the sample at the base's end (13 aircraft) changes nothing: it is not solved again
        assert sorted(t.sample.inputs["fleets.us-c17.count"] for t in tasks) == [1, 5, 9]
        first = run_sample(tasks[0])
        assert first.plan is not None and first.checker_ok
        method = first.plan["solver"]["method"]
        assert method.startswith("relax-round-fix from a previous plan's sectors")
        solved: list[SampleResult] = []  # as each solve arrives, its plan still kept
        warm_results = run_sweep(warm, pool, solved.append)
        cold_results = run_sweep(cold, pool)
    plans = {r.inputs["fleets.us-c17.count"]: r.plan for r in solved if r.plan is not None}
    assert len(solved) == len(plans) == 4
    assert all(plans[n]["solver"]["method"] == method for n in (1, 5, 9))
    same = plans[13]  # the base's plan (solved again by run_sweep: timings aside)
    gap_days = {r.inputs["fleets.us-c17.count"]: r.gap_days for r in solved}
    assert same["trips"] == base.plan["trips"] and gap_days[13] == base.gap_days
    assert same["solver"]["method"] == base.plan["solver"]["method"] != method
    assert all(r.checker_ok for r in warm_results)
    assert summarise(warm, warm_results)["curve"] == summarise(cold, cold_results)["curve"]
    assert [r.gap_days for r in warm_results] == [r.gap_days for r in cold_results]
    assert cold.tasks[0].warm_from is None


def test_a_sweep_from_a_solved_base_plan_gives_the_sweep_of_its_own_base(
        tmp_path: Path, solved_mini: Path) -> None:
    """`--base-plan DIR`: the plan `mobilize solve` wrote is the sweep base's (MINI has 2
    C-17s, the most the sweep draws), so nothing solves it again: the sample that changes
    nothing is that plan, its seconds included, and the whole sweep is the one that solves
    its base first (the planner's budgets count work)."""
    solved = solved_mini
    spec = ["--vary", "fleets.us-c17.count=range(0,2,1)", "--workers", "1", "--no-share"]
    given, own = tmp_path / "given", tmp_path / "own"
    result = runner.invoke(app, ["sweep", str(MINI), *spec, "--base-plan", str(solved),
                                 "--out", str(given)])
    assert result.exit_code == 0, result.output
    assert "given, not solved again" in " ".join(result.output.split())
    again = runner.invoke(app, ["sweep", str(MINI), *spec, "--out", str(own)])
    assert again.exit_code == 0, again.output
    a = json.loads((given / "sweep.json").read_text(encoding="utf-8"))
    b = json.loads((own / "sweep.json").read_text(encoding="utf-8"))
    assert a["base_plan_given"] is True and b["base_plan_given"] is False
    assert a["statistics"] == b["statistics"] and a["statistics"]["solved"] == 3
    assert (given / "sweep.csv").read_text() == (own / "sweep.csv").read_text()
    plan = Plan.from_json(json.loads((solved / "plan.json").read_text(encoding="utf-8")))
    sw = prepare_sweep(load_scenario(MINI), ["fleets.us-c17.count=range(0,2,1)"], None, 0,
                       RunSettings(planner="mip"), plan)
    with local_executor(1) as pool:
        base, tasks = warm_start(sw, pool)
    assert base.plan == plan.to_json() and len(tasks) == 2
    assert all(t.warm_from == plan.to_json() for t in tasks)


@pytest.mark.parametrize(("flags", "words"), [
    (["--vary", "fleets.us-c17.count=range(1,4,1)"],
     "fleets.us-c17.count takes values beyond the scenario's own"),
    (["--vary", "members.US.decision_delay_days=range(0,3,1)"],
     "members.US.decision_delay_days takes values beyond"),
    (["--vary", "fleets.us-c17.count=range(1,2,1)", "--cold"],
     "only a warm MIP sweep starts from a base plan"),
])
def test_a_base_plan_that_is_not_the_sweep_bases_is_refused(
        tmp_path: Path, solved_mini: Path, flags: list[str], words: str) -> None:
    """A sweep that goes beyond the scenario (3 C-17s where it has 2; US deciding on C-day
    where it decides on day 1) has another base than the scenario's plan; a cold sweep
    starts from no plan. One line each, nothing solved or written."""
    solved, out = solved_mini, tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(MINI), *flags, "--workers", "1",
                                 "--base-plan", str(solved), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split())
    assert not out.exists()


@pytest.mark.parametrize(("flag", "warm"), [([], True), (["--cold"], False)])
def test_warm_is_recorded_with_the_sweep_and_said_on_its_page(tmp_path: Path, flag: list[str],
                                                               warm: bool) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, [
        "sweep", str(MINI), "--vary", "fleets.us-c17.count=range(1,2,1)", "--workers", "1",
        *flag, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert ("from the sweep base's plan" in result.output) is warm
    record = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert record["settings"]["warm"] is warm and record["statistics"]["solved"] == 2
    page = (out / "sweep.html").read_text(encoding="utf-8")
    assert ("started from the plan of the sweep base (--warm)" in page) is warm
