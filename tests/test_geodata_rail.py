"""Rail corridors and gauge: a train runs only on its own gauge; the Baltic break of gauge."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from contracts.loader import load_scenario
from geodata.network import Network, build_network
from geodata.rail import SNAP_KM, load_rail_network

DATA = Path(__file__).parent / "data" / "geo"



@pytest.fixture(scope="module")
def net() -> Network:
    path = DATA / "reinforce.yaml"
    return build_network(load_scenario(path), path)


def test_corridor_file_is_consistent_and_connected() -> None:
    rail = load_rail_network()
    assert rail.gauges == [1067, 1435, 1520]  # 1067: Queensland narrow gauge (scenario library)
    # Standard gauge: one network from the North Sea ports to Kaunas.
    g1435 = rail.graphs[1435]
    assert nx.has_path(g1435, "rotterdam", "kaunas")
    assert nx.has_path(g1435, "bremerhaven", "przemysl")
    # Broad gauge: Lithuania to Estonia; Finland (1524 mm, entered as 1520) is on its own.
    g1520 = rail.graphs[1520]
    assert nx.has_path(g1520, "sestokai", "tallinn")
    assert not nx.has_path(g1520, "riga", "helsinki")


def test_rail_baltica_standard_gauge_ends_at_kaunas() -> None:
    rail = load_rail_network()
    breaks = {n for n in rail.nodes if rail.serves(n, 1435) and rail.serves(n, 1520)}
    assert {"sestokai", "kaunas"} <= breaks
    assert not rail.serves("vilnius", 1435)
    found = rail.shortest(1435, "trakiszki", "kaunas")
    assert found is not None
    # Published: about 120 km of 1435 mm track from the Polish border to Kaunas (2015).
    assert 100 <= found[0] <= 130
    assert found[1] == ["trakiszki", "mockava", "sestokai", "kaunas"]


def test_places_snap_to_nodes_within_reach_only() -> None:
    rail = load_rail_network()
    ramstein = rail.snap((49.437, 7.600), 1435)
    assert ramstein is not None and ramstein.node == "kaiserslautern"
    assert rail.snap((54.67, 25.28), 1435) is None  # Vilnius has no standard gauge
    assert rail.snap((47.0, 2.0), 1435, max_km=SNAP_KM) is None  # central France: not covered


def test_a_1435_fleet_cannot_use_a_1520_leg(net: Network) -> None:
    broad = net.leg("rail1520:SESTOKAI>VILNIUS-RH")
    assert broad.gauge_mm == 1520
    assert "ltg-1520" in broad.fleets and "db-1435" not in broad.fleets
    standard = net.leg("rail1435:SESTOKAI>KAUNAS-RH")
    assert "db-1435" in standard.fleets and "ltg-1520" not in standard.fleets


def test_bremerhaven_reaches_kaunas_on_1435_but_vilnius_only_after_reload(net: Network) -> None:
    to_kaunas = net.leg("rail1435:DEBRV>KAUNAS-RH")
    assert 1400 < to_kaunas.km < 1800
    assert not [leg for leg in net.legs
                if leg.mode == "rail" and leg.from_ == "DEBRV" and leg.to == "VILNIUS-RH"]
    # The way on: 1435 mm to the gauge-break place, reload there, 1520 mm onwards.
    assert net.leg("rail1435:DEBRV>SESTOKAI").fleets
    assert net.leg("rail1520:SESTOKAI>VILNIUS-RH").fleets
    sestokai = net.places["SESTOKAI"]
    assert sestokai.gauges_mm == (1435, 1520) and sestokai.handling_h == 12


def test_rail_reaches_a_sector_only_through_its_rail_served_place(net: Network) -> None:
    assert net.leg("rail1520:KAUNAS-RH>S-VILNIUS").fleets  # S-VILNIUS is at VILNIUS-RH
    assert not [leg for leg in net.legs if leg.mode == "rail" and leg.to == "S-SUWALKI"]


def test_rail_path_follows_the_corridor(net: Network) -> None:
    leg = net.leg("rail1435:DEBRV>SESTOKAI")
    rail = load_rail_network()
    lats = [round(lat, 2) for lat, _ in leg.path]
    for node in ("berlin", "warszawa", "suwalki"):
        assert round(rail.nodes[node].lat, 2) in lats
