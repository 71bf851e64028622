"""What-ifs (whatif.variants, whatif.apply, `mobilize whatif`): a variants file is
validated like a scenario, each change does exactly what it says to a copy of the base, and
the command solves the base and every what-if into its own folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from checker import check_dir, check_plan
from contracts.loader import load_scenario, parse_scenario
from contracts.scenario import Scenario
from geodata.network import build_network
from mobilize.cli import app
from optimizer.planner import plan_with_greedy, plan_with_mip
from whatif.apply import apply_all, apply_variant, scenario_yaml, variant_from_flags
from whatif.variants import Variant, VariantsError, load_variants, parse_variants

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken_variants"
MINI = DATA / "mini.yaml"
runner = CliRunner()

# file -> (line, field path, words of the message): one broken file per kind of mistake.
EXPECTED: dict[str, tuple[int | None, str, str]] = {
    "not_yaml.yaml": (4, "", "not valid YAML"),
    "not_a_mapping.yaml": (1, "", "YAML mapping with a list of `variants`"),
    "no_variants.yaml": (1, "variants", "required field is missing"),
    "unknown_change.yaml": (5, "variants[0].changes[0].close_port", "unknown field"),
    "two_kinds_in_one_change.yaml": (5, "variants[0].changes[0]",
                                     "gives close_place, close_passage"),
    "missing_name.yaml": (2, "variants[0].name", "required field is missing"),
    "bad_id.yaml": (2, "variants[0].id", "should match pattern"),
    "reserved_id.yaml": (2, "variants[0].id", "base scenario's folder"),
    "duplicate_id.yaml": (6, "variants[1].id", "duplicate id 'a'"),
    "no_changes.yaml": (4, "variants[0].changes", "at least 1 item"),
    "unknown_passage.yaml": (5, "variants[0].changes[0].close_passage.passage", "'bosporus'"),
    "factor_out_of_range.yaml": (5, "variants[0].changes[0].degrade_place.factor",
                                 "less than 1 (got 1.5)"),
    "negative_delay.yaml": (5, "variants[0].changes[0].member_delay.days", "(got -2)"),
    "bad_country_code.yaml": (5, "variants[0].changes[0].close_airspace.countries[0]",
                              "(got 'Belarus')"),
    # found against the base scenario, still with the variants file's line
    "unknown_place.yaml": (5, "variants[0].changes[0].close_place.place",
                           "unknown place 'EYVI'"),
    "unknown_fleet.yaml": (6, "variants[0].changes[1].fleet_loss.fleet",
                           "unknown fleet 'us-c5m'; did you mean one of ['us-c17']"),
    "unknown_member.yaml": (5, "variants[0].changes[0].member_delay.member",
                            "unknown member 'DE'"),
    "unknown_sector.yaml": (5, "variants[0].changes[0].requirement_change.sector",
                            "unknown sector 'north'"),
    "window_after_horizon.yaml": (5, "variants[0].changes[0].close_place.from_day",
                                  "after the last day of the horizon, C+9"),
    "window_backwards.yaml": (5, "variants[0].changes[0].degrade_place.to_day",
                              "to_day 3 is before from_day 6"),
    "losing_more_than_the_fleet.yaml": (5, "variants[0].changes[0].fleet_loss.count",
                                        "has 2 vehicles: cannot lose 5"),
    "partial_loss_with_day.yaml": (5, "variants[0].changes[0].fleet_loss.from_day",
                                   "only to the whole fleet"),
    "ally_opts_out.yaml": (5, "variants[0].changes[0].member_opt_out.member",
                           "the ally itself"),
    "degrade_unlimited_place.yaml": (5, "variants[0].changes[0].degrade_place.place",
                                     "no throughput_tpd or mog"),
    "capability_nobody_has.yaml": (5, "variants[0].changes",
                                   "no force offers capability 'armor'"),
    "new_requirement_without_day.yaml": (5, "variants[0].changes[0].requirement_change.by_day",
                                         "give by_day"),
}


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario(MINI)


def _variant(*changes: dict[str, object]) -> Variant:
    return Variant.model_validate({"id": "v", "name": "V", "changes": list(changes)})


def test_every_broken_file_is_expected() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_variants_name_file_line_and_field(name: str, base: Scenario) -> None:
    line, field, words = EXPECTED[name]
    path = BROKEN / name
    with pytest.raises(VariantsError) as info:
        vf, lines = load_variants(path)
        apply_all(base, vf.variants, lines)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.line == line, str(problem)
    assert problem.path == field, str(problem)
    assert words in problem.message, str(problem)
    assert f"{path}:{line}" in str(info.value)
    assert "in what-ifs" in str(info.value).splitlines()[0]


def test_every_mistake_at_once(base: Scenario) -> None:
    text = (BROKEN / "unknown_fleet.yaml").read_text() + (
        "  - id: b\n    name: B\n    changes:\n      - close_place: {place: NOWHERE}\n")
    vf, lines = parse_variants(text, "two.yaml")
    with pytest.raises(VariantsError) as info:
        apply_all(base, vf.variants, lines)
    assert [(p.line, p.path) for p in info.value.problems] == [
        (6, "variants[0].changes[1].fleet_loss.fleet"),
        (10, "variants[1].changes[0].close_place.place")]


def test_missing_file() -> None:
    with pytest.raises(VariantsError, match="file not found"):
        load_variants(DATA / "no-such-variants.yaml")


# --- each change does what it says, and nothing else -----------------------------------------


def _diff(a: Scenario, b: Scenario) -> dict[str, tuple[object, object]]:
    da, db = a.model_dump(), b.model_dump()
    return {k: (da[k], db[k]) for k in da if da[k] != db[k] and k != "name"}


def test_close_place(base: Scenario) -> None:
    before = base.model_dump()
    s = apply_variant(base, _variant({"close_place": {"place": "EYKA"}}))
    assert _diff(base, s) == {"closed_places": ([], ["EYKA"])}
    assert base.model_dump() == before  # the base is untouched
    whole = apply_variant(base, _variant(
        {"close_place": {"place": "EYKA", "from_day": 0, "to_day": 9}}))
    assert whole == s  # a window over the whole horizon is the same closure


def test_close_place_for_some_days_is_an_outage(base: Scenario) -> None:
    s = apply_variant(base, _variant(
        {"close_place": {"place": "EYKA", "from_day": 2, "to_day": 5}}))
    assert _diff(base, s) == {"outages": ([], [{
        "place": "EYKA", "from_day": 2, "to_day": 5, "factor": 0.0,
        "reason": "closed (what-if)"}])}
    open_end = apply_variant(base, _variant({"close_place": {"place": "EYKA", "from_day": 4}}))
    assert [(o.from_day, o.to_day) for o in open_end.outages] == [(4, 9)]  # to the last day


def test_degrade_place_for_some_days_is_an_outage(base: Scenario) -> None:
    s = apply_variant(base, _variant(
        {"degrade_place": {"place": "EYKA", "factor": 0.3, "to_day": 3}}))
    assert set(_diff(base, s)) == {"outages"}
    (o,) = s.outages
    assert (o.place, o.from_day, o.to_day, o.factor) == ("EYKA", 0, 3, 0.3)


def test_degrade_navigation_hits_the_airfields_with_capacity(base: Scenario) -> None:
    s = apply_variant(base, _variant(
        {"degrade_navigation": {"countries": ["LT", "PL"], "factor": 0.5, "from_day": 1,
                                "to_day": 4}}))
    hit = {o.place: (o.from_day, o.to_day, o.factor) for o in s.outages}
    with_capacity = {p.id for p in base.places if p.kind == "airfield"
                     and p.country in ("LT", "PL") and (p.throughput_tpd or p.mog)}
    assert with_capacity and set(hit) == with_capacity
    assert set(hit.values()) == {(1, 4, 0.5)}


@pytest.mark.parametrize("planner", ["greedy", "mip"])
def test_a_port_closed_for_days_is_planned_around_and_checked(base: Scenario, planner: str
                                                              ) -> None:
    # the US airborne company leaves Rzeszów by road on day 1 or 2 in the base plan
    s = apply_variant(base, _variant(
        {"close_place": {"place": "EPRZ", "from_day": 0, "to_day": 2}}))
    resolved = build_network(s, "<what-if>").to_json()
    (rzeszow,) = [p for p in resolved["places"] if p["id"] == "EPRZ"]
    assert rzeszow["outages"] == [
        {"from_day": 0, "to_day": 2, "factor": 0.0, "reason": "closed (what-if)"}]
    plan = (plan_with_greedy(resolved) if planner == "greedy"
            else plan_with_mip(resolved, time_limit_s=60)[0]).to_json()
    assert check_plan(resolved, plan) == []
    leaving = [t["depart_h"] for t in plan["trips"] if t["from"] == "EPRZ"]
    assert leaving and min(leaving) == 72.0  # the first hour it is open again


def test_degrade_place(base: Scenario) -> None:
    s = apply_variant(base, _variant({"degrade_place": {"place": "EYKA", "factor": 0.3}}))
    assert set(_diff(base, s)) == {"places"}
    kaunas = s.place("EYKA")
    assert kaunas.throughput_tpd == pytest.approx(600.0)
    assert kaunas.mog == 1  # 4 x 0.3 = 1.2, rounded down
    assert [p for p in s.places if p.id != "EYKA"] == [p for p in base.places if p.id != "EYKA"]
    only_mog = apply_variant(base, _variant({"degrade_place": {"place": "EPRZ",
                                                                "factor": 0.5}}))
    assert only_mog.place("EPRZ").mog == 3 and only_mog.place("EPRZ").throughput_tpd is None


def test_close_passage_and_airspace(base: Scenario) -> None:
    s = apply_variant(base, _variant({"close_passage": {"passage": "bosporus"}},
                                     {"close_airspace": {"countries": ["BY", "RU"]}},
                                     {"close_airspace": {"countries": ["BY"]}}))
    assert _diff(base, s) == {"closed_passages": ([], ["bosporus"]),
                              "closed_airspace": ([], ["BY", "RU"])}


def test_fleet_loss(base: Scenario) -> None:
    s = apply_variant(base, _variant({"fleet_loss": {"fleet": "pl-trucks", "count": 13}}))
    assert set(_diff(base, s)) == {"fleets"}
    assert next(f for f in s.fleets if f.id == "pl-trucks").count == 47
    gone = apply_variant(base, _variant({"fleet_loss": {"fleet": "us-c17", "count": 2}}))
    assert [f.id for f in gone.fleets] == ["pl-trucks", "lt-trucks"]
    held = apply_variant(base, _variant(
        {"fleet_loss": {"fleet": "us-c17", "count": 2, "from_day": 4}}))
    c17 = next(f for f in held.fleets if f.id == "us-c17")
    assert (c17.count, c17.available_day) == (2, 4)


def test_member_delay_and_opt_out(base: Scenario) -> None:
    s = apply_variant(base, _variant({"member_delay": {"member": "US", "days": 5}}))
    assert set(_diff(base, s)) == {"members"}
    assert s.member("US").decision_delay_days == 6 and s.member("PL") == base.member("PL")
    out = apply_variant(base, _variant({"member_opt_out": {"member": "PL"}}))
    assert out.member("PL").opt_out and not base.member("PL").opt_out
    assert set(_diff(base, out)) == {"members"}


def test_requirement_change(base: Scenario) -> None:
    s = apply_variant(base, _variant({"requirement_change": {
        "sector": "south", "capability": "infantry", "amount": 1.5, "by_day": 2}}))
    assert set(_diff(base, s)) == {"sectors"}
    (req,) = s.sectors[0].requirements
    assert (req.amount, req.by_day, req.weight) == (1.5, 2, 1.0)
    kept = apply_variant(base, _variant({"requirement_change": {
        "sector": "south", "capability": "infantry", "amount": 3}}))
    assert kept.sectors[0].requirements[0].by_day == 4  # by_day kept when not given


def test_variant_is_named_and_reads_back(base: Scenario) -> None:
    s = apply_variant(base, _variant({"close_place": {"place": "EYKA"}},
                                     {"member_delay": {"member": "US", "days": 2}}))
    assert s.name == "Mini Suwalki \u2014 what-if: V"
    assert parse_scenario(scenario_yaml(s), "v.yaml") == s


def test_flags_make_one_variant(base: Scenario) -> None:
    v = variant_from_flags(["EYKA"], ["EPRZ:0.5"], ["suez"], ["BY,RU"], ["us-c17:1"],
                           ["US:+5"], ["PL"])
    assert v is not None and v.id == "whatif"
    assert [c.kind for c in v.changes] == [
        "close_place", "degrade_place", "close_passage", "close_airspace", "fleet_loss",
        "member_delay", "member_opt_out"]
    assert "US decides 5 days later" in v.name
    s = apply_variant(base, v)
    assert s.member("US").decision_delay_days == 6
    assert variant_from_flags([], [], [], [], [], [], []) is None
    with pytest.raises(VariantsError) as info:
        variant_from_flags([], [], [], [], ["us-c17"], ["US:soon"], [])
    assert [p.file for p in info.value.problems] == ["--fleet-loss", "--member-delay"]


# --- the command --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def whatif_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whatif")
    result = runner.invoke(app, ["whatif", str(MINI), str(DATA / "mini_whatifs.yaml"),
                                 "--out", str(out), "--planner", "greedy"])
    assert result.exit_code == 0, result.output
    return out


def test_whatif_writes_every_folder(whatif_out: Path) -> None:
    for vid in ("base", "us-late", "kaunas-closed"):
        folder = whatif_out / vid
        for name in ("resolved.json", "plan.json", "plan.csv", "map.html", "report.html"):
            assert (folder / name).is_file(), folder / name
        assert check_dir(folder) == []
        assert (folder / "check.txt").read_text() == "0 violations\n"
    meta = json.loads((whatif_out / "us-late" / "whatif.json").read_text())
    assert meta["name"] == "United States decides three days later"
    assert meta["changes"] == [{"member_delay": {"member": "US", "days": 3}}]
    variant = load_scenario(whatif_out / "us-late" / "scenario.yaml")
    assert variant.member("US").decision_delay_days == 4
    assert (whatif_out / "compare.html").is_file()


def test_whatif_changes_the_plan(whatif_out: Path) -> None:
    def closures(vid: str) -> dict[str, float]:
        plan = json.loads((whatif_out / vid / "plan.json").read_text())
        return {f["force"]: f["closure_h"] for f in plan["forces"]}

    closure, later = closures("base"), closures("us-late")
    assert later["us-abn-coy"] > closure["us-abn-coy"]
    assert later["pl-mech-bn"] == closure["pl-mech-bn"]
    resolved = json.loads((whatif_out / "kaunas-closed" / "resolved.json").read_text())
    assert next(p for p in resolved["places"] if p["id"] == "EYKA")["closed"] is True


def test_whatif_from_flags(tmp_path: Path) -> None:
    result = runner.invoke(app, ["whatif", str(MINI), "--member-delay", "US:+2",
                                 "--close-place", "EYKA", "--out", str(tmp_path),
                                 "--planner", "greedy"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base", "compare.html", "whatif"]
    meta = json.loads((tmp_path / "whatif" / "whatif.json").read_text())
    assert meta["name"] == "EYKA closed; US decides 2 days later"


def test_a_warm_whatif_starts_from_the_base_plan_and_is_checked(tmp_path: Path) -> None:
    """Warm by default: the what-if's model holds the base plan's routes, but not through a
    place the what-if closes (the base drives through Rzeszow, EPRZ; the warm plan does
    not, and passes). The base plan is what it starts from, so its routes reach the what-if:
    with --cold they need not, and the plans say which they were."""
    result = runner.invoke(app, ["whatif", str(MINI), "--member-delay", "US:+2",
                                 "--close-place", "EPRZ", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    base = json.loads((tmp_path / "base" / "plan.json").read_text())
    warm = json.loads((tmp_path / "whatif" / "plan.json").read_text())
    assert base["solver"]["planner"] == warm["solver"]["planner"] == "mip"
    assert any("EPRZ" in t["leg"] for t in base["trips"])
    assert warm["trips"] and not any("EPRZ" in t["leg"] for t in warm["trips"])
    assert (tmp_path / "whatif" / "check.txt").read_text().strip() == "0 violations"


@pytest.mark.parametrize(("flag", "warm"), [([], True), (["--warm"], True), (["--cold"], False)])
def test_whatif_is_warm_unless_told_cold(tmp_path: Path, flag: list[str], warm: bool) -> None:
    """plan.json's method says whether the what-if's model held the base plan's routes;
    the base itself is always solved cold."""
    from optimizer.planner import WITH_PREVIOUS_ROUTES

    result = runner.invoke(app, ["whatif", str(MINI), "--member-delay", "US:+2", *flag,
                                 "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    base = json.loads((tmp_path / "base" / "plan.json").read_text())["solver"]["method"]
    world = json.loads((tmp_path / "whatif" / "plan.json").read_text())["solver"]["method"]
    assert WITH_PREVIOUS_ROUTES not in base
    assert (WITH_PREVIOUS_ROUTES in world) is warm


def test_a_base_plan_from_solve_is_the_base_not_solved_again(tmp_path: Path,
                                                              solved_mini: Path) -> None:
    """`--base-plan DIR`: the plan `mobilize solve` wrote is the run's base as it is (its
    solver seconds included: nothing solved it again), and the what-if starts from it."""
    from optimizer.planner import WITH_PREVIOUS_ROUTES

    solved = solved_mini
    out = tmp_path / "out"
    result = runner.invoke(app, ["whatif", str(MINI), "--member-delay", "US:+2", "--base-plan",
                                 str(solved), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "not solved again" in " ".join(result.output.split())
    before = json.loads((solved / "plan.json").read_text())
    assert json.loads((out / "base" / "plan.json").read_text()) == before
    world = json.loads((out / "whatif" / "plan.json").read_text())
    assert WITH_PREVIOUS_ROUTES in world["solver"]["method"]
    for vid in ("base", "whatif"):
        assert (out / vid / "check.txt").read_text() == "0 violations\n"
    assert (out / "compare.html").is_file()


def _changed_file(tmp_path: Path, solved: Path) -> tuple[Path, str]:
    changed = tmp_path / "mini.yaml"
    changed.write_text(MINI.read_text(encoding="utf-8") + "\n# edited after solving\n",
                       encoding="utf-8")
    return changed, "sha256 differs"


def _greedy(tmp_path: Path, solved: Path) -> tuple[Path, str]:
    plan = json.loads((solved / "plan.json").read_text())
    plan["solver"]["planner"] = "greedy"
    (solved / "plan.json").write_text(json.dumps(plan))
    return MINI, "planned by greedy, this run plans with mip"


def _overloaded(tmp_path: Path, solved: Path) -> tuple[Path, str]:
    plan = json.loads((solved / "plan.json").read_text())
    plan["trips"][0]["tons"] = 1e6  # far more than its vehicles carry
    (solved / "plan.json").write_text(json.dumps(plan))
    return MINI, "as resolved now, the first:"


def _missing(tmp_path: Path, solved: Path) -> tuple[Path, str]:
    (solved / "plan.json").unlink()
    return MINI, "plan.json not found: run `mobilize solve"


@pytest.mark.parametrize("spoil", [_changed_file, _greedy, _overloaded, _missing])
def test_a_base_plan_that_is_not_this_scenarios_is_refused_before_solving(
        tmp_path: Path, solved_mini: Path, spoil: Any) -> None:
    """A base plan from another (or an edited) scenario file, another planner, one the
    checker refuses in the network resolved now, or no plan at all: one line naming the
    flag, the folder and why, exit 2, and nothing solved or written."""
    solved = solved_mini
    scenario, words = spoil(tmp_path, solved)
    out = tmp_path / "out"
    result = runner.invoke(app, ["whatif", str(scenario), "--member-delay", "US:+2",
                                 "--base-plan", str(solved), "--out", str(out), "--quiet"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"--base-plan {solved}" in text and words in text
    assert not out.exists()


def test_whatif_refuses_mistakes_before_solving(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["whatif", str(MINI), str(BROKEN / "unknown_fleet.yaml"),
                                 "--out", str(out), "--planner", "greedy"])
    assert result.exit_code == 2
    assert "unknown_fleet.yaml:6: variants[0].changes[1].fleet_loss.fleet" in result.output
    assert not out.exists()  # nothing solved, nothing written
    flags = runner.invoke(app, ["whatif", str(MINI), "--fleet-loss", "c5:1", "--out", str(out)])
    assert flags.exit_code == 2 and "--fleet-loss" in flags.output and "unknown fleet" in (
        flags.output)
    none = runner.invoke(app, ["whatif", str(MINI), "--out", str(out)])
    assert none.exit_code == 2 and "no what-if" in none.output


def test_a_change_that_changes_nothing_is_flagged(base: Scenario, tmp_path: Path) -> None:
    from whatif.apply import inert_changes

    closed = apply_variant(base, _variant({"close_airspace": {"countries": ["BY"]}}))
    v = _variant({"close_airspace": {"countries": ["BY"]}},
                 {"member_delay": {"member": "US", "days": 1}})
    assert inert_changes(closed, v) == [0]
    assert inert_changes(base, v) == []
    (tmp_path / "v.yaml").write_text(
        "variants:\n  - id: again\n    name: again\n    changes:\n"
        "      - close_airspace: {countries: [BY]}\n      - close_airspace: {countries: [BY]}\n")
    (tmp_path / "closed.yaml").write_text(scenario_yaml(closed))
    result = runner.invoke(app, ["whatif", str(tmp_path / "closed.yaml"), str(tmp_path / "v.yaml"),
                                 "--out", str(tmp_path / "out"), "--planner", "greedy"])
    assert result.exit_code == 0, result.output
    assert "what-if 'again': change 1 (close_airspace) changes nothing" in result.output


def test_baltic_whatifs_apply_to_the_baltic_scenario() -> None:
    root = Path(__file__).parent.parent / "scenarios"
    base = load_scenario(root / "baltic_article5.yaml")
    vf, lines = load_variants(root / "whatifs" / "baltic_whatifs.yaml")
    done = {v.id: s for v, s in zip(vf.variants, apply_all(base, vf.variants, lines),
                                    strict=True)}
    (gdansk,) = done["gdansk-closed"].outages  # closed for the first ten days only
    assert (gdansk.place, gdansk.from_day, gdansk.to_day, gdansk.factor) == ("PLGDN", 0, 9, 0.0)
    assert done["de-plus-5"].member("DE").decision_delay_days == (
        base.member("DE").decision_delay_days + 5)
    assert next(f.count for f in done["c17-third-lost"].fleets if f.id == "us-c17") == 27
    assert done["se-airspace-closed"].closed_airspace == [*base.closed_airspace, "SE"]
    assert base.closed_places == [] and "SE" not in base.closed_airspace
