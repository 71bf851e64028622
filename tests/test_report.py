"""The plan report (maps.report): one offline page with the map, five charts and the late
forces, all scenario text escaped."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from test_maps import EVIL, evil_case, typed, write_case

from contracts.plan import Unmet
from maps.charts import all_figures, closure_figure, gantt_figure, lift_figure
from maps.planview import PlanView, read_outputs
from maps.report import build_report, late_rows, write_report

Json = dict[str, Any]


@pytest.fixture(scope="module")
def case() -> tuple[Json, Json]:
    return evil_case()


@pytest.fixture(scope="module")
def page(case: tuple[Json, Json]) -> str:
    return build_report(*typed(*case))


def test_report_embeds_plotly_once_and_loads_nothing(page: str) -> None:
    assert page.count("plotly.js v") == 1  # the library's banner: embedded once
    assert page.count('class="plotly-graph-div"') == 5
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", page)


def test_report_embeds_the_offline_map(page: str) -> None:
    (srcdoc,) = re.findall(r"<iframe class='map'[^>]*srcdoc='([^']*)'", page)
    assert "L.map(" in srcdoc and "leaflet" in srcdoc
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", srcdoc)


def test_report_escapes_scenario_text(page: str) -> None:
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "`${alert(2)}`" not in page


def test_header_names_the_solver_status(page: str, case: tuple[Json, Json]) -> None:
    assert "mip optimal" in page
    assert "time limit" not in page
    resolved, plan = copy.deepcopy(case)
    plan["solver"].update(status="time_limit", gap=0.05)
    limited = build_report(*typed(resolved, plan))
    assert "class='warn'" in limited and "time limit" in limited and "5.0%" in limited


def test_late_table_gives_reasons(case: tuple[Json, Json]) -> None:
    resolved, plan = case
    rows = late_rows(PlanView(*typed(resolved, plan)))
    late = [f["force"] for f in plan["forces"] if f["late"]]
    assert len(rows) == len(late) + 1  # + the unreachable force
    names = [r[0] for r in rows]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names  # us-abct, escaped
    assert all(r[5] for r in rows)  # every row says why
    assert any("no leg from &lt;script&gt;" in r[5] for r in rows)


def test_undelivered_force_says_how_much_arrived(case: tuple[Json, Json]) -> None:
    resolved, plan = copy.deepcopy(case)
    f = next(f for f in plan["forces"] if f["force"] == "us-abct")
    f.update(closure_h=None, late=True, delivered_t=1200.0, reason=None)
    (row,) = [r for r in late_rows(PlanView(*typed(resolved, plan))) if "1,200 t" in r[5]]
    assert row[4] == "not closed" and "3,000 t" in row[5]


def test_charts(case: tuple[Json, Json]) -> None:
    view = PlanView(*typed(*case))
    figs = dict(all_figures(view))
    assert set(figs) == {"closure", "gantt", "lift", "congestion", "shares"}
    # no geo charts: plotly.js would fetch their outlines from cdn.plot.ly
    assert {t.type for f in figs.values() for t in f.data} <= {"scatter", "bar", "heatmap"}
    closure = closure_figure(view)
    # per sector and capability: delivered and required, plus a marker per requirement
    assert len(closure.data) == 2 * 3 + 3
    gantt = gantt_figure(view)
    modes = {t.name for t in gantt.data if t.type == "bar"}
    assert modes == {"Airlift", "Sealift", "Rail", "Road"}
    lift = lift_figure(view)
    z = lift.data[0].z
    assert all(0.0 <= v <= 1.0 + 1e-9 for row in z for v in row)
    assert max(v for row in z for v in row) > 0


def test_write_report(tmp_path: Path) -> None:
    folder = write_case(tmp_path)
    out = write_report(*read_outputs(folder), folder)
    assert out == tmp_path / "report.html"
    assert out.stat().st_size > 1_000_000  # plotly.js and the map are inside
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json", "report.html",
                                                          "resolved.json"]


def test_report_lists_unmet_requirements_escaped() -> None:
    from maps.report import unmet_table

    html = unmet_table([Unmet(sector="<b>S</b>", capability="armor", required=5,
                              delivered=3.0, gap=2.0, reason="forces offer 3 < 5")])
    assert "&lt;b&gt;S&lt;/b&gt;" in html and "<b>S</b>" not in html
    assert "3.00 / 5" in html and "forces offer 3 &lt; 5" in html
    assert "Every requirement is met" in unmet_table([])
