"""Force tables: a scenario's forces as a CSV or Excel table, one row per unit line.

The columns follow TPFDD naming where one exists (docs/tables.md): ``uln, unit_name, uic,
member, type, origin, poe, pod, sector, mode, ald_day, ead_day, lad_day, rdd_day, priority,
readiness_days, pax, tons, outsize, capability, points, needs, sustainment_tpd``. The force's
id is its uln. Days are integers counted from C-day, or ISO dates turned into such integers
with the scenario's C-day.

Reading turns each row into the force mapping the scenario schema expects
(:func:`read_force_table`) and leaves every rule to that schema: :func:`validate_with_table`
validates the rows through `contracts.scenario` and points each of its errors back at the
table's file, row (the header is row 1) and column. :func:`write_force_table` is the inverse.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contracts.errors import Problem, ScenarioError, quoted
from contracts.files import write_atomic
from contracts.scenario import Force, Scenario, cross_check

Json = dict[str, Any]
FieldPath = tuple[str | int, ...]

# Table column -> the Force field it fills, in the order a written table has them.
COLUMNS: dict[str, str] = {
    "uln": "uln", "unit_name": "name", "uic": "uic", "member": "member", "type": "unit_type",
    "origin": "home", "poe": "poe", "pod": "pod", "sector": "sector", "mode": "mode",
    "ald_day": "ald_day", "ead_day": "ead_day", "lad_day": "lad_day", "rdd_day": "rdd_day",
    "priority": "priority", "readiness_days": "readiness_days", "pax": "personnel",
    "tons": "cargo_t", "outsize": "outsize", "capability": "capability", "points": "capability",
    "needs": "needs", "sustainment_tpd": "sustainment_tpd",
}
REQUIRED = ("uln", "member", "origin", "tons", "capability", "points")
DAY_COLUMNS = ("ald_day", "ead_day", "lad_day", "rdd_day")
# Force field -> the column an error about it names. `id` is the uln (a table has no other
# id); `capability` errors about points are re-pointed in `_column`.
COLUMN_OF: dict[str, str] = {
    **{f: c for c, f in COLUMNS.items() if c != "points"}, "id": "uln",
}
SEPARATOR = ";"  # several capabilities, points or needs in one cell: "armor;infantry"
SHEET = "forces"  # the sheet a workbook's force table is read from (else its first sheet)
# Ranks of problems on one cell, best first (see _one_per_cell).
UNREADABLE, OWN, OTHER = 0, 1, 2
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ForceTable:
    """A force table read into the force mappings the scenario schema validates.

    `rows[i]` is the table row (header = 1) of `forces[i]`; `problems` are cells that could
    not be read at all (a malformed date, points without a capability), and `unread` the
    (row, Force field) they leave out, which the schema may not call missing as well."""

    file: str
    forces: list[Json]
    rows: list[int]
    problems: list[Problem] = field(default_factory=list)
    unread: set[tuple[int, str]] = field(default_factory=set)

    def cell_problem(self, row: int, column: str, message: str) -> None:
        """Record a cell that cannot be read."""
        self.problems.append(Problem(self.file, row, f"forces.{column}", message))
        self.unread.add((row, COLUMNS[column]))


# --- reading -------------------------------------------------------------------------------


def read_force_table(path: str | Path, c_day: dt.date | None) -> ForceTable:
    """Read a CSV (.csv) or Excel (.xlsx) force table into force mappings, one per row.

    Blank rows are skipped (but counted, so row numbers match the spreadsheet). Raises
    ScenarioError when the file cannot be read or its header is wrong (missing required
    columns, unknown or repeated columns); problems in cells are collected on the table."""
    name = str(path)
    header, rows = _rows(Path(path), name)
    columns = _check_header(header, name)
    table = ForceTable(name, [], [])
    for number, cells in rows:
        values = dict(zip(columns, cells, strict=False))
        if all(_empty(v) for v in values.values()):
            continue
        if any(not _empty(v) for v in cells[len(columns):]):
            table.problems.append(Problem(name, number, "forces", (
                f"{len(cells)} cells but {len(columns)} columns: a value holding a comma "
                'needs quotes ("Boxer, M113")')))
            continue  # its cells are shifted: what the schema would say of them is noise
        table.forces.append(_force_of_row(table, number, values, c_day))
        table.rows.append(number)
    if not table.forces:
        raise ScenarioError(table.problems or [
            Problem(name, None, "forces", "the table has no unit lines")])
    return table


def _rows(path: Path, name: str) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """The header and the numbered data rows of a CSV or xlsx file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ScenarioError([Problem(name, None, "", (
            f"a force table is a .csv or .xlsx file, not {quoted(path.suffix or path.name)}"))])
    if not path.is_file():
        raise ScenarioError([Problem(name, None, "", "file not found")])
    try:
        rows = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError([Problem(name, None, "", f"cannot read file: {exc}")]) from None
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise ScenarioError([Problem(name, None, "", f"cannot read workbook: {exc}")]) from None
    if not rows:
        raise ScenarioError([Problem(name, 1, "", "the table is empty: it needs a header row")])
    return rows[0], iter(enumerate(rows[1:], start=2))


