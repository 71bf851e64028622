"""Hostile or careless input ends in a short, clear error naming file, line and field, never a
traceback, a hang or a file written: infinite numbers, huge values, alias bombs, deep nesting,
an --out that cannot be used, a disk that fails while writing."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from contracts.errors import ScenarioError, quoted
from contracts.loader import parse_scenario
from mobilize.cli import app

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"
MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")
MB = 1 << 20
runner = CliRunner()


def _errors(text: str) -> str:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "x.yaml")
    return str(err.value)


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "where"), [
    ("cargo_t: 1500", "cargo_t: .inf", "x.yaml:33: forces[0].cargo_t: "),
    ("cargo_t: 1500", "cargo_t: -.inf", "x.yaml:33: forces[0].cargo_t: "),
    ("speed_kmh: 830", "speed_kmh: .inf", "x.yaml:48: fleets[0].speed_kmh: "),
    ("speed_kmh: 830", "speed_kmh: .nan", "x.yaml:48: fleets[0].speed_kmh: "),
    ("range_km: 4400", "range_km: .inf", "x.yaml:48: fleets[0].range_km: "),
    ("{infantry: 1}\n    readiness_days: 1", "{infantry: .inf}\n    readiness_days: 1",
     "x.yaml:34: forces[0].capability.infantry: "),
    ("lat: 53.81", "lat: .nan", "x.yaml:17: places[2].lat: "),
    ("stock_t: 5000", "stock_t: .inf", "x.yaml:54: depots[0].stock_t: "),
])
def test_every_number_must_be_finite(old: str, new: str, where: str) -> None:
    assert MINI.count(old) == 1
    assert where + "Input should be a finite number" in _errors(MINI.replace(old, new))


def test_polygon_coordinates_must_be_finite() -> None:
    text = MINI.replace("    place: ALYTUS\n    radius_km: 40\n", (
        "    polygon: {type: Polygon, coordinates: [[[23.6, 54.2], [24.5, 54.2], [24.5, .nan],"
        " [23.6, 54.2]]]}\n"))
    assert ("x.yaml:21: sectors[0]: polygon coordinates must be finite numbers (got nan)"
            in _errors(text))


# --- huge values -----------------------------------------------------------------------------


def test_quoted_values_are_cut_with_their_length() -> None:
    assert quoted("abc") == "'abc'"
    assert quoted("x" * MB) == f"'{'x' * 60}'\u2026 (1,048,576 characters)"
    assert quoted(list(range(1000))).endswith("\u2026 (4,890 characters)")
    assert quoted(10 ** 5000) == "an integer of about 5,000 digits"


@pytest.mark.parametrize(("old", "new", "where"), [
    ("id: pl-mech-bn", "id: " + "x" * MB, "x.yaml:28: forces[0].id: "),
    ("home: ORZYSZ", "home: " + "x" * MB, "x.yaml:31: forces[0].home: "),
    ("kind: base", "kind: " + "x" * MB, "x.yaml:17: places[2].kind: "),
    # an unknown field with a long name (YAML's "? key" form: a plain key is at most 1024)
    ("readiness_days: 1", "readiness_days: 1\n    ? " + "x" * MB + "\n    : 1",
     "x.yaml:36: forces[0]." + "'" + "x" * 60 + "'"),
])
def test_a_huge_value_is_quoted_short(old: str, new: str, where: str) -> None:
    message = _errors(MINI.replace(old, new, 1))
    assert where in message
    assert len(message) < 600, message[:2000]


def test_yaml_errors_quoting_a_huge_value_are_short() -> None:
    # ruamel quotes the value of a duplicate key in its message
    text = MINI.replace("readiness_days: 0", "readiness_days: 0\n    readiness_days: "
                        + "x" * MB)
    message = _errors(text)
    assert "x.yaml:46: not valid YAML: found duplicate key" in message
    assert len(message) < 1200


def test_cli_error_for_a_one_megabyte_id_is_short(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(MINI.replace("id: pl-mech-bn", "id: " + "x" * MB), encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "(1,048,576 characters)" in result.output
    assert len(result.output) < 1000
    assert not (tmp_path / "out").exists()


def test_user_text_that_looks_like_markup_is_printed_as_is(tmp_path: Path) -> None:
    path = tmp_path / "markup.yaml"
    path.write_text(MINI.replace("kind: base", "kind: '[/x] [bold]'"), encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "(got '[/x] [bold]')" in result.output


# --- the shape of the YAML -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("alias_bomb.yaml", "63: this value expands to more than 1,000,000 values"),
    ("deep_nesting.yaml", "6: nested more than 100 levels deep"),
    ("long_number.yaml", "33: a number too long to read"),
    ("infinite_polygon.yaml", "22: sectors[0]: polygon coordinates must be finite"),
])
def test_cli_refuses_hostile_yaml_clearly_and_writes_nothing(name: str, message: str,
                                                             tmp_path: Path) -> None:
    """alias_bomb.yaml would expand to 10^9 values and deep_nesting.yaml is 10,000 brackets
    deep: without the limits this test hangs, runs out of memory or ends in a
    RecursionError."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["inspect", str(BROKEN / name), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{BROKEN / name}:{message}" in result.output
    assert not out.exists()


