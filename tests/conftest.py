"""Fixtures the tests share: a private cache, the small geodata scenario, a solved mini
scenario, and a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from contracts.loader import load_scenario
from contracts.scenario import Scenario

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Route

GEO_SCENARIO = Path(__file__).parent / "data" / "geo" / "reinforce.yaml"
MINI = Path(__file__).parent / "data" / "mini.yaml"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read or write the user's sea-route cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The small European reinforcement scenario the geodata tests share."""
    return load_scenario(GEO_SCENARIO)


@pytest.fixture
def solved_mini(tmp_path: Path) -> Path:
    """A folder `mobilize solve tests/data/mini.yaml` wrote (MIP at the defaults), for the
    commands that start from a solved plan (`--base-plan`); each test gets its own copy to
    spoil."""
    from typer.testing import CliRunner

    from mobilize.cli import app

    folder = tmp_path / "solved"
    result = CliRunner().invoke(app, ["solve", str(MINI), "--out", str(folder), "--quiet"])
    assert result.exit_code == 0, result.output
    return folder


@dataclass
class OfflineBrowser:
    """Debian's Chromium with the network cut: every http(s) request is recorded and refused."""

    browser: Browser
    requested: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def open(self, uri: str, width: int = 1400, height: int = 900, console: bool = False) -> Page:
        """A new page at `uri`; page errors (and console errors if asked) land in `errors`."""
        page = self.browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", self._no_network)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(r.url[:120]))
        page.on("dialog", self._dialog)
        if console:
            page.on("console", lambda m: self._console(m.type, m.text))
        page.goto(uri)
        return page

    def _dialog(self, dialog: Dialog) -> None:
        """A page that opens alert() or confirm() has gone wrong (injected script, say)."""
        self.errors.append(f"dialog {dialog.message}")
        dialog.dismiss()

    def _console(self, kind: str, text: str) -> None:
        if kind == "error":
            self.errors.append(text)

    def _no_network(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("http:", "https:")):
            self.requested.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def offline_browser() -> Iterator[Any]:
    """A real headless Chromium with no network. Skips without Chromium on a developer's
    machine; fails in CI (scripts/test.sh sets MOBILIZE_REQUIRE_BROWSER), where a skipped
    browser test would hide a broken page."""
    if not CHROMIUM.exists():
        if os.environ.get("MOBILIZE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} not installed and MOBILIZE_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield OfflineBrowser(browser)
        finally:
            browser.close()
