"""The same scenario gives the same plan on every run: budgets count work, not seconds.

Planners compare what-ifs; a plan that moved because the solver ran differently would make
every comparison noise. Two solves of the built-in Baltic scenario at the defaults, the second
while another process loads the machine, must give identical plan.json (timings aside)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from checker import check_plan
from contracts.loader import load_scenario
from geodata.network import build_network
from optimizer.planner import plan_with_mip

BALTIC = Path(__file__).resolve().parents[1] / "scenarios" / "baltic_article5.yaml"


def _solve(resolved: dict[str, Any]) -> dict[str, Any]:
    # the default work budget; the safety net raised so that a slow, shared CI machine
    # cannot cut the search (that would be a different plan, and the test would say so)
    plan = plan_with_mip(resolved, time_limit_s=3600)[0].to_json()
    assert check_plan(resolved, plan) == []
    plan["solver"].pop("seconds")
    return plan


def _busy() -> None:
    while True:
        sum(i * i for i in range(10_000))


def test_two_baltic_solves_at_the_defaults_give_the_same_plan() -> None:
    resolved = build_network(load_scenario(BALTIC), BALTIC).to_json()
    first = _solve(resolved)
    assert first["solver"]["cut_by_clock"] is False, "the safety net, not the budget, ended it"
    hog = multiprocessing.get_context("spawn").Process(target=_busy, daemon=True)
    hog.start()
    try:
        second = _solve(resolved)
    finally:
        hog.terminate()
    assert second == first
