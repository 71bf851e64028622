"""Independent plan checker: re-verifies plan.json against resolved.json (docs/contracts.md).

``mobilize check DIR`` (or ``python -m checker DIR``) reads ``DIR/resolved.json`` and
``DIR/plan.json`` and re-verifies every rule of the contract with code that shares nothing
with the optimizer: standard library only (shapely and the shipped country outlines for the
geography rule), no import from the optimizer, geodata, contracts or maps, so that a model
bug cannot hide behind itself.

Modules: ``shape`` (input shape, :class:`CheckInputError`), ``context`` (tolerances,
:class:`Violation`, the indexed view the rules share), ``trips``, ``flows``, ``readiness``
and ``geography`` (the rules, one small function each), ``run`` (:data:`RULES` in reporting
order and the entry points).
"""

from checker.context import Violation
from checker.run import RULES, check_dir, check_plan, format_violations, main
from checker.shape import CheckInputError

__all__ = [
    "RULES",
    "CheckInputError",
    "Violation",
    "check_dir",
    "check_plan",
    "format_violations",
    "main",
]
