"""Sweeps: many what-ifs drawn from distributions, each solved on its own, then summarised.

`mobilize sweep BASE.yaml --vary PATH=DIST ... --samples N --seed S` draws every sample up
front in the parent from one numpy Generator, turns each into a what-if of `whatif/apply.py`
(the only way mobilize changes a scenario), solves the samples as independent tasks on any
`concurrent.futures.Executor` (local processes, or a Dask cluster through
`distributed.Client.get_executor()`: the same code path), sorts the results by sample id and
computes the statistics. Which worker ran a sample, and in which order they finished, cannot
change a number. A MIP sweep then shares plans between its samples, as a what-if run does
between its worlds (`whatif/sweep_share.py`): each sample keeps the best plan that obeys its
rules, whichever sample's search found it.

The `--vary` grammar, `PATH=DIST`:

=============================================  =========  =================================
PATH                                           values     what-if change (whatif/apply.py)
=============================================  =========  =================================
``members.CODE.decision_delay_days``           integer    ``member_delay``
``members.CODE.opt_out``                       on/off     ``member_opt_out``
``fleets.ID.count``                            integer    ``fleet_loss`` (0 loses it all)
``places.ID.closed``                           on/off     ``close_place``
``places.ID.capacity_factor``                  (0, 1]     ``degrade_place`` (1: as is)
``passages.NAME``                              on/off     ``close_passage``
``airspace.CODE``                              on/off     ``close_airspace``
``sectors.ID.requirements.CAPABILITY.amount``  > 0        ``requirement_change``
=============================================  =========  =================================

On/off values: ``0``, ``false``, ``open`` (as in the base) or ``1``, ``true``, ``closed``
(the change applies). DIST is one of

- ``uniform(a,b)``: equally likely over [a, b]; whole numbers a..b (both included) for an
  integer or on/off value, real numbers otherwise;
- ``choice(v1,v2,...)``: one of the values, equally likely;
- ``range(start,stop,step)``: not drawn: every value start, start+step, ... up to stop
  *included* (``range(20,60,5)`` is 20, 25, ..., 60). Ranges make a grid (their product);
  each grid point is solved once, or `--samples` times when random inputs are varied too.

The changes of apply.py only take away (lose aircraft, add days of delay, close), while a
sweep may go beyond the base (more aircraft than it has, a shorter delay, a passage the
base closes opened). So a sweep first sets each varied input of the base to its "nothing
changed" end among the values drawn (`sweep_base`: a fleet at the largest count drawn, a
member at the shortest delay, a varied place, passage or airspace open, a member in), and
every sample is that base with what-if changes. The inputs recorded are the values drawn.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from contracts.errors import MobilizeError, quoted
from contracts.plan import Plan
from contracts.scenario import Passage, Scenario, _unknown
from optimizer.settings import SearchSettings

Data = dict[str, Any]
Kind = Literal["delay", "opt_out", "fleet_count", "place_closed", "place_capacity",
               "passage", "airspace", "requirement"]
DEFAULT_SAMPLES = 100
QUANTILES = (0.1, 0.5, 0.9)
# Tornado groups: samples at or below an input's 1/3 quantile against those at or above 2/3.
TORNADO_LOW, TORNADO_HIGH = 1 / 3, 2 / 3
_ON_OFF = {"0": 0, "false": 0, "open": 0, "1": 1, "true": 1, "closed": 1}


class SweepError(MobilizeError):
    """A `--vary` spec (or sweep option) that is wrong: one line per mistake."""


# --- the grammar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a `--vary` path names: the kind of change, the id it applies to, and the values
    it takes (`integer`: whole numbers; `on_off`: 0 or 1)."""

    kind: Kind
    key: str  # member code, fleet id, place id, passage, country, or "sector/capability"
    label: str  # for tables and the page: the path and the name of what it names
    integer: bool = False
    on_off: bool = False
    low: float = -math.inf  # allowed values, both ends included (low_open: low excluded)
    high: float = math.inf
    low_open: bool = False


@dataclass(frozen=True)
class Distribution:
    """How an input's values come: drawn (uniform, choice) or walked (range)."""

    kind: Literal["uniform", "choice", "range"]
    values: tuple[float, ...]  # uniform: (a, b); choice: the values; range: the grid


@dataclass(frozen=True)
class VarySpec:
    """One `--vary PATH=DIST`, checked against the base scenario."""

    text: str
    path: str
    target: Target
    dist: Distribution

    @property
    def is_grid(self) -> bool:
        return self.dist.kind == "range"


