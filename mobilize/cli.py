"""The `mobilize` command: read, call the library, write, print a summary. Nothing more."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from contracts.errors import MobilizeError
from contracts.plan import Plan
from optimizer.settings import SAFETY_NET_S, SearchSettings

if TYPE_CHECKING:
    from whatif.sweep import SampleResult, Sweep

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan allied reinforcement: forces, lift and supply to a threatened ally, day by day.",
)
out_console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder to write results into.")]
# The solver's options, the same for solve, whatif, sweep and bottlenecks.
PlannerOpt = Annotated[str, typer.Option(help="mip (optimal) or greedy (fast baseline).")]
SolverOpt = Annotated[str, typer.Option("--solver", help="highs, scip or cp-sat.")]
TimeLimitOpt = Annotated[float, typer.Option(
    help="Safety net in seconds for each solve: the search stops at its work budget, the same "
         "on every run; a plan this limit cuts says so and may differ between runs.")]
GapOpt = Annotated[float, typer.Option(help="Stop at this relative gap to the bound.")]
SubproblemsOpt = Annotated[int, typer.Option(
    help="Work budget of fix-and-optimize: subproblems solved at most.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="No solver progress on stderr.")]
LpRoutesOpt = Annotated[int, typer.Option(
    "--lp-routes-up-to",
    help="Up to this many tonnage columns in the model over every route, the routes its LP "
         "uses join a second model and the search runs on both, one per core (0: never). "
         "The Baltic scenarios have 330,000-390,000 (under the default), the M benchmark "
         "1,180,000.")]
LP_ROUTES = SearchSettings.network_routes_columns
LookAheadOpt = Annotated[int, typer.Option(
    "--look-ahead-up-to",
    help="Up to this many columns in the planner's model, sectors are chosen by look-ahead "
         "and forces then moved between sectors; above it, by largest remainder at once "
         "(0: never). The M benchmark (254,454) is above it: 4000000 gave it a plan 0.68% "
         "from its bound against 0.86%, in 2,091 s against 771.")]
LOOK_AHEAD = SearchSettings.look_ahead_columns
SectorNodesOpt = Annotated[int, typer.Option(
    "--sector-nodes",
    help="After the look-ahead dive, branch-and-bound over the sector choices alone "
         "(vehicles relaxed) for this many nodes: 1 is its root, with HiGHS's cuts and "
         "heuristics (0: none). Its bound joins the LP's.")]
SECTOR_NODES = SearchSettings.sector_nodes
SectorRensOpt = Annotated[bool, typer.Option(
    "--sector-rens/--no-sector-rens",
    help="Whether that branch-and-bound runs HiGHS's RENS heuristic. Off, the Baltic plan "
         "came out better (432.2 gap-days against 433.7) but a third of the C-17s lost worse "
         "(446.8 against 437.8): docs/benchmarks.md, \"What the sector root's parts buy\".")]
SECTOR_RENS = SearchSettings.sector_rens
SectorRestartsOpt = Annotated[bool, typer.Option(
    "--sector-restarts/--no-sector-restarts",
    help="Whether that branch-and-bound may restart its root after presolve reductions. "
         "Off, every library scenario gives the same plan (the Baltic one in 517 s "
         "against 622 alone), but the bound against the model's own routes is weaker "
         "(Baltic 427.81 against 430.73): docs/benchmarks.md, \"What would meet the rest\".")]
SECTOR_RESTARTS = SearchSettings.sector_restarts
SectorPortfolioOpt = Annotated[bool, typer.Option(
    "--sector-portfolio/--no-sector-portfolio",
    help="Run that branch-and-bound's root twice at once, with RENS and without, and keep "
         "the better sectors and the higher bound: the Baltic plan 432.2 gap-days against "
         "433.7, a third of the C-17s lost still 437.8, for about twice the root's CPU "
         "(docs/benchmarks.md, \"What the sector root's parts buy\").")]
SECTOR_PORTFOLIO = SearchSettings.sector_portfolio


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
    from contracts.loader import load_scenario
    from geodata.network import build_network

    s = load_scenario(scenario)
    return build_network(s, scenario).to_json()


@app.command()
def inspect(scenario: ScenarioArg, out: OutOpt = Path("out")) -> None:
    """Validate a scenario, resolve its places and legs, print a summary, write resolved.json."""
    from contracts.files import write_json
    from contracts.network import Network
    from mobilize.summary import print_network_summary

    _check_out(out)
    try:
        resolved = _resolve(scenario)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    _warn_coverage(resolved)
    with _os_errors(f"cannot write the results into {out}"):
        path = write_json(out / "resolved.json", resolved)
    print_network_summary(out_console, Network.from_json(resolved))
    out_console.print(f"wrote {path}")


@app.command()
def solve(
    scenario: ScenarioArg,
    out: OutOpt = Path("out"),
    planner: PlannerOpt = "mip",
    solver: SolverOpt = "highs",
    time_limit: TimeLimitOpt = SAFETY_NET_S,
    gap: GapOpt = 1e-4,
    subproblems: SubproblemsOpt = 6,
    lp_routes_up_to: LpRoutesOpt = LP_ROUTES,
    look_ahead_up_to: LookAheadOpt = LOOK_AHEAD,
    sector_nodes: SectorNodesOpt = SECTOR_NODES,
    sector_rens: SectorRensOpt = SECTOR_RENS,
    sector_restarts: SectorRestartsOpt = SECTOR_RESTARTS,
    sector_portfolio: SectorPortfolioOpt = SECTOR_PORTFOLIO,
    quiet: QuietOpt = False,
    map_: Annotated[bool, typer.Option("--map", help="Also write map.html.")] = False,
) -> None:
    """Plan the reinforcement: writes resolved.json, plan.json and plan.csv, checks the plan."""
    from contracts.network import Network
    from mobilize.summary import print_plan_summary

    opts = _solve_options(planner=planner, solver=solver, time_limit=time_limit, gap=gap,
                          subproblems=subproblems, quiet=quiet, lp_routes=lp_routes_up_to,
                          look_ahead=look_ahead_up_to, sector_nodes=sector_nodes,
                          sector_rens=sector_rens, sector_restarts=sector_restarts,
                          sector_portfolio=sector_portfolio)
    _check_out(out)
    try:
        resolved, plan = _plan(scenario, opts)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    violations = _write_plan(out, resolved, plan)
    print_plan_summary(out_console, plan, Network.from_json(resolved))
    if map_:
        _write_map(out)
    out_console.print(f"wrote {out / 'plan.json'} and {out / 'plan.csv'}")
    _report_violations(violations)


# --- solving, shared by `solve` and `whatif` -------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _SolveOptions:
    planner: str
    solver: str
    time_limit: float
    gap: float
    subproblems: int
    quiet: bool
    lp_routes: int = LP_ROUTES
    look_ahead: int = LOOK_AHEAD
    sector_nodes: int = SECTOR_NODES
    sector_rens: bool = SECTOR_RENS
    sector_restarts: bool = SECTOR_RESTARTS
    sector_portfolio: bool = SECTOR_PORTFOLIO

    def settings(self) -> SearchSettings:
        return SearchSettings(gap=self.gap, subproblems=self.subproblems,
                              network_routes_columns=self.lp_routes,
                              look_ahead_columns=self.look_ahead,
                              sector_nodes=self.sector_nodes, sector_rens=self.sector_rens,
                              sector_restarts=self.sector_restarts,
                              sector_portfolio=self.sector_portfolio)


def _solve_options(*, planner: str, solver: str, time_limit: float, gap: float,
                   subproblems: int, quiet: bool, lp_routes: int = LP_ROUTES,
                   look_ahead: int = LOOK_AHEAD,
                   sector_nodes: int = SECTOR_NODES,
                   sector_rens: bool = SECTOR_RENS,
                   sector_restarts: bool = SECTOR_RESTARTS,
                   sector_portfolio: bool = SECTOR_PORTFOLIO) -> _SolveOptions:
    """The solve options, checked before any work."""
    from optimizer.solve import BACKENDS

    if planner not in ("mip", "greedy"):
        raise _fail(f"--planner must be mip or greedy, not {planner!r}")
    if solver not in BACKENDS:
        raise _fail(f"--solver must be one of {', '.join(BACKENDS)}, not {solver!r}")
    wrong = [rule for bad, rule in (
        (time_limit <= 0, f"--time-limit must be > 0, not {time_limit:g}"),
        (not 0 <= gap < 1, f"--gap must be between 0 and 1, not {gap:g}"),
        (subproblems < 1, f"--subproblems must be >= 1, not {subproblems}"),
        (lp_routes < 0, f"--lp-routes-up-to must be >= 0, not {lp_routes}"),
        (look_ahead < 0, f"--look-ahead-up-to must be >= 0, not {look_ahead}"),
        (sector_nodes < 0, f"--sector-nodes must be >= 0, not {sector_nodes}"),
    ) if bad]
    if wrong:
        raise _fail("; ".join(wrong))
    return _SolveOptions(planner=planner, solver=solver, time_limit=time_limit, gap=gap,
                         subproblems=subproblems, quiet=quiet, lp_routes=lp_routes,
                         look_ahead=look_ahead, sector_nodes=sector_nodes,
                         sector_rens=sector_rens, sector_restarts=sector_restarts,
                         sector_portfolio=sector_portfolio)


def _plan(
    scenario: Path, opts: _SolveOptions, warm_from: Plan | None = None
) -> tuple[dict[str, Any], Plan]:
    """Resolve the scenario file and plan it: (resolved, plan). MobilizeError for the user.
    `warm_from`: a plan whose sectors the MIP search starts from."""
    from optimizer.planner import plan_with_greedy, plan_with_mip
    from optimizer.solve import stderr_progress

    resolved = _resolve(scenario)
    _warn_coverage(resolved)
    if opts.planner == "mip":
        progress = None if opts.quiet else stderr_progress
        plan, _ = plan_with_mip(resolved, opts.solver, opts.time_limit, progress=progress,
                                settings=opts.settings(), warm_from=warm_from)
    else:
        plan = plan_with_greedy(resolved)
    return resolved, plan


def _write_plan(out: Path, resolved: dict[str, Any], plan: Plan) -> list[Any]:
    """Check the plan, write resolved.json, plan.json and plan.csv; the checker's violations."""
    from checker import check_plan
    from contracts.files import write_json
    from contracts.plan import write_plan_csv

    doc = plan.to_json()
    violations = check_plan(resolved, doc)
    with _os_errors(f"cannot write the results into {out}"):
        write_json(out / "resolved.json", resolved)
        write_json(out / "plan.json", doc)
        write_plan_csv(out / "plan.csv", plan, resolved["scenario"]["c_day"])
    return violations


