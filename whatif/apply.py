"""Apply what-ifs to a scenario: (base Scenario, Variant) -> a new Scenario. Pure: the base
is never changed, and the result is validated again like a scenario file.

What each change does to the scenario (places close or degrade for the whole horizon or, with
a day window, as dated `outages`; fleets are lost for good):

- `close_place: {place}`: the place is added to `closed_places` (no leg touches it).
- `degrade_place: {place, factor}`: its `throughput_tpd` and `mog` (those it has) are scaled
  by `factor` (MOG rounded down, at least 1). A place with neither has no limit to scale.
- `from_day`/`to_day` on those two: a window shorter than the horizon becomes an entry of
  the scenario's `outages` (factor 0 to close) instead: the place works normally outside it.
  `to_day` defaults to the last day of the horizon.
- `degrade_navigation: {countries, factor, from_day, to_day}`: GPS jamming; every airfield
  of those countries with a throughput or MOG gets an outage at `factor` for the window (the
  whole horizon without one). Airfields with neither have no capacity to scale.
- `close_passage: {passage}`: added to `closed_passages` (sea legs re-routed or dropped).
- `close_airspace: {countries}`: added to `closed_airspace` (air legs detour or drop).
- `fleet_loss: {fleet, count}`: the fleet's `count` is lowered by `count` for the whole
  horizon; losing the whole fleet removes it. With `from_day: N` the whole fleet must be
  lost (`count` = its size): it is then withheld until C+N (its `available_day` raised to N)
  rather than removed; a partial loss with `from_day` is refused.
- `member_delay: {member, days}`: `days` added to the member's `decision_delay_days`.
- `member_opt_out: {member}`: the member sets `opt_out` (its forces and fleets stay home).
- `requirement_change: {sector, capability, amount, by_day, weight}`: the sector's
  requirement for that capability gets the new amount (and by_day, weight when given); a
  capability the sector does not require yet is added (by_day then required).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contracts import loader
from contracts.errors import Problem, quoted
from contracts.scenario import Scenario, _unknown, cross_check
from whatif.variants import (
    CloseAirspace,
    ClosePassage,
    ClosePlace,
    DegradeNavigation,
    DegradePlace,
    FleetLoss,
    MemberDelay,
    MemberOptOut,
    RequirementChange,
    Variant,
    VariantsError,
    Where,
    load_variants,
)

Data = dict[str, Any]


class _ChangeError(ValueError):
    """One change that cannot apply to this base; the caller adds where it is written."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def apply_variant(base: Scenario, variant: Variant,
                  where: dict[int, Where] | None = None, prefix: str = "") -> Scenario:
    """The base scenario with every change of `variant` applied, validated again.

    `where`: per change index, (file, line) it was written at, and `prefix` the variant's
    field path in its file ("variants[2]."), for errors. Raises
    VariantsError listing every change that cannot apply (unknown place, fleet, member,
    sector; a window the model cannot represent; a result the scenario schema refuses)."""
    where = where or {}
    data: Data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    problems: list[Problem] = []
    for j, change in enumerate(variant.changes):
        file, line = where.get(j, ("<what-if>", None))
        path = f"{prefix}changes[{j}].{change.kind}"
        try:
            _APPLY[change.kind](data, change.body, base)
        except _ChangeError as exc:
            field = f".{exc.field}" if exc.field else ""
            problems.append(Problem(file, line, path + field, str(exc)))
    if problems:
        raise VariantsError(problems)
    data["name"] = f"{base.name} \u2014 what-if: {variant.name}"
    try:
        result = Scenario.model_validate(data)
    except ValidationError as exc:
        raise VariantsError([
            _after(variant, where, prefix, loader._dotted(loader._loc(e["loc"])),
                   loader._message(e)) for e in exc.errors()]) from None
    cross = cross_check(result)
    if cross:
        raise VariantsError([_after(variant, where, prefix, loader._dotted(p), msg)
                             for p, msg in cross])
    return result


def _after(variant: Variant, where: dict[int, Where], prefix: str, field: str, msg: str
           ) -> Problem:
    """A problem of the changed scenario, pinned on the variant's first change."""
    file, line = where.get(0, ("<what-if>", None))
    return Problem(file, line, f"{prefix}changes",
                   f"what-if {quoted(variant.id)} makes the scenario invalid: {field}: {msg}")


# --- one function per kind of change ------------------------------------------------------


