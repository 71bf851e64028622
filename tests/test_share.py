"""Plans shared between the worlds of a what-if run (whatif/share.py, `mobilize whatif`):
a world takes another world's plan only if that plan obeys its rules and is better, and a
world that only loses choices then never reads better than the base.

Tiny worlds of mini.yaml: the base, the US deciding three days later, Kaunas closed. The MIP
proves each optimal, so a search that stopped short is stood in for by the plan a search
returns when its budget ends at its start: the greedy plan as a solution of the world's own
model, with its true objective there (checked by the checker like any plan).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from rich.console import Console
from typer.testing import CliRunner

from checker import check_plan
from contracts.loader import load_scenario
from contracts.network import Network
from contracts.plan import Plan
from geodata.network import build_network
from maps.compare import build_compare, compare_runs
from mobilize.cli import _share, _Solved, _write_run, app
from optimizer.decompose import schedule_from_solution
from optimizer.lp import objective
from optimizer.plan import build_plan
from optimizer.planner import model_holding, plan_with_mip, planning_model
from optimizer.schedule import schedule_from_plan
from optimizer.warmstart import start_from_schedule
from whatif.apply import apply_variant
from whatif.compare import print_comparison
from whatif.share import World, share_plans
from whatif.variants import Variant

MINI = Path(__file__).parent / "data" / "mini.yaml"
CHANGES: dict[str, dict[str, Any] | None] = {
    "base": None,
    "late": {"member_delay": {"member": "US", "days": 3}},
    "kaunas": {"close_place": {"place": "EYKA"}},
}


@dataclasses.dataclass(frozen=True)
class Solved:
    resolved: dict[str, Any]
    best: Plan  # the MIP's, proven optimal
    short: Plan  # a search stopped at its start


def obj(plan: Plan) -> float:
    assert plan.solver.objective is not None
    return plan.solver.objective


def stopped_at_start(resolved: dict[str, Any], best: Plan) -> Plan:
    net = Network.from_json(resolved)
    model, start = planning_model(net)
    assert start is not None
    # cut at its start, before any bound of its own: only the bound over every route is known
    solver = dataclasses.replace(best.solver, status="work_limit", bound=None, gap=None,
                                 bound_source=None, objective=objective(model.lp, start),
                                 method="greedy start")
    return build_plan(net, schedule_from_solution(model, model.in_tons(start)), solver)


@pytest.fixture(scope="module")
def worlds() -> dict[str, Solved]:
    base = load_scenario(MINI)
    out = {}
    for label, change in CHANGES.items():
        scenario = base if change is None else apply_variant(
            base, Variant.model_validate({"id": label, "name": label, "changes": [change]}))
        resolved = build_network(scenario, f"{label}.yaml").to_json()
        best = plan_with_mip(resolved)[0]
        assert best.solver.status == "optimal"
        out[label] = Solved(resolved, best, stopped_at_start(resolved, best))
    # what the tests below rely on: the start is worse than the optimum where they need it
    for label in ("base", "kaunas"):
        assert obj(out[label].short) > obj(out[label].best) + 0.5
    # the base's optimum is better than the late world's: only its rules keep it out there
    assert obj(out["base"].best) < obj(out["late"].short) - 1
    return out


def test_the_base_takes_a_plan_that_only_needs_fewer_choices(worlds: dict[str, Solved]) -> None:
    """The Gdańsk case: the base's search stopped short of a plan that the closed world's
    search found, and that plan is a plan of the base world too."""
    shared = share_plans([
        World("base", worlds["base"].resolved, worlds["base"].short),
        World("late", worlds["late"].resolved, worlds["late"].best),
        World("kaunas", worlds["kaunas"].resolved, worlds["kaunas"].best),
    ])
    assert shared.taken_from == ["kaunas", None, None]
    base, late, kaunas = shared.plans
    assert obj(base) == pytest.approx(obj(kaunas), abs=1e-9)
    assert base.kpis.gap_days == pytest.approx(kaunas.kpis.gap_days, abs=1e-9)
    assert obj(base) <= min(obj(late), obj(kaunas)) + 1e-9
    assert check_plan(worlds["base"].resolved, base.to_json()) == []
    assert base.scenario_sha256 == worlds["base"].resolved["scenario"]["sha256"]
    # measured against the base world's bound over every route, which holds for any plan
    bound = worlds["base"].short.solver.network_bound
    assert bound is not None and base.solver.bound == bound
    assert base.solver.gap == pytest.approx((obj(base) - bound) / obj(base))
    assert base.solver.taken_from == "kaunas"
    assert base.solver.method == worlds["kaunas"].best.solver.method  # how it was found
    assert late is worlds["late"].best and kaunas is worlds["kaunas"].best  # optimal: kept


def test_a_plan_that_breaks_a_worlds_rules_is_never_taken(worlds: dict[str, Solved]) -> None:
    """The base's plan moves the US company on C+1; in the late world the US decides on C+4.
    It is the best plan of the three, and it must not enter the late world."""
    shared = share_plans([
        World("base", worlds["base"].resolved, worlds["base"].best),
        World("late", worlds["late"].resolved, worlds["late"].short),
        World("kaunas", worlds["kaunas"].resolved, worlds["kaunas"].short),
    ])
    tried = {(t.world, t.source): t.objective for t in shared.tried}
    assert tried[("late", "base")] is None
    assert tried[("kaunas", "base")] == pytest.approx(obj(worlds["base"].best))
    assert ("base", "late") not in tried  # the base's plan is proven optimal: nothing to try
    assert shared.taken_from == [None, None, "base"]
    assert shared.plans[1] is worlds["late"].short
    assert check_plan(worlds["kaunas"].resolved, shared.plans[2].to_json()) == []


def test_no_model_holds_a_force_moving_before_its_member_decides(
    worlds: dict[str, Solved],
) -> None:
    """The model itself, widened to hold the base's routes in the late world, has no column
    for the US company leaving before C+4: the base's plan is not a solution of it. Before
    the fix the widening added such columns outside every conservation row, so the plan
    "fitted" and the trip vanished from the decomposed plan."""
    late = Network.from_json(worlds["late"].resolved)
    schedule = schedule_from_plan(worlds["base"].best)
    model = model_holding(late, schedule)
    assert start_from_schedule(model, schedule) is None
    # the mechanism: every tons column leaves from a place where a conservation row counts it
    conserved = {c for row, key in enumerate(model.lp.row_keys)
                 if key is not None and key[0] == "conserve" for c, _ in model.lp.row_terms(row)}
    assert model.flow and all(col in conserved for col in model.flow.values())


def test_the_checker_stops_a_rule_breaking_plan_even_if_the_model_had_a_bug(
    worlds: dict[str, Solved],
) -> None:
    """A model bug must not hide behind itself: with a model that accepts every plan (the
    bug fixed above, and worse), the checker still keeps the base's plan out of the late
    world."""
    def accepts_anything(model: Any, schedule: Any) -> list[float]:
        return [0.0] * model.lp.num_cols

    with patch("whatif.share.start_from_schedule", accepts_anything):
        shared = share_plans([
            World("base", worlds["base"].resolved, worlds["base"].best),
            World("late", worlds["late"].resolved, worlds["late"].short),
        ])
    assert {(t.world, t.source): t.objective for t in shared.tried} == {("late", "base"): None}


def test_a_plan_no_better_is_not_taken(worlds: dict[str, Solved]) -> None:
    shared = share_plans([
        World("base", worlds["base"].resolved, worlds["base"].short),
        World("kaunas", worlds["kaunas"].resolved, worlds["kaunas"].short),
    ])
    assert shared.taken_from == [None, None]  # the same start in both: equal, not better
    assert [t.objective for t in shared.tried] == pytest.approx(
        [obj(worlds["kaunas"].short), obj(worlds["base"].short)])


def test_the_what_if_run_writes_the_plan_taken(
    worlds: dict[str, Solved], tmp_path: Path
) -> None:
    """`mobilize whatif` writes each world, shares, and writes again the worlds whose plan
    changed: plan.json, check.txt, map and report all of the plan taken."""
    solved = []
    for label, plan in (("base", worlds["base"].short), ("kaunas", worlds["kaunas"].best)):
        folder = tmp_path / label
        solved.append(_Solved(label, folder, worlds[label].resolved, plan,
                              _write_run(folder, worlds[label].resolved, plan, label)))
    before = (tmp_path / "base" / "report.html").read_text(encoding="utf-8")
    console = Console(record=True, width=200)
    with patch("mobilize.cli.out_console", console):
        after = _share(solved)
    said_here = console.export_text()
    assert "base: kaunas objective" in said_here and "base takes the plan of kaunas" in said_here
    assert "(the plan of kaunas); checker: the plan obeys every rule" in said_here
    assert [r.ok for r in after] == [True, True]
    assert after[0].plan.solver.objective == pytest.approx(
        obj(worlds["kaunas"].best))
    written = Plan.from_json(json.loads((tmp_path / "base" / "plan.json").read_text()))
    assert written.solver.taken_from == "kaunas"
    assert (tmp_path / "base" / "check.txt").read_text() == "0 violations\n"
    report = (tmp_path / "base" / "report.html").read_text(encoding="utf-8")
    assert report != before
    said = "This plan was found by the search of what-if kaunas"
    assert said in report and said not in before
    assert said in (tmp_path / "base" / "map.html").read_text(encoding="utf-8")
    assert said not in (tmp_path / "kaunas" / "report.html").read_text(encoding="utf-8")
    assert after[1] is solved[1]
    page = build_compare(compare_runs([tmp_path / "base", tmp_path / "kaunas"]))
    assert "the plan of kaunas" in page
    console = Console(record=True, width=200)
    print_comparison(console, compare_runs([tmp_path / "base", tmp_path / "kaunas"]))
    assert "the plan of kaunas" in console.export_text()


def test_whatif_shares_by_default_and_not_when_told(tmp_path: Path) -> None:
    variants = tmp_path / "v.yaml"
    variants.write_text("variants:\n  - id: kaunas\n    name: Kaunas closed\n    changes:\n"
                        "      - close_place: {place: EYKA}\n", encoding="utf-8")
    runner = CliRunner()
    on = runner.invoke(app, ["whatif", str(MINI), str(variants), "--out",
                                str(tmp_path / "on"), "--quiet"])
    assert on.exit_code == 0, on.output
    assert "every plan is proven optimal in its world" in on.output
    off = runner.invoke(app, ["whatif", str(MINI), str(variants), "--out",
                                 str(tmp_path / "off"), "--quiet", "--no-share"])
    assert off.exit_code == 0, off.output
    assert "sharing plans" not in off.output

