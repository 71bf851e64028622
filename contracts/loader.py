"""Read a scenario file: YAML with line numbers, one schema, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from contracts.errors import Problem, ScenarioError, quoted
from contracts.scenario import Scenario, cross_check
from contracts.tables import ForceTable, read_force_table, validate_with_table

_ALIASES = {"from_": "from"}

# Limits on the shape of a scenario file, checked before anything is built from it. A real
# scenario nests fewer than 10 levels (a MultiPolygon sector: 8) and holds some thousands of
# values (scenarios/baltic_article5.yaml: about 3,500).
MAX_DEPTH = 100
# Values once aliases are expanded: ten lines of nested aliases ("billion laughs") stand for
# 10^9 values; they are refused here instead of being built.
MAX_VALUES = 1_000_000


def load_scenario(path: str | Path, forces_table: str | Path | None = None) -> Scenario:
    """Parse and validate a scenario file; raise ScenarioError listing every problem.

    `forces_table`: a force table (contracts/tables.py) whose lines replace the file's forces
    (`mobilize import`). The scenario's fingerprint (`Scenario.fingerprint`, the sha256 of the
    file, and of its force table after it when it has one, so a changed table is a changed
    scenario) is taken here, once, from the very bytes that were parsed."""
    data = _read_bytes(path, ScenarioError)
    scenario = parse_scenario(_decoded(data, str(path), ScenarioError), str(path), forces_table)
    digest = hashlib.sha256(data)
    if scenario.forces_table:
        digest.update(_read_bytes(scenario.forces_table, ScenarioError))
    scenario.set_fingerprint(digest.hexdigest())
    return scenario


def read_input(path: str | Path, error: type[ScenarioError]) -> tuple[str, str]:
    """(text, name) of an input file, or `error` saying why it cannot be read."""
    name = str(path)
    return _decoded(_read_bytes(path, error), name, error), name


def _read_bytes(path: str | Path, error: type[ScenarioError]) -> bytes:
    name = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise error([Problem(name, None, "", "file not found")]) from None
    except OSError as exc:
        raise error([Problem(name, None, "", f"cannot read file: {exc}")]) from None


def _decoded(data: bytes, name: str, error: type[ScenarioError]) -> str:
    try:
        # universal newlines, as reading in text mode would give
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise error([Problem(name, None, "", f"cannot read file: {exc}")]) from None


def parse_scenario(text: str, name: str = "<scenario>",
                   forces_table: str | Path | None = None) -> Scenario:
    """Parse and validate scenario text; ScenarioError listing every problem."""
    try:
        return _parse(text, name, forces_table)
    except RecursionError:  # a fallback: _read and _measure refuse deep nesting first
        raise ScenarioError(
            [Problem(name, None, "", f"nested too deeply (keep it under {MAX_DEPTH} levels)")]
        ) from None


def _parse(text: str, name: str, forces_table: str | Path | None = None) -> Scenario:
    doc = _read(text, name)
    if not isinstance(doc, CommentedMap):
        raise ScenarioError([Problem(name, 1, "", "a scenario is a YAML mapping of fields")])
    _measure(doc, name)
    data = _plain(doc)
    table = _forces_table(data, doc, name, forces_table)
    if table is not None:  # errors in its rows name the table's file, row and column
        scenario = validate_with_table(data, table, lambda p, msg: _problem(name, doc, p, msg))
        scenario.set_forces_table(table.file)
        return scenario
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [_problem(name, doc, _loc(e["loc"]), _message(e)) for e in exc.errors()]
        ) from None
    problems = [_problem(name, doc, p, msg) for p, msg in cross_check(scenario)]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _forces_table(data: dict[str, Any], doc: CommentedMap, name: str,
                  given: str | Path | None) -> ForceTable | None:
    """The force table the scenario's forces come from: `given`, else `forces: {table: PATH}`
    (relative to the scenario file); None when the forces are written inline."""
    ref = data.get("forces")
    if given is not None:
        path = Path(given)
    elif isinstance(ref, dict) and "table" in ref:
        if set(ref) != {"table"} or not isinstance(ref["table"], str) or not ref["table"]:
            raise ScenarioError([_problem(name, doc, ("forces",), (
                "give the forces as a list, or as {table: FILE}: a .csv or .xlsx force table, "
                "its path relative to the scenario file (docs/tables.md)"))])
        path = Path(name).parent / ref["table"]
    else:
        return None
    return read_force_table(path, _c_day(data.get("c_day")))


def _c_day(value: Any) -> dt.date | None:
    """The scenario's C-day as a date, or None if it has none (the schema will say so)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _read(text: str, name: str) -> Any:
    """The YAML document, with line numbers; ScenarioError if it is not YAML."""
    yaml = YAML(typ="rt")
    yaml.max_depth = MAX_DEPTH + 1  # ruamel counts the innermost value as a level too
    try:
        return yaml.load(text)
    except MaxDepthExceededError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError([Problem(name, line, "", _too_deep())]) from None
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError([Problem(name, line, "", f"not valid YAML: {exc.problem}")]) from None
    except YAMLError as exc:  # e.g. a control character the reader refuses
        raise ScenarioError([Problem(name, None, "", f"not valid YAML: {exc}")]) from None
    except ValueError as exc:
        # A value YAML recognises but Python cannot build: an integer of more than 4,300
        # digits (sys.get_int_max_str_digits), a date like 2027-13-45.
        long = re.search(r"\d{4301,}", text)
        if long:
            line = text.count("\n", 0, long.start()) + 1
            raise ScenarioError([Problem(name, line, "", "a number too long to read")]) from None
        raise ScenarioError(
            [Problem(name, None, "", f"not valid YAML: a value cannot be read ({exc})")]
        ) from None