def _report_violations(violations: list[Any]) -> None:
    from checker import format_violations

    if violations:
        err_console.print(format_violations(violations), highlight=False)
        raise _fail("the plan breaks the rules above: this is a bug, please report it", 3)
    out_console.print("checker: the plan obeys every rule")


@app.command()
def check(out: Annotated[Path, typer.Argument(help="Folder with resolved.json and plan.json.")]
          ) -> None:
    """Re-verify plan.json against resolved.json, independently of the optimizer."""
    from checker import check_dir, format_violations

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
    _needs_plan(out)
    _write_report(out)


FORMATS = ("geojson", "gpkg", "kml", "csv", "xlsx", "tpfdd", "node-load")


@app.command()
def export(
    out: DirArg,
    format_: Annotated[str, typer.Option("--format", help=(
        "geojson, gpkg, kml, csv or xlsx (routes and places); tpfdd (one row per unit line) "
        "or node-load (each place's load per day), as CSV."))] = "geojson",
) -> None:
    """Export the plan's routes and places for GIS (QGIS, Google Earth) and spreadsheets, or
    its unit lines (TPFDD) and node load as tables."""
    from maps.export import export_plan
    from maps.planview import read_outputs

    if format_ not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, not {format_!r}")
    _needs_plan(out)
    with _os_errors(f"cannot export into {out}"):
        path = export_plan(*read_outputs(out), out, format_)
    out_console.print(f"wrote {path}")


