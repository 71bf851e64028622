"""Plans side by side (maps.compare, `mobilize compare`): one offline page and a table, with
differences within the solver's own tolerance marked as such, all scenario text escaped."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from contracts.network import Network
from contracts.plan import Plan
from maps.compare import Comparison, Run, build_compare, compare_runs, signed
from mobilize.cli import app
from whatif.compare import print_comparison

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
EVIL = "<script>alert(1)</script>"
runner = CliRunner()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mobilize whatif` on mini.yaml with a hostile force, sector and variant name."""
    root = tmp_path_factory.mktemp("hostile")
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("name: US airborne company", f"name: 'US airborne {EVIL}'")
    text = text.replace("name: Suwalki gap (LT side)", f"name: 'Suwalki {EVIL} `${{alert(2)}}`'")
    assert text.count(EVIL) == 2
    (root / "evil.yaml").write_text(text, encoding="utf-8")
    (root / "variants.yaml").write_text(f"""variants:
  - id: late
    name: "US late {EVIL}"
    changes:
      - member_delay: {{member: US, days: 3}}
""", encoding="utf-8")
    out = root / "out"
    result = runner.invoke(app, ["whatif", str(root / "evil.yaml"), str(root / "variants.yaml"),
                                 "--out", str(out), "--planner", "greedy"])
    assert result.exit_code == 0, result.output
    return out


