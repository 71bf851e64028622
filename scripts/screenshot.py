"""Screenshot a page mobilize wrote (a map, a report, a comparison) for the README, in headless
Chromium with no network.

    python scripts/screenshot.py out-anzus/map.html docs/img/map-anzus.png
    python scripts/screenshot.py out/map.html x.png --view "All routes" --size 1400x900
    python scripts/screenshot.py out-whatif/compare.html docs/img/compare.png --size 1600x1300

A map opens as a planner sees it (the theatre view, the time slider at the busiest day);
`--view` clicks one of the map's view buttons first. Every http(s) request is aborted, so the
picture is also proof that the page works offline. Needs Debian's /usr/bin/chromium and the
`playwright` package (its own browser download is not used).
"""

from __future__ import annotations

import argparse
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
SETTLE_MS = 1500  # tiles are local, but the slider's first frame and fitBounds animate


def screenshot(page_file: Path, png: Path, width: int, height: int, view: str | None) -> None:
    """Open `page_file` offline at width x height pixels, click `view` if given, save `png`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("http*://**", lambda route: route.abort())
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.resolve().as_uri())
            # a map has a time slider, a report or comparison plotly charts: wait for either
            page.wait_for_selector(".leaflet-bar-timecontrol, .js-plotly-plot", timeout=20_000)
            if view:
                page.locator(".mbz-views a", has_text=view).click()
            page.wait_for_timeout(SETTLE_MS)
            if errors:
                raise SystemExit(f"{page_file}: the page raised {errors[0]}")
            png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png))
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> None:
    """Command line: PAGE_HTML PNG [--size WxH] [--view LABEL]."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page_html", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("--size", default="1400x900", help="viewport WIDTHxHEIGHT in pixels")
    ap.add_argument("--view", default=None, help='a view button to click, e.g. "All routes"')
    args = ap.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    screenshot(args.page_html, args.png, width, height, args.view)
    print(f"wrote {args.png} ({args.png.stat().st_size / 1000:.0f} kB)")


if __name__ == "__main__":
    main()
