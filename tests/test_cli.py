"""The command line end to end, on real files: solve, check, map, report, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checker import check_dir
from mobilize.cli import app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
runner = CliRunner()


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mini")
    result = runner.invoke(
        app, ["solve", str(DATA / "mini.yaml"), "--out", str(out), "--quiet", "--map"]
    )
    assert result.exit_code == 0, result.output
    assert "checker: the plan obeys every rule" in result.output
    return out


def test_solve_writes_plan_csv_and_map(solved: Path) -> None:
    plan = json.loads((solved / "plan.json").read_text())
    assert plan["solver"]["planner"] == "mip"
    assert plan["solver"]["status"] == "optimal"
    # both forces reach the sector: the Polish battalion by road, the US company by air or road
    assert {f["force"] for f in plan["forces"] if f["closure_h"] is not None} == {
        "pl-mech-bn", "us-abn-coy"}
    rows = (solved / "plan.csv").read_text().splitlines()
    assert rows[0].startswith("force,member,sector,fleet,mode,from,to,depart,arrive")
    assert len(rows) > 1
    assert (solved / "map.html").stat().st_size > 100_000
    assert check_dir(solved) == []


def test_check_command_passes_and_catches_a_tampered_plan(solved: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(solved)])
    assert result.exit_code == 0 and "0 violations" in result.output
    for name in ("resolved.json", "plan.json"):
        (tmp_path / name).write_text((solved / name).read_text())
    plan = json.loads((tmp_path / "plan.json").read_text())
    plan["trips"][0]["vehicles"] = 0  # an empty trip carrying cargo
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "trip-capacity" in result.output


def test_report_and_exports(solved: Path) -> None:
    assert runner.invoke(app, ["report", str(solved)]).exit_code == 0
    assert "plotly" in (solved / "report.html").read_text()
    for fmt, name in [("geojson", "plan.geojson"), ("kml", "plan.kml"), ("gpkg", "plan.gpkg")]:
        result = runner.invoke(app, ["export", str(solved), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert (solved / name).stat().st_size > 0


def test_greedy_planner_and_bad_options(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["solve", str(DATA / "mini.yaml"), "--out", str(tmp_path), "--planner", "greedy"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "plan.json").read_text())["solver"]["planner"] == "greedy"
    bad = runner.invoke(app, ["solve", str(DATA / "mini.yaml"), "--solver", "gurobi"])
    assert bad.exit_code == 2 and "--solver must be one of" in bad.output
    missing = runner.invoke(app, ["map", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "run `mobilize solve" in missing.output


def test_cp_sat_backend_is_selectable(tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", str(DATA / "mini.yaml"), "--out", str(tmp_path),
                                 "--solver", "cp-sat", "--quiet", "--time-limit", "30"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "plan.json").read_text())["solver"]["backend"] == "cp-sat"


def test_time_limit_returns_best_plan_marked_as_such(tmp_path: Path) -> None:
    """The Baltic LP alone takes longer than this limit: the plan is the best start found,
    marked time_limit, and still obeys every rule."""
    result = runner.invoke(app, ["solve", str(ROOT / "scenarios" / "baltic_article5.yaml"),
                                 "--out", str(tmp_path), "--quiet", "--time-limit", "4"])
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["solver"]["status"] == "time_limit"
    assert plan["trips"]
    assert check_dir(tmp_path) == []


def test_every_command_searches_with_the_planners_default_budget() -> None:
    """The CLI's --subproblems default is the planner's, so `mobilize solve` and a plan made
    from Python with default settings are the same plan."""
    import inspect

    from mobilize import cli
    from optimizer.settings import SearchSettings

    commands = [f for f in vars(cli).values() if inspect.isfunction(f)
                and "subproblems" in inspect.signature(f).parameters
                and not f.__name__.startswith("_")]
    assert len(commands) >= 4
    for command in commands:
        default = inspect.signature(command).parameters["subproblems"].default
        assert default == SearchSettings().subproblems, command.__name__
        routes = inspect.signature(command).parameters["lp_routes_up_to"].default
        assert routes == SearchSettings().network_routes_columns, command.__name__
        look_ahead = inspect.signature(command).parameters["look_ahead_up_to"].default
        assert look_ahead == SearchSettings().look_ahead_columns, command.__name__


def test_lp_routes_up_to_chooses_whether_the_every_route_lps_routes_are_searched(
    solved: Path, tmp_path: Path
) -> None:
    """mini.yaml's every-route model is tiny: by default its LP's routes join the model the
    plan comes from (plan.json says so); at 0 they do not; below 0 is refused, nothing
    written."""
    from optimizer.planner import WITH_ROUTES

    assert WITH_ROUTES in json.loads((solved / "plan.json").read_text())["solver"]["method"]
    result = runner.invoke(app, ["solve", str(DATA / "mini.yaml"), "--out", str(tmp_path),
                                 "--quiet", "--lp-routes-up-to", "0"])
    assert result.exit_code == 0, result.output
    assert WITH_ROUTES not in json.loads((tmp_path / "plan.json").read_text())["solver"]["method"]
    assert_refused_below_0(tmp_path, "--lp-routes-up-to")


# the solve options of `mobilize solve` at its defaults, quiet
MIP_DEFAULTS: dict[str, Any] = {"planner": "mip", "solver": "highs", "time_limit": 60.0,
                                "gap": 1e-4, "subproblems": 6, "quiet": True}


def test_look_ahead_up_to_reaches_the_search_and_refuses_below_0(tmp_path: Path) -> None:
    """--look-ahead-up-to is the planner's look_ahead_columns (its effect on plans: tests/
    test_rounding.py); below 0 it is refused and nothing is written."""
    from mobilize.cli import _solve_options

    opts = _solve_options(**MIP_DEFAULTS, lp_routes=0, look_ahead=1234)
    assert opts.settings().look_ahead_columns == 1234
    assert opts.settings().network_routes_columns == 0
    assert_refused_below_0(tmp_path, "--look-ahead-up-to")


def test_sector_nodes_reach_the_search_and_refuse_below_0(tmp_path: Path) -> None:
    """--sector-nodes is the planner's sector_nodes (its effect on plans and bounds: tests/
    test_rounding.py); below 0 it is refused and nothing is written."""
    from mobilize.cli import _solve_options

    assert _solve_options(**MIP_DEFAULTS).settings().sector_nodes == 1
    opts = _solve_options(**MIP_DEFAULTS, sector_nodes=3)
    assert opts.settings().sector_nodes == 3
    assert_refused_below_0(tmp_path, "--sector-nodes")


# (on, off, the setting, its default, what --help must show: the help table is 80 columns,
# so --no-sector-portfolio is cut short there)
@pytest.mark.parametrize(("on", "off", "setting", "default", "shown"), [
    ("--sector-rens", "--no-sector-rens", "sector_rens", True, "--no-sector-rens"),
    ("--sector-restarts", "--no-sector-restarts", "sector_restarts", True,
     "--sector-restarts"),
    ("--sector-portfolio", "--no-sector-portfolio", "sector_portfolio", False,
     "--sector-portfolio"),
])
def test_a_sector_root_switch_reaches_the_search_from_every_command(
        tmp_path: Path, on: str, off: str, setting: str, default: bool, shown: str) -> None:
    """--sector-rens/--no-sector-rens is the planner's sector_rens (on by default),
    --sector-portfolio/--no-sector-portfolio its sector_portfolio (off by default); what
    each does: tests/test_rounding.py. Every solving command takes both forms."""
    from unittest.mock import patch

    from mobilize.cli import _solve_options

    assert getattr(_solve_options(**MIP_DEFAULTS).settings(), setting) is default
    seen: list[bool] = []

    def stop(_: Path, opts: Any, *__: Any) -> None:
        seen.append(getattr(opts.settings(), setting))
        raise SystemExit(0)

    with patch("mobilize.cli._plan", stop):
        for flag in (on, off):
            runner.invoke(app, ["solve", str(DATA / "mini.yaml"), "--out", str(tmp_path / "o"),
                                flag])
    assert seen == [True, False]
    for command in ("solve", "whatif", "sweep", "bottlenecks"):
        help_text = runner.invoke(app, [command, "--help"], terminal_width=200).output
        assert shown in help_text, command


def assert_refused_below_0(tmp_path: Path, option: str) -> None:
    """`mobilize solve ... OPTION -1` exits 2 naming the option, and writes nothing."""
    refused = tmp_path / "refused"
    bad = runner.invoke(app, ["solve", str(DATA / "mini.yaml"), "--out", str(refused),
                              option, "-1"])
    assert bad.exit_code == 2 and f"{option} must be >= 0, not -1" in bad.output
    assert not refused.exists()
