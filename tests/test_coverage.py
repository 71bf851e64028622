"""geodata.coverage: places, force homes and depots that no leg of a mode they need touches
are reported, naming the nearest place that has such legs; `inspect` and `solve` warn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from contracts import examples as tiny
from geodata.coverage import coverage_warnings
from mobilize.cli import app

DATA = Path(__file__).parent / "data"
Json = dict[str, Any]


def _resolved(places: list[Json], legs: list[tuple[str, str, str]],
              forces: list[Json] | None = None, depots: list[Json] | None = None) -> Json:
    rail = tiny.fleet("rail", "rail", 2, 1000.0, 50.0, gauge_mm=1435)
    trucks = tiny.fleet("trucks", "road", 10, 20.0, 60.0)
    fleets = {"rail": rail, "road": trucks}
    return tiny.resolved(
        places, [tiny.sector("S1", [{"capability": "armor", "amount": 1, "by_day": 3}])],
        forces or [tiny.force("f1", "BASE", 100.0, {"armor": 1})],
        [rail, trucks],
        [tiny.leg(a, b, mode, 100.0, [fleets[mode]], 1435 if mode == "rail" else None)
         for a, b, mode in legs],
        depots=depots or [],
    )


def _places() -> list[Json]:
    return [
        tiny.place("BASE", "base", lat=53.81, lon=21.95),
        tiny.place("R-WAW", "railhead", lat=52.23, lon=21.00, name="Warszawa",
                   gauges_mm=[1435]),
        tiny.place("R-BIA", "railhead", lat=53.13, lon=23.14, name="Bialystok",
                   gauges_mm=[1435]),
        tiny.place("R-LUB", "railhead", lat=51.25, lon=22.57, name="Lublin",
                   gauges_mm=[1435]),
    ]


LEGS = [("BASE", "R-WAW", "road"), ("R-WAW", "R-BIA", "rail"), ("R-BIA", "S1", "road"),
        ("R-LUB", "S1", "road")]


def test_railhead_without_rail_legs_names_the_nearest_rail_node() -> None:
    warnings = coverage_warnings(_resolved(_places(), LEGS))
    assert len(warnings) == 1
    w = warnings[0]
    # Lublin has a road leg, but no train can use it; Warszawa is 153 km away, Bialystok 230
    assert w.startswith("railhead 'R-LUB' (Lublin) has no rail leg")
    assert "nearest place with rail legs is 'R-WAW' (Warszawa), 153 km away" in w


def test_every_kind_needs_its_own_mode() -> None:
    places = [*_places(),
              tiny.place("EPWA", "airfield", lat=52.17, lon=20.97),
              tiny.place("PLGDY", "seaport", lat=54.53, lon=18.55)]
    warnings = coverage_warnings(_resolved(places, [*LEGS, ("EPWA", "S1", "road")]))
    assert [w.split(" has ")[0] for w in warnings] == [
        "railhead 'R-LUB' (Lublin)", "airfield 'EPWA' (EPWA)", "seaport 'PLGDY' (PLGDY)"]
    assert "no place in the scenario has air legs" in warnings[1]
    assert "no place in the scenario has sea legs" in warnings[2]


def test_force_home_and_depot_need_a_leg_of_any_mode() -> None:
    places = [*_places(), tiny.place("HOME2", "base", lat=53.0, lon=23.0),
              tiny.place("DEP", "depot", lat=53.14, lon=23.16)]
    forces = [tiny.force("f1", "BASE", 100.0, {"armor": 1}),
              tiny.force("f2", "HOME2", 100.0, {"armor": 1})]
    depots = [{"id": "d1", "place": "DEP", "provides": ["fuel"], "stock_t": 10.0,
               "throughput_tpd": 5.0}]
    warnings = coverage_warnings(_resolved(places, LEGS, forces, depots))
    assert warnings[1:] == [
        "force 'f2': its home 'HOME2' (HOME2) has no leg of any mode, so the force cannot "
        "move: the nearest place with legs is 'R-BIA' (Bialystok), 17 km away",
        "depot 'd1': its place 'DEP' (DEP) has no leg of any mode, so nothing can be shipped "
        "from it: the nearest place with legs is 'R-BIA' (Bialystok), 2 km away",
    ]


def test_closed_places_and_covered_places_give_no_warning() -> None:
    places = _places()
    places[3]["closed"] = True  # Lublin is meant to be unused
    assert coverage_warnings(_resolved(places, LEGS)) == []
    assert coverage_warnings(_resolved(_places(), [*LEGS, ("R-LUB", "R-WAW", "rail")])) == []


@pytest.mark.parametrize("command", ["inspect", "solve"])
def test_inspect_and_solve_warn_of_an_off_network_railhead(command: str, tmp_path: Path
                                                           ) -> None:
    """tests/data/offnet.yaml: a Lublin railhead, which no rail corridor reaches."""
    args = [command, str(DATA / "offnet.yaml"), "--out", str(tmp_path)]
    if command == "solve":
        args += ["--planner", "greedy"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert ("warning: railhead 'R-LUB' (Lublin railhead) has no rail leg, so no train can "
            "use it: the nearest place with rail legs is 'R-WAW' (Warszawa railhead), 153 km "
            "away") in result.stderr
    assert "warning:" not in result.stdout
    assert result.stderr.count("warning:") == 1  # Warszawa and Białystok are on the corridors