def parse_vary(texts: Sequence[str], base: Scenario) -> list[VarySpec]:
    """Every `--vary` text parsed and checked against `base`; SweepError with one line per
    bad spec (naming the flag, the spec and what is wrong) when any is wrong."""
    specs: list[VarySpec] = []
    problems: list[str] = []
    for text in texts:
        try:
            specs.append(_parse_one(text, base))
        except ValueError as exc:
            problems.append(f"--vary {quoted(text)}: {exc}")
    paths = [s.path for s in specs]
    problems += [f"--vary {quoted(p)}: varied twice; give each input once"
                 for p in sorted({p for p in paths if paths.count(p) > 1})]
    if not texts:
        problems.append("--vary: give at least one input to vary, e.g. "
                        "--vary members.DE.decision_delay_days=uniform(0,10)")
    if problems:
        raise SweepError("\n".join(problems))
    return specs


_SPEC = re.compile(r"^\s*(?P<path>[^=\s]+)\s*=\s*(?P<dist>[a-z]+)\s*\((?P<args>[^()]*)\)\s*$")


def _parse_one(text: str, base: Scenario) -> VarySpec:
    m = _SPEC.match(text)
    if not m:
        raise ValueError("write PATH=DIST, e.g. fleets.us-c17.count=range(20,60,5), where "
                         "DIST is uniform(a,b), choice(v1,v2,...) or range(start,stop,step)")
    target = _target(m["path"], base)
    dist = _distribution(m["dist"], [a.strip() for a in m["args"].split(",")], target)
    return VarySpec(text.strip(), m["path"], target, dist)


PATHS = ("members.CODE.decision_delay_days", "members.CODE.opt_out", "fleets.ID.count",
         "places.ID.closed", "places.ID.capacity_factor", "passages.NAME", "airspace.CODE",
         "sectors.ID.requirements.CAPABILITY.amount")


def _target(path: str, base: Scenario) -> Target:
    """The input a path names, checked against the base (unknown ids named with the
    known ones)."""
    parts = path.split(".")
    head, rest = parts[0], parts[1:]
    members = {m.code: m for m in base.members}
    fleets = {f.id: f for f in base.fleets}
    places = {p.id: p for p in base.places}
    sectors = {s.id: s for s in base.sectors}
    if head == "members" and len(rest) == 2:
        code, fld = rest
        _known(code, members, "member")
        name = members[code].name
        if fld == "decision_delay_days":
            return Target("delay", code, f"{path} ({name})", integer=True, low=0, high=365)
        if fld == "opt_out":
            if code == base.ally:
                raise ValueError(f"{code} is the ally itself: it cannot opt out")
            return Target("opt_out", code, f"{path} ({name})", integer=True, on_off=True)
    elif head == "fleets" and len(rest) == 2 and rest[1] == "count":
        _known(rest[0], fleets, "fleet")
        name = fleets[rest[0]].name or rest[0]
        return Target("fleet_count", rest[0], f"{path} ({name})", integer=True, low=0,
                      high=100_000)
    elif head == "places" and len(rest) == 2 and rest[1] in ("closed", "capacity_factor"):
        _known(rest[0], places, "place")
        p = places[rest[0]]
        name = p.name or rest[0]
        if rest[1] == "closed":
            return Target("place_closed", p.id, f"{path} ({name})", integer=True, on_off=True)
        if p.throughput_tpd is None and p.mog is None:
            raise ValueError(f"place {p.id!r} has no throughput_tpd or mog: its capacity is "
                             "unlimited and cannot be scaled; vary places.ID.closed instead")
        return Target("place_capacity", p.id, f"{path} ({name})", low=0, high=1,
                      low_open=True)
    elif head == "passages" and len(rest) == 1:
        passages = get_args(Passage)
        if rest[0] not in passages:
            raise ValueError(_unknown(rest[0], set(passages), "passage"))
        return Target("passage", rest[0], path, integer=True, on_off=True)
    elif head == "airspace" and len(rest) == 1:
        if not re.fullmatch(r"[A-Z]{2}", rest[0]):
            raise ValueError(f"{rest[0]!r} is not an ISO 3166-1 alpha-2 country code, e.g. SE")
        return Target("airspace", rest[0], path, integer=True, on_off=True)
    elif (head == "sectors" and len(rest) == 4 and rest[1] == "requirements"
          and rest[3] == "amount"):
        _known(rest[0], sectors, "sector")
        caps = {r.capability for r in sectors[rest[0]].requirements}
        if rest[2] not in caps:
            raise ValueError(_unknown(rest[2], caps, f"capability of sector {rest[0]!r}"))
        return Target("requirement", f"{rest[0]}/{rest[2]}",
                      f"{path} ({sectors[rest[0]].name})", low=0, low_open=True)
    raise ValueError(f"unknown input {path!r}: an input is one of {', '.join(PATHS)}")