def _csv_rows(path: Path) -> list[list[Any]]:
    # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [list(r) for r in csv.reader(fh)]


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _check_header(header: list[Any], name: str) -> list[str]:
    """Column names, lower-cased; ScenarioError naming missing, unknown or repeated ones."""
    columns = ["" if _empty(c) else str(c).strip().lower() for c in header]
    while columns and not columns[-1]:  # a spreadsheet's trailing empty header cells
        columns.pop()
    problems = []
    unknown = [c or "(empty)" for c in columns if c not in COLUMNS]
    if unknown:
        problems.append(Problem(name, 1, "forces", (
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(quoted, unknown))};"
            f" the columns are {', '.join(COLUMNS)}")))
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(Problem(name, 1, "forces", (
            f"column{'s' if len(repeated) > 1 else ''} {', '.join(map(quoted, repeated))} "
            "given more than once")))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(Problem(name, 1, "forces", (
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(quoted, missing))}")))
    if problems:
        raise ScenarioError(problems)
    return columns


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _force_of_row(table: ForceTable, row: int, values: dict[str, Any],
                  c_day: dt.date | None) -> Json:
    """The force mapping of one row; cells left empty are left out (the schema's default)."""
    force: Json = {}
    for column, value in values.items():
        if _empty(value) or column in ("capability", "points"):
            continue
        if column in DAY_COLUMNS:
            day = _day(table, row, column, value, c_day)
            if day is not None:
                force[COLUMNS[column]] = day
        elif column == "needs":
            force["needs"] = _split(value)
        elif column in ("pax", "tons", "priority", "readiness_days", "sustainment_tpd",
                        "outsize"):
            force[COLUMNS[column]] = value.strip() if isinstance(value, str) else value
        else:
            force[COLUMNS[column]] = _text(value)
    if "uln" in force:
        force["id"] = force["uln"]  # the force's id is its unit line number
    force.setdefault("personnel", 0)  # a line without pax moves equipment only
    capability = _capability(table, row, values.get("capability"), values.get("points"))
    if capability is not None:
        force["capability"] = capability
    return force


def _text(value: Any) -> str:
    """A cell as text; a whole number from a spreadsheet without its '.0' (uln 1001)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(value: Any) -> list[str]:
    return [p.strip() for p in _text(value).split(SEPARATOR) if p.strip()]


def _day(table: ForceTable, row: int, column: str, value: Any,
         c_day: dt.date | None) -> Any:
    """A day from C-day: an integer as it is, an ISO date (or a spreadsheet date) counted
    from the scenario's C-day. Anything else is passed on for the schema to refuse."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            table.cell_problem(row, column, f"not a date: {exc} (got {quoted(value)})")
            return None
    if not isinstance(value, dt.date):
        return value.strip() if isinstance(value, str) else value
    if c_day is None:
        table.cell_problem(row, column, (
            f"the date {value.isoformat()} needs the scenario's c_day to count days from"))
        return None
    days = (value - c_day).days
    if days < 0:
        table.cell_problem(row, column, (
            f"{value.isoformat()} is before C-day ({c_day.isoformat()}); give a date on or "
            "after it, or a day number"))
        return None
    return days


def _capability(table: ForceTable, row: int, names: Any, points: Any) -> Json | None:
    """{capability: points} from the two cells, several as "armor;infantry" and "2;1"."""
    if _empty(names) or _empty(points):
        missing = "capability" if _empty(names) else "points"
        table.cell_problem(row, missing, f"{missing} is empty: every line offers a capability")
        return None
    keys = _split(names)
    values: list[Any] = [points] if not isinstance(points, str) else [
        p.strip() for p in points.split(SEPARATOR)]
    if len(keys) != len(values):
        table.cell_problem(row, "points", (
            f"{len(values)} points for {len(keys)} capabilities ({quoted(_text(names))}): "
            f"give one per capability, separated by {SEPARATOR!r}"))
        return None
    if len(set(keys)) != len(keys):
        table.cell_problem(row, "capability", f"a capability is named twice in {quoted(names)}")
        return None
    return dict(zip(keys, values, strict=True))


# --- validating through the scenario schema ------------------------------------------------


def validate_with_table(data: Json, table: ForceTable,
                        elsewhere: Callable[[FieldPath, str], Problem]) -> Scenario:
    """The scenario `data` with its forces from `table`, validated by the scenario schema.

    Each row is validated as a Force first, so one bad cell does not hide the problems of
    other rows; the rows that pass make the scenario, whose cross-list checks (unknown
    member, duplicate uln ...) run as for an inline scenario (a requirement that only a
    refused row offers is then reported as offered by none). Errors in a row name the table,
    row and column; others go through `elsewhere` (the scenario file's own lines). Raises
    ScenarioError with every problem."""
    from contracts.loader import _loc, _message

    problems: list[tuple[Problem, int]] = [(p, UNREADABLE) for p in table.problems]
    kept: list[int] = []  # indexes into table.forces of the rows that pass as Forces
    for i, force in enumerate(table.forces):
        try:
            Force.model_validate(force)
        except ValidationError as exc:
            row = table.rows[i]
            problems.extend(
                _row_problem(table, i, e["loc"], _loc(e["loc"]), e["type"], _message(e))
                for e in exc.errors() if (row, _field(_loc(e["loc"]))) not in table.unread)
            continue
        kept.append(i)
    whole = {**data, "forces": [table.forces[i] for i in kept]}
    try:
        scenario = Scenario.model_validate(whole)
    except ValidationError as exc:
        problems.extend((elsewhere(_loc(e["loc"]), _message(e)), OTHER) for e in exc.errors()
                        if not _in_forces(_loc(e["loc"])))
        raise ScenarioError(_one_per_cell(table, problems)) from None
    for path, message in cross_check(scenario):
        if _in_forces(path):
            i = kept[int(path[1])]
            problems.append(_row_problem(table, i, path[2:], path[2:], "", message))
        else:
            problems.append((elsewhere(path, message), OTHER))
    if problems:
        raise ScenarioError(_one_per_cell(table, problems))
    return scenario


def _field(loc: FieldPath) -> str:
    return str(loc[0]) if loc else ""


def _in_forces(path: FieldPath) -> bool:
    return len(path) >= 2 and path[0] == "forces" and isinstance(path[1], int)


def _row_problem(table: ForceTable, i: int, raw: tuple[Any, ...], loc: FieldPath, kind: str,
                 message: str) -> tuple[Problem, int]:
    """The problem at row i's cell, ranked: about the column's own field, or another's."""
    field_ = _field(loc)
    column = _column(field_, raw, kind, message)
    own = COLUMNS.get(column) == field_ or column == field_
    return Problem(table.file, table.rows[i], f"forces.{column}", message), OWN if own else OTHER


def _column(field_: str, raw: tuple[Any, ...], kind: str, message: str) -> str:
    """The table column an error about a Force field belongs to."""
    if field_ == "capability":
        # {capability: points}: a bad key is the capability cell, a bad value the points
        if "[key]" in raw or kind in ("too_short", "missing", "dict_type"):
            return "capability"
        return "points"
    if field_ in COLUMN_OF:
        return COLUMN_OF[field_]
    # A check across fields ("lad_day 3 is before ead_day 5"): the first column it names.
    named = re.findall(r"[a-z_]+", message)
    return next((w for w in named if w in COLUMNS), "uln")


def _one_per_cell(table: ForceTable, problems: list[tuple[Problem, int]]) -> list[Problem]:
    """One problem per table cell, in the order found, the best ranked: a cell that could not
    be read is not reported again by the schema, and of two problems on one cell (a
    duplicate uln is a duplicate id too) the one about the column's own field wins."""
    best: dict[tuple[str, int | None, str], tuple[Problem, int]] = {}
    for p, rank in problems:
        key = (p.file, p.line, p.path if p.file == table.file else f"{p.path}\0{p.message}")
        if key not in best or rank < best[key][1]:
            best[key] = (p, rank)  # a dict keeps the first key's place in the order
    return [p for p, _ in best.values()]


# --- writing -------------------------------------------------------------------------------


def force_rows(scenario: Scenario) -> list[list[Any]]:
    """The scenario's forces as table rows (header first), the inverse of reading: a force
    without a uln is written under its id, which reading makes both its id and uln."""
    out: list[list[Any]] = [list(COLUMNS)]
    for f in scenario.forces:
        if f.uln is not None and f.uln != f.id:
            raise ValueError(
                f"force {f.id!r} has uln {f.uln!r}: a table keys forces by uln, so the id "
                "would be lost; give the force its uln as id")
        names = list(f.capability)
        for text in [*names, *f.needs]:
            if SEPARATOR in text:
                raise ValueError(f"{text!r} contains {SEPARATOR!r}, which separates a cell's "
                                 "items in a table")
        points = [f.capability[c] for c in names]
        row = {
            "uln": f.id, "unit_name": f.name, "uic": f.uic, "member": f.member,
            "type": f.unit_type, "origin": f.home, "poe": f.poe, "pod": f.pod,
            "sector": f.sector, "mode": f.mode, "ald_day": f.ald_day, "ead_day": f.ead_day,
            "lad_day": f.lad_day, "rdd_day": f.rdd_day, "priority": f.priority,
            "readiness_days": f.readiness_days, "pax": f.personnel, "tons": _number(f.cargo_t),
            "outsize": f.outsize, "capability": SEPARATOR.join(names),
            "points": _number(points[0]) if len(points) == 1 else SEPARATOR.join(
                str(_number(p)) for p in points),
            "needs": SEPARATOR.join(f.needs) or None,
            "sustainment_tpd": _number(f.sustainment_tpd),
        }
        out.append([row[c] for c in COLUMNS])
    return out


def _number(x: float) -> int | float:
    """A whole float as an int (12500, not 12500.0); others as they are (repr reads back)."""
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def write_force_table(scenario: Scenario, path: str | Path) -> Path:
    """Write the scenario's forces as a force table, CSV or xlsx by the file's suffix."""
    path = Path(path)
    rows = force_rows(scenario)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_atomic(path, lambda tmp: _write_csv(rows, tmp))
    if suffix == ".xlsx":
        return write_atomic(path, lambda tmp: _write_xlsx(rows, tmp))
    raise ValueError(f"a force table is a .csv or .xlsx file, not {path.name!r}")


def _write_csv(rows: list[list[Any]], tmp: Path) -> None:
    with open(tmp, "x", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for r in rows:
            w.writerow([_csv_cell(v) for v in r])


def _csv_cell(value: Any) -> str:
    """A value as CSV text: empty for None, true/false, floats as repr (they read back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, float) else str(value)


def _write_xlsx(rows: list[list[Any]], tmp: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for r in rows:
        cells: list[Any] = []
        for v in r:
            if isinstance(v, str) and v.startswith("="):
                # openpyxl would store "=..." as a formula: keep a unit's name as text
                cell = WriteOnlyCell(sheet, value=v)
                cell.data_type = "s"
                v = cell
            cells.append(v)
        sheet.append(cells)
    book.save(tmp)
