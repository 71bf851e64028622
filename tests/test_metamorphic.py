"""Monotone where the world is: on random small networks, more lift, an earlier decision or a
bigger port never gives a worse plan than the base, beyond the gap the plans report.

These are the comparisons planners make with what-ifs; a solver whose noise or route pruning
made "more C-17s" look worse would make every comparison meaningless."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, networks

from checker import check_plan
from optimizer.planner import plan_with_mip

Json = dict[str, Any]


def _more_lift(r: Json) -> None:
    for f in r["fleets"]:
        f["count"] += 1


def _earlier_decision(r: Json) -> None:
    for f in r["forces"] + r["fleets"]:
        if f["activation_day"]:
            f["activation_day"] -= 1


def _bigger_ports(r: Json) -> None:
    for p in r["places"]:
        if p.get("throughput_tpd") is not None:
            p["throughput_tpd"] *= 2
        if p.get("mog") is not None:
            p["mog"] += 1


CHANGES: dict[str, Callable[[Json], None]] = {
    "more lift": _more_lift, "earlier decision": _earlier_decision,
    "bigger ports": _bigger_ports,
}


def _objective(resolved: Json) -> tuple[float, float]:
    plan = plan_with_mip(resolved, time_limit_s=60)[0].to_json()
    assert check_plan(resolved, plan) == []
    solver = plan["solver"]
    assert solver["status"] in ("optimal", "feasible"), solver
    return float(solver["objective"]), float(solver["gap"] or 0.0)


@SETTINGS
@given(networks(), st.sampled_from(sorted(CHANGES)))
def test_a_better_world_never_gives_a_worse_plan(resolved: Json, change: str) -> None:
    base, base_gap = _objective(resolved)
    better = copy.deepcopy(resolved)
    CHANGES[change](better)
    value, gap = _objective(better)
    allowed = base + (base_gap + gap) * max(abs(base), 1.0) + 1e-6
    assert value <= allowed, f"{change}: {value:.4f} > base {base:.4f}"


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_change_does_change_the_world(change: str) -> None:
    """Guard against a change that silently does nothing on these networks."""
    from contracts import examples as tiny

    base = tiny.late_fleet_beside_a_slow_one()
    base["places"][1]["throughput_tpd"] = 100.0
    better = copy.deepcopy(base)
    CHANGES[change](better)
    assert better != base
