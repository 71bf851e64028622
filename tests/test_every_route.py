"""benchmarks/every_route.py: the fewest gap-days over every route is a floor under every plan
the network allows, the planner's and greedy's included, so a target below it is proven out
of reach. Checked on hand-worked cases and random networks against plans the independent
checker passes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from test_properties import SETTINGS, networks

from benchmarks.every_route import bounds
from checker import check_plan
from contracts import examples as tiny
from contracts.network import Network
from optimizer.planner import plan_with_greedy, plan_with_mip


def _floors_hold(resolved: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    found = bounds(Network.from_json(resolved))
    assert found["lp"] is not None and found["gap_days"] is not None
    best = plan_with_mip(resolved)[0]
    for plan in (best, plan_with_greedy(resolved)):
        assert check_plan(resolved, plan.to_json()) == []
        assert found["gap_days"] <= plan.kpis.gap_days + 1e-6
        if plan.solver.objective is not None:
            # barrier's objective is within 1e-8 relative of the LP's
            assert found["lp"] <= plan.solver.objective + 1e-7 * max(1.0, plan.solver.objective)
    return found, best


@pytest.mark.parametrize(("weight_far", "gap_days"), [(3.0, 4.0), (0.25, 1.0)])
def test_the_fewest_gap_days_is_what_the_best_plan_has_where_nothing_is_split(
    weight_far: float, gap_days: float,
) -> None:
    """One force, one aircraft, two sectors: the best plan sends it where the other sector's
    4 days of gap weigh least, 4 x min(1, weight_far) weighted gap-days; the LP cannot do
    better by splitting the force, as both sectors wait as long for its half."""
    found, best = _floors_hold(tiny.weighted_sectors(weight_far))
    assert best.kpis.gap_days == pytest.approx(gap_days)
    assert found["gap_days"] == pytest.approx(gap_days)


@SETTINGS
@given(networks())
def test_no_plan_has_fewer_gap_days_than_the_floor_over_every_route(
    resolved: dict[str, Any],
) -> None:
    _floors_hold(resolved)
