"""Roads on real ground: the corridor network, named water crossings, forbidden territory,
air detours around closed airspace, the explicit road fallback and driving-time rules."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from contracts.loader import load_scenario, parse_scenario
from contracts.scenario import Fleet, Scenario
from geodata.distance import distance_km
from geodata.geography import crossed, detour, water_pieces
from geodata.legs import Leg, driving_elapsed_h, leg_time
from geodata.network import apply_geography, build_network
from geodata.road import (
    ACCESS_CIRCUITY,
    ROAD_CIRCUITY,
    SOURCE_FALLBACK,
    RoadRouter,
    load_road_network,
)

ROOT = Path(__file__).parent.parent
BALTIC = ROOT / "scenarios" / "baltic_article5.yaml"
RU_BY = frozenset({"RU", "BY"})

GDANSK, KLAIPEDA = (54.40, 18.67), (55.70, 21.13)
KAUNAS, VILNIUS = (54.90, 23.90), (54.67, 25.28)
RAMSTEIN, KAUNAS_AIR = (49.44, 7.60), (54.96, 24.08)


@pytest.fixture(scope="module")
def router() -> RoadRouter:
    return RoadRouter(load_road_network(), RU_BY)


def test_corridors_stay_on_land_and_out_of_russia_and_belarus() -> None:
    net = load_road_network()
    assert len(net.nodes) > 250 and len(net.crossings) >= 15
    for e in net.edges:
        assert not crossed(list(e.path), RU_BY), (e.road, e.a, e.b)
        if e.crossing is None:  # water only on a named crossing
            assert not water_pieces(list(e.path)), (e.road, e.a, e.b)


def test_gdansk_to_klaipeda_goes_round_kaliningrad(router: RoadRouter) -> None:
    route = router.route("PL", GDANSK, "LT", KLAIPEDA)
    assert route is not None and not route.via
    assert "pl_budzisko" in route.nodes  # through the Suwałki gap
    assert not crossed(route.path, RU_BY)
    # published road distances avoiding Russia are ~650-750 km; 340 km straight across
    assert 600 < route.km < 800
    # km = access roads + corridor edges (great circle along the waypoints x 1.1)
    inside = router.route("LT", KAUNAS, "LT", VILNIUS)
    assert inside is not None
    assert distance_km(KAUNAS, VILNIUS) * ROAD_CIRCUITY < inside.km < 1.4 * distance_km(
        KAUNAS, VILNIUS)


def test_a_road_that_would_cross_forbidden_ground_is_not_built() -> None:
    # With Lithuania forbidden, Poland has no road to Latvia (no ferry joins them either).
    warszawa, riga = (52.23, 21.01), (56.95, 24.11)
    open_road = RoadRouter(load_road_network()).route("PL", warszawa, "LV", riga)
    assert open_road is not None and crossed(open_road.path, {"LT"}) == ["LT"]
    assert RoadRouter(load_road_network(), frozenset({"LT"})).route(
        "PL", warszawa, "LV", riga) is None
    # A leg whose path crosses Kaliningrad (a straight line Elbląg-Kaunas) is dropped and the
    # reason recorded.
    elblag = (54.16, 19.40)
    leg = Leg("road:A>B", "A", "B", "road", 340.0, None, "test", [elblag, KAUNAS])
    notes: list[dict[str, Any]] = []
    assert apply_geography([leg], _scenario(forbidden=["RU", "BY"]), {}, notes) == []
    assert notes[0]["action"] == "dropped" and notes[0]["territory"] == ["RU"]


def test_ferry_crossing_is_used_with_its_time(router: RoadRouter) -> None:
    karlshamn = (56.17, 14.86)
    route = router.route("SE", karlshamn, "LT", KLAIPEDA)
    assert route is not None
    ferry = [c for c in route.via if c.kind == "ferry"]
    assert [c.id for c in ferry] == ["karlshamn-klaipeda"]
    assert route.crossing_h == pytest.approx(14 + 3)  # sailing + boarding
    assert route.km < 50  # the sea is sailed, not driven
    hets = Fleet(id="t", member="SE", mode="road", count=1, payload_t=20, speed_kmh=50,
                 load_h=1, unload_h=1, turnaround_h=0)
    t = leg_time(hets, route.km, route.crossing_h)
    assert t.transit_h == pytest.approx(1 + route.km / 50 + 17 + 1, abs=0.01)
    # Britain to the Netherlands through the Channel Tunnel (a shuttle: 1.5 h, not driven)
    tidworth, oirschot = (51.24, -1.66), (51.50, 5.31)
    chunnel = router.route("GB", tidworth, "NL", oirschot)
    assert chunnel is not None and [c.id for c in chunnel.via] == ["channel-tunnel"]
    assert chunnel.crossing_h == pytest.approx(1.5)


def test_place_off_the_network_needs_explicit_fallback() -> None:
    reykjavik, keflavik = (64.13, -21.90), (63.99, -22.62)
    plain = RoadRouter(load_road_network(), RU_BY)
    assert plain.access(reykjavik) is None
    assert plain.route("IS", reykjavik, "IS", keflavik) is None  # no silent great circle
    opted = RoadRouter(load_road_network(), RU_BY, frozenset({"IS"}), 1.3)
    route = opted.route("IS", reykjavik, "IS", keflavik)
    assert route is not None and route.source == SOURCE_FALLBACK
    assert route.km == pytest.approx(distance_km(reykjavik, keflavik) * 1.3)
    assert route.path == [reykjavik, keflavik]
    assert ACCESS_CIRCUITY == 1.3


def test_scenario_fields_are_checked_against_the_outlines() -> None:
    text = BALTIC.read_text(encoding="utf-8")
    bad = text.replace("forbidden_territory: [RU, BY]", "forbidden_territory: [RU, XX]")
    from contracts.errors import ScenarioError

    with pytest.raises(ScenarioError, match="XX"):
        parse_scenario(bad, "bad.yaml")
    fallback = text.replace("closed_airspace: [RU, BY]",
                            "closed_airspace: [RU, BY]\nroad_fallback: {countries: [IS]}")
    s = parse_scenario(fallback, "ok.yaml")
    assert s.road_fallback is not None and s.road_fallback.circuity == 1.3


def test_air_leg_detours_around_closed_airspace() -> None:
    direct = distance_km(RAMSTEIN, KAUNAS_AIR)
    assert crossed([RAMSTEIN, KAUNAS_AIR], RU_BY) == ["RU"]  # straight over Kaliningrad
    d = detour(RAMSTEIN, KAUNAS_AIR, RU_BY)
    assert d is not None and d.turns
    assert direct < d.km < 1.1 * direct
    assert not crossed(d.path, RU_BY)
    # In the network: rerouted with the extra km, or dropped when no fleet has the range.
    gc = Leg("air:ETAR>EYKA", "ETAR", "EYKA", "air", round(direct, 1), None, "great-circle",
             [RAMSTEIN, KAUNAS_AIR])
    notes: list[dict[str, Any]] = []
    (flown,) = apply_geography([gc], _scenario(airspace=["RU", "BY"], air_range=5000), {},
                               notes)
    assert flown.km == pytest.approx(d.km, abs=0.1) and flown.km > gc.km
    assert notes[0]["action"] == "rerouted" and notes[0]["extra_km"] > 0
    notes = []
    short = _scenario(airspace=["RU", "BY"], air_range=direct + 1)  # enough for the arc only
    assert apply_geography([gc], short, {}, notes) == []
    assert notes[0]["action"] == "dropped" and "range" in notes[0]["reason"]


def test_sea_lane_near_forbidden_coast_is_noted_not_dropped() -> None:
    # searoute cannot be told to avoid territorial waters: the leg stays, with a note
    lane = Leg("sea:A>B", "A", "B", "sea", 100.0, None, "searoute", [(55.1, 19.0), (55.1, 20.5)])
    notes: list[dict[str, Any]] = []
    assert apply_geography([lane], _scenario(forbidden=["RU"]), {}, notes) == [lane]
    assert notes[0]["action"] == "noted" and notes[0]["territory"] == ["RU"]


def test_driving_hours_make_a_700_km_leg_take_two_days() -> None:
    # 700 km at 35 km/h = 20 h at the wheel; 9 h a day: 9 (day 1), 9 (day 2), 2 (day 3):
    # 24 + 24 + 2 = 50 h from the first departure to arrival.
    assert driving_elapsed_h(20.0, 9.0) == pytest.approx(50.0)
    assert driving_elapsed_h(20.0, None) == 20.0
    assert driving_elapsed_h(9.0, 9.0) == 9.0
    assert driving_elapsed_h(18.0, 9.0) == pytest.approx(33.0)  # 9 + rest + 9
    convoy = Fleet(id="c", member="DE", mode="road", count=1, payload_t=20, speed_kmh=35,
                   driving_h_per_day=9)
    t = leg_time(convoy, 700.0)
    assert t.transit_h == pytest.approx(4 + 50 + 2)  # road defaults: load 4 h, unload 2 h
    assert t.cycle_h == pytest.approx(4 + 2 * 50 + 2 + 4)
    with pytest.raises(ValueError, match="road fleets only"):
        Fleet(id="r", member="DE", mode="rail", count=1, payload_t=20, speed_kmh=35,
              gauge_mm=1435, driving_h_per_day=9)


@pytest.mark.skipif(not BALTIC.exists(), reason="the Baltic scenario is not in this checkout")
def test_baltic_network_keeps_off_russia_belarus_and_open_water() -> None:
    scenario = load_scenario(BALTIC)
    assert scenario.forbidden_territory == ["RU", "BY"]
    net = build_network(scenario, BALTIC)
    for leg in net.legs:
        if leg.mode == "air":
            assert not crossed(leg.path, RU_BY), leg.id
        elif leg.mode in ("road", "rail"):
            assert not crossed(leg.path, RU_BY), leg.id
            for piece in water_pieces(leg.path, 5.0):
                assert leg.via, (leg.id, piece[0])
    out = net.to_json()
    assert out["geography"]["closed_airspace"] == ["RU", "BY"]
    rerouted = [n for n in out["geography_notes"] if n["action"] == "rerouted"]
    assert rerouted and all(n["mode"] == "air" for n in rerouted)
    # Road legs follow the corridors (many points), and the Nordic forces take ferries.
    road = [leg for leg in net.legs if leg.mode == "road" and leg.km > 100]
    assert road and all(len(leg.path) > 3 for leg in road)
    assert any(v["kind"] == "ferry" for leg in net.legs for v in leg.via)
    convoys = [f for f in scenario.fleets if f.mode == "road"]
    assert convoys and all(f.driving_h_per_day for f in convoys)


def _scenario(forbidden: list[str] | None = None, airspace: list[str] | None = None,
              air_range: float | None = None) -> Scenario:
    """What apply_geography reads of a scenario, without building one."""
    fleets = [SimpleNamespace(mode="air", range_km=air_range)]
    return cast(Scenario, SimpleNamespace(forbidden_territory=forbidden or [],
                                          closed_airspace=airspace or [], fleets=fleets))
