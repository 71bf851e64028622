"""Shape of the two input documents: the fields the checker reads, their kinds, and
:func:`validate`, which raises :class:`CheckInputError` before any rule runs."""

from __future__ import annotations

import json
import math
from typing import Any

from checker.context import Json


class CheckInputError(ValueError):
    """resolved.json or plan.json is missing, not JSON, or not shaped as the contract says."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


# Field kinds: str, num, int, bool, list, dict; a trailing "?" means optional and
# nullable (missing reads as null). Only fields the checker reads are listed.
_RESOLVED_SPEC: dict[str, dict[str, str]] = {
    "members": {"code": "str", "fair_share": "num?", "max_share": "num?"},
    "places": {
        "id": "str",
        "throughput_tpd": "num?",
        "mog": "num?",
        "gauges_mm": "list?",
        "handling_h": "num?",
        "closed": "bool?",
        "outages": "list?",
    },
    "sectors": {"id": "str", "requirements": "list?"},
    "forces": {
        "id": "str",
        "member": "str",
        "home": "str",
        "personnel": "int",
        "cargo_t": "num",
        "outsize": "bool?",
        "capability": "dict?",
        "sector": "str?",
        "needs": "list?",
        "sustainment_tpd": "num?",
        "activation_day": "int?",
    },
    "fleets": {
        "id": "str",
        "mode": "str",
        "count": "int",
        "payload_t": "num",
        "pax": "num?",
        "speed_kmh": "num",
        "range_km": "num?",
        "outsize": "bool?",
        "gauge_mm": "int?",
        "load_h": "num",
        "unload_h": "num",
        "carries": "list?",
        "activation_day": "int?",
        "driving_h_per_day": "num?",
    },
    "depots": {
        "id": "str",
        "place": "str",
        "provides": "list?",
        "stock_t": "num",
        "throughput_tpd": "num?",
    },
    "legs": {
        "id": "str",
        "from": "str",
        "to": "str",
        "mode": "str",
        "km": "num",
        "gauge_mm": "int?",
        "fleets": "dict",
        "path": "list?",
        "via": "list?",
        "crossing_h": "num?",
    },
}
_REQUIREMENT_SPEC = {"capability": "str", "amount": "num", "by_day": "int", "weight": "num?"}
_LEG_FLEET_SPEC = {"transit_h": "num", "cycle_h": "num"}

_PLAN_SPEC: dict[str, dict[str, str]] = {
    "trips": {
        "fleet": "str",
        "mode": "str",
        "leg": "str",
        "from": "str",
        "to": "str",
        "depart_h": "num",
        "arrive_h": "num",
        "return_h": "num",
        "vehicles": "num",
        "tons": "num",
        "pax": "num?",
        "cargo": "list",
    },
    "forces": {
        "force": "str",
        "member": "str?",
        "sector": "str?",
        "ready_h": "num?",
        "closure_h": "num?",
    },
    "supply": {
        "depot": "str",
        "sector": "str",
        "force": "str",
        "day": "int",
        "ship_day": "int",
        "tons": "num",
    },
    "readiness": {
        "sector": "str",
        "capability": "str",
        "day": "int",
        "required": "num",
        "delivered": "num",
        "gap": "num",
    },
    "members": {"member": "str", "share": "num?", "fair_share": "num?"},
}
_CARGO_SPEC = {"force": "str", "tons": "num", "pax": "num?"}
_OUTAGE_SPEC = {"from_day": "int", "to_day": "int", "factor": "num"}
_KPI_SPEC = {"gap_days": "num?", "closure_day": "int?", "late_forces": "int?"}


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _kind_ok(v: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(v, str)
    if kind == "num":
        return _is_num(v)
    if kind == "int":
        return _is_num(v) and float(v).is_integer()
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "list":
        return isinstance(v, list)
    return isinstance(v, dict)  # "dict"


def _check_obj(obj: Any, spec: dict[str, str], source: str, path: str) -> None:
    if not isinstance(obj, dict):
        raise CheckInputError(source, f"{path} must be an object, got {type(obj).__name__}")
    for key, kind in spec.items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        if key not in obj or obj[key] is None:
            if optional:
                continue
            raise CheckInputError(source, f"{path}.{key} is missing (expected {kind})")
        if not _kind_ok(obj[key], kind):
            raise CheckInputError(
                source, f"{path}.{key} must be {kind}, got {json.dumps(obj[key])[:60]}"
            )


def _check_list(doc: Json, key: str, source: str, required: bool) -> list[Any]:
    if key not in doc or doc[key] is None:
        if required:
            raise CheckInputError(source, f"top-level '{key}' is missing")
        return []
    val = doc[key]
    if not isinstance(val, list):
        raise CheckInputError(source, f"'{key}' must be a list")
    return val


def validate(resolved: Any, plan: Any) -> None:
    """Raise :class:`CheckInputError` unless both documents have the contract's shape."""
    src = "resolved.json"
    if not isinstance(resolved, dict):
        raise CheckInputError(src, "top level must be a JSON object")
    _check_obj(
        resolved.get("scenario"),
        {"sha256": "str", "horizon_days": "int", "period_hours": "num?"},
        src,
        "scenario",
    )
    for key, spec in _RESOLVED_SPEC.items():
        for i, item in enumerate(_check_list(resolved, key, src, key != "depots")):
            _check_obj(item, spec, src, f"{key}[{i}]")
            if key == "sectors":
                for j, req in enumerate(item.get("requirements") or []):
                    _check_obj(req, _REQUIREMENT_SPEC, src, f"sectors[{i}].requirements[{j}]")
            if key == "places":
                for j, o in enumerate(item.get("outages") or []):
                    _check_obj(o, _OUTAGE_SPEC, src, f"places[{i}].outages[{j}]")
            if key == "legs":
                for fid, lf in item["fleets"].items():
                    _check_obj(lf, _LEG_FLEET_SPEC, src, f"legs[{i}].fleets.{fid}")
                for j, point in enumerate(item.get("path") or []):
                    if not (isinstance(point, list) and len(point) == 2
                            and all(_is_num(x) for x in point)):
                        raise CheckInputError(
                            src, f"legs[{i}].path[{j}] must be [lat, lon], got "
                            f"{json.dumps(point)[:60]}")
    src = "plan.json"
    if not isinstance(plan, dict):
        raise CheckInputError(src, "top level must be a JSON object")
    _check_obj(plan.get("scenario"), {"sha256": "str?"}, src, "scenario")
    for key, spec in _PLAN_SPEC.items():
        for i, item in enumerate(_check_list(plan, key, src, key == "trips")):
            _check_obj(item, spec, src, f"{key}[{i}]")
            if key == "trips":
                for j, c in enumerate(item["cargo"]):
                    _check_obj(c, _CARGO_SPEC, src, f"trips[{i}].cargo[{j}]")
    if plan.get("kpis") is not None:
        _check_obj(plan["kpis"], _KPI_SPEC, src, "kpis")
    if plan.get("period_hours") is not None and not _is_num(plan["period_hours"]):
        raise CheckInputError(src, "period_hours must be a number")