@app.command("import")
def import_(
    table: Annotated[Path, typer.Argument(
        help="Force table, .csv or .xlsx: one row per unit line (docs/tables.md).",
        show_default=False)],
    base: Annotated[Path, typer.Option(
        "--base", help="Scenario YAML whose forces the table replaces.", show_default=False)],
    out: Annotated[Path, typer.Option(
        "--out", help="Scenario YAML to write.", show_default=False)],
) -> None:
    """Write a scenario: BASE with its forces replaced by the table's unit lines. Validated
    first: on any error nothing is written."""
    from contracts.files import write_text
    from contracts.loader import load_scenario
    from whatif.apply import scenario_yaml

    try:
        scenario = load_scenario(base, forces_table=table)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    with _os_errors(f"cannot write {out}"):
        path = write_text(out, scenario_yaml(scenario))
    out_console.print(f"wrote {path}: {len(scenario.forces):,} forces from {table}")


ListOpt = Annotated[list[str] | None, typer.Option(show_default=False)]


@app.command()
def whatif(
    scenario: ScenarioArg,
    variants: Annotated[Path | None, typer.Argument(
        help="Variants file (YAML): what-ifs to apply to the scenario.", show_default=False)
    ] = None,
    out: OutOpt = Path("out-whatif"),
    planner: PlannerOpt = "mip",
    solver: SolverOpt = "highs",
    time_limit: TimeLimitOpt = SAFETY_NET_S,
    gap: GapOpt = 1e-4,
    subproblems: SubproblemsOpt = 6,
    lp_routes_up_to: LpRoutesOpt = LP_ROUTES,
    look_ahead_up_to: LookAheadOpt = LOOK_AHEAD,
    sector_nodes: SectorNodesOpt = SECTOR_NODES,
    sector_rens: SectorRensOpt = SECTOR_RENS,
    sector_restarts: SectorRestartsOpt = SECTOR_RESTARTS,
    sector_portfolio: SectorPortfolioOpt = SECTOR_PORTFOLIO,
    quiet: QuietOpt = False,
    close_place: ListOpt = None,
    degrade_place: Annotated[list[str] | None, typer.Option(
        help="PLACE:FACTOR, e.g. PLGDN:0.5.", show_default=False)] = None,
    close_passage: ListOpt = None,
    close_airspace: ListOpt = None,
    fleet_loss: Annotated[list[str] | None, typer.Option(
        help="FLEET:COUNT lost, e.g. us-c17:13.", show_default=False)] = None,
    member_delay: Annotated[list[str] | None, typer.Option(
        help="MEMBER:+DAYS, e.g. DE:+5.", show_default=False)] = None,
    opt_out: ListOpt = None,
    warm: Annotated[bool, typer.Option(
        "--warm/--cold", help="Start each what-if's search from the base plan, its sectors "
        "and routes (MIP): several times faster, and what moves is what the what-if "
        "changes; --cold searches each world afresh, as `solve` does.")] = True,
    share: Annotated[bool, typer.Option(
        "--share/--no-share", help="Try every plan in every other world and keep, in each, "
        "the best that obeys its rules: a world that only loses choices then never reads "
        "better than the base (MIP only).")] = True,
    base_plan: Annotated[Path | None, typer.Option(
        "--base-plan", help="A folder `mobilize solve` wrote for this scenario (solved with "
        "the same settings): its plan is the base, not solved again.",
        show_default=False)] = None,
) -> None:
    """Solve the scenario and each what-if into DIR/base/ and DIR/<id>/ (plan, check, map,
    report), then compare them in DIR/compare.html. What-ifs come from a variants file, or
    the flags make one (id `whatif`)."""
    from contracts.loader import load_scenario
    from whatif.apply import load_whatifs, variant_from_flags
    from whatif.base import solved_base

    opts = _solve_options(planner=planner, solver=solver, time_limit=time_limit, gap=gap,
                          subproblems=subproblems, quiet=quiet, lp_routes=lp_routes_up_to,
                          look_ahead=look_ahead_up_to, sector_nodes=sector_nodes,
                          sector_rens=sector_rens, sector_restarts=sector_restarts,
                          sector_portfolio=sector_portfolio)
    _check_out(out)
    try:  # every mistake in the scenario, the variants and the flags before the first solve
        base = load_scenario(scenario)
        flagged = variant_from_flags(
            close_place or [], degrade_place or [], close_passage or [], close_airspace or [],
            fleet_loss or [], member_delay or [], opt_out or [])
        runs = load_whatifs(scenario, base, variants, flagged)
        if not runs:
            raise _fail("no what-if: give a variants file or a flag such as --close-place ID")
        reused = None if base_plan is None else solved_base(scenario, base, base_plan,
                                                            opts.planner)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    for w in runs:
        for j in w.inert:
            _warn(f"what-if {w.variant.id!r}: change {j + 1} ({w.variant.changes[j].kind}) "
                  "changes nothing in the base scenario")
    failed: list[str] = []
    if reused is None:
        solved = [_solve_run(scenario, out / "base", opts, "base")]
    else:
        out_console.print(f"[bold]base[/bold]: the plan in {escape(str(base_plan))}, "
                          "not solved again")
        solved = [_Solved("base", out / "base", *reused,
                          _write_run(out / "base", *reused, "base"))]
    warm_from = solved[0].plan if warm and opts.planner == "mip" else None
    for w in runs:
        vid, folder = w.variant.id, out / w.variant.id
        out_console.print(f"[bold]{escape(vid)}[/bold]: {escape(w.variant.name)}")
        try:
            with _os_errors(f"cannot write the what-if into {folder}"):
                _write_variant(folder, w.scenario, w.meta)
            solved.append(_solve_run(folder / "scenario.yaml", folder, opts, vid,
                                     warm_from=warm_from))
        except typer.Exit:
            failed.append(vid)
    if share and opts.planner == "mip" and len(solved) > 1:
        solved = _share(solved)
    done = [r.folder for r in solved]
    broken = [r.label for r in solved if not r.ok]
    if len(done) > 1:
        _compare(done, out / "compare.html")
    if failed:
        raise _fail(f"no plan for: {', '.join(failed)} (errors above)")
    if broken:
        raise _fail(f"plans that break the rules (a bug, please report it): {', '.join(broken)}",
                    3)


