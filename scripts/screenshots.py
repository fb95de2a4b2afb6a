"""Write a PNG of every page, as a reader sees it, to docs/screenshots/ (``make screenshots``)."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from tests.browser import harness

OUT = harness.ROOT / "docs" / "screenshots"
VIEWS = {  # page path -> query that shows the page at its most telling
    "overview": "",
    "compare": "area=ukraine",
    "say-do": "cell=ukraine|US|term2",
    "map": "region=europe&country=POL",
    "timeline": "",
    "data": "areas=ukraine",
    "sources": "",
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with harness.serve(harness.ROOT / "data") as server, sync_playwright() as playwright:
        browser = harness.launch(playwright)
        outside = harness.OutsideRequests()
        page = harness.new_page(browser, outside, viewport={"width": 1400, "height": 1600})
        for path, query in VIEWS.items():
            harness.open_page(page, server, path, query)
            page.wait_for_timeout(1500)
            target = OUT / f"{path}.png"
            page.screenshot(path=str(target))
            print(f"wrote {target.relative_to(harness.ROOT)}")
        browser.close()
    if outside.urls:
        raise SystemExit(f"requests left localhost: {outside.urls}")


if __name__ == "__main__":
    main()