def _known(key: str, table: dict[str, Any], what: str) -> None:
    if key not in table:
        raise ValueError(_unknown(key, set(table), what))


def _distribution(kind: str, args: list[str], t: Target) -> Distribution:
    """The distribution with its values checked against what the target takes."""
    if kind not in ("uniform", "choice", "range"):
        raise ValueError(f"unknown distribution {kind!r}: use uniform(a,b), choice(v1,v2,...) "
                         "or range(start,stop,step)")
    values = [_value(a, t) for a in args]
    if kind == "uniform":
        if len(values) != 2 or values[0] >= values[1]:
            raise ValueError("uniform takes two values a < b: uniform(a,b)")
        return Distribution("uniform", (values[0], values[1]))
    if kind == "choice":
        if len(values) < 2:
            raise ValueError("choice takes two values or more: choice(v1,v2,...)")
        return Distribution("choice", tuple(values))
    if len(values) != 3 or values[2] <= 0 or values[1] < values[0]:
        raise ValueError("range takes start <= stop and a step > 0: range(start,stop,step)")
    start, stop, step = values
    n = math.floor((stop - start) / step + 1e-9) + 1
    grid = tuple(_check(round(start + k * step, 9), t) for k in range(n))
    return Distribution("range", grid)


def _value(text: str, t: Target) -> float:
    """One value of a spec as a number (on/off: 0 or 1), or ValueError saying why not."""
    if t.on_off:
        if text.lower() not in _ON_OFF:
            raise ValueError(f"{text!r}: this input is on/off: 0, false, open (as in the base) "
                             "or 1, true, closed")
        return float(_ON_OFF[text.lower()])
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    if t.integer and value != int(value):
        raise ValueError(f"{text!r}: this input takes whole numbers")
    return _check(value, t)


def _check(value: float, t: Target) -> float:
    too_low = value <= t.low if t.low_open else value < t.low
    if too_low or value > t.high:
        lo = "(" if t.low_open else "["
        raise ValueError(f"{value:g} is out of range: this input takes values in "
                         f"{lo}{t.low:g}, {t.high:g}]")
    return value


# --- drawing the samples --------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One sample: its id and the value drawn for each input (by path)."""

    id: int
    inputs: dict[str, float]


