"""Deployment lines (a force's TPFDD data in resolved.json `forces[].line`): the route and the
dates a plan must keep. Debarkation is the end of an air or sea leg carrying the force; for a
line moving overland (mode rail or road), its arrival in a sector."""

from __future__ import annotations

import math

from checker.context import Ctx, Json, Violation

_STRATEGIC = ("air", "sea")


def rule_deployment_line(ctx: Ctx) -> list[Violation]:
    """Mode, POE and POD of each line's air and sea legs, and no debarkation (nor arrival in a
    sector) before its EAD."""
    out: list[Violation] = []
    for i, t in enumerate(ctx.trips):
        for c in t.get("cargo") or []:
            force = ctx.forces.get(c.get("force"))
            line = (force or {}).get("line") or {}
            if line:
                where = f"trips[{i}] {t['fleet']} {t['leg']} force {c['force']}"
                out += [Violation("deployment-line", where, m) for m in _broken(ctx, t, line)]
    return out


def _broken(ctx: Ctx, t: Json, line: Json) -> list[str]:
    mode, overland = line.get("mode") or "any", line.get("mode") in ("rail", "road")
    out = []
    if t["mode"] in _STRATEGIC:
        if overland or mode in _STRATEGIC and t["mode"] != mode:
            out.append(f"rides {t['mode']}, but its line moves by {mode}")
        if line.get("poe") and t["from"] != line["poe"]:
            out.append(f"embarks at {t['from']}, its POE is {line['poe']}")
        if line.get("pod") and t["to"] != line["pod"]:
            out.append(f"debarks at {t['to']}, its POD is {line['pod']}")
    ead = line.get("ead_day")
    debarks = (t["to"] in ctx.sectors) if overland else (t["mode"] in _STRATEGIC)
    if ead is not None and (debarks or t["to"] in ctx.sectors):
        day = math.floor(t["arrive_h"] / 24.0)
        if day < ead:
            out.append(f"arrives at {t['to']} on day {day}, before its EAD, day {ead}")
    return out
