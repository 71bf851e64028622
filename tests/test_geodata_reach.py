"""Unreachable forces, each with the reason a planner can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contracts.scenario import Scenario
from geodata.network import build_network

SCENARIO = Path(__file__).parent / "data" / "geo" / "reinforce.yaml"




def _reasons(s: Scenario) -> dict[str, str]:
    return {u.force: u.reason for u in build_network(s, SCENARIO).unreachable}


def _fleets(s: Scenario, drop: set[str], **changes: dict[str, Any]) -> Scenario:
    fleets = [f.model_copy(update=changes.get(f.id.replace("-", "_"), {}))
              for f in s.fleets if f.id not in drop]
    return s.model_copy(update={"fleets": fleets})


def test_everyone_gets_through_in_the_base_scenario(scenario: Scenario) -> None:
    assert _reasons(scenario) == {}


def test_short_range_airlift_is_named_with_the_distances(scenario: Scenario) -> None:
    s = _fleets(scenario, {"us-lmsr"}, us_c17={"range_km": 4400.0})
    reason = _reasons(s)["us-abct"]
    assert "exceed the range of every outsize fleet that carries US forces" in reason
    assert "nearest 7,085 km vs 4,400 km range" in reason
    assert "from KDOV" in reason


def test_lift_that_will_not_carry_the_member_is_named(scenario: Scenario) -> None:
    s = _fleets(scenario, {"us-c17"}, us_lmsr={"carries": ["DE"]})
    reason = _reasons(s)["us-abct"]
    assert reason.startswith("cannot reach S-SUWALKI from FT-STEWART:")
    assert "no sea fleet serving legs from USSAV carries US forces (us-lmsr carries DE)" in reason


def test_outsize_cargo_needs_outsize_aircraft(scenario: Scenario) -> None:
    s = _fleets(scenario, {"us-lmsr"}, us_c17={"outsize": False})
    assert "has outsize cargo and no outsize aircraft" in _reasons(s)["us-abct"]


def test_missing_gauge_is_named(scenario: Scenario) -> None:
    # Lithuanian infantry at Klaipėda with no trucks and only standard-gauge trains.
    forces = [f.model_copy(update={"home": "LTKLJ"}) if f.id == "lt-inf" else f
              for f in scenario.forces]
    s = _fleets(scenario.model_copy(update={"forces": forces}),
                {"ltg-1520", "lt-trucks", "de-hets"})
    reason = _reasons(s)["lt-inf"]
    assert "rail legs from LTKLJ are 1520 mm and no 1520 mm rail fleet carries LT forces" in reason


def test_two_barriers_are_both_reported(scenario: Scenario) -> None:
    s = _fleets(scenario, {"us-c17"}, us_lmsr={"carries": ["DE"]}, de_hets={"carries": ["DE"]},
                lt_trucks={"carries": ["LT"]}, db_1435={"carries": ["DE"]},
                ltg_1520={"gauge_mm": 1435})
    reason = _reasons(s)["us-abct"]
    assert "carries US forces" in reason


def test_activation_after_the_horizon(scenario: Scenario) -> None:
    members = [m.model_copy(update={"decision_delay_days": 40}) if m.code == "US" else m
               for m in scenario.members]
    reason = _reasons(scenario.model_copy(update={"members": members}))["us-abct"]
    assert "activates on day 43" in reason and "30-day horizon" in reason


def test_closed_home_has_no_leg_out(scenario: Scenario) -> None:
    reason = _reasons(scenario.model_copy(update={"closed_places": ["PABRADE"]}))["lt-inf"]
    assert reason == "no leg out of PABRADE"
