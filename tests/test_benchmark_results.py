"""benchmarks/run.py keeps one table of every size, however the sizes were run: M beside L in
two commands must not leave a results.md with only the one that finished last."""

from __future__ import annotations

from benchmarks.run import merge_rows, report


def _row(size: str, command: str, gap_days: float) -> dict[str, object]:
    return {
        "size": size, "forces": 1, "days": 1, "movements": 1, "columns": 1, "integers": 0,
        "rows": 1, "network_s": 0.0, "build_s": 0.0, "lp_s": 0.0, "planner_s": 1.0,
        "solve_s": 1.0, "time_limit_s": 20.0, "status": "work_limit", "gap_to_bound": 0.01,
        "mip_gap_days": gap_days, "greedy_gap_days": 2 * gap_days, "violations": 0,
        "peak_mb": 1.0, "command": command,
    }


def test_a_rerun_size_replaces_its_row_and_keeps_the_others_in_size_order() -> None:
    old = [_row("S", "python -m benchmarks.run S", 10.0), _row("M", "old M", 50.0)]
    new = [_row("L", "python -m benchmarks.run L", 90.0), _row("M", "new M", 40.0)]
    merged = merge_rows(old, new)
    assert [r["size"] for r in merged] == ["S", "M", "L"]
    assert [r["mip_gap_days"] for r in merged] == [10.0, 40.0, 90.0]  # M's newest row


def test_the_report_names_the_command_of_every_row() -> None:
    text = report([_row("S", "python -m benchmarks.run S", 10.0),
                   _row("M", "python -m benchmarks.run M L", 40.0),
                   _row("L", "python -m benchmarks.run M L", 90.0)])
    assert "- `python -m benchmarks.run S`: S" in text
    assert "- `python -m benchmarks.run M L`: M, L" in text
    assert text.count("\n| S | ") == 1 and text.count("\n| L | ") == 1


def _root_row(model: str, variant: str, run: str, plan: float) -> dict[str, object]:
    return {"scenario": "x", "run": run, "model": model, "dive": 1.0, "dive_s": 1.0,
            "variant": variant, "plan": plan, "sector_bound": None, "seconds": 1.0,
            "vs_default": 1.0}


def test_a_sector_root_run_of_one_variant_replaces_its_rows_and_keeps_the_others() -> None:
    from benchmarks.sector_root import VARIANTS, merged

    default, no_restarts, no_rens = "default (restarts, RENS)", "no restarts", "no RENS"
    assert {default, no_restarts, no_rens} <= set(VARIANTS)
    old = [_root_row(m, v, "first", 1.0) for m in ("planner", "widened")
           for v in (default, no_restarts)]
    new = [_root_row(m, v, "second", 2.0) for m in ("planner", "widened")
           for v in (default, no_rens)]
    rows = merged(old, new)
    assert [(r["model"], r["variant"], r["run"]) for r in rows] == [
        ("planner", default, "second"), ("planner", no_restarts, "first"),
        ("planner", no_rens, "second"),
        ("widened", default, "second"), ("widened", no_restarts, "first"),
        ("widened", no_rens, "second")]
