"""The `mobilize` command: read, call the library, write, print a summary. Nothing more."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from mobilize.errors import MobilizeError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan allied reinforcement: forces, lift and supply to a threatened ally, day by day.",
)
out_console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder to write results into.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    # escape: a message quotes the user's text, which may look like rich markup ("[/x]")
    err_console.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False)


def _check_out(out: Path, label: str = "--out") -> None:
    """Before any work: results can be written into folder `out`, or a clear error. Nothing
    is left behind: a missing folder is created (to be sure it can be) and removed again;
    writing the results creates it for good."""
    name = f"{label} {out}" if label else str(out)
    if out.exists() and not out.is_dir():
        raise _fail(f"{name}: exists and is not a folder")
    if out.is_dir():
        if not os.access(out, os.W_OK | os.X_OK):
            raise _fail(f"{name}: cannot write into this folder (permission denied)")
        return
    missing: list[Path] = []  # out and its missing parents, deepest first
    for d in (out, *out.parents):
        if d.exists():
            break
        missing.append(d)
    created: list[Path] = []
    try:
        for d in reversed(missing):
            d.mkdir()
            created.append(d)
    except OSError as exc:
        raise _fail(f"{name}: cannot create folder: {exc.strerror or exc}") from None
    finally:
        for d in reversed(created):
            with suppress(OSError):
                d.rmdir()


@contextmanager
def _os_errors(doing: str) -> Iterator[None]:
    """An OSError (disk full, permission denied, ...) ends in a clear error, not a traceback."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise _fail(f"{doing}: {exc.strerror or exc}{where}") from None


def _resolve(scenario: Path) -> dict[str, Any]:
    from geodata.network import build_network
    from mobilize.loader import load_scenario

    s = load_scenario(scenario)
    return build_network(s, scenario).to_json()


@app.command()
def inspect(scenario: ScenarioArg, out: OutOpt = Path("out")) -> None:
    """Validate a scenario, resolve its places and legs, print a summary, write resolved.json."""
    from mobilize.files import write_json
    from mobilize.summary import print_network_summary

    _check_out(out)
    try:
        resolved = _resolve(scenario)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    _warn_coverage(resolved)
    with _os_errors(f"cannot write the results into {out}"):
        path = write_json(out / "resolved.json", resolved)
    print_network_summary(out_console, resolved)
    out_console.print(f"wrote {path}")


@app.command()
def solve(
    scenario: ScenarioArg,
    out: OutOpt = Path("out"),
    planner: Annotated[str, typer.Option(help="mip (optimal) or greedy (baseline).")] = "mip",
    solver: Annotated[str, typer.Option("--solver", help="highs, scip or cp-sat.")] = "highs",
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may run.")] = 120.0,
    gap: Annotated[float, typer.Option(help="Stop at this relative gap to the bound.")] = 1e-4,
    quiet: Annotated[bool, typer.Option("--quiet", help="No solver progress on stderr.")] = False,
    map_: Annotated[bool, typer.Option("--map", help="Also write map.html.")] = False,
) -> None:
    """Plan the reinforcement: writes resolved.json, plan.json and plan.csv, checks the plan."""
    from mobilize.checker import check_plan, format_violations
    from mobilize.files import write_json
    from mobilize.summary import print_plan_summary
    from optimizer.plan import write_plan_csv
    from optimizer.planner import plan_with_greedy, plan_with_mip
    from optimizer.solve import BACKENDS, stderr_progress

    if planner not in ("mip", "greedy"):
        raise _fail(f"--planner must be mip or greedy, not {planner!r}")
    if solver not in BACKENDS:
        raise _fail(f"--solver must be one of {', '.join(BACKENDS)}, not {solver!r}")
    if time_limit <= 0 or not 0 <= gap < 1:
        raise _fail("--time-limit must be > 0 and --gap between 0 and 1")
    _check_out(out)
    try:
        resolved = _resolve(scenario)
        _warn_coverage(resolved)
        if planner == "mip":
            progress = None if quiet else stderr_progress
            plan, _ = plan_with_mip(resolved, solver, time_limit, gap, progress)
        else:
            plan = plan_with_greedy(resolved)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    violations = check_plan(resolved, plan)
    with _os_errors(f"cannot write the results into {out}"):
        write_json(out / "resolved.json", resolved)
        write_json(out / "plan.json", plan)
        write_plan_csv(out / "plan.csv", plan, resolved["scenario"]["c_day"])
    print_plan_summary(out_console, plan, resolved)
    if map_:
        _write_map(out)
    out_console.print(f"wrote {out / 'plan.json'} and {out / 'plan.csv'}")
    if violations:
        err_console.print(format_violations(violations), highlight=False)
        raise _fail("the plan breaks the rules above: this is a bug, please report it", 3)
    out_console.print("checker: the plan obeys every rule")


@app.command()
def check(out: Annotated[Path, typer.Argument(help="Folder with resolved.json and plan.json.")]
          ) -> None:
    """Re-verify plan.json against resolved.json, independently of the optimizer."""
    from mobilize.checker import check_dir, format_violations

    try:
        violations = check_dir(out)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if violations:
        out_console.print(format_violations(violations), highlight=False)
        raise typer.Exit(1)
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    out_console.print(
        f"{out / 'plan.json'}: {len(plan['trips'])} trips, {len(plan['forces'])} forces, "
        "0 violations"
    )


DirArg = Annotated[
    Path, typer.Argument(help="Folder with resolved.json and plan.json (from solve).")
]


@app.command("map")
def map_(out: DirArg) -> None:
    """Write DIR/map.html: routes, places, and readiness gaps by day; works offline."""
    _needs_plan(out)
    _write_map(out)


@app.command()
def report(out: DirArg) -> None:
    """Write DIR/report.html: map, closure curves, Gantt, lift use, congestion, shares."""
    from maps.report import write_report

    _needs_plan(out)
    try:
        with _os_errors(f"cannot build the report in {out}"):
            path = write_report(out)
    except (MobilizeError, ValueError, KeyError) as exc:
        raise _fail(f"cannot build the report from {out}: {exc}") from None
    out_console.print(f"wrote {path}")


FORMATS = ("geojson", "gpkg", "kml", "csv", "xlsx")


@app.command()
def export(
    out: DirArg,
    format_: Annotated[str, typer.Option("--format", help="geojson, gpkg, kml, csv or xlsx.")
                       ] = "geojson",
) -> None:
    """Export the plan's routes and places for GIS (QGIS, Google Earth) and spreadsheets."""
    from maps.export import export_plan

    if format_ not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, not {format_!r}")
    _needs_plan(out)
    with _os_errors(f"cannot export into {out}"):
        path = export_plan(out, format_)
    out_console.print(f"wrote {path}")


def _needs_plan(out: Path) -> None:
    if out.exists():
        _check_out(out, label="")  # a folder that map, report and export can write into
    for name in ("resolved.json", "plan.json"):
        if not (out / name).is_file():
            raise _fail(f"{out / name} not found: run `mobilize solve SCENARIO --out {out}` first")


def _write_map(out: Path) -> None:
    from maps.render import write_map

    try:
        with _os_errors(f"cannot draw the map in {out}"):
            path = write_map(out)
    except (MobilizeError, ValueError, KeyError) as exc:
        raise _fail(f"cannot draw the map from {out}: {exc}") from None
    out_console.print(f"wrote {path}")


def _warn_coverage(resolved: dict[str, Any]) -> None:
    """Warn of every place, force home and depot that no leg of a mode it needs touches."""
    from geodata.coverage import coverage_warnings

    for warning in coverage_warnings(resolved):
        _warn(warning)


def main() -> None:
    app()
