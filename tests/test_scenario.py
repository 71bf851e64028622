"""The scenario schema: valid files load, each broken file gives its own clear error."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.errors import ScenarioError
from contracts.loader import load_scenario, parse_scenario
from contracts.scenario import Scenario
from mobilize.cli import app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
BROKEN = sorted((DATA / "broken").glob("*.yaml"))


def _expected(path: Path) -> tuple[int, str]:
    header = path.read_text(encoding="utf-8").splitlines()[0]
    line, message = header.removeprefix("# expect: ").split(": ", 1)
    return int(line), message


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_names_file_line_field_and_fix(path: Path) -> None:
    line, message = _expected(path)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert f"{path}:{line}: {message}" in str(err.value)


@pytest.mark.parametrize("path", BROKEN[:4], ids=[p.stem for p in BROKEN[:4]])
def test_cli_reports_broken_file_without_traceback_and_writes_nothing(
    path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["inspect", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert _expected(path)[1] in result.output
    assert not out.exists()


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("payload_t: 77.5", "payload_t: -1").replace("count: 60", "count: 0")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "two.yaml")
    paths = {p.path for p in err.value.problems}
    assert {"fleets[0].payload_t", "fleets[1].count"} <= paths


def test_round_trip_through_json_keeps_every_field() -> None:
    s = load_scenario(DATA / "mini.yaml")
    again = Scenario.model_validate_json(s.model_dump_json(by_alias=True))
    assert again.model_dump() == s.model_dump()
    # the fingerprint is the loaded file's, taken at load, not a field anyone can write
    assert s.fingerprint == hashlib.sha256((DATA / "mini.yaml").read_bytes()).hexdigest()
    assert again.fingerprint == ""
    assert s.fleets[0].hours("load_h") == 3.0  # the air default, stated once in the schema
    assert s.place("EYKA").mog == 4


def test_built_in_scenarios_are_valid() -> None:
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert files, "no built-in scenario"
    for f in files:
        assert load_scenario(f).forces
