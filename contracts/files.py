"""Writing result files: whole or not at all.

Every file mobilize writes (resolved.json, plan.json, plan.csv, map.html, report.html, the
exports, the caches) goes to a temporary file in the same folder and is then renamed over
the target, so a reader never sees half a file and a failure leaves the previous one in
place. Not tempfile.mkstemp: its files are private (0600), and these are for sharing.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` on a temporary path beside `target`, then rename it to `target`.
    The temporary name keeps the suffix, for writers that pick a format by it (GeoPackage)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.{secrets.token_hex(4)}{target.suffix}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_text(target: Path, text: str) -> Path:
    """Write text atomically (temporary file, then rename); the path."""
    def write(tmp: Path) -> None:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return write_atomic(target, write)


def write_json(target: Path, data: Any, compact: bool = False) -> Path:
    """JSON with no NaN or infinity (they are not JSON); indented unless `compact`."""
    if compact:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    else:
        text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    return write_text(target, text + "\n")