def _index(items: list[Data], key: str, value: str, what: str, field: str) -> int:
    for i, x in enumerate(items):
        if x.get(key) == value:
            return i
    raise _ChangeError(_unknown(value, {str(x.get(key)) for x in items}, what), field)


def _window(from_day: int | None, to_day: int | None, base: Scenario) -> tuple[int, int] | None:
    """(from_day, to_day) of a window shorter than the horizon; None for the whole of it."""
    last = base.horizon_days - 1
    start, end = from_day or 0, last if to_day is None else min(to_day, last)
    if start > last:
        raise _ChangeError(f"from_day {start} is after the last day of the horizon, C+{last}",
                           "from_day")
    if end < start:
        raise _ChangeError(f"to_day {end} is before from_day {start}", "to_day")
    return None if (start, end) == (0, last) else (start, end)


def _add_outage(data: Data, place: str, window: tuple[int, int], factor: float,
                reason: str) -> None:
    data["outages"] = [*data.get("outages", []), {
        "place": place, "from_day": window[0], "to_day": window[1], "factor": factor,
        "reason": reason}]


def _add_unique(data: Data, key: str, values: Iterable[str]) -> None:
    items = list(data.get(key, []))
    items.extend(v for v in values if v not in items)
    data[key] = items


def _close_place(data: Data, c: ClosePlace, base: Scenario) -> None:
    _index(data["places"], "id", c.place, "place", "place")
    window = _window(c.from_day, c.to_day, base)
    if window is None:
        _add_unique(data, "closed_places", [c.place])
    else:
        _add_outage(data, c.place, window, 0.0, "closed (what-if)")


def _degrade_place(data: Data, c: DegradePlace, base: Scenario) -> None:
    i = _index(data["places"], "id", c.place, "place", "place")
    window = _window(c.from_day, c.to_day, base)
    place = dict(data["places"][i])
    if "throughput_tpd" not in place and "mog" not in place:
        raise _ChangeError(
            f"place {quoted(c.place)} has no throughput_tpd or mog: its capacity is unlimited "
            "and cannot be scaled; give it a throughput_tpd in the scenario, or use close_place",
            "place")
    if window is not None:
        _add_outage(data, c.place, window, c.factor, f"at {c.factor:g} of capacity (what-if)")
        return
    if "throughput_tpd" in place:
        place["throughput_tpd"] = float(place["throughput_tpd"]) * c.factor
    if "mog" in place:
        place["mog"] = max(1, int(int(place["mog"]) * c.factor))
    data["places"][i] = place


def _degrade_navigation(data: Data, c: DegradeNavigation, base: Scenario) -> None:
    last = base.horizon_days - 1
    window = _window(c.from_day, c.to_day, base) or (0, last)
    hit = [p for p in data["places"] if p.get("kind") == "airfield"
           and p.get("country") in c.countries and ("throughput_tpd" in p or "mog" in p)]
    if not hit:
        raise _ChangeError(
            f"no airfield in {', '.join(c.countries)} has a throughput_tpd or mog to degrade",
            "countries")
    taken = {(o["place"], d) for o in data.get("outages", [])
             for d in range(o["from_day"], o["to_day"] + 1)}
    for p in hit:
        if any((p["id"], d) in taken for d in range(window[0], window[1] + 1)):
            raise _ChangeError(
                f"airfield {quoted(p['id'])} already has an outage in days {window[0]}-"
                f"{window[1]}: one outage per place and day", "countries")
        _add_outage(data, p["id"], window, c.factor, f"GPS jamming at {c.factor:g} (what-if)")


def _close_passage(data: Data, c: ClosePassage, base: Scenario) -> None:
    _add_unique(data, "closed_passages", [c.passage])


def _close_airspace(data: Data, c: CloseAirspace, base: Scenario) -> None:
    from contracts.scenario import _outline_codes

    try:
        _outline_codes(c.countries)
    except ValueError as exc:
        raise _ChangeError(str(exc), "countries") from None
    _add_unique(data, "closed_airspace", c.countries)


def _fleet_loss(data: Data, c: FleetLoss, base: Scenario) -> None:
    i = _index(data["fleets"], "id", c.fleet, "fleet", "fleet")
    fleet = dict(data["fleets"][i])
    size = int(fleet["count"])
    if c.count > size:
        raise _ChangeError(
            f"fleet {quoted(c.fleet)} has {size} vehicles: cannot lose {c.count}", "count")
    if c.from_day is not None:
        if c.count != size:
            raise _ChangeError(
                f"from_day applies only to the whole fleet (count: {size}), withheld until "
                f"that day; a partial loss holds for the whole horizon: omit from_day",
                "from_day")
        fleet["available_day"] = max(int(fleet.get("available_day", 0)), c.from_day)
        data["fleets"][i] = fleet
    elif c.count == size:
        del data["fleets"][i]
    else:
        fleet["count"] = size - c.count
        data["fleets"][i] = fleet


