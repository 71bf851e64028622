"""Entry points: :data:`RULES` in reporting order, :func:`check_plan`, :func:`check_dir`,
:func:`format_violations` and the ``python -m checker DIR`` command line."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from checker.context import Ctx, Json, Violation, make_context
from checker.flows import rule_delivery, rule_depot, rule_outage, rule_throughput
from checker.geography import rule_geography
from checker.lines import rule_deployment_line
from checker.readiness import rule_kpis, rule_readiness, rule_shares
from checker.shape import CheckInputError, validate
from checker.trips import (
    rule_activation,
    rule_carries,
    rule_continuity,
    rule_fleet_count,
    rule_gauge,
    rule_outsize,
    rule_plan_scenario,
    rule_trip_capacity,
    rule_trip_leg,
    rule_trip_time,
)

__all__ = [
    "RULES",
    "check_dir",
    "check_plan",
    "format_violations",
    "main",
]


RULES: dict[str, Callable[[Ctx], list[Violation]]] = {
    "plan-scenario": rule_plan_scenario,
    "trip-leg": rule_trip_leg,
    "trip-time": rule_trip_time,
    "trip-capacity": rule_trip_capacity,
    "fleet-count": rule_fleet_count,
    "activation": rule_activation,
    "carries": rule_carries,
    "outsize": rule_outsize,
    "gauge": rule_gauge,
    "continuity": rule_continuity,
    "delivery": rule_delivery,
    "throughput": rule_throughput,
    "outage": rule_outage,
    "deployment-line": rule_deployment_line,
    "depot": rule_depot,
    "readiness": rule_readiness,
    "kpis": rule_kpis,
    "shares": rule_shares,
    "geography": rule_geography,
}


def check_plan(resolved: Json, plan: Json, tol: float = 1e-6) -> list[Violation]:
    """All violations of ``plan`` against ``resolved``, in :data:`RULES` order.

    Raises :class:`CheckInputError` when either document lacks a field the contract
    requires or has one of the wrong type.
    """
    validate(resolved, plan)
    ctx = make_context(resolved, plan, tol)
    out: list[Violation] = []
    for fn in RULES.values():
        out.extend(fn(ctx))
    return out


def _load(path: Path) -> Json:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CheckInputError(str(path), "file not found") from None
    except OSError as e:
        raise CheckInputError(str(path), f"cannot read: {e}") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise CheckInputError(str(path), f"invalid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise CheckInputError(str(path), "top level must be a JSON object")
    return doc


def check_dir(out_dir: Path, tol: float = 1e-6) -> list[Violation]:
    """Check ``out_dir/plan.json`` against ``out_dir/resolved.json``."""
    out_dir = Path(out_dir)
    resolved = _load(out_dir / "resolved.json")
    plan = _load(out_dir / "plan.json")
    try:
        return check_plan(resolved, plan, tol)
    except CheckInputError as e:
        raise CheckInputError(str(out_dir / e.source), e.message) from e


def format_violations(vs: list[Violation]) -> str:
    """One line per violation grouped by rule (in RULES order), then a count."""
    if not vs:
        return "plan OK: 0 violations"
    order = {name: k for k, name in enumerate(RULES)}
    groups: dict[str, list[Violation]] = defaultdict(list)
    for v in vs:
        groups[v.rule].append(v)
    lines: list[str] = []
    for rule in sorted(groups, key=lambda r: (order.get(r, len(order)), r)):
        for v in groups[rule]:
            lines.append(f"[{rule}] {v.where}: {v.message}")
    summary = ", ".join(
        f"{r} {len(groups[r])}" for r in sorted(groups, key=lambda r: order.get(r, len(order)))
    )
    n = len(vs)
    lines.append(f"{n} violation{'s' if n != 1 else ''} ({summary})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m checker DIR``: print the report; exit 0 if clean, 1 if not,
    2 on unreadable input."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m checker DIR", file=sys.stderr)
        return 2
    try:
        vs = check_dir(Path(args[0]))
    except CheckInputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_violations(vs))
    return 1 if vs else 0
