"""Rules on the plan's outcome: readiness rows, KPIs and members' shares, each recomputed
from trips and supply."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from checker.context import HOURS_ABS, MET_SHORTFALL, REL, Ctx, Json, Violation, fmt
from checker.flows import arrived_at_sector, closure_hour, depot_serves


@dataclass(frozen=True)
class _Requirement:
    amount: float
    weight: float
    by_day: int


def _requirements(ctx: Ctx) -> dict[tuple[str, str], _Requirement]:
    """(sector, capability) -> requirement; repeated capabilities in a sector add up."""
    out: dict[tuple[str, str], _Requirement] = {}
    for sid, sector in ctx.sectors.items():
        for req in sector.get("requirements") or []:
            key = (sid, req["capability"])
            w = 1.0 if req.get("weight") is None else float(req["weight"])
            prev = out.get(key)
            if prev is None:
                out[key] = _Requirement(float(req["amount"]), w, int(req["by_day"]))
            else:
                out[key] = _Requirement(
                    prev.amount + req["amount"],
                    max(prev.weight, w),
                    max(prev.by_day, req["by_day"]),
                )
    return out


def _arrived_fraction(force: Json, arr: list[tuple[float, float]], hour: float) -> float:
    """Fraction of the force's cargo_t at its sector by ``hour`` (1 if it has no cargo)."""
    if force["cargo_t"] <= 0:
        return 1.0
    got = sum(tons for time, tons in arr if time <= hour + HOURS_ABS)
    return min(1.0, max(0.0, got / force["cargo_t"]))


def _daily_fractions(ctx: Ctx) -> dict[str, list[float]]:
    """force id -> per horizon day: min(arrived fraction by hour 24(d+1), supply fraction).

    Only forces that take part and have a plan sector; supply counts only rows to the
    force's plan sector from a depot providing all its needs.
    """
    supplied: dict[tuple[str, int], float] = defaultdict(float)
    for row in ctx.plan.get("supply") or []:
        force = ctx.forces.get(row["force"])
        if (
            depot_serves(ctx.depots.get(row["depot"]), force)
            and ctx.plan_sector(row["force"]) == row["sector"]
        ):
            supplied[(row["force"], int(row["day"]))] += row["tons"]
    arrived = arrived_at_sector(ctx)
    out: dict[str, list[float]] = {}
    for fid, force in ctx.forces.items():
        if force.get("activation_day") is None or ctx.plan_sector(fid) is None:
            continue
        arr = arrived.get(fid, [])
        need = force.get("sustainment_tpd") or 0.0
        sustained = bool(force.get("needs")) and need > 0
        fracs: list[float] = []
        got, k = 0.0, 0
        for day in range(ctx.horizon_days):
            while k < len(arr) and arr[k][0] <= 24.0 * (day + 1) + HOURS_ABS:
                got += arr[k][1]
                k += 1
            frac = 1.0 if force["cargo_t"] <= 0 else min(1.0, max(0.0, got / force["cargo_t"]))
            if sustained:
                frac = min(frac, max(0.0, supplied.get((fid, day), 0.0) / need))
            fracs.append(frac)
        out[fid] = fracs
    return out


def _readiness(ctx: Ctx) -> dict[tuple[str, str, int], tuple[float, float]]:
    """(sector, capability, day) -> (required, delivered) recomputed from trips/supply."""
    cached = ctx.cache.get("readiness")
    if cached is not None:
        return cast(dict[tuple[str, str, int], tuple[float, float]], cached)
    fractions = _daily_fractions(ctx)
    in_sector: dict[str, list[str]] = defaultdict(list)
    for fid in fractions:
        in_sector[str(ctx.plan_sector(fid))].append(fid)
    out: dict[tuple[str, str, int], tuple[float, float]] = {}
    for (sid, cap), req in _requirements(ctx).items():
        contributors = [
            (points, fractions[fid])
            for fid in in_sector.get(sid, [])
            if (points := (ctx.forces[fid].get("capability") or {}).get(cap, 0.0))
        ]
        for day in range(ctx.horizon_days):
            delivered = sum(points * fracs[day] for points, fracs in contributors)
            out[(sid, cap, day)] = (req.amount, delivered)
    ctx.cache["readiness"] = out
    return out