def _member_delay(data: Data, c: MemberDelay, base: Scenario) -> None:
    i = _index(data["members"], "code", c.member, "member", "member")
    member = dict(data["members"][i])
    member["decision_delay_days"] = int(member.get("decision_delay_days", 0)) + c.days
    data["members"][i] = member


def _member_opt_out(data: Data, c: MemberOptOut, base: Scenario) -> None:
    i = _index(data["members"], "code", c.member, "member", "member")
    if c.member == base.ally:
        raise _ChangeError(f"{c.member} is the ally itself: it cannot opt out", "member")
    data["members"][i] = {**data["members"][i], "opt_out": True}


def _requirement_change(data: Data, c: RequirementChange, base: Scenario) -> None:
    i = _index(data["sectors"], "id", c.sector, "sector", "sector")
    sector = dict(data["sectors"][i])
    reqs = [dict(r) for r in sector["requirements"]]
    given = {"amount": c.amount, "by_day": c.by_day, "weight": c.weight}
    given = {k: v for k, v in given.items() if v is not None}
    for r in reqs:
        if r["capability"] == c.capability:
            r.update(given)
            break
    else:
        if c.by_day is None:
            raise _ChangeError(
                f"sector {quoted(c.sector)} has no requirement for {quoted(c.capability)}: "
                "give by_day to add one", "by_day")
        reqs.append({"capability": c.capability, **given})
    sector["requirements"] = reqs
    data["sectors"][i] = sector


_APPLY: dict[str, Any] = {
    "close_place": _close_place,
    "degrade_place": _degrade_place,
    "degrade_navigation": _degrade_navigation,
    "close_passage": _close_passage,
    "close_airspace": _close_airspace,
    "fleet_loss": _fleet_loss,
    "member_delay": _member_delay,
    "member_opt_out": _member_opt_out,
    "requirement_change": _requirement_change,
}


def apply_all(base: Scenario, variants: list[Variant],
              lines: dict[tuple[int, int], Where] | None = None) -> list[Scenario]:
    """Every variant applied to the base; one VariantsError listing the problems of all."""
    lines = lines or {}
    out: list[Scenario] = []
    problems: list[Problem] = []
    for i, v in enumerate(variants):
        where = {j: w for (vi, j), w in lines.items() if vi == i}
        try:
            out.append(apply_variant(base, v, where, f"variants[{i}]."))
        except VariantsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise VariantsError(problems)
    return out


def inert_changes(base: Scenario, variant: Variant) -> list[int]:
    """Indexes of the changes that leave the base as it is (an airspace the base already
    closes, a place already closed): worth a warning, since the what-if then asks nothing."""
    same = []
    for j, change in enumerate(variant.changes):
        data: Data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
        try:
            _APPLY[change.kind](data, change.body, base)
        except _ChangeError:
            continue
        if data == base.model_dump(mode="json", by_alias=True, exclude_none=True):
            same.append(j)
    return same


# --- a single what-if from command-line flags ----------------------------------------------