def test_compare_command_writes_the_page_and_prints_the_difference(
        hostile: Path, tmp_path: Path) -> None:
    target = tmp_path / "cmp.html"
    result = runner.invoke(app, ["compare", str(hostile / "base"), str(hostile / "late"),
                                 "--out", str(target)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert target.is_file()
    out = result.output
    assert "gap-days" in out and "closure day" in out
    base = json.loads((hostile / "base" / "plan.json").read_text())["kpis"]["gap_days"]
    late = json.loads((hostile / "late" / "plan.json").read_text())["kpis"]["gap_days"]
    assert late > base
    assert f"{late:,.1f} ({late - base:+,.1f}, no bound)" in out  # greedy proves no bound
    def closure(folder: str) -> float:
        plan = json.loads((hostile / folder / "plan.json").read_text())
        return next(f["closure_h"] for f in plan["forces"] if f["force"] == "us-abn-coy") / 24

    later = closure("late") - closure("base")
    assert later > 1
    assert "US airborne" in out and f"C+{closure('late'):.1f} ({later:+.1f})" in out
    assert EVIL in out  # the terminal shows the text as it is, not as markup


def test_compare_page_is_offline_and_escaped(hostile: Path) -> None:
    page = (hostile / "compare.html").read_text(encoding="utf-8")
    assert page.count("plotly.js v") == 1
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", page)
    assert EVIL not in page and "`${alert(2)}`" not in page
    assert "US late &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "US airborne &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Suwalki &lt;script&gt;" in page
    # links to each plan's own map and report, relative to the page
    assert "href='base/map.html'" in page and "href='late/report.html'" in page


def test_compare_needs_two_solved_folders(hostile: Path, tmp_path: Path) -> None:
    one = runner.invoke(app, ["compare", str(hostile / "base")])
    assert one.exit_code == 2 and "at least two" in one.output
    missing = runner.invoke(app, ["compare", str(hostile / "base"), str(tmp_path / "none"),
                                  "--out", str(tmp_path / "c.html")])
    assert missing.exit_code == 2 and "run `mobilize solve" in missing.output


# --- what the comparison says ---------------------------------------------------------------


def _run(folder: Path, label: str, **solver: Any) -> Run:
    resolved = json.loads((folder / "resolved.json").read_text())
    plan = json.loads((folder / "plan.json").read_text())
    plan = copy.deepcopy(plan)
    plan["solver"].update(solver)
    return Run(folder, label, Network.from_json(resolved), Plan.from_json(plan))


def test_differences_within_solver_tolerance_are_marked(hostile: Path) -> None:
    mip = {"planner": "mip", "status": "time_limit"}
    base = _run(hostile / "base", "base", objective=100.0, bound=90.0, gap=0.1, **mip)
    late = _run(hostile / "late", "late", objective=100.0, bound=99.0, gap=0.01, **mip)
    delta = late.gap_days - base.gap_days
    assert 0 < delta <= 10.0  # the two plans differ by less than base's tolerance (10)
    cmp = Comparison([base, late])
    assert cmp.gap_delta(late) == (pytest.approx(delta), "within solver tolerance")
    assert "within solver tolerance" in build_compare(cmp)
    tight = _run(hostile / "base", "base", objective=100.0, bound=100.0, gap=0.0, **mip)
    exact = _run(hostile / "late", "late", objective=100.0, bound=100.0, gap=0.0, **mip)
    assert Comparison([tight, exact]).gap_delta(exact)[1] == "effect"
    assert Comparison([tight, tight]).gap_delta(tight)[1] == "reference"


@pytest.mark.parametrize(("x", "text"), [
    (-0.046, "-0.05"), (0.3, "+0.3"), (-12.34, "-12.3"), (0.004, "+0.004"), (1234.56, "+1,234.6"),
    (-0.00004, "-0.0000")])
def test_a_difference_is_printed_with_the_digits_that_show_it(x: float, text: str) -> None:
    assert signed(x) == text


def test_a_small_difference_does_not_read_as_zero(hostile: Path) -> None:
    """The Baltic Gdansk what-if came out 0.05 gap-days under its base: "-0.0" told the
    planner nothing, "-0.05" says how small it is."""
    mip = {"planner": "mip", "status": "time_limit", "objective": 100.0}
    base = _run(hostile / "base", "base", bound=99.0, gap=0.01, **mip)
    near = _run(hostile / "base", "near", bound=99.0, gap=0.01, **mip)
    near.plan.kpis = dataclasses.replace(near.plan.kpis, gap_days=base.gap_days - 0.046)
    cmp = Comparison([base, near])
    assert cmp.gap_delta(near)[1] == "within solver tolerance"
    assert "(-0.05, within solver tolerance)" in build_compare(cmp)
    console = Console(record=True, width=200)
    print_comparison(console, cmp)
    assert "(-0.05, within solver tolerance)" in console.export_text()


def test_force_rows_binding_shares_and_legs(hostile: Path) -> None:
    cmp = compare_runs([hostile / "base", hostile / "late"])
    rows = cmp.force_rows()
    assert [r[0] for r in rows] == ["us-abn-coy"]
    assert rows[0][3][1] is not None and rows[0][3][1] > 1  # the US decides 3 days later
    assert {r[0] for r in cmp.share_rows()} == {"LT", "PL", "US"}
    # make the late plan's trucks look full: the fleet is binding there only
    late = cmp.runs[1]
    late.plan.trips[:] = [
        dataclasses.replace(t, vehicles=late.view.fleets[t.fleet].count, return_h=t.depart_h + 48)
        for t in late.plan.trips]
    cmp = Comparison([compare_runs([hostile / "base"]).runs[0],
                      Run(late.folder, late.label, late.network, late.plan)])
    binding = cmp.binding_rows()
    assert binding and all(row[3][1] is not None and row[3][1] >= 0.95 for row in binding)
    assert cmp.leg_rows() == []  # the same legs, only more of them


# --- a real browser with no network ---------------------------------------------------------


@pytest.mark.browser
def test_compare_page_works_in_chromium_offline(
    hostile: Path, tmp_path: Path, offline_browser: Any
) -> None:
    page = offline_browser.open((hostile / "compare.html").as_uri(), console=True)
    page.wait_for_selector(".js-plotly-plot", timeout=15_000)
    page.wait_for_timeout(500)
    charts = page.locator(".js-plotly-plot").count()
    traces = page.locator(".js-plotly-plot .scatterlayer .trace").count()
    header = page.locator("header h1").inner_text()
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    errors, requested = offline_browser.errors, offline_browser.requested
    assert errors == []
    assert requested == []
    assert charts == 1 and traces == 2  # one sector, two plans
    assert EVIL not in header and "Mini Suwalki" in header