def _write_variant(folder: Path, s: Any, meta: dict[str, Any]) -> None:
    from contracts.files import write_json, write_text
    from whatif.apply import scenario_yaml

    write_text(folder / "scenario.yaml", scenario_yaml(s))
    write_json(folder / "whatif.json", meta)


@dataclass(frozen=True)
class _Solved:
    """One world of a what-if run, solved and written."""
    label: str
    folder: Path
    resolved: dict[str, Any]
    plan: Plan
    ok: bool  # the checker found no violation


def _solve_run(
    scenario: Path, out: Path, opts: _SolveOptions, label: str, warm_from: Plan | None = None,
) -> _Solved:
    """Solve into `out` with map and report, and print one summary line. typer.Exit when
    there is no plan."""
    try:
        resolved, plan = _plan(scenario, opts, warm_from)
    except MobilizeError as exc:
        raise _fail(f"{label}: {exc}") from None
    return _Solved(label, out, resolved, plan, _write_run(out, resolved, plan, label))


def _write_run(out: Path, resolved: dict[str, Any], plan: Plan, label: str) -> bool:
    """Plan, check, map and report into `out`, and one summary line. False if the checker
    finds violations (printed, and in check.txt)."""
    from checker import format_violations
    from contracts.files import write_text

    violations = _write_plan(out, resolved, plan)
    verdict = format_violations(violations) if violations else "0 violations"
    with _os_errors(f"cannot write the results into {out}"):
        write_text(out / "check.txt", verdict + "\n")
    _write_map(out)
    _write_report(out)
    k = plan.kpis
    closure = k.closure_day
    out_console.print(
        f"{escape(label)}: gap-days {k.gap_days:,.1f}, closure "
        f"{'C+' + str(closure) if closure is not None else 'not reached'}, "
        f"{k.late_forces} late"
        + (f" (the plan of {escape(plan.solver.taken_from)})" if plan.solver.taken_from else "")
        + "; checker: "
        + ("the plan obeys every rule" if not violations else f"{len(violations)} violations"))
    if violations:
        err_console.print(format_violations(violations), highlight=False)
    return not violations


