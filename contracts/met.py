"""When a requirement counts as met: one rule for the plan writer, the terminal summary, the
map and the report (docs/contracts.md, "Met"). The checker applies the same rule with its own
code, so a mistake here cannot hide behind itself.

A requirement is met on a day when what is delivered and ready falls short of what is required
by at most MET_SHORTFALL of the requirement: the same 99% that closes a force (a brigade with
a few tonnes still at the port is there), and far above the solver's round-off (1e-9 to 1e-5
of a point), which otherwise reads as "never met".
"""

from __future__ import annotations

MET_SHORTFALL = 0.01


def is_met(required: float, delivered: float) -> bool:
    """True when `delivered` is within MET_SHORTFALL of `required` (or above it)."""
    return required - delivered <= MET_SHORTFALL * required


def clean(value: float) -> float:
    """A readiness figure without solver round-off: six decimals, and no negative zero."""
    return round(value, 6) + 0.0
