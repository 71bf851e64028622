"""Force tables (contracts/tables.py): read and write, errors that name the file, row and
column, `forces: {table: ...}`, `mobilize import`, the Baltic round trip, and the TPFDD and
node-load exports (maps/tpfdd.py) on a case worked out by hand."""

from __future__ import annotations

import csv
import importlib.util
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from contracts.errors import ScenarioError
from contracts.loader import load_scenario
from contracts.network import Network
from contracts.plan import Cargo, ForceResult, Kpis, Plan, SolverInfo, Trip
from contracts.scenario import Scenario
from contracts.tables import COLUMNS, force_rows, write_force_table
from maps.style import esc
from maps.tpfdd import closure_against_rdd, late_lines, line_moves, node_load, tpfdd_frame
from mobilize.cli import app

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"  # c_day 2027-03-01; members LT, PL, US; places EPRZ, EYKA, ORZYSZ
ROOT = Path(__file__).parent.parent
BALTIC = ROOT / "scenarios" / "baltic_article5.yaml"
runner = CliRunner()

HEADER = "uln,unit_name,member,origin,sector,tons,pax,capability,points,needs,sustainment_tpd"
GOOD = [
    "PL001,Polish mechanized battalion,PL,ORZYSZ,south,1500,600,infantry,1,nato-f34-fuel,40",
    "US001,US airborne company,US,EPRZ,,60,150,infantry;armor,1;0.5,,",
]