def _share(solved: list[_Solved]) -> list[_Solved]:
    """Every plan tried in every other world (whatif/share.py); the worlds whose plan another
    world's beats are written again with it. One line per world that tried others."""
    from whatif.share import World, share_plans

    shared = share_plans([World(r.label, r.resolved, r.plan) for r in solved])
    out_console.print("[bold]sharing plans[/bold]: " + (
        "each plan tried in every other world whose own is not proven optimal"
        if shared.tried else "every plan is proven optimal in its world, none tried elsewhere"))
    for r in solved:
        tried = [t for t in shared.tried if t.world == r.label]
        if tried:
            out_console.print(f"{escape(r.label)}: " + "; ".join(
                f"{escape(t.source)} "
                + ("does not fit" if t.objective is None else f"objective {t.objective:,.2f}")
                for t in tried) + f" (its own {r.plan.solver.objective:,.2f})")
    after = []
    for r, plan, source in zip(solved, shared.plans, shared.taken_from, strict=True):
        if source is None:
            after.append(r)
            continue
        out_console.print(f"{escape(r.label)} takes the plan of {escape(source)}")
        after.append(_Solved(r.label, r.folder, r.resolved, plan,
                             _write_run(r.folder, r.resolved, plan, r.label)))
    return after


@app.command()
def compare(
    dirs: Annotated[list[Path], typer.Argument(
        help="Two or more solve folders; the first is the reference.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The page to write.")] = Path(
        "compare.html"),
) -> None:
    """Compare plans side by side: a table here and an offline page (--out)."""
    if len(dirs) < 2:
        raise _fail("give at least two folders to compare")
    for d in dirs:
        _needs_plan(d)
    if out.exists() and out.is_dir():
        raise _fail(f"--out {out}: is a folder; give the page's file name")
    _check_out(out.parent if str(out.parent) else Path("."), label="--out")
    _compare(dirs, out)


def _compare(dirs: list[Path], target: Path) -> None:
    from maps.compare import compare_runs, write_compare
    from whatif.compare import print_comparison

    try:
        with _os_errors(f"cannot write {target}"):
            cmp = compare_runs(dirs)
            path = write_compare(cmp, target)
    except (MobilizeError, ValueError, KeyError) as exc:
        raise _fail(f"cannot compare {', '.join(map(str, dirs))}: {exc}") from None
    print_comparison(out_console, cmp)
    out_console.print(f"wrote {path}")