def test_a_date_that_does_not_exist_is_an_error_not_a_traceback() -> None:
    message = _errors(MINI.replace("c_day: 2027-03-01", "c_day: 2027-13-45"))
    assert "x.yaml: not valid YAML: a value cannot be read (month must be in 1..12)" in message


def test_aliases_within_limits_still_work() -> None:
    text = MINI.replace("requirements:\n      - {capability: infantry, amount: 2, by_day: 4}",
                        "requirements: &reqs\n      - {capability: infantry, amount: 2, "
                        "by_day: 4}")
    text += "  - {id: dep-2, place: DEP-PL, provides: [nato-f34-fuel], stock_t: 1, " \
            "throughput_tpd: 1}\n"
    assert len(parse_scenario(text).depots) == 2
    deep = MINI.replace("readiness_days: 0",
                        "readiness_days: 0\n    needs: " + "[" * 60 + "]" * 60)
    # 60 levels are within the limit: the error is the schema's, not the nesting's
    assert "x.yaml:46: forces[1].needs[0]: Input should be a valid string" in _errors(deep)
    assert "nested" not in _errors(deep)


def test_aliases_expanding_deep_are_refused() -> None:
    """Each alias adds a level: a chain of 150 is 150 levels deep once expanded, though no
    line of the file nests more than 3."""
    chain = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 150)]
    message = _errors(MINI + "\n".join(chain) + "\n")
    assert ("x.yaml:155: nested more than 100 levels deep with its aliases (*name) expanded"
            in message)


# --- --out -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["inspect", "solve"])
def test_out_that_is_a_file_is_refused_before_any_work(command: str, tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("keep me")
    # the scenario does not exist either: the --out check comes first, before reading it
    result = runner.invoke(app, [command, str(tmp_path / "nowhere.yaml"), "--out", str(f)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"--out {f}: exists and is not a folder" in result.output
    assert f.read_text() == "keep me"


@pytest.mark.parametrize("command", ["inspect", "solve"])
def test_out_that_cannot_be_created_is_refused(command: str, tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("")
    for out in (Path("/proc/mobilize-test/out"), f / "sub"):
        result = runner.invoke(app, [command, str(DATA / "mini.yaml"), "--out", str(out)])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        assert f"--out {out}: cannot create folder: " in result.output
        assert not out.exists()


def test_out_is_checked_without_leaving_folders_behind(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "c"
    result = runner.invoke(app, ["inspect", str(tmp_path / "nowhere.yaml"), "--out", str(out)])
    assert result.exit_code == 2 and "file not found" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["map"], ["report"], ["export", "--format", "kml"]])
def test_dir_that_is_a_file_is_refused(command: list[str], tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("")
    result = runner.invoke(app, [command[0], str(f), *command[1:]])
    assert result.exit_code == 2
    assert f"{f}: exists and is not a folder" in result.output


def _disk_full(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device", "/somewhere/.resolved.tmp.json")


def test_a_failing_disk_ends_in_a_clear_error(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from test_maps import evil_case, write_case

    resolved, _ = evil_case()
    monkeypatch.setattr("mobilize.cli._resolve", lambda scenario: resolved)
    monkeypatch.setattr("contracts.files.write_text", _disk_full)
    result = runner.invoke(app, ["inspect", str(DATA / "mini.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert (f"cannot write the results into {tmp_path}: No space left on device "
            "(/somewhere/.resolved.tmp.json)") in result.output

    write_case(tmp_path)
    monkeypatch.setattr("maps.offline.write_text", _disk_full)  # map.html
    monkeypatch.setattr("maps.report.write_text", _disk_full)
    monkeypatch.setattr("maps.export.write_atomic", _disk_full)
    for command, doing in ((["map"], "cannot draw the map in"),
                           (["report"], "cannot build the report in"),
                           (["export", "--format", "geojson"], "cannot export into")):
        result = runner.invoke(app, [command[0], str(tmp_path), *command[1:]])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert f"{doing} {tmp_path}: No space left on device" in result.output
    assert json.loads((tmp_path / "plan.json").read_text())  # the inputs are untouched