def _close(got: float, want: float) -> bool:
    return abs(got - want) <= REL * max(1.0, abs(want))


def rule_readiness(ctx: Ctx) -> list[Violation]:
    """Every (sector, capability, day) row present once, with recomputed figures."""
    out: list[Violation] = []
    want = _readiness(ctx)
    seen: set[tuple[str, str, int]] = set()
    for i, row in enumerate(ctx.plan.get("readiness") or []):
        key = (row["sector"], row["capability"], int(row["day"]))
        w = f"readiness[{i}] {key[0]}/{key[1]}/day {key[2]}"
        if key not in want:
            out.append(
                Violation("readiness", w, "no such requirement and horizon day in resolved.json")
            )
            continue
        if key in seen:
            out.append(Violation("readiness", w, "row appears more than once"))
            continue
        seen.add(key)
        required, delivered = want[key]
        gap = max(0.0, required - delivered)
        for name, exp in (("required", required), ("delivered", delivered), ("gap", gap)):
            if not _close(row[name], exp):
                out.append(
                    Violation("readiness", w, f"{name} is {fmt(row[name])}, recomputed {fmt(exp)}")
                )
    missing = sorted(set(want) - seen)
    for sid, cap, day in missing[:20]:
        out.append(Violation("readiness", f"{sid}/{cap}/day {day}", "row is missing"))
    if len(missing) > 20:
        out.append(
            Violation("readiness", "readiness", f"{len(missing) - 20} more rows are missing")
        )
    return out


def _kpis(ctx: Ctx) -> tuple[float, tuple[int | None, int | None], int]:
    """Recomputed (gap_days, (earliest, latest) closure_day, late_forces).

    A requirement is met on a day when it is short by at most MET_SHORTFALL of itself
    (docs/contracts.md, "Met"). The plan's figures carry round-off, so a shortfall within
    REL of that line may be judged either way: closure_day is right anywhere between the
    closure of the lenient reading and that of the strict one.
    """
    reqs = _requirements(ctx)
    ready = _readiness(ctx)
    gap_days = 0.0
    surely_short: set[int] = set()
    maybe_short: set[int] = set()
    for (sid, cap, day), (required, delivered) in ready.items():
        gap = max(0.0, required - delivered)
        # readiness rows are daily: each covers one day
        gap_days += reqs[(sid, cap)].weight * gap * 1.0
        line, slack = MET_SHORTFALL * required, REL * max(1.0, required)
        if required - delivered > line + slack:
            surely_short.add(day)
        if required - delivered > line - slack:
            maybe_short.add(day)
    closure_range = (_closure_day(surely_short, ctx.horizon_days),
                     _closure_day(maybe_short, ctx.horizon_days))
    arrived = arrived_at_sector(ctx)
    late = 0
    for fid, force in ctx.forces.items():
        if force.get("activation_day") is None:
            continue
        ps = ctx.plan_sector(fid)
        if ps is None:
            late += 1
            continue
        closure = 0.0 if force["cargo_t"] <= 0 else closure_hour(ctx, force, arrived.get(fid, []))
        if closure is None:
            late += 1
            continue
        rdd = (force.get("line") or {}).get("rdd_day")
        by_days = [rdd] if rdd is not None else [
            r.by_day
            for (sid, cap), r in reqs.items()
            if sid == ps and (force.get("capability") or {}).get(cap)
        ]
        if by_days and closure > 24.0 * (max(by_days) + 1) + ctx.hslack(closure):
            late += 1
    return gap_days, closure_range, late


