"""A what-if run's base from a folder `mobilize solve` already wrote (`mobilize whatif
--base-plan DIR`): the Baltic base takes 12-20 minutes to solve on two cores, and a planner
who has just solved and read it should not wait for it again before asking what-ifs.

The plan is taken only if it is the plan of this scenario as it is now: resolved.json's
scenario fingerprint must be the file's (the same sha256 `mobilize bottlenecks --confirm`
checks), the planner must be the run's (a greedy base beside MIP what-ifs would compare
planners, not worlds), and the checker, sharing no code with the model, must pass it in the
network resolved again now (a folder written by an older mobilize may not fit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contracts.errors import MobilizeError
from contracts.plan import Plan
from contracts.scenario import Scenario

Data = dict[str, Any]
NO_PLAN = ("infeasible", "no_solution")


class BasePlanError(MobilizeError):
    """A `--base-plan` folder whose plan cannot stand as this run's base: why, one line."""


def solved_base(scenario: Path, loaded: Scenario, folder: Path, planner: str
                ) -> tuple[Data, Plan]:
    """The base world (`loaded` from the file `scenario`) resolved now and the plan in
    `folder`, or BasePlanError naming the folder, the file and what is wrong."""
    from checker import CheckInputError, check_plan
    from geodata.network import build_network

    flag = f"--base-plan {folder}"
    try:
        before = json.loads((folder / "resolved.json").read_text(encoding="utf-8"))
        doc = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        plan = Plan.from_json(doc)
        fingerprint = before["scenario"]["sha256"]
    except FileNotFoundError as exc:
        raise BasePlanError(f"{flag}: {exc.filename} not found: run `mobilize solve "
                            f"{scenario} --out {folder}` first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BasePlanError(f"{flag}: cannot read the plan in {folder}: {exc!r}") from None
    if fingerprint != loaded.fingerprint:
        raise BasePlanError(
            f"{flag}: {folder / 'resolved.json'} was not built from {scenario} as it is now "
            "(its scenario sha256 differs): solve it again, or give the folder of this "
            "scenario's plan")
    if plan.solver.planner != planner:
        raise BasePlanError(
            f"{flag}: {folder / 'plan.json'} was planned by {plan.solver.planner}, this run "
            f"plans with {planner}: give --planner {plan.solver.planner}, or solve the base "
            "with the run's planner")
    if plan.solver.status in NO_PLAN:
        raise BasePlanError(f"{flag}: {folder / 'plan.json'} has no plan (solver status "
                            f"{plan.solver.status})")
    resolved = build_network(loaded, scenario).to_json()
    try:
        violations = check_plan(resolved, doc)
    except CheckInputError as exc:
        raise BasePlanError(f"{flag}: {folder / 'plan.json'}: {exc}") from None
    if violations:
        first = violations[0]
        raise BasePlanError(
            f"{flag}: {folder / 'plan.json'} breaks {len(violations)} rule(s) of {scenario} "
            f"as resolved now, the first: {first.rule} at {first.where}: {first.message}; "
            "solve it again")
    return resolved, plan
