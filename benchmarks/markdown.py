"""A benchmark's table as markdown: the command that made it, a note, the table; written
beside the benchmarks and printed."""

from __future__ import annotations

from pathlib import Path


def write_table(path: Path, command: str, note: str, columns: list[str],
                rows: list[str]) -> str:
    """Write and return the table: `rows` are its lines, already in markdown."""
    text = "\n".join([
        f"Command: `{command}`; {note}", "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns), *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
    print(text)
    return text
