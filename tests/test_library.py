"""The scenario library (scenarios/*.yaml): every scenario resolves, plans with the greedy
baseline and with the MIP at a short time limit, each plan passes the independent checker, and
no resolved leg crosses ground or airspace the scenario forbids.

Files under scenarios/ that are not scenarios (a what-if variants file, say) are skipped: a
scenario is a YAML mapping with the schema's top-level keys (members, places, sectors,
forces, fleets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from checker import check_plan
from contracts.loader import load_scenario
from geodata.geography import crossed
from geodata.network import build_network
from optimizer.planner import plan_with_greedy, plan_with_mip

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_KEYS = frozenset({"members", "places", "sectors", "forces", "fleets"})
# The MIP's safety net per scenario: enough for the greedy start and a few fix-and-optimize
# rounds on two cores, short enough for CI.
MIP_LIMIT_S = 20.0


def is_scenario(path: Path) -> bool:
    """True for a scenario file (a mapping with the schema's top-level keys)."""
    try:
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - not YAML we can read: not a scenario
        return False
    return isinstance(doc, dict) and set(doc) >= SCENARIO_KEYS


def library() -> list[Path]:
    return sorted(p for p in SCENARIOS.glob("*.yaml") if is_scenario(p))


LIBRARY = library()
IDS = [p.stem for p in LIBRARY]

_resolved: dict[Path, dict[str, Any]] = {}


def resolved_of(path: Path) -> dict[str, Any]:
    """resolved.json of a library scenario, built once per test session."""
    if path not in _resolved:
        _resolved[path] = build_network(load_scenario(path), path).to_json()
    return _resolved[path]


def test_the_library_has_the_baltic_and_new_theaters() -> None:
    names = {p.name for p in LIBRARY}
    assert "baltic_article5.yaml" in names
    assert len(names) >= 2


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_every_force_has_a_route(path: Path) -> None:
    resolved = resolved_of(path)
    assert resolved["unreachable"] == []
    assert resolved["legs"]


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_no_leg_crosses_forbidden_ground_or_closed_airspace(path: Path) -> None:
    resolved = resolved_of(path)
    geo = resolved["geography"]
    ground = frozenset(geo["forbidden_territory"])
    airspace = frozenset(geo["closed_airspace"])
    bad = []
    for leg in resolved["legs"]:
        path_ = [tuple(p) for p in leg["path"]]
        if leg["mode"] in ("road", "rail") and ground:
            hit = crossed(path_, ground)
        elif leg["mode"] == "air" and airspace:
            hit = crossed(path_, airspace)
        else:
            continue
        if hit:
            bad.append((leg["id"], hit))
    assert bad == []


@pytest.mark.parametrize("path", LIBRARY, ids=IDS)
def test_greedy_and_mip_plans_pass_the_checker(path: Path) -> None:
    resolved = resolved_of(path)
    greedy = plan_with_greedy(resolved)
    assert check_plan(resolved, greedy) == []
    mip, _ = plan_with_mip(resolved, time_limit_s=MIP_LIMIT_S)
    assert check_plan(resolved, mip) == []
    # The MIP starts from the greedy plan: it never scores worse.
    assert mip["kpis"]["gap_days"] <= greedy["kpis"]["gap_days"] + 1e-6
