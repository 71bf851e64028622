"""Errors a user can act on: each names the file, the line, the field and what would be valid."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class MobilizeError(ValueError):
    """Base of every error mobilize reports to a user without a traceback."""


class ScenarioError(MobilizeError):
    """A scenario file that breaks the schema; carries one Problem per mistake."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{count} in scenario\n" + "\n".join(str(p) for p in problems))


class NetworkError(MobilizeError):
    """The scenario is valid but its places or legs cannot be resolved."""