@app.command()
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[list[str] | None, typer.Option(
        help="PATH=DIST, repeatable, e.g. members.DE.decision_delay_days=uniform(0,10), "
             "fleets.us-c17.count=range(20,60,5), places.PLGDN.closed=choice(0,1), "
             "passages.bosporus=choice(open,closed) (docs/whatif.md).", show_default=False)
    ] = None,
    samples: Annotated[int | None, typer.Option(
        help="Samples drawn: default 100; with range inputs, per grid point (default 1).",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option(
        help="Seed of the draws: the same seed gives the same samples and statistics.")] = 0,
    out: OutOpt = Path("out-sweep"),
    planner: PlannerOpt = "mip",
    solver: SolverOpt = "highs",
    time_limit: TimeLimitOpt = SAFETY_NET_S,
    gap: GapOpt = 1e-4,
    subproblems: SubproblemsOpt = 6,
    lp_routes_up_to: LpRoutesOpt = LP_ROUTES,
    look_ahead_up_to: LookAheadOpt = LOOK_AHEAD,
    sector_nodes: SectorNodesOpt = SECTOR_NODES,
    sector_rens: SectorRensOpt = SECTOR_RENS,
    sector_restarts: SectorRestartsOpt = SECTOR_RESTARTS,
    sector_portfolio: SectorPortfolioOpt = SECTOR_PORTFOLIO,
    workers: Annotated[int | None, typer.Option(
        help="Local processes (default: one per core).", show_default=False)] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", help="Run on this Dask scheduler instead, e.g. tcp://host:8786.",
        show_default=False)] = None,
    share: Annotated[bool, typer.Option(
        "--share/--no-share", help="Try every sample's plan in every other sample's world and "
        "keep, in each, the best that obeys its rules: more lift or an earlier decision then "
        "never reads worse than less beyond the plans' gaps (MIP only).")] = True,
    warm: Annotated[bool, typer.Option(
        "--warm/--cold", help="Solve the sweep base first and start every sample's search "
        "from its plan (MIP): several times faster, and each plan then depends on the "
        "base's too; --cold searches each sample afresh.")] = True,
    base_plan: Annotated[Path | None, typer.Option(
        "--base-plan", help="A folder `mobilize solve` wrote for this scenario (solved with "
        "the same settings): its plan is the sweep base's, not solved again (warm MIP "
        "sweeps whose inputs stay within the scenario's values).",
        show_default=False)] = None,
) -> None:
    """Solve many what-ifs drawn from --vary and summarise them: P10/P50/P90 of gap-days and
    closure day, a tornado of the inputs, the curve of a range; writes DIR/sweep.csv,
    sweep.json and sweep.html (and sweep.parquet with pyarrow)."""
    from contracts.loader import load_scenario
    from whatif.base import solved_base
    from whatif.sweep import RunSettings, prepare_sweep, summarise, sweep_record, write_results
    from whatif.sweep_page import write_sweep_page

    opts = _solve_options(planner=planner, solver=solver, time_limit=time_limit, gap=gap,
                          subproblems=subproblems, quiet=True, lp_routes=lp_routes_up_to,
                          look_ahead=look_ahead_up_to, sector_nodes=sector_nodes,
                          sector_rens=sector_rens, sector_restarts=sector_restarts,
                          sector_portfolio=sector_portfolio)
    if workers is not None and workers < 1:
        raise _fail(f"--workers {workers}: give 1 or more")
    if workers is not None and dask:
        raise _fail("--workers is for local processes: a Dask cluster brings its own workers")
    _check_out(out)
    settings = RunSettings(planner, solver, time_limit, opts.settings(), share=share,
                           warm=warm)
    try:  # every bad --vary (and --base-plan) before the first solve
        base = load_scenario(scenario)
        plan = None if base_plan is None else solved_base(scenario, base, base_plan,
                                                          planner)[1]
        sw = prepare_sweep(base, vary or [], samples, seed, settings, plan)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    try:
        results = _run_sweep(sw, dask, workers)
    except MobilizeError as exc:  # --warm and a base without a plan: nothing written
        raise _fail(str(exc)) from None
    stats = summarise(sw, results)
    record = sweep_record(sw, stats, str(scenario))
    with _os_errors(f"cannot write the results into {out}"):
        paths = write_results(out, sw, results, stats, str(scenario))
        paths.append(write_sweep_page(out / "sweep.html", record, results))
    _print_sweep(record)
    for path in paths:
        out_console.print(f"wrote {path}")
    if stats["errors"]:
        _warn(f"{stats['errors']} samples have no plan (status error, reason in sweep.csv)")
    if stats["checker_failures"]:
        raise _fail(f"{stats['checker_failures']} plans break the checker's rules (a bug, "
                    "please report it): see sweep.csv", 3)


