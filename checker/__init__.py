"""Independent plan checker: re-verifies plan.json against resolved.json (docs/contracts.md).

Standard library only (shapely for the geography rule), no import from the optimizer, geodata,
contracts or maps, so that a model bug cannot hide behind itself.
"""

from checker.check import (
    RULES,
    CheckInputError,
    Violation,
    check_dir,
    check_plan,
    format_violations,
    main,
)

__all__ = [
    "RULES",
    "CheckInputError",
    "Violation",
    "check_dir",
    "check_plan",
    "format_violations",
    "main",
]
