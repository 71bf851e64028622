"""Read a scenario file: YAML with line numbers, one schema, every problem reported at once."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from mobilize.errors import Problem, ScenarioError
from mobilize.scenario import Scenario, cross_check

_ALIASES = {"from_": "from"}


def load_scenario(path: str | Path) -> Scenario:
    """Parse and validate a scenario file; raise ScenarioError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(name, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(name, None, "", f"cannot read file: {exc}")]) from None
    return parse_scenario(text, name)


def parse_scenario(text: str, name: str = "<scenario>") -> Scenario:
    try:
        doc = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError([Problem(name, line, "", f"not valid YAML: {exc.problem}")]) from None
    if not isinstance(doc, CommentedMap):
        raise ScenarioError([Problem(name, 1, "", "a scenario is a YAML mapping of fields")])
    try:
        scenario = Scenario.model_validate(_plain(doc))
    except ValidationError as exc:
        raise ScenarioError(
            [_problem(name, doc, _loc(e["loc"]), _message(e)) for e in exc.errors()]
        ) from None
    problems = [_problem(name, doc, p, msg) for p, msg in cross_check(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def file_sha256(path: str | Path) -> str:
    """The scenario's fingerprint in resolved.json and plan.json; "" if it cannot be read
    (a scenario built in memory, as the benchmarks and some tests do)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _plain(node: Any) -> Any:
    """ruamel's commented containers -> plain dicts/lists, so pydantic sees ordinary data."""
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def _loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic adds the union branch or validator name to some locations; keep only the path
    # into the document.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and not _is_branch(part)):
            out.append(_ALIASES.get(part, part) if isinstance(part, str) else part)
    return tuple(out)


def _is_branch(part: str) -> bool:
    return any(ch in part for ch in "[](),") or part in ("int", "list[int]", "function-after")


def _message(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling against docs/contracts.md)"
    if err["type"] == "missing":
        return "required field is missing"
    if "input" in err and err["type"] not in ("model_type",) and not isinstance(
        err["input"], dict | list
    ):
        msg += f" (got {err['input']!r})"
    return msg


def _problem(name: str, doc: CommentedMap, path: tuple[str | int, ...], msg: str) -> Problem:
    return Problem(name, _line_of(doc, path), _dotted(path), msg)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(doc: Any, path: tuple[str | int, ...]) -> int | None:
    """1-based line of the deepest node on `path` that exists in the document."""
    node, line = doc, 1
    for part in path:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        except (AttributeError, KeyError, TypeError):
            break
    return line