def _run_sweep(sw: Sweep, dask: str | None, workers: int | None) -> list[SampleResult]:
    """Run the sweep's samples with a progress bar, on local processes or on a Dask cluster
    through its concurrent.futures interface: the same code path."""
    from concurrent.futures import Executor

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from whatif.sweep import local_executor, run_sweep

    with ExitStack() as stack:
        ex: Executor
        if dask:
            from distributed import Client

            try:  # before the progress bar: an unreachable scheduler is one clear line
                client = stack.enter_context(Client(dask, timeout="20s"))
            except (OSError, TimeoutError, ValueError) as exc:
                raise _fail(f"--dask {dask}: cannot reach the scheduler: {exc}") from None
            ex = stack.enter_context(client.get_executor())
            where = f"Dask at {dask}"
        else:
            ex = stack.enter_context(local_executor(workers))
            n = workers or os.cpu_count() or 1
            where = f"{n} local process{'es' if n != 1 else ''}"
        out_console.print(f"sweep: {len(sw.tasks)} samples on {escape(where)}"
                          + (", from the sweep base's plan" if sw.settings.warms else "")
                          + (" (given, not solved again)" if sw.base_plan is not None else ""))
        with Progress("{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console) as bar:
            solving = bar.add_task("solving", total=len(sw.tasks))
            sharing = bar.add_task("sharing plans", total=len(sw.tasks), visible=False)

            def shared(_: SampleResult) -> None:
                bar.update(sharing, visible=True, advance=1)

            return run_sweep(sw, ex, lambda _r: bar.advance(solving), shared)


def _print_sweep(record: dict[str, Any]) -> None:
    from rich.table import Table

    s = record["statistics"]

    def day(v: float | None) -> str:
        return "not reached" if v is None else f"C+{v:g}"

    t = Table(title=f"Sweep of {escape(record['scenario'])}: {s['solved']} of {s['samples']} "
                    "samples with a plan")
    for col in ("", "P10", "P50", "P90"):
        t.add_column(col, justify="right" if col else "left")
    t.add_row("gap-days", *(f"{v:,.1f}" if v is not None else "-"
                            for v in s["gap_days"].values()))
    t.add_row("closure day", *(day(v) for v in s["closure_day"].values()))
    out_console.print(t)
    if s["plans_from_other_samples"]:
        out_console.print(f"{s['plans_from_other_samples']} samples keep a plan another "
                          "sample's search found, which fits them and is better than their "
                          "own (plan_from in sweep.csv)")
    if s["tornado"]:
        t = Table(title="Inputs by effect on gap-days (mean of high draws - low draws)")
        t.add_column("input")
        t.add_column("gap-days", justify="right")
        t.add_column("closure day", justify="right")
        for b in s["tornado"]:
            t.add_row(escape(b["label"]), f"{b['gap_days_swing']:+,.1f}",
                      f"{b['closure_day_swing']:+,.1f}")
        out_console.print(t)
    if s["curve"]:
        t = Table(title="Curve (P50)")
        for col in ("value", "gap-days", "closure day"):
            t.add_column(col, justify="right")
        for p in s["curve"]:
            g = p["gap_days"]["p50"]
            t.add_row(f"{p['value']:g}", f"{g:,.1f}" if g is not None else "-",
                      day(p["closure_day"]["p50"]))
        out_console.print(t)


@app.command()
def bottlenecks(
    out: DirArg,
    top: Annotated[int, typer.Option(help="Show this many resources, best first.")] = 10,
    confirm: Annotated[int, typer.Option(
        help="Re-solve the scenario with each of the first K changes (a full solve each; "
             "give the budget the plan was solved with).")] = 0,
    warm: Annotated[bool, typer.Option(
        "--warm/--cold", help="Start each confirming re-solve's search from the plan being "
                              "priced, its sectors and routes; --cold searches afresh.")] = True,
    json_: Annotated[bool, typer.Option("--json", help="Print bottlenecks.json, no table.")
                     ] = False,
    time_limit: TimeLimitOpt = SAFETY_NET_S,
    gap: GapOpt = 1e-4,
    subproblems: SubproblemsOpt = 6,
    lp_routes_up_to: LpRoutesOpt = LP_ROUTES,
    look_ahead_up_to: LookAheadOpt = LOOK_AHEAD,
    sector_nodes: SectorNodesOpt = SECTOR_NODES,
    sector_rens: SectorRensOpt = SECTOR_RENS,
    sector_restarts: SectorRestartsOpt = SECTOR_RESTARTS,
    sector_portfolio: SectorPortfolioOpt = SECTOR_PORTFOLIO,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress on stderr.")] = False,
) -> None:
    """What to ask for first: gap-days saved by one more unit of each resource (a vehicle,
    1,000 t/day at a place or depot, a member deciding a day earlier), from the duals of the
    plan's LP with its integer decisions fixed; writes DIR/bottlenecks.json."""
    from contracts.files import write_json
    from contracts.network import Network
    from contracts.plan import Plan
    from optimizer.bottlenecks import bottleneck_values
    from optimizer.solve import stderr_progress
    from whatif.bottlenecks import confirm as confirm_prices
    from whatif.bottlenecks import scenario_resolver
    from whatif.share import World

    _needs_plan(out)
    opts = _solve_options(planner="mip", solver="highs", time_limit=time_limit, gap=gap,
                          subproblems=subproblems, quiet=quiet, lp_routes=lp_routes_up_to,
                          look_ahead=look_ahead_up_to, sector_nodes=sector_nodes,
                          sector_rens=sector_rens, sector_restarts=sector_restarts,
                          sector_portfolio=sector_portfolio)
    if top < 1 or confirm < 0:
        raise _fail("--top must be >= 1 and --confirm >= 0")
    try:
        resolved = json.loads((out / "resolved.json").read_text(encoding="utf-8"))
        plan = Plan.from_json(json.loads((out / "plan.json").read_text(encoding="utf-8")))
        prices = bottleneck_values(Network.from_json(resolved), plan)
        if confirm:
            prices = confirm_prices(
                prices, confirm, scenario_resolver(resolved), opts.settings(),
                World("base", resolved, plan), time_limit, None if quiet else stderr_progress,
                warm=warm)
    except MobilizeError as exc:
        raise _fail(str(exc)) from None
    except (KeyError, TypeError, ValueError) as exc:  # a hand-edited or truncated file
        raise _fail(f"cannot read the plan in {out}: {exc!r}") from None
    doc = prices.to_json()
    with _os_errors(f"cannot write {out / 'bottlenecks.json'}"):
        path = write_json(out / "bottlenecks.json", doc)
    if json_:
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    _print_bottlenecks(doc, top)
    out_console.print(f"wrote {path}")


def _figure(x: float) -> str:
    """Two decimals, and no "-0.00": the same plan's gap-days in another world differ in
    the sixth decimal."""
    return f"{round(x, 2) + 0.0:,.2f}"


def _print_bottlenecks(doc: dict[str, Any], top: int) -> None:
    from rich.table import Table

    table = Table(title=f"Bottleneck values: {doc['what']}", title_justify="left")
    for name in ("resource", "unit", "estimated gap-days saved", "confirmed gap-days saved"):
        table.add_column(name, justify="left" if name in ("resource", "unit") else "right")
    for r in doc["resources"][:top]:
        done = r["confirmed_gap_days_saved"]
        kept = " (this plan)" if r.get("confirmed_by_base_plan") else ""
        table.add_row(escape(r["resource"]), r["unit"], _figure(r["estimated_gap_days_saved"]),
                      "-" if done is None else _figure(done) + kept)
    out_console.print(table)
    out_console.print(
        f"plan: {doc['plan_gap_days']:,.1f} gap-days; its LP with the integer decisions fixed: "
        f"{doc['lp_gap_days']:,.1f}. Estimates are marginal (duals); confirmed figures re-solve "
        "the whole plan with the change, and keep this plan where the re-solve found none "
        "better (\"this plan\").")


def _needs_plan(out: Path) -> None:
    if out.exists():
        _check_out(out, label="")  # a folder that map, report and export can write into
    for name in ("resolved.json", "plan.json"):
        if not (out / name).is_file():
            raise _fail(f"{out / name} not found: run `mobilize solve SCENARIO --out {out}` first")


def _write_report(out: Path) -> None:
    from maps.planview import read_outputs
    from maps.report import write_report

    _write_page(out, lambda d: write_report(*read_outputs(d), d), "build the report")


def _write_map(out: Path) -> None:
    from maps.planview import read_outputs
    from maps.render import write_map

    _write_page(out, lambda d: write_map(*read_outputs(d), d), "draw the map")


def _write_page(out: Path, write: Callable[[Path], Path], doing: str) -> None:
    """Write one page from DIR's plan; every failure a clear error naming DIR."""
    try:
        with _os_errors(f"cannot {doing} in {out}"):
            path = write(out)
    except (MobilizeError, ValueError, KeyError) as exc:
        raise _fail(f"cannot {doing} from {out}: {exc}") from None
    out_console.print(f"wrote {path}")


def _warn_coverage(resolved: dict[str, Any]) -> None:
    """Warn of every place, force home and depot that no leg of a mode it needs touches."""
    from geodata.coverage import coverage_warnings

    for warning in coverage_warnings(resolved):
        _warn(warning)


def main() -> None:
    """The console entry point."""
    app()
