"""The variants file: what-ifs to apply on top of a base scenario, validated like a scenario.

A variants file is YAML::

    name: Baltic what-ifs            # optional
    variants:
      - id: gdansk-closed            # folder name of its results: letters, digits, . _ -
        name: Port of Gdańsk closed
        changes:
          - close_place: {place: PLGDN}
          - member_delay: {member: DE, days: 5}

Each change is a mapping with exactly one key, the kind of change (see `CHANGE_KINDS` and
docs in `whatif/apply.py`, which applies them). Every mistake comes back at once as a
`Problem` with file, line and field, through the scenario loader's machinery.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator
from ruamel.yaml.comments import CommentedMap

from contracts import loader
from contracts.errors import MobilizeError, Problem, ScenarioError, quoted
from contracts.scenario import CountryCode, Id, Passage, _Model

Day = Annotated[int, Field(ge=0, le=365)]
# Folder names: an id, not "base" (the base scenario's own folder).
RESERVED_IDS = ("base",)


class ClosePlace(_Model):
    """A port, airfield, railhead or base out of action (e.g. a cyber attack)."""

    place: Id
    from_day: Day | None = None
    to_day: Day | None = None


class DegradePlace(_Model):
    """A place working at a fraction of its throughput_tpd and MOG."""

    place: Id
    factor: Annotated[float, Field(gt=0, lt=1)]
    from_day: Day | None = None
    to_day: Day | None = None


class DegradeNavigation(_Model):
    """GPS jamming: the airfields of `countries` work at `factor` of their throughput and MOG
    (approaches flown without satellite navigation), between two days."""

    countries: list[CountryCode] = Field(min_length=1)
    factor: Annotated[float, Field(gt=0, lt=1)]
    from_day: Day | None = None
    to_day: Day | None = None


class ClosePassage(_Model):
    """A sea passage closed (searoute's passage names)."""
    passage: Passage


class CloseAirspace(_Model):
    """A country's airspace closed to air legs."""
    countries: list[CountryCode] = Field(min_length=1)


class FleetLoss(_Model):
    """`count` vehicles of a fleet lost; with `from_day`, the whole fleet withheld until then."""

    fleet: Id
    count: Annotated[int, Field(ge=1)]
    from_day: Day | None = None


class MemberDelay(_Model):
    """A member deciding some days later."""
    member: CountryCode
    days: Annotated[int, Field(ge=1, le=365)]


class MemberOptOut(_Model):
    """A member not taking part at all."""
    member: CountryCode


class RequirementChange(_Model):
    """A sector's requirement for a capability set to a new amount (and due day, weight);
    added if the sector has none for that capability (then by_day is needed)."""

    sector: Id
    capability: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Annotated[float, Field(gt=0)]
    by_day: Day | None = None
    weight: Annotated[float, Field(gt=0)] | None = None


class Change(_Model):
    """One change: exactly one of the fields is given."""

    close_place: ClosePlace | None = None
    degrade_place: DegradePlace | None = None
    degrade_navigation: DegradeNavigation | None = None
    close_passage: ClosePassage | None = None
    close_airspace: CloseAirspace | None = None
    fleet_loss: FleetLoss | None = None
    member_delay: MemberDelay | None = None
    member_opt_out: MemberOptOut | None = None
    requirement_change: RequirementChange | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Change:
        given = [k for k in CHANGE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a change is exactly one of {', '.join(CHANGE_KINDS)}"
                + (f"; this one gives {', '.join(given)}" if given else ""))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in CHANGE_KINDS if getattr(self, k) is not None)

    @property
    def body(self) -> _Model:
        body: _Model = getattr(self, self.kind)
        return body


CHANGE_KINDS: tuple[str, ...] = (
    "close_place", "degrade_place", "degrade_navigation", "close_passage", "close_airspace",
    "fleet_loss", "member_delay", "member_opt_out", "requirement_change",
)


class Variant(_Model):
    """One what-if: an id, a name and the changes applied to the base."""
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    changes: list[Change] = Field(min_length=1)


class VariantsFile(_Model):
    """A variants file: the what-ifs to run on one base scenario."""
    name: str = ""
    description: str = ""
    variants: list[Variant] = Field(min_length=1)


class VariantsError(ScenarioError):
    """A variants file (or a what-if flag) that is wrong; one Problem per mistake."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        MobilizeError.__init__(
            self, f"{count} in what-ifs\n" + "\n".join(str(p) for p in problems))


# Where each variant and change sits in its file, for errors found when applying them.
Where = tuple[str, int | None]


def load_variants(path: str | Path) -> tuple[VariantsFile, dict[tuple[int, int], Where]]:
    """Parse and validate a variants file. Returns it and, per (variant, change) index, the
    file and line of that change (for errors found later, against the base scenario)."""
    return parse_variants(*loader.read_input(path, VariantsError))


def parse_variants(text: str, name: str = "<variants>"
                   ) -> tuple[VariantsFile, dict[tuple[int, int], Where]]:
    """Parse and validate variants text; VariantsError listing every problem."""
    try:
        doc = loader._read(text, name)
        if not isinstance(doc, CommentedMap):
            raise VariantsError([Problem(name, 1, "", (
                "a variants file is a YAML mapping with a list of `variants`"))])
        loader._measure(doc, name)
    except VariantsError:
        raise
    except ScenarioError as exc:  # the loader's YAML and size checks
        raise VariantsError(exc.problems) from None
    except RecursionError:
        raise VariantsError([Problem(name, None, "", "nested too deeply")]) from None
    try:
        vf = VariantsFile.model_validate(loader._plain(doc))
    except ValidationError as exc:
        raise VariantsError([
            loader._problem(name, doc, _loc(e["loc"]), loader._message(e).replace(
                "docs/contracts.md", "docs/whatif.md")) for e in exc.errors()
        ]) from None
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, v in enumerate(vf.variants):
        if v.id in RESERVED_IDS:
            problems.append(loader._problem(name, doc, ("variants", i, "id"), (
                f"{quoted(v.id)} is the base scenario's folder: choose another id")))
        elif v.id in seen:
            problems.append(loader._problem(name, doc, ("variants", i, "id"), (
                f"duplicate id {quoted(v.id)}: each variant's id must be unique")))
        seen.add(v.id)
    if problems:
        raise VariantsError(problems)
    lines = {
        (i, j): (name, loader._line_of(doc, ("variants", i, "changes", j, c.kind)))
        for i, v in enumerate(vf.variants) for j, c in enumerate(v.changes)
    }
    return vf, lines


def _loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic names the model validator's branch in a union of a model and None
    # ("close_place", "ClosePlace", "place"): keep the path into the document.
    out = loader._loc(loc)
    return tuple(p for p in out if not (isinstance(p, str) and p[:1].isupper()))