def draw_samples(specs: Sequence[VarySpec], samples: int | None, seed: int) -> list[Sample]:
    """Every sample, drawn deterministically from `seed` before anything runs.

    The grid (product of the `range` inputs, in flag order) is walked point by point; each
    point gets `samples` draws of the random inputs (default `DEFAULT_SAMPLES` without a
    grid, 1 with a grid and nothing random). Random inputs are drawn one after the other
    from one `numpy.random.default_rng(seed)`, a column of all samples at a time, so adding
    an input after the others leaves their draws as they were."""
    grid_specs = [s for s in specs if s.is_grid]
    random_specs = [s for s in specs if not s.is_grid]
    if samples is not None and samples < 1:
        raise SweepError(f"--samples {samples}: give 1 or more")
    if not random_specs and samples not in (None, 1):
        raise SweepError(f"--samples {samples}: every input is a range, so each grid point is "
                         "solved once (the plan is the same every time): omit --samples")
    per_point = samples or (1 if grid_specs else DEFAULT_SAMPLES)
    points = list(itertools.product(*(s.dist.values for s in grid_specs)))
    total = len(points) * per_point
    rng = np.random.default_rng(seed)
    columns = {s.path: _draw(rng, s, total) for s in random_specs}
    out = []
    for i in range(total):
        point = dict(zip((s.path for s in grid_specs), points[i // per_point], strict=True))
        drawn = {path: col[i] for path, col in columns.items()}
        values = point | drawn
        out.append(Sample(i, {s.path: _typed(values[s.path], s.target) for s in specs}))
    return out


def _typed(value: float, t: Target) -> float:
    # whole numbers stay whole in sweep.csv and sweep.json (20, not 20.0)
    return int(value) if t.integer else float(value)


def _draw(rng: np.random.Generator, spec: VarySpec, n: int) -> list[float]:
    d, t = spec.dist, spec.target
    if d.kind == "choice":
        return [d.values[k] for k in rng.integers(0, len(d.values), size=n)]
    a, b = d.values
    if t.integer:
        return [float(v) for v in rng.integers(int(a), int(b), endpoint=True, size=n)]
    return [float(v) for v in rng.uniform(a, b, size=n)]


# --- samples as what-if changes ---------------------------------------------------------------


def sweep_base(base: Scenario, specs: Sequence[VarySpec], samples: Sequence[Sample]
               ) -> Scenario:
    """The base with each varied input at its "nothing changed" end among the values drawn,
    so that every sample is this base plus changes of whatif/apply.py (which only take
    away): fleets at the largest count drawn (at least 1), members at the shortest delay
    drawn, varied places, passages and airspace open, varied members in."""
    data: Data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    for s in specs:
        drawn = [smp.inputs[s.path] for smp in samples]
        t = s.target
        if t.kind == "fleet_count" and max(drawn) >= 1:
            _set(data["fleets"], "id", t.key, "count", int(max(drawn)))
        elif t.kind == "delay":
            _set(data["members"], "code", t.key, "decision_delay_days", int(min(drawn)))
        elif t.kind == "opt_out":
            _set(data["members"], "code", t.key, "opt_out", False)
        elif t.kind in ("place_closed", "passage", "airspace"):
            key = {"place_closed": "closed_places", "passage": "closed_passages",
                   "airspace": "closed_airspace"}[t.kind]
            data[key] = [x for x in data.get(key, []) if x != t.key]
    return Scenario.model_validate(data)


def _set(items: list[Data], key: str, value: str, fld: str, new: Any) -> None:
    for item in items:
        if item.get(key) == value:
            item[fld] = new


def sample_changes(base: Scenario, specs: Sequence[VarySpec], sample: Sample) -> list[Data]:
    """The what-if changes (whatif/variants.py `Change`s, as data) that turn the sweep base
    into this sample; values equal to the sweep base's give no change."""
    changes: list[Data] = []
    fleets = {f.id: f for f in base.fleets}
    members = {m.code: m for m in base.members}
    for s in specs:
        t, v = s.target, sample.inputs[s.path]
        if t.kind == "delay" and v > members[t.key].decision_delay_days:
            days = int(v) - members[t.key].decision_delay_days
            changes.append({"member_delay": {"member": t.key, "days": days}})
        elif t.kind == "opt_out" and v:
            changes.append({"member_opt_out": {"member": t.key}})
        elif t.kind == "fleet_count" and v < fleets[t.key].count:
            lost = fleets[t.key].count - int(v)
            changes.append({"fleet_loss": {"fleet": t.key, "count": lost}})
        elif t.kind == "place_closed" and v:
            changes.append({"close_place": {"place": t.key}})
        elif t.kind == "place_capacity" and v < 1:
            changes.append({"degrade_place": {"place": t.key, "factor": v}})
        elif t.kind == "passage" and v:
            changes.append({"close_passage": {"passage": t.key}})
        elif t.kind == "airspace" and v:
            changes.append({"close_airspace": {"countries": [t.key]}})
        elif t.kind == "requirement":
            sector, capability = t.key.split("/", 1)
            changes.append({"requirement_change": {
                "sector": sector, "capability": capability, "amount": v}})
    return changes


# --- one sample, anywhere -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunSettings:
    """How every sample is planned: `planner` greedy or mip, and the MIP's backend, safety
    net in seconds and work budgets (as `mobilize solve`)."""

    planner: str = "mip"
    solver: str = "highs"
    time_limit_s: float = 900.0
    search: SearchSettings = field(default_factory=SearchSettings)
    # MIP only: try every sample's plan in every other sample's world (whatif/sweep_share.py)
    share: bool = True
    # MIP only: solve the sweep base first and start every sample's search from its plan
    # (plan_with_mip's warm start: the Rio lift curve in 3.1 minutes against 11.6 cold, the
    # same curve; on the Baltic what-ifs 0.14-0.20 of a cold solve)
    warm: bool = True

    @property
    def shares_plans(self) -> bool:
        """Whether samples' plans are shared: a greedy plan has no objective to compare."""
        return self.planner == "mip" and self.share

    @property
    def warms(self) -> bool:
        """Whether samples start from the sweep base's plan: a greedy plan has no search."""
        return self.planner == "mip" and self.warm


@dataclass(frozen=True)
class SampleTask:
    """Everything a worker needs, as plain data: nothing is read from files there."""

    sample: Sample
    scenario: Data  # the sweep base, scenario JSON
    changes: list[Data]
    settings: RunSettings
    warm_from: Data | None = None  # the sweep base's plan.json, with `settings.warm`


@dataclass(frozen=True)
class SampleResult:
    """What a sample gives back: small, so that thousands travel cheaply."""

    id: int
    inputs: dict[str, float]
    gap_days: float | None
    closure_day: int | None  # None: not closed within the horizon (or no plan)
    late_forces: int | None
    status: str  # the planner's status, or "error"
    checker_ok: bool | None  # None when there is no plan to check
    violations: int = 0
    error: str = ""
    plan_from: int | None = None  # the sample whose search found the plan (None: its own)
    own_gap_days: float | None = None  # with plan_from: the gap-days of the sample's own plan
    # plan.json's content while plans are shared (MIP, `share`), then dropped
    plan: Data | None = field(default=None, repr=False)


def run_sample(task: SampleTask) -> SampleResult:
    """Apply the sample's changes to the sweep base, resolve, plan and check it. A pure
    function of `task` (the planners' budgets count work, not seconds), so any process or
    machine gives the same record. An error (no plan within the time limit, or a bug) is
    recorded with status "error" and its first line, not raised: one sample must not end a
    sweep of hundreds."""
    from checker import check_plan
    from optimizer.planner import plan_with_greedy, plan_with_mip

    sample, opts = task.sample, task.settings
    try:
        resolved = resolve_sample(task)
        if opts.planner == "mip":
            warm_from = None if task.warm_from is None else Plan.from_json(task.warm_from)
            plan, _ = plan_with_mip(resolved, opts.solver, opts.time_limit_s,
                                    settings=opts.search, warm_from=warm_from)
        else:
            plan = plan_with_greedy(resolved)
        violations = check_plan(resolved, plan.to_json())
    except MobilizeError as exc:
        return _failed(sample, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in one sample must not end the sweep
        # (nor reach the parent as an exception a process pool may fail to unpickle)
        return _failed(sample, f"{type(exc).__name__}: {exc}")
    return sample_result(sample, plan, violations,
                         plan.to_json() if opts.shares_plans else None)


def resolve_sample(task: SampleTask) -> Data:
    """The sample's world: the sweep base with its changes, resolved (resolved.json)."""
    from geodata.network import build_network
    from whatif.apply import apply_variant
    from whatif.variants import Variant

    sample = task.sample
    scenario = Scenario.model_validate(task.scenario)
    if task.changes:
        variant = Variant.model_validate({
            "id": f"sample-{sample.id}", "name": f"sweep sample {sample.id}",
            "changes": task.changes})
        scenario = apply_variant(scenario, variant)
    return build_network(scenario, f"<sweep sample {sample.id}>").to_json()


def sample_result(sample: Sample, plan: Plan, violations: Sequence[Any],
                  plan_json: Data | None = None, plan_from: int | None = None) -> SampleResult:
    """The record of a sample's plan and its checker verdict."""
    k = plan.kpis
    return SampleResult(
        sample.id, sample.inputs, k.gap_days, k.closure_day, k.late_forces,
        plan.solver.status, not violations, len(violations), plan_from=plan_from,
        plan=plan_json)


def _failed(sample: Sample, message: str) -> SampleResult:
    first = (message.strip().splitlines() or [""])[0]
    return SampleResult(sample.id, sample.inputs, None, None, None, "error", None,
                        error=first[:300])


# --- running them ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """A sweep ready to run: the specs, the samples drawn, and one task per sample."""

    base: Scenario  # as loaded
    specs: list[VarySpec]
    samples: list[Sample]
    tasks: list[SampleTask]
    seed: int
    settings: RunSettings
    # the sweep base's plan.json when it was solved already (`--base-plan`: a plan of the
    # scenario, which is then the sweep base); None: `warm_start` solves the base first
    base_plan: Data | None = None


def prepare_sweep(base: Scenario, vary: Sequence[str], samples: int | None, seed: int,
                  settings: RunSettings, base_plan: Plan | None = None) -> Sweep:
    """Parse the specs, draw the samples and build every sample's what-if, checking each
    against the scenario schema here, so a mistake stops the sweep before anything runs.
    `base_plan`: a plan of `base` (checked there by the caller) to start every sample from
    instead of solving the sweep base, which must then be `base` itself."""
    from whatif.apply import apply_variant
    from whatif.variants import Variant, VariantsError

    specs = parse_vary(vary, base)
    drawn = draw_samples(specs, samples, seed)
    try:
        wide = sweep_base(base, specs, drawn)
    except ValueError as exc:
        raise SweepError(f"--vary: the values drawn make the scenario invalid: {exc}") from None
    if base_plan is not None:
        _base_plan_fits(base, wide, specs, drawn, settings)
    data = wide.model_dump(mode="json", by_alias=True, exclude_none=True)
    tasks, problems, seen = [], [], set()
    for smp in drawn:
        changes = sample_changes(wide, specs, smp)
        key = repr(changes)
        if changes and key not in seen:  # the same changes need checking once
            seen.add(key)
            try:
                apply_variant(wide, Variant.model_validate(
                    {"id": "check", "name": "check", "changes": changes}))
            except (VariantsError, ValueError) as exc:
                problems.append(f"--vary: sample {smp.id} ({_inputs_text(smp)}) cannot "
                                f"apply: {str(exc).splitlines()[-1].strip()}")
        tasks.append(SampleTask(smp, data, changes, settings))
    if problems:
        raise SweepError("\n".join(problems[:5]) + (
            f"\n... and {len(problems) - 5} more samples" if len(problems) > 5 else ""))
    return Sweep(base, specs, drawn, tasks, seed, settings,
                 None if base_plan is None else base_plan.to_json())


def _base_plan_fits(base: Scenario, wide: Scenario, specs: Sequence[VarySpec],
                    drawn: Sequence[Sample], settings: RunSettings) -> None:
    """SweepError unless a plan of `base` can stand as the sweep base's: a warm MIP sweep
    whose base is the scenario itself (no input drawn beyond the scenario's own value)."""
    if not settings.warms:
        raise SweepError("--base-plan: only a warm MIP sweep starts from a base plan "
                         "(drop --cold or --planner greedy, or drop --base-plan)")

    def data(s: Scenario) -> Data:
        return s.model_dump(mode="json", by_alias=True, exclude_none=True)

    if data(wide) == data(base):
        return
    beyond = [s.path for s in specs if data(sweep_base(base, [s], drawn)) != data(base)]
    raise SweepError(
        f"--base-plan: the sweep base is not the scenario: {', '.join(beyond)} "
        "takes values beyond the scenario's own (more vehicles, a shorter delay, or "
        "something the scenario closes opened), so the scenario's plan is not the base's; "
        "drop --base-plan, or vary within the scenario's values")


def _inputs_text(smp: Sample) -> str:
    return ", ".join(f"{k}={_fmt(v)}" for k, v in smp.inputs.items())


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def local_executor(workers: int | None = None) -> Executor:
    """A pool of `workers` local processes (default: one per core). Spawned, not forked: a
    fork would copy the parent's threads (the progress bar's, HiGHS's) in whatever state
    they are in."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"))


def run_sweep(sweep: Sweep, executor: Executor,
              on_result: Callable[[SampleResult], None] | None = None,
              on_shared: Callable[[SampleResult], None] | None = None) -> list[SampleResult]:
    """Run every task on `executor` (a ProcessPoolExecutor, or a Dask cluster's
    `Client.get_executor()`; one code path) and return the results by sample id; with
    `warm`, from the sweep base's plan (`warm_start`); in a MIP sweep (with `share`), after
    sharing plans between samples on the same executor. `on_result` and `on_shared` are
    called in the parent as each solve and each sample's sharing arrives (progress bars)."""
    tasks, results = sweep.tasks, []
    if sweep.settings.warms:
        base, tasks = warm_start(sweep, executor)
        # A sample that changes nothing is the sweep base's world: its result is the base's,
        # not a second search from the base's own plan (which could land elsewhere)
        keep = sweep.settings.shares_plans
        results = [dataclasses.replace(base, id=t.sample.id, inputs=t.sample.inputs,
                                       plan=base.plan if keep else None)
                   for t in sweep.tasks if not t.changes]
        for result in results:
            if on_result is not None:
                on_result(result)
    results = sorted(results + gather(executor, run_sample, tasks, on_result),
                     key=lambda r: r.id)
    if sweep.settings.shares_plans:
        from whatif.sweep_share import share_samples

        results = share_samples(sweep, results, executor, on_shared)
    return results


def warm_start(sweep: Sweep, executor: Executor) -> tuple[SampleResult, list[SampleTask]]:
    """The sweep base (every input at its "nothing changed" end, so each sample only takes
    away from it) solved once on `executor` like the samples (or its plan given,
    `Sweep.base_plan`), its plan kept, and the tasks that change something, each with that
    plan to start from. Raises SweepError if the base has no plan."""
    if sweep.base_plan is not None:  # solved and checked already (`--base-plan`)
        base = sample_result(Sample(-1, {}), Plan.from_json(sweep.base_plan), [],
                             sweep.base_plan)
    else:
        first = sweep.tasks[0]
        task = SampleTask(Sample(-1, {}), first.scenario, [], dataclasses.replace(
            first.settings, share=True))  # keeps the plan in the result
        base = executor.submit(run_sample, task).result()
        if base.plan is None:
            raise SweepError(f"--warm: the sweep base has no plan to start from "
                             f"({base.error or base.status}); run with --cold")
    return base, [dataclasses.replace(t, warm_from=base.plan) for t in sweep.tasks if t.changes]


def gather(executor: Executor, fn: Callable[[Any], SampleResult], tasks: Sequence[Any],
           on_result: Callable[[SampleResult], None] | None = None) -> list[SampleResult]:
    """`fn` of every task on `executor`, the results sorted by sample id."""
    futures = [executor.submit(fn, task) for task in tasks]
    results: list[SampleResult] = []
    for future in as_completed(futures):
        result: SampleResult = future.result()
        results.append(result)
        if on_result is not None:
            on_result(result)
    return sorted(results, key=lambda r: r.id)


# --- statistics -----------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """The inverted-CDF quantile: the smallest sampled value with at least a share `q` of the
    samples at or below it (numpy's method="inverted_cdf"). Always a value some sample
    took, so an integer outcome keeps integer quantiles and "not reached" (inf) stays so."""
    xs = sorted(values)
    return xs[max(0, math.ceil(q * len(xs) - 1e-12) - 1)]


def _pcts(values: Sequence[float]) -> Data:
    if not values:
        return {f"p{round(q * 100)}": None for q in QUANTILES}
    return {f"p{round(q * 100)}": _finite(quantile(values, q)) for q in QUANTILES}


def _finite(x: float) -> float | None:
    return None if math.isinf(x) else x


def summarise(sweep: Sweep, results: Sequence[SampleResult]) -> Data:
    """The statistics of a sweep, from results sorted by sample id (JSON-ready).

    - `gap_days`, `closure_day`: P10, P50, P90 (inverted-CDF quantiles, see `quantile`) over
      the samples with a plan; a closure day never reached counts as later than any day, so
      a quantile that falls on one is null ("not reached");
    - `tornado`: per varied input (largest gap-days swing first), the samples are split by
      the value the input took: *low* are those at or below the input's 1/3 quantile, *high*
      those at or above its 2/3 quantile (when both quantiles are the same value v: if v is
      the largest value drawn, low is below v and high is v; otherwise low is v and below,
      high above v). The swing is the mean outcome of high minus that of low, for gap-days
      and for closure day (a closure never reached counted as the horizon, its first day
      beyond the plan). An input that took one value only has no bar. `mean` gives the
      means over all samples with a plan, the bars' reference on the page.
    - `curve`: with exactly one `range` input, per grid value, the P10/P50/P90 of gap-days
      and closure day (all three equal when nothing else is varied)."""
    ok = [r for r in results if r.status != "error"]
    horizon = sweep.base.horizon_days
    stats: Data = {
        "samples": len(results),
        "solved": len(ok),
        "errors": len(results) - len(ok),
        "checker_failures": sum(1 for r in ok if not r.checker_ok),
        "gap_days": _pcts([r.gap_days for r in ok if r.gap_days is not None]),
        "closure_day": _pcts([_closure(r) for r in ok]),
        "closure_not_reached": sum(1 for r in ok if r.closure_day is None),
        "plans_from_other_samples": sum(1 for r in ok if r.plan_from is not None),
        # the tornado's reference: means over all samples with a plan (never closed = horizon)
        "mean": {"gap_days": _mean([r.gap_days or 0.0 for r in ok]),
                 "closure_day": _mean([_closure_or(r, horizon) for r in ok])},
        "tornado": tornado(sweep.specs, ok, horizon),
    }
    grid = [s for s in sweep.specs if s.is_grid]
    stats["curve"] = curve(grid[0], ok) if len(grid) == 1 else None
    return stats


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _closure_or(r: SampleResult, horizon: int) -> float:
    return float(horizon if r.closure_day is None else r.closure_day)


def _closure(r: SampleResult) -> float:
    return math.inf if r.closure_day is None else float(r.closure_day)


def tornado(specs: Iterable[VarySpec], results: Sequence[SampleResult], horizon: int
            ) -> list[Data]:
    """The tornado bars (see `summarise`), largest absolute gap-days swing first."""
    bars: list[tuple[float, int, Data]] = []
    for order, s in enumerate(specs):
        values = [r.inputs[s.path] for r in results]
        if len(set(values)) < 2:
            continue
        lo_cut, hi_cut = quantile(values, TORNADO_LOW), quantile(values, TORNADO_HIGH)
        if lo_cut == hi_cut:
            if hi_cut == max(values):
                low = [r for r in results if r.inputs[s.path] < lo_cut]
                high = [r for r in results if r.inputs[s.path] == hi_cut]
            else:
                low = [r for r in results if r.inputs[s.path] <= lo_cut]
                high = [r for r in results if r.inputs[s.path] > hi_cut]
        else:
            low = [r for r in results if r.inputs[s.path] <= lo_cut]
            high = [r for r in results if r.inputs[s.path] >= hi_cut]

        def gap(rs: list[SampleResult]) -> float:
            return float(np.mean([r.gap_days or 0.0 for r in rs]))

        def closes(rs: list[SampleResult]) -> float:
            return float(np.mean([_closure_or(r, horizon) for r in rs]))

        bars.append((gap(high) - gap(low), order, {
            "input": s.path, "label": s.target.label,
            "low": [min(r.inputs[s.path] for r in low), max(r.inputs[s.path] for r in low)],
            "high": [min(r.inputs[s.path] for r in high), max(r.inputs[s.path] for r in high)],
            "n_low": len(low), "n_high": len(high),
            "gap_days_low": gap(low), "gap_days_high": gap(high),
            "gap_days_swing": gap(high) - gap(low),
            "closure_day_low": closes(low), "closure_day_high": closes(high),
            "closure_day_swing": closes(high) - closes(low),
        }))
    bars.sort(key=lambda b: (-abs(b[0]), b[1]))
    return [b[2] for b in bars]


def curve(spec: VarySpec, results: Sequence[SampleResult]) -> list[Data]:
    """Per value of the `range` input: samples, and P10/P50/P90 of gap-days and closure."""
    points = []
    for value in spec.dist.values:
        rs = [r for r in results if r.inputs[spec.path] == value]
        points.append({
            "value": value, "samples": len(rs),
            "gap_days": _pcts([r.gap_days for r in rs if r.gap_days is not None]),
            "closure_day": _pcts([_closure(r) for r in rs]),
        })
    return points


def sweep_record(sweep: Sweep, stats: Data, base_file: str = "") -> Data:
    """sweep.json: what was swept and how, and the statistics."""
    return {
        "scenario": sweep.base.name,
        "base": base_file,
        "seed": sweep.seed,
        "samples": len(sweep.samples),
        "horizon_days": sweep.base.horizon_days,
        "settings": asdict(sweep.settings),
        "base_plan_given": sweep.base_plan is not None,
        "inputs": [{"spec": s.text, "path": s.path, "label": s.target.label,
                    "distribution": s.dist.kind, "values": list(s.dist.values)}
                   for s in sweep.specs],
        "statistics": stats,
    }


def results_table(results: Sequence[SampleResult]) -> Any:
    """The results as a pandas DataFrame, one row per sample, one column per input."""
    import pandas as pd

    rows = []
    for r in results:
        row: Data = {"sample": r.id, **r.inputs}
        row.update({"gap_days": r.gap_days, "closure_day": r.closure_day,
                    "late_forces": r.late_forces, "status": r.status,
                    "checker_ok": r.checker_ok, "violations": r.violations, "error": r.error,
                    "plan_from": r.plan_from, "own_gap_days": r.own_gap_days})
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("closure_day", "late_forces", "plan_from"):  # integers with gaps, not floats
        frame[col] = frame[col].astype("Int64")
    return frame


def write_results(folder: Path, sweep: Sweep, results: Sequence[SampleResult], stats: Data,
                  base_file: str = "") -> list[Path]:
    """Write sweep.csv, sweep.parquet (only when pyarrow is importable: it is not a
    dependency) and sweep.json into `folder`, each atomically; returns the paths written."""
    from contracts.files import write_atomic, write_json, write_text

    frame = results_table(results)
    paths = [write_text(folder / "sweep.csv", frame.to_csv(index=False))]
    if importlib.util.find_spec("pyarrow") is not None:
        paths.append(write_atomic(folder / "sweep.parquet",
                                  lambda tmp: frame.to_parquet(tmp, index=False)))
    paths.append(write_json(folder / "sweep.json", sweep_record(sweep, stats, base_file)))
    return paths
