"""build_network on a small scenario: the resolved.json contract, leg rules, activation."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from contracts.errors import NetworkError
from contracts.loader import load_scenario, parse_scenario
from contracts.scenario import Link, Place, Scenario
from geodata.network import (
    AIR_MIN_KM,
    THEATER_KM,
    Network,
    build_network,
    theater_of,
    write_resolved,
)

ROOT = Path(__file__).parent.parent
SCENARIO = ROOT / "tests" / "data" / "geo" / "reinforce.yaml"




@pytest.fixture(scope="module")
def net(scenario: Scenario) -> Network:
    return build_network(scenario, SCENARIO)


def _contract_example() -> dict[str, Any]:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    section = text.split("## resolved.json", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block is not None
    return dict(json.loads(block.group(1)))


def test_resolved_json_has_exactly_the_contract_keys(net: Network, tmp_path: Path) -> None:
    example = _contract_example()
    out = json.loads(write_resolved(net, tmp_path).read_text(encoding="utf-8"))
    assert list(out) == list(example)
    assert set(out["scenario"]) == set(example["scenario"])
    for section in ("members", "places", "sectors", "forces", "fleets", "depots", "legs",
                    "unreachable"):
        for item in out[section]:
            assert set(item) == set(example[section][0]), section
    req = out["sectors"][0]["requirements"][0]
    assert set(req) == set(example["sectors"][0]["requirements"][0])
    for leg in out["legs"]:
        for times in leg["fleets"].values():
            assert set(times) == {"transit_h", "cycle_h"}
    assert out["scenario"]["sha256"] and out["scenario"]["c_day"] == "2027-03-01"


def test_write_is_atomic_and_leaves_no_temp_files(net: Network, tmp_path: Path) -> None:
    path = write_resolved(net, tmp_path / "run")
    write_resolved(net, tmp_path / "run")
    assert [p.name for p in (tmp_path / "run").iterdir()] == [path.name] == ["resolved.json"]


def test_places_resolve_from_their_sources(net: Network) -> None:
    kdov = net.places["KDOV"]
    assert kdov.source == "airportsdata" and kdov.lat == pytest.approx(39.13, abs=0.01)
    assert net.places["DEBRV"].source == "searoute ports"
    assert net.places["PABRADE"].source == "scenario"
    sector = net.places["S-VILNIUS"]
    assert sector.kind == "sector" and sector.latlon == net.places["VILNIUS-RH"].latlon


def test_leg_ids_modes_and_times(net: Network, scenario: Scenario) -> None:
    leg = net.leg("air:KDOV>EYKA")
    assert leg.mode == "air" and leg.gauge_mm is None and leg.source == "great-circle"
    c17 = next(f for f in scenario.fleets if f.id == "us-c17")
    t = leg.fleets["us-c17"]
    assert t.transit_h == pytest.approx(3 + leg.km / c17.speed_kmh + 2, abs=0.01)
    assert t.cycle_h == pytest.approx(3 + 2 * leg.km / c17.speed_kmh + 2 + 2, abs=0.01)
    assert t.transit_h >= 3 + leg.km / c17.speed_kmh + 2  # rounded up, never down
    assert net.leg("sea:USSAV>LTKLJ").source == "searoute"
    road = net.leg("road:PABRADE>S-VILNIUS")
    assert set(road.fleets) == {"de-hets", "lt-trucks"}


def test_generation_rules(net: Network) -> None:
    theater = theater_of(net.places, list(net.sectors))
    assert "EYKA" in theater and "ETAR" not in theater
    assert all(leg.to in theater for leg in net.legs if leg.mode in ("air", "sea"))
    assert all(leg.km >= AIR_MIN_KM for leg in net.legs if leg.mode == "air")
    assert not [leg for leg in net.legs if net.places[leg.to].kind == "base"]
    assert not [leg for leg in net.legs if net.places[leg.from_].kind == "sector"]
    # No road across the Atlantic.
    us = {p for p, x in net.places.items() if x.country == "US"}
    assert not [leg for leg in net.legs if leg.mode == "road" and (leg.from_ in us) != (
        leg.to in us)]
    # Fort to port: Fort Stewart drives to Savannah.
    assert net.leg("road:FT-STEWART>USSAV").km < 100
    # Depots reach every sector by road (sustainment).
    assert {leg.to for leg in net.legs if leg.from_ == "DEP-KAUNAS" and leg.mode == "road"} >= {
        "S-SUWALKI", "S-VILNIUS"}
    assert THEATER_KM == 700


def test_activation_days(net: Network) -> None:
    assert net.forces["us-abct"].activation_day == 2 + 3  # decision delay + readiness
    assert net.forces["lt-inf"].activation_day == 0
    assert net.fleets["us-lmsr"].activation_day == 5  # available_day beats the decision
    assert net.fleets["us-c17"].activation_day == 2


def test_opt_out_member_takes_no_part(scenario: Scenario) -> None:
    members = [m.model_copy(update={"opt_out": m.code == "DE"}) for m in scenario.members]
    net = build_network(scenario.model_copy(update={"members": members}), SCENARIO)
    assert net.forces["de-pzbde"].activation_day is None
    assert net.fleets["db-1435"].activation_day is None
    assert not [leg for leg in net.legs if "db-1435" in leg.fleets]
    assert not [u for u in net.unreachable if u.force == "de-pzbde"]
    out = net.to_json()
    assert next(f for f in out["fleets"] if f["id"] == "db-1435")["activation_day"] is None


def test_pool_activates_with_its_first_deciding_member(scenario: Scenario) -> None:
    pool = next(f for f in scenario.fleets if f.id == "us-c17").model_copy(
        update={"id": "sac-c17", "member": None, "pool": ["US", "DE"]})
    net = build_network(scenario.model_copy(update={"fleets": [*scenario.fleets, pool]}),
                        SCENARIO)
    assert net.fleets["sac-c17"].activation_day == 1  # DE decides on day 1, US on day 2


def test_closed_place_drops_its_legs(scenario: Scenario) -> None:
    net = build_network(scenario.model_copy(update={"closed_places": ["LTKLJ"]}), SCENARIO)
    assert net.places["LTKLJ"].closed
    assert not [leg for leg in net.legs if "LTKLJ" in (leg.from_, leg.to)]


def test_closed_passage_changes_sea_legs(scenario: Scenario) -> None:
    net = build_network(scenario.model_copy(update={"closed_passages": ["suez"]}), SCENARIO)
    assert net.leg("sea:USSAV>LTKLJ").km == pytest.approx(
        build_network(scenario, SCENARIO).leg("sea:USSAV>LTKLJ").km)  # Suez is not on the way


def test_links_are_added_and_override_generated_legs(scenario: Scenario) -> None:
    links = [
        Link.model_validate({"from": "EYKA", "to": "S-SUWALKI", "mode": "road", "km": 150}),
        Link.model_validate({"from": "PABRADE", "to": "VILNIUS-RH", "mode": "rail", "km": 55,
                             "gauge_mm": 1520}),
    ]
    net = build_network(scenario.model_copy(update={"links": links}), SCENARIO)
    road = net.leg("road:EYKA>S-SUWALKI")
    assert road.km == 150 and road.source == "scenario link"
    assert len([leg for leg in net.legs if leg.id == "road:EYKA>S-SUWALKI"]) == 1
    rail = net.leg("rail1520:PABRADE>VILNIUS-RH")
    assert rail.km == 55 and set(rail.fleets) == {"ltg-1520"}


def test_unknown_icao_names_the_place_and_code() -> None:
    text = SCENARIO.read_text(encoding="utf-8").replace("icao: KDOV", "icao: KZZZ")
    with pytest.raises(NetworkError, match=r"'KDOV'.*'KZZZ'"):
        build_network(parse_scenario(text, "bad.yaml"), "bad.yaml")


def test_unknown_locode_names_the_place_and_code() -> None:
    text = SCENARIO.read_text(encoding="utf-8").replace("locode: LTKLJ", "locode: LTQQQ")
    with pytest.raises(NetworkError, match=r"'LTKLJ'.*'LTQQQ'"):
        build_network(parse_scenario(text, "bad.yaml"), "bad.yaml")


def test_rebuild_with_warm_cache_is_fast(scenario: Scenario, net: Network) -> None:
    start = time.perf_counter()
    again = build_network(scenario, SCENARIO)
    assert time.perf_counter() - start < 2.0
    assert [leg.id for leg in again.legs] == [leg.id for leg in net.legs]


def test_legs_nothing_can_use_are_pruned(scenario: Scenario) -> None:
    # Ottawa is an airfield with air legs into the theater, but no force or depot can get
    # there: its legs could carry nothing.
    ottawa = Place(id="CYOW", kind="airfield", icao="CYOW", country="CA")
    net = build_network(scenario.model_copy(update={"places": [*scenario.places, ottawa]}),
                        SCENARIO)
    assert "CYOW" in net.places
    assert not [leg for leg in net.legs if "CYOW" in (leg.from_, leg.to)]
    assert net.leg("air:KDOV>EYKA")  # Fort Stewart's units can drive to Dover


BALTIC = ROOT / "scenarios" / "baltic_article5.yaml"


@pytest.mark.skipif(not BALTIC.exists(), reason="the Baltic scenario is not in this checkout")
def test_baltic_scenario_builds_fast_and_small() -> None:
    scenario = load_scenario(BALTIC)
    build_network(scenario, BALTIC)  # fills the caches
    start = time.perf_counter()
    net = build_network(scenario, BALTIC)
    assert time.perf_counter() - start < 3.0
    assert len(net.legs) < 1000  # a size a MIP over 30 days can take
    assert all(leg.fleets for leg in net.legs)
    modes = {leg.mode for leg in net.legs}
    assert modes == {"air", "sea", "rail", "road"}
    gauges = {leg.gauge_mm for leg in net.legs if leg.mode == "rail"}
    assert gauges == {1435, 1520}
    assert net.unreachable == []
