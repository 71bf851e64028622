"""Errors a user can act on: each names the file, the line, the field and what would be valid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A value quoted in a message is cut to this many characters, so a 50 MB id in a file
# gives a one-line error, not 50 MB of output.
QUOTE_CHARS = 60


def quoted(value: Any, limit: int = QUOTE_CHARS) -> str:
    """`value` as it appears in a message: its repr, or for a long text or value a short
    prefix of it and its length, e.g. 'xxxx…' (52,428,800 characters)."""
    if isinstance(value, str | bytes) and len(value) > limit:
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{value[:limit]!r}\u2026 ({len(value):,} {unit})"
    try:
        text = repr(value)
    except ValueError:  # an int too long to print (over sys.get_int_max_str_digits())
        if isinstance(value, int):
            return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
        return "a value too large to print"
    if len(text) > limit:
        return f"{text[:limit]}\u2026 ({len(text):,} characters)"
    return text


def clipped(text: str, limit: int = 1000) -> str:
    """A message cut to `limit` characters, for messages that quote input themselves (YAML
    parser errors) and as the last guard against a message as long as the input."""
    return text if len(text) <= limit else f"{text[:limit]}\u2026 ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = clipped(self.message)
        return f"{where}: {clipped(self.path, 200)}: {message}" if self.path else (
            f"{where}: {message}")


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