def variant_from_flags(
    close_place: list[str], degrade_place: list[str], close_passage: list[str],
    close_airspace: list[str], fleet_loss: list[str], member_delay: list[str],
    opt_out: list[str],
) -> Variant | None:
    """The what-if the flags describe (id `whatif`), or None when no flag is given.

    `--member-delay DE:+5`, `--fleet-loss us-c17:13`, `--degrade-place PLGDN:0.5`; the
    others take an id or code, and may repeat or list several separated by commas."""
    changes: list[Data] = []
    labels: list[str] = []
    problems: list[Problem] = []

    def pair(flag: str, text: str) -> tuple[str, str] | None:
        key, sep, value = text.partition(":")
        if not sep or not key.strip() or not value.strip():
            problems.append(Problem(flag, None, "", f"{quoted(text)}: write ID:VALUE"))
            return None
        return key.strip(), value.strip()

    def number(flag: str, text: str, kind: type) -> Any:
        try:
            return kind(text.lstrip("+"))
        except ValueError:
            problems.append(Problem(flag, None, "", f"{quoted(text)} is not a number"))
            return None

    def keyed(flag: str, texts: list[str], kind: type,
              build: Callable[[str, Any], tuple[Data, str]]) -> None:
        """The ID:VALUE flags: each a change and its label, or a problem."""
        for text in texts:
            kv = pair(flag, text)
            if kv and (value := number(flag, kv[1], kind)) is not None:
                change, label = build(kv[0], value)
                changes.append(change)
                labels.append(label)

    for p in _split(close_place):
        changes.append({"close_place": {"place": p}})
        labels.append(f"{p} closed")
    keyed("--degrade-place", degrade_place, float, lambda k, f: (
        {"degrade_place": {"place": k, "factor": f}}, f"{k} at {f:.0%}"))
    for p in _split(close_passage):
        changes.append({"close_passage": {"passage": p}})
        labels.append(f"{p} closed")
    codes = _split(close_airspace)
    if codes:
        changes.append({"close_airspace": {"countries": codes}})
        labels.append(f"{', '.join(codes)} airspace closed")
    keyed("--fleet-loss", fleet_loss, int, lambda k, n: (
        {"fleet_loss": {"fleet": k, "count": n}}, f"{n} {k} lost"))
    keyed("--member-delay", member_delay, int, lambda k, n: (
        {"member_delay": {"member": k, "days": n}}, f"{k} decides {n} days later"))
    for m in _split(opt_out):
        changes.append({"member_opt_out": {"member": m}})
        labels.append(f"{m} opts out")
    if problems:
        raise VariantsError(problems)
    if not changes:
        return None
    try:
        return Variant.model_validate(
            {"id": "whatif", "name": "; ".join(labels), "changes": changes})
    except ValidationError as exc:
        raise VariantsError([_flag_problem(e) for e in exc.errors()]) from None


def _flag(kind: str) -> str:
    return "--" + (kind.replace("_", "-").replace("member-opt-out", "opt-out") or "what-if")


def flag_where(variant: Variant) -> dict[int, Where]:
    """For errors in a what-if given by flags: each change's flag, in place of a file line."""
    return {j: (_flag(c.kind), None) for j, c in enumerate(variant.changes)}


def _flag_problem(err: Any) -> Problem:
    loc = [p for p in err["loc"] if isinstance(p, str) and not p[:1].isupper()]
    kind = next((p for p in loc if p in _APPLY), "")
    return Problem(_flag(kind), None, ".".join(loc[loc.index(kind) + 1:]) if kind else "",
                   loader._message(err))


def _split(values: list[str]) -> list[str]:
    return [v.strip() for text in values for v in text.split(",") if v.strip()]


def scenario_yaml(s: Scenario) -> str:
    """The scenario as a YAML file the loader reads back to the same scenario."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buf = io.StringIO()
    yaml.dump(s.model_dump(mode="json", by_alias=True, exclude_none=True), buf)
    return buf.getvalue()


# --- everything `mobilize whatif` will solve -------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    """A what-if ready to solve: the variant, the changed scenario, what to record of it
    (whatif.json) and the indexes of its changes that change nothing in the base."""

    variant: Variant
    scenario: Scenario
    meta: dict[str, Any]
    inert: list[int] = field(default_factory=list)


def load_whatifs(base_file: Path, base: Scenario, variants_file: Path | None,
                 flagged: Variant | None) -> list[WhatIf]:
    """The variants file's what-ifs and the flags' one, applied to the base; VariantsError
    listing every mistake (before anything is solved)."""
    out: list[WhatIf] = []
    if variants_file is not None:
        vf, lines = load_variants(variants_file)
        for v, s in zip(vf.variants, apply_all(base, vf.variants, lines), strict=True):
            out.append(WhatIf(v, s, _meta(v, base_file, variants_file), inert_changes(base, v)))
    if flagged is not None:
        if any(w.variant.id == flagged.id for w in out):
            raise VariantsError([Problem(str(variants_file), None, "variants", (
                f"the flags make a what-if with id {quoted(flagged.id)}, and the variants "
                "file has one too: rename the file's"))])
        s = apply_variant(base, flagged, flag_where(flagged))
        out.append(WhatIf(flagged, s, _meta(flagged, base_file, None),
                          inert_changes(base, flagged)))
    return out


def _meta(v: Variant, base_file: Path, variants_file: Path | None) -> dict[str, Any]:
    return {"id": v.id, "name": v.name, "description": v.description,
            "base": str(base_file), "variants_file": str(variants_file) if variants_file else None,
            "changes": [c.model_dump(mode="json", exclude_none=True) for c in v.changes]}
