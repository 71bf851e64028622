"""The real browser the offline pages are tested in: Debian's Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail in CI (scripts/test.sh sets
    MOBILIZE_REQUIRE_BROWSER), where a skipped browser test would hide a broken page."""
    if CHROMIUM.exists():
        return
    if os.environ.get("MOBILIZE_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} not installed and MOBILIZE_REQUIRE_BROWSER is set")
    pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
