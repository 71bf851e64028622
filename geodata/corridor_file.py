"""Reading a packaged corridor file (rail_corridors.yaml, road_corridors.yaml) fast.

ruamel's pure-Python parser takes ~0.5 s on a corridor file, most of a warm build_network;
reading a JSON copy takes milliseconds. The YAML stays the one source: the copy, in the cache
directory, is keyed by a hash of the text, so any edit makes a new one, and a missing or
unreadable copy is just rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML

from contracts.files import write_json
from geodata.distance import LatLon

T = TypeVar("T")


@dataclass(frozen=True)
class CorridorNode:
    """A station, junction or town a corridor passes."""

    id: str
    name: str
    lat: float
    lon: float

    @property
    def latlon(self) -> LatLon:
        return (self.lat, self.lon)


def load_corridors(
    file_name: str, path: str | Path | None, build: Callable[[Any, str], T], kind: str
) -> T:
    """`build(parsed YAML, name)` of `path`, or of the packaged geodata/data/`file_name`;
    ValueError naming the file when it is malformed."""
    text, name = corridor_text(file_name, path)
    try:
        return build(parsed_yaml(text, file_name.removesuffix(".yaml")), name)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{name}: malformed {kind} corridor file ({exc!r})") from None


def corridor_text(file_name: str, path: str | Path | None) -> tuple[str, str]:
    """(text, name for messages) of `path`, or of the packaged geodata/data/`file_name`."""
    if path is None:
        return resources.files("geodata").joinpath("data", file_name).read_text("utf-8"), \
            file_name
    return Path(path).read_text(encoding="utf-8"), str(path)


def parsed_yaml(text: str, stem: str) -> Any:
    """The parsed YAML, via the JSON copy `<stem>-<hash>.json` in the cache directory."""
    from geodata.sea import cache_dir  # one cache directory for everything geodata keeps

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    copy = cache_dir() / f"{stem}-{digest}.json"
    try:
        return json.loads(copy.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    doc = YAML(typ="safe").load(text)
    with contextlib.suppress(OSError):  # no cache: slower next time, same result
        write_json(copy, doc, compact=True)
    return doc
