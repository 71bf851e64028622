import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mobilize.loader import load_scenario
from mobilize.scenario import Scenario

# tests/tiny.py, tests/browser.py and friends are imported by name
sys.path.insert(0, str(Path(__file__).parent))

GEO_SCENARIO = Path(__file__).parent / "data" / "geo" / "reinforce.yaml"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read or write the user's sea-route cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The small European reinforcement scenario the geodata tests share."""
    return load_scenario(GEO_SCENARIO)