def _too_deep(how: str = "") -> str:
    return f"nested more than {MAX_DEPTH} levels deep{how}: a scenario needs far fewer"


def _too_large() -> str:
    return (f"this value expands to more than {MAX_VALUES:,} values through its aliases "
            "(*name): far too large for a scenario")


def _measure(doc: CommentedMap, name: str) -> None:
    """Refuse a document that is too deep or too large once its aliases are expanded, or
    that contains itself, before anything is built from it.

    ruamel shares one object for an anchor and all its aliases, so the document in memory
    stays small however far the aliases would expand; this walks each shared container once
    (iteratively: no recursion limit to hit), summing sizes and depths."""
    done: dict[int, tuple[int, int]] = {}  # id(container) -> (values, levels) expanded
    open_: set[int] = {id(doc)}
    # (container, its children still to visit, [values so far, deepest child's levels])
    stack: list[tuple[Any, Any, list[int]]] = [(doc, iter(_children(doc)), [1 + len(doc), 0])]
    while stack:
        node, todo, acc = stack[-1]
        child = next(todo, _END)
        if child is _END:
            stack.pop()
            open_.discard(id(node))
            size, levels = acc[0], acc[1] + 1
            done[id(node)] = (size, levels)
            if levels + len(stack) > MAX_DEPTH:
                raise ScenarioError([Problem(name, _line(node), "", _too_deep(
                    " with its aliases (*name) expanded"))])
            if size > MAX_VALUES:
                raise ScenarioError([Problem(name, _line(node), "", _too_large())])
            if stack:
                parent = stack[-1][2]
                parent[0] += size
                parent[1] = max(parent[1], levels)
            continue
        if not isinstance(child, dict | list):
            acc[0] += 1
        elif id(child) in open_:
            raise ScenarioError([Problem(name, _line(node), "", (
                "an alias (*name) here refers to a value that contains it: "
                "the value would be infinite"))])
        elif id(child) in done:
            size, levels = done[id(child)]
            acc[0] += size
            acc[1] = max(acc[1], levels)
            if acc[0] > MAX_VALUES:
                raise ScenarioError([Problem(name, _line(node), "", _too_large())])
        else:
            open_.add(id(child))
            keys = len(child) if isinstance(child, dict) else 0
            stack.append((child, iter(_children(child)), [1 + keys, 0]))
            if len(stack) > MAX_DEPTH:
                raise ScenarioError([Problem(name, _line(child), "", _too_deep())])


_END = object()


def _children(node: Any) -> list[Any]:
    return list(node.values()) if isinstance(node, dict) else list(node)


def _line(node: Any) -> int | None:
    try:
        return int(node.lc.line) + 1
    except (AttributeError, TypeError):
        return None


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
        msg += f" (got {quoted(err['input'])})"
    return msg


def _problem(name: str, doc: CommentedMap, path: tuple[str | int, ...], msg: str) -> Problem:
    return Problem(name, _line_of(doc, path), _dotted(path), msg)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, str) and len(part) > 64:  # an unknown field's name, say
            part = quoted(part)
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
