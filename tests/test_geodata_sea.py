"""Sea legs: searoute distances, closed passages, blocked routes and the disk cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geodata.places import seaport_index
from geodata.sea import MAX_PATH_POINTS, SeaEnd, SeaRouter

NM_KM = 1.852


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _port(code: str) -> SeaEnd:
    _, lat, lon = seaport_index()[code]
    return SeaEnd.of(code, (lat, lon))


def test_norfolk_to_bremerhaven_matches_published_port_distance() -> None:
    route = SeaRouter().route(_port("USORF"), _port("DEBRV"))
    assert route is not None
    # Port-distance tables give about 3,600-3,700 nmi for Norfolk - Bremerhaven.
    assert route.km / NM_KM == pytest.approx(3650, rel=0.10)
    assert route.path[0] == pytest.approx(_port("USORF").latlon)
    assert route.path[-1] == pytest.approx(_port("DEBRV").latlon)
    assert len(route.path) <= MAX_PATH_POINTS


def test_closing_suez_sends_the_mediterranean_round_africa() -> None:
    open_ = SeaRouter().route(_port("GRPIR"), _port("INNSA"))
    closed = SeaRouter(["suez"]).route(_port("GRPIR"), _port("INNSA"))
    assert open_ is not None and closed is not None
    assert closed.km > 2 * open_.km  # via Gibraltar and the Cape


def test_route_blocked_by_closures_is_no_leg_and_warns_nothing() -> None:
    # With Suez and Gibraltar shut the Mediterranean has no way out to the Indian Ocean.
    assert SeaRouter(["suez", "gibraltar"]).route(_port("GRPIR"), _port("INNSA")) is None


def test_closures_do_not_leak_between_routers() -> None:
    # searoute keeps closures on its shared graph; each call must set them explicitly.
    SeaRouter(["suez"]).route(_port("GRPIR"), _port("INNSA"))
    again = SeaRouter().route(_port("ITGOA"), _port("INNSA"))
    assert again is not None and again.km < 9000


def test_reverse_route_is_the_same_route_backwards() -> None:
    r = SeaRouter()
    there, back = r.route(_port("USSAV"), _port("LTKLJ")), r.route(_port("LTKLJ"), _port("USSAV"))
    assert there is not None and back is not None
    assert there.km == back.km and there.path == back.path[::-1]


def test_pacific_route_keeps_longitudes_in_range() -> None:
    route = SeaRouter().route(_port("JPYOK"), _port("USLAX"))
    assert route is not None
    assert all(-180 <= lon <= 180 for _, lon in route.path)
    assert 8000 < route.km < 10500


def test_disk_cache_is_reused_and_a_corrupt_file_ignored(tmp_path: Path) -> None:
    first = SeaRouter(directory=tmp_path)
    route = first.route(_port("USORF"), _port("DEBRV"))
    first.save()
    assert first.file.exists()
    data = json.loads(first.file.read_text())
    assert len(data) == 1 and next(iter(data)).startswith("DEBRV|USORF|")

    second = SeaRouter(directory=tmp_path)
    assert second.route(_port("DEBRV"), _port("USORF")) is not None
    assert not second._dirty  # answered from the file, nothing recomputed

    first.file.write_text("{not json")
    third = SeaRouter(directory=tmp_path)
    again = third.route(_port("USORF"), _port("DEBRV"))
    assert again is not None and route is not None and again.km == route.km
    third.save()
    assert json.loads(third.file.read_text())  # rewritten whole


def test_closures_are_part_of_the_cache_key(tmp_path: Path) -> None:
    r = SeaRouter(directory=tmp_path)
    r.route(_port("GRPIR"), _port("INNSA"))
    r.save()
    closed = SeaRouter(["suez"], directory=tmp_path)
    assert closed.route(_port("GRPIR"), _port("INNSA")) is not None
    assert closed._dirty  # a new key: computed, not read from the open-Suez entry