def _closure_day(short_days: set[int], horizon_days: int) -> int | None:
    """The day from which no requirement is short again; None if the last day is short."""
    if not short_days:
        return 0
    return max(short_days) + 1 if max(short_days) + 1 < horizon_days else None


def rule_kpis(ctx: Ctx) -> list[Violation]:
    """gap_days, closure_day and late_forces match their recomputation."""
    out: list[Violation] = []
    kpis = ctx.plan.get("kpis")
    if kpis is None:
        return [Violation("kpis", "kpis", "plan.json has no kpis")]
    gap_days, (earliest, latest), late = _kpis(ctx)
    got = kpis.get("gap_days")
    if got is None or not _close(got, gap_days):
        out.append(Violation("kpis", "kpis.gap_days", f"is {fmt(got)}, recomputed {fmt(gap_days)}"))
    never = ctx.horizon_days  # a closure_day of None sorts after every day

    def rank(day: Any) -> int:
        return never if day is None else int(day)

    got_closure = kpis.get("closure_day")
    if not (
        (got_closure is None or isinstance(got_closure, int))
        and rank(earliest) <= rank(got_closure) <= rank(latest)
    ):
        want = fmt(earliest) if earliest == latest else f"{fmt(earliest)} to {fmt(latest)}"
        out.append(
            Violation("kpis", "kpis.closure_day", f"is {fmt(got_closure)}, recomputed {want}")
        )
    if kpis.get("late_forces") != late:
        out.append(
            Violation(
                "kpis",
                "kpis.late_forces",
                f"is {fmt(kpis.get('late_forces'))}, recomputed {late}",
            )
        )
    return out


def _shares(ctx: Ctx) -> dict[str, float]:
    """member -> share of all capability points delivered by the end of the horizon."""
    arrived = arrived_at_sector(ctx)
    points: dict[str, float] = defaultdict(float)
    for fid, force in ctx.forces.items():
        if force.get("activation_day") is None or ctx.plan_sector(fid) is None:
            continue
        frac = _arrived_fraction(force, arrived.get(fid, []), ctx.horizon_h)
        points[force["member"]] += sum((force.get("capability") or {}).values()) * frac
    total = sum(points.values())
    return {m: (points.get(m, 0.0) / total if total > 0 else 0.0) for m in ctx.members}


def rule_shares(ctx: Ctx) -> list[Violation]:
    """members[].share recomputed; share <= max_share where given; fair_share echoed."""
    out: list[Violation] = []
    want = _shares(ctx)
    total_zero = not any(want.values())
    listed: set[str] = set()
    for i, row in enumerate(ctx.plan.get("members") or []):
        code = row["member"]
        w = f"members[{i}] {code}"
        member = ctx.members.get(code)
        if member is None:
            out.append(Violation("shares", w, f"member {code!r} is not in resolved.json members"))
            continue
        if code in listed:
            out.append(Violation("shares", w, "member is listed more than once"))
            continue
        listed.add(code)
        got = row.get("share")
        if got is None and total_zero:
            pass  # nothing delivered at all: a null share is as good as 0
        elif got is None or abs(got - want[code]) > REL:
            out.append(Violation("shares", w, f"share is {fmt(got)}, recomputed {fmt(want[code])}"))
        fair = member.get("fair_share")
        pfair = row.get("fair_share")
        if (fair is None) != (pfair is None) or (
            fair is not None and pfair is not None and abs(fair - pfair) > REL
        ):
            out.append(
                Violation("shares", w, f"fair_share is {fmt(pfair)}, resolved has {fmt(fair)}")
            )
    for code, share in sorted(want.items()):
        member = ctx.members[code]
        if share > REL and code not in listed:
            out.append(Violation("shares", f"member {code}", f"share {fmt(share)} but not listed"))
        cap = member.get("max_share")
        if cap is not None and share > cap + ctx.tol:
            out.append(
                Violation(
                    "shares",
                    f"member {code}",
                    f"delivers share {fmt(share)} of capability points, max_share is {fmt(cap)}",
                )
            )
    return out