def write_csv(tmp_path: Path, lines: list[str], name: str = "forces.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems_of(table: Path, base: Path = MINI) -> list[tuple[str, int | None, str, str]]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(base, forces_table=table)
    return [(p.file, p.line, p.path, p.message) for p in err.value.problems]


def every_field(s: Scenario) -> Scenario:
    """`s` with its first force carrying every TPFDD field, so the round trip covers them."""
    first = s.forces[0].model_copy(update={
        "id": "PL001", "uln": "PL001", "uic": "WAA1B2", "unit_type": "mech inf bn",
        "mode": "air", "poe": "EPRZ", "pod": "EYKA", "ald_day": 1, "ead_day": 2,
        "lad_day": 4, "rdd_day": 5, "priority": 2, "outsize": True, "cargo_t": 1500.25,
        "capability": {"infantry": 1.0, "armor": 0.1}, "name": "=1+1, \"quoted\" unit"})
    return s.model_copy(update={"forces": [first, *s.forces[1:]]})


# --- reading and writing ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_written_table_reads_back_to_the_same_forces(tmp_path: Path, suffix: str) -> None:
    s = every_field(load_scenario(MINI))
    path = write_force_table(s, tmp_path / f"forces.{suffix}")
    back = load_scenario(MINI, forces_table=path)
    # a force without a uln is written under its id, which reading makes its uln too
    assert back.forces == [f.model_copy(update={"uln": f.uln or f.id}) for f in s.forces]
    assert back.model_copy(update={"forces": s.forces}).model_dump() == s.model_dump()
    assert back.forces_table == str(path) and s.forces_table == ""


def test_a_table_written_twice_is_the_same(tmp_path: Path) -> None:
    s = every_field(load_scenario(MINI))
    first = write_force_table(s, tmp_path / "a.csv")
    again = write_force_table(load_scenario(MINI, forces_table=first), tmp_path / "b.csv")
    assert first.read_text() == again.read_text()
    assert first.read_text().splitlines()[0] == ",".join(COLUMNS)


def test_cells_map_to_the_schema(tmp_path: Path) -> None:
    table = write_csv(tmp_path, [HEADER + ",outsize,type,mode", *(
        row + extra for row, extra in zip(GOOD, [",yes,mech inf,road", ",0,,any"], strict=True))])
    s = load_scenario(MINI, forces_table=table)
    pl, us = s.forces
    assert (pl.id, pl.uln, pl.name, pl.home, pl.cargo_t, pl.personnel) == (
        "PL001", "PL001", "Polish mechanized battalion", "ORZYSZ", 1500.0, 600)
    assert (pl.needs, pl.sustainment_tpd, pl.outsize, pl.unit_type, pl.mode) == (
        ["nato-f34-fuel"], 40.0, True, "mech inf", "road")
    assert us.capability == {"infantry": 1.0, "armor": 0.5}
    assert (us.sector, us.needs, us.outsize, us.mode) == (None, [], False, "any")


def test_iso_dates_count_from_c_day(tmp_path: Path) -> None:
    table = write_csv(tmp_path, [HEADER + ",ald_day,rdd_day", GOOD[0] + ",2027-03-01,2027-03-05",
                                 GOOD[1] + ",1,9"])
    pl, us = load_scenario(MINI, forces_table=table).forces
    assert (pl.ald_day, pl.rdd_day) == (0, 4)  # C-day is 2027-03-01
    assert (us.ald_day, us.rdd_day) == (1, 9)


def test_spreadsheet_dates_and_numbers(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["uln", "member", "origin", "tons", "capability", "points", "rdd_day"])
    sheet.append([1001, "PL", "ORZYSZ", 1500, "infantry", 2, dt.datetime(2027, 3, 11)])
    book.save(tmp_path / "forces.xlsx")
    (force,) = load_scenario(MINI, forces_table=tmp_path / "forces.xlsx").forces
    assert (force.id, force.rdd_day, force.personnel) == ("1001", 10, 0)


def test_writing_refuses_what_a_table_cannot_hold(tmp_path: Path) -> None:
    s = load_scenario(MINI)
    renamed = s.model_copy(update={"forces": [s.forces[0].model_copy(update={"uln": "X1"})]})
    with pytest.raises(ValueError, match="uln 'X1'"):
        force_rows(renamed)
    split = s.model_copy(update={"forces": [
        s.forces[0].model_copy(update={"capability": {"armor;infantry": 1.0}})]})
    with pytest.raises(ValueError, match="separates"):
        write_force_table(split, tmp_path / "f.csv")
    assert not (tmp_path / "f.csv").exists()


# --- errors name the file, row and column ---------------------------------------------------


BROKEN: dict[str, tuple[list[str], list[tuple[int, str, str]]]] = {
    "bad number": (
        [HEADER, GOOD[0].replace(",1500,", ",lots,"), GOOD[1]],
        [(2, "forces.tons", "valid number")]),
    "unknown member": (
        [HEADER, GOOD[0], GOOD[1].replace(",US,", ",XX,")],
        [(3, "forces.member", "unknown member 'XX'")]),
    "missing column": (
        [HEADER.replace(",points", ""), *(r.replace(",1,", ",", 1) for r in GOOD)],
        [(1, "forces", "missing required column 'points'")]),
    "extra column": (
        [HEADER + ",colour", GOOD[0] + ",green", GOOD[1] + ",red"],
        [(1, "forces", "unknown column 'colour'")]),
    "bad date": (
        [HEADER + ",rdd_day", GOOD[0] + ",2027-02-30", GOOD[1] + ",2027-02-28"],
        [(2, "forces.rdd_day", "not a date"), (3, "forces.rdd_day", "before C-day")]),
    "duplicate uln": (
        [HEADER, GOOD[0], GOOD[1], GOOD[0]],
        [(4, "forces.uln", "duplicate uln 'PL001'")]),
    "points without capabilities": (
        [HEADER, GOOD[0], GOOD[1].replace("1;0.5", "1")],
        [(3, "forces.points", "1 points for 2 capabilities")]),
    "a cell too many": (
        [HEADER, GOOD[0].replace("Polish mechanized", "Polish, mechanized"), GOOD[1]],
        [(2, "forces", "12 cells but 11 columns")]),
    "dates out of order": (
        [HEADER + ",ead_day,lad_day", GOOD[0] + ",5,3", GOOD[1] + ",,"],
        [(2, "forces.lad_day", "lad_day 3 is before ead_day 5")]),
    "every problem at once": (
        [HEADER, GOOD[0].replace(",1500,", ",-1,"), GOOD[1].replace(",US,", ",XX,"),
         GOOD[1].replace("US001", "US 1")],
        [(2, "forces.tons", "greater than 0"), (4, "forces.uln", "should match pattern"),
         (3, "forces.member", "unknown member 'XX'")]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_errors_name_file_row_and_column(tmp_path: Path, case: str) -> None:
    lines, expected = BROKEN[case]
    table = write_csv(tmp_path, lines)
    found = problems_of(table)
    assert [(row, path) for _, row, path, _ in found] == [(r, p) for r, p, _ in expected]
    for (file, _, _, message), (_, _, fragment) in zip(found, expected, strict=True):
        assert file == str(table)
        assert fragment in message


def test_a_table_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "forces.txt").write_text(HEADER)
    ((file, _, _, message),) = problems_of(tmp_path / "forces.txt")
    assert ".csv or .xlsx" in message
    ((_, _, _, message),) = problems_of(write_csv(tmp_path, [HEADER]))
    assert "no unit lines" in message
    ((_, _, _, message),) = problems_of(tmp_path / "absent.csv")
    assert message == "file not found"


# --- forces: {table: ...} in a scenario -----------------------------------------------------


def scenario_with_table(tmp_path: Path, table: str) -> Path:
    text = MINI.read_text(encoding="utf-8")
    head, tail = text.split("\nforces:\n", 1)
    rest = tail[tail.index("\nfleets:"):]
    path = tmp_path / "scenario.yaml"
    path.write_text(f"{head}\nforces: {{table: {table}}}{rest}", encoding="utf-8")
    return path


def test_a_scenario_reads_its_forces_from_a_table(tmp_path: Path) -> None:
    (tmp_path / "tables").mkdir()
    write_csv(tmp_path / "tables", [HEADER, *GOOD])
    s = load_scenario(scenario_with_table(tmp_path, "tables/forces.csv"))
    assert [f.id for f in s.forces] == ["PL001", "US001"]
    assert s.fleets == load_scenario(MINI).fleets


def test_a_changed_table_is_a_changed_scenario(tmp_path: Path) -> None:
    """The fingerprint plans are checked against covers the table, not only the YAML, so a
    plan made before the table changed is seen to be stale."""
    write_csv(tmp_path, [HEADER, *GOOD])
    path = scenario_with_table(tmp_path, "forces.csv")
    before = load_scenario(path).fingerprint
    assert before and before == load_scenario(path).fingerprint
    write_csv(tmp_path, [HEADER, GOOD[0].replace(",1500,", ",1400,"), GOOD[1]])
    assert load_scenario(path).fingerprint != before


def test_errors_in_a_scenarios_table_name_the_table(tmp_path: Path) -> None:
    table = write_csv(tmp_path, [HEADER, GOOD[0], GOOD[1].replace(",EPRZ,", ",NOWHERE,")])
    scenario = scenario_with_table(tmp_path, "forces.csv")
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario)
    (p,) = err.value.problems
    assert (p.file, p.line, p.path) == (str(table), 3, "forces.origin")
    assert "unknown place 'NOWHERE'" in p.message
    # problems in the scenario file point into it, beside those of the table
    write_csv(tmp_path, [HEADER, GOOD[0].replace(",1500,", ",lots,"), GOOD[1]])
    scenario.write_text(scenario.read_text().replace("horizon_days: 10", "horizon_days: 0"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario)
    assert [(p.file, p.line, p.path) for p in err.value.problems] == [
        (str(table), 2, "forces.tons"), (str(scenario), 7, "horizon_days")]


def test_a_malformed_table_reference(tmp_path: Path) -> None:
    scenario = scenario_with_table(tmp_path, "forces.csv, sheet: x")
    with pytest.raises(ScenarioError, match=r"forces: give the forces as a list, or as \{table"):
        load_scenario(scenario)


# --- mobilize import ------------------------------------------------------------------------


def test_import_writes_a_scenario_that_loads(tmp_path: Path) -> None:
    table = write_csv(tmp_path, [HEADER, *GOOD])
    out = tmp_path / "new.yaml"
    result = runner.invoke(app, ["import", str(table), "--base", str(MINI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = load_scenario(out)
    assert written.model_dump() == load_scenario(MINI, forces_table=table).model_dump()
    assert [f.id for f in written.forces] == ["PL001", "US001"]


def test_import_writes_nothing_on_error(tmp_path: Path) -> None:
    table = write_csv(tmp_path, [HEADER, GOOD[0].replace(",1500,", ",lots,"), GOOD[1]])
    out = tmp_path / "new.yaml"
    result = runner.invoke(app, ["import", str(table), "--base", str(MINI), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{table}:2: forces.tons: Input should be a valid number" in result.output
    assert not out.exists()


# --- the Baltic round trip and 5,000 lines --------------------------------------------------


def _plan_doc(s: Scenario, file: Path) -> dict[str, Any]:
    from geodata.network import build_network
    from optimizer.planner import plan_with_greedy

    doc = plan_with_greedy(build_network(s, file).to_json()).to_json()
    doc["scenario"].pop("sha256")
    doc["solver"].pop("seconds")
    return doc


def test_the_baltic_scenario_round_trips_through_a_table(tmp_path: Path) -> None:
    base = load_scenario(BALTIC)
    table = write_force_table(base, tmp_path / "baltic-forces.csv")
    result = runner.invoke(app, ["import", str(table), "--base", str(BALTIC),
                                 "--out", str(tmp_path / "baltic.yaml")])
    assert result.exit_code == 0, result.output
    imported = load_scenario(tmp_path / "baltic.yaml")
    assert len(imported.forces) == len(base.forces)
    assert imported.fingerprint != base.fingerprint
    assert _plan_doc(imported, tmp_path / "baltic.yaml") == _plan_doc(base, BALTIC)


def test_five_thousand_lines_load(tmp_path: Path) -> None:
    # benchmarks/ is not an installed package: load its generator from the file
    spec = importlib.util.spec_from_file_location("tpfdd_bench", ROOT / "benchmarks" / "tpfdd.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table = bench.write_table(5000, tmp_path)
    with table.open(newline="") as fh:
        rdd = [r["rdd_day"] for r in csv.DictReader(fh)]
    assert sum("-" in d for d in rdd) >= 400  # ISO dates among the day numbers
    started = time.perf_counter()
    s = load_scenario(BALTIC, forces_table=table)
    seconds = time.perf_counter() - started
    assert len(s.forces) == 5000 == len({f.uln for f in s.forces})
    print(f"5,000-line table loaded in {seconds:.2f} s")  # measured, not asserted


# --- the TPFDD and node-load exports, by hand -----------------------------------------------


def tiny_network() -> Network:
    """Two lines: US001 flies EPRZ > EYKA then drives to the sector (RDD 0, LAD 1); PL001
    drives (RDD 5, LAD 3). EYKA: MOG 4, 2,000 t/day; EPRZ: MOG 6, closed on day 3."""
    def place(pid: str, kind: str, mog: int | None, tpd: float | None,
              outages: list[dict[str, Any]]) -> dict[str, Any]:
        return {"id": pid, "name": pid, "kind": kind, "country": "PL", "lat": 50.0,
                "lon": 20.0, "source": "test", "throughput_tpd": tpd, "mog": mog,
                "outages": outages}

    def force(fid: str, member: str, home: str, tons: float, rdd: int, lad: int
              ) -> dict[str, Any]:
        return {"id": fid, "member": member, "home": home, "personnel": 0, "cargo_t": tons,
                "outsize": False, "capability": {"infantry": 1}, "sector": "south",
                "activation_day": 0, "line": {"uln": fid, "rdd_day": rdd, "lad_day": lad}}

    def fleet(fid: str, mode: str) -> dict[str, Any]:
        return {"id": fid, "mode": mode, "owners": ["US"], "count": 2, "payload_t": 80,
                "speed_kmh": 800, "load_h": 3, "unload_h": 2, "turnaround_h": 2}

    return Network.from_json({
        "scenario": {"name": "tiny", "sha256": "", "c_day": "2027-03-01", "horizon_days": 6,
                     "period_hours": 24},
        "members": [{"code": c, "opt_out": False} for c in ("PL", "US")],
        "places": [place("EPRZ", "airfield", 6, None,
                         [{"from_day": 3, "to_day": 3, "factor": 0.0}]),
                   place("EYKA", "airfield", 4, 2000.0, []),
                   place("ORZYSZ", "base", None, None, [])],
        "sectors": [{"id": "south", "lat": 54.4, "lon": 24.0, "radius_km": 40,
                     "requirements": [{"capability": "infantry", "amount": 2, "by_day": 4}]}],
        "forces": [force("US001", "US", "EPRZ", 60, 0, 1),
                   force("PL001", "PL", "ORZYSZ", 100, 5, 3)],
        "fleets": [fleet("us-c17", "air"), fleet("trucks", "road")],
        "depots": [], "legs": [],
    })


def tiny_plan() -> Plan:
    def trip(fleet: str, mode: str, a: str, b: str, dep: float, arr: float, force: str,
             tons: float) -> Trip:
        return Trip(fleet, mode, f"{mode}:{a}>{b}", a, b, dep, arr, arr + 10, 1, tons, 0.0,
                    (Cargo(force, tons, 0.0),))

    def result(fid: str, member: str, closure: float, rdd: int, debark: float, lad_met: bool
               ) -> ForceResult:
        # the verdicts the plan writer gives (optimizer.plan): due day = RDD, late after its
        # end, debarkation = the last air or sea landing (overland: the closure)
        late = closure > 24.0 * (rdd + 1)
        return ForceResult(fid, member, "south", 0.0, closure, 100.0, rdd, late,
                           "waited for lift" if late else None, (), debark, lad_met)

    return Plan("tiny", "", SolverInfo("greedy", "dispatch", "feasible", None, None, None, 0.0),
                24, [trip("us-c17", "air", "EPRZ", "EYKA", 26.0, 30.0, "US001", 60.0),
                     trip("trucks", "road", "EYKA", "south", 30.0, 40.0, "US001", 60.0),
                     trip("trucks", "road", "ORZYSZ", "south", 48.0, 100.0, "PL001", 50.0),
                     trip("trucks", "road", "ORZYSZ", "south", 24.0, 50.0, "PL001", 50.0)],
                [result("US001", "US", 40.0, 0, 30.0, True),
                 result("PL001", "PL", 100.0, 5, 100.0, False)],
                [], [], [], [], Kpis(0.0, None, 0))


def test_tpfdd_rows_by_hand() -> None:
    frame = tpfdd_frame(tiny_network(), tiny_plan())
    assert list(frame["uln"]) == ["US001", "PL001"]  # one row per line, in network order
    for col in ("member", "origin", "mode", "poe", "pod", "sector", "pod_arrival_day",
                "closure_day", "rdd_day", "days_late", "lad_met", "leg1_mode", "leg1_fleet",
                "leg1_depart_day", "leg1_arrive_day", "leg2_mode"):
        assert col in frame.columns
    us, pl = ({k: None if pd.isna(v) else v for k, v in frame.iloc[i].items()}
              for i in range(2))
    # US001: debarks at EYKA at hour 30 (day 1), closes hour 40 (day 1): 1 day after RDD 0,
    # within LAD 1
    assert (us["poe"], us["pod"], us["pod_arrival_day"], us["closure_day"]) == (
        "EPRZ", "EYKA", 1, 1)
    assert (us["days_late"], us["lad_met"], us["late"], us["legs"]) == (1, True, True, 2)
    assert (us["leg1_mode"], us["leg1_fleet"], us["leg2_mode"], us["leg2_to"]) == (
        "air", "us-c17", "road", "south")
    # PL001 overland: its two truck trips are one leg, day 1 to day 4; POD arrival is its
    # closure (hour 100, day 4): on time for RDD 5, after LAD 3
    assert (pl["poe"], pl["pod"], pl["pod_arrival_day"], pl["closure_day"]) == (
        None, None, 4, 4)
    assert (pl["days_late"], pl["lad_met"], pl["late"], pl["legs"]) == (0, False, False, 1)
    assert (pl["leg1_depart_day"], pl["leg1_arrive_day"], pl["leg1_tons"]) == (1, 4, 100.0)
    assert pl["leg2_mode"] is None


def test_closure_against_rdd_and_late_lines() -> None:
    lines = line_moves(tiny_network(), tiny_plan())
    days = closure_against_rdd(lines, 6)
    assert [(d.due, d.met) for d in days] == [(1, 0)] * 5 + [(2, 1)]
    assert days[5].share == 0.5
    assert [x.uln for x in late_lines(lines)] == ["US001"]


def test_node_load_by_hand() -> None:
    rows = {(n.place, n.day): n for n in node_load(tiny_network(), tiny_plan())}
    # places trips touch (not the sector), every day of the horizon
    assert {p for p, _ in rows} == {"EPRZ", "EYKA", "ORZYSZ"}
    assert len(rows) == 3 * 6
    eprz, eyka = rows[("EPRZ", 1)], rows[("EYKA", 1)]
    assert (eprz.tons_in, eprz.tons_out, eprz.ground_h, eprz.mog_h, eprz.throughput_t) == (
        0.0, 60.0, 3.0, 144.0, None)
    assert (eyka.tons_in, eyka.ground_h, eyka.throughput_t, eyka.mog_h) == (60.0, 2.0, 2000.0, 96)
    assert eyka.share == pytest.approx(max(60 / 2000, 2 / 96))
    assert rows[("EPRZ", 3)].mog_h == 0.0 and rows[("EPRZ", 3)].share == 0.0  # closed
    assert rows[("EYKA", 0)].share == 0.0
    assert [rows[("ORZYSZ", d)].tons_out for d in range(6)] == [0, 50, 50, 0, 0, 0]
    assert rows[("ORZYSZ", 1)].share is None  # a base with no limit


def test_export_commands_write_the_tables(tmp_path: Path) -> None:
    import json

    (tmp_path / "resolved.json").write_text(json.dumps(tiny_network().to_json()))
    (tmp_path / "plan.json").write_text(json.dumps(tiny_plan().to_json()))
    for fmt, name, rows in (("tpfdd", "tpfdd.csv", 2), ("node-load", "node-load.csv", 18)):
        result = runner.invoke(app, ["export", str(tmp_path), "--format", fmt])
        assert result.exit_code == 0, result.output
        with (tmp_path / name).open(newline="") as fh:
            assert len(list(csv.DictReader(fh))) == rows


def test_report_shows_closure_against_rdd_and_escapes_the_reason() -> None:
    import dataclasses

    from maps.report import build_report

    evil = "<img src=x onerror=alert(1)>"
    plan = tiny_plan()
    plan.forces = [dataclasses.replace(f, reason=evil) if f.late else f for f in plan.forces]
    plan.__post_init__()
    html = build_report(tiny_network(), plan)
    assert "Deployment lines against their RDD" in html
    section = html.split("id='rdd'", 1)[1].split("</section>", 1)[0]
    assert "<td>US001</td>" in section and "<td>1</td>" in section  # a day late
    assert "<td>C+5</td><td>1 of 2</td><td>50%</td>" in section
    assert evil not in html and esc(evil) in section
