"""Places the network leaves out: warnings for `mobilize inspect` and `mobilize solve`.

A railhead off the rail corridors, an airfield no air leg reaches, a force's home with no leg
at all: the scenario is valid, but the place silently takes no part in the plan. Each such
place gets one warning naming the nearest place that does have legs of the mode it lacks,
so the user can move it, add a `links` entry, or drop it.

Pure: a function of resolved.json's dict (docs/contracts.md), no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from geodata.distance import distance_km

# The mode a place of each kind exists for: a railhead is for trains, and so on. Bases,
# depots and sector places need no particular mode (bases and depots: see force homes and
# depots below).
MODE_OF_KIND = {"railhead": "rail", "airfield": "air", "seaport": "sea"}
VEHICLE = {"rail": "train", "air": "aircraft", "sea": "ship"}
ANY = "any"  # a force's home or a depot: a leg of any mode will do


def coverage_warnings(resolved: dict[str, Any]) -> list[str]:
    """One warning per place, force home and depot that no leg of a mode it needs touches.

    - a railhead needs a rail leg, an airfield an air leg, a seaport a sea leg;
    - a force's home and a depot's place need a leg of any mode, or nothing can leave them.
    Closed places are left out: they are meant to be unused.
    """
    places = {str(p["id"]): p for p in resolved.get("places", [])}
    touched: dict[str, set[str]] = defaultdict(set)  # mode (and ANY) -> place ids
    for leg in resolved.get("legs", []):
        for end in (leg["from"], leg["to"]):
            touched[str(leg["mode"])].add(str(end))
            touched[ANY].add(str(end))

    out: list[str] = []
    for pid, p in places.items():
        mode = MODE_OF_KIND.get(str(p.get("kind")))
        if mode is None or p.get("closed") or pid in touched[mode]:
            continue
        out.append(
            f"{p.get('kind')} {pid!r} ({_name(p)}) has no {mode} leg, so no {VEHICLE[mode]} "
            f"can use it: {_nearest(p, touched[mode], places, mode)}"
        )
    users = [("force", f.get("id"), str(f.get("home")), "its home", "the force cannot move")
             for f in resolved.get("forces", [])]
    users += [("depot", d.get("id"), str(d.get("place")), "its place",
               "nothing can be shipped from it") for d in resolved.get("depots", [])]
    for what, ident, at, whose, so in users:
        p = places.get(at)
        if p is None or p.get("closed") or at in touched[ANY]:
            continue
        out.append(
            f"{what} {ident!r}: {whose} {at!r} ({_name(p)}) has no leg of any mode, so {so}: "
            f"{_nearest(p, touched[ANY], places, ANY)}"
        )
    return out


def _name(p: dict[str, Any]) -> str:
    return str(p.get("name") or p["id"])


def _nearest(p: dict[str, Any], nodes: set[str], places: dict[str, dict[str, Any]],
             mode: str) -> str:
    """'nearest place with rail legs: 'R-WAW' (Warsaw), 152 km away'."""
    what = "legs" if mode == ANY else f"{mode} legs"
    here = (float(p["lat"]), float(p["lon"]))
    found = [
        (distance_km(here, (float(q["lat"]), float(q["lon"]))), qid)
        for qid, q in places.items()
        if qid in nodes and qid != p["id"] and q.get("lat") is not None
        and q.get("lon") is not None
    ]
    if not found:
        return f"no place in the scenario has {what}"
    km, qid = min(found)
    return f"the nearest place with {what} is {qid!r} ({_name(places[qid])}), {km:,.0f} km away"
