"""Many browser sessions at once, each with its own filters (``make soak``).

Each session opens the dashboard with a different filter in its URL, then keeps moving between
pages for a bounded time. After every page it checks that its URL still holds its own filters and
that the Data page counts exactly the rows its filters select. At the end it reports sessions,
page loads, errors and the server's memory before the sessions, at their peak and after they close.

    python -m scripts.soak --sessions 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse

import psutil
from playwright.async_api import async_playwright

from dashboard import registry
from dashboard.data import load_dataset
from dashboard.engine import EngineConfig, Store
from dashboard.filters import parse_query
from tests.browser import harness

ROUTE = ("data", "compare", "say-do", "map", "timeline", "data", "overview")
TITLES = {path: label for _, path, label in registry.PAGES}  # the sidebar link of each page
SESSION_TTL_S = 2  # server.disconnectedSessionTTL: forget closed sessions quickly
TIMEOUT_MS = 120_000  # twenty sessions share two cores with the server
STAGGER_S = 0.5
ROWS_MATCH = re.compile(r"Rows matching the filters: ([\d,]+)")


@dataclass
class Report:
    sessions: int
    seconds: float
    page_loads: int = 0
    errors: list[str] = field(default_factory=list)
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_after_mb: float = 0.0

    @property
    def memory_returned(self) -> bool:
        return self.rss_after_mb <= self.rss_before_mb * 1.10

    def as_dict(self) -> dict:
        return {
            "sessions": self.sessions,
            "seconds": round(self.seconds, 1),
            "page_loads": self.page_loads,
            "errors": len(self.errors),
            "error_samples": self.errors[:10],
            "rss_before_mb": round(self.rss_before_mb, 1),
            "rss_peak_mb": round(self.rss_peak_mb, 1),
            "rss_after_mb": round(self.rss_after_mb, 1),
            "memory_within_10_percent": self.memory_returned,
        }


def session_queries(count: int, area_ids: list[str]) -> list[str]:
    """``count`` different filter combinations, as URL query strings."""
    combos = itertools.product(area_ids, ("US", "RU", ""), ("term1", "term2", ""))
    queries = []
    for area, side, period in itertools.islice(combos, count):
        parts = [f"areas={area}"] + ([f"side={side}"] if side else [])
        queries.append("&".join(parts + ([f"period={period}"] if period else [])))
    return queries


def expected_rows(query: str, dataset, store) -> int:
    filters, _ = parse_query(parse_qs(query), list(dataset.areas["area_id"]), dataset.comparison)
    return store.count(filters)


def rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


async def _wait_idle(page) -> None:
    await page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    await page.wait_for_selector(harness.IDLE, timeout=TIMEOUT_MS)
    await page.wait_for_timeout(200)
    await page.wait_for_selector(harness.IDLE, timeout=TIMEOUT_MS)


async def _check_page(page, path: str, own: dict, expected: int, report: Report) -> None:
    """The page shows no exception, keeps this session's filters, and counts its own rows."""
    label = f"{urlencode(own, doseq=True)} {path}"
    if await page.locator('[data-testid="stException"]').count():
        report.errors.append(f"{label}: exception box")
    shown = {k: v for k, v in parse_qs(urlparse(page.url).query).items() if k in own}
    if shown != own:
        report.errors.append(f"{label}: URL filters became {shown}")
    if path == "data":
        text = await page.locator('[data-testid="stMain"]').inner_text()
        match = ROWS_MATCH.search(text)
        if not match or int(match.group(1).replace(",", "")) != expected:
            found = match.group(0) if match else "no count"
            report.errors.append(f"{label}: expected {expected} rows, saw {found}")


async def _session(browser, server, query, expected, deadline, report, outside, delay=0.0):
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    await context.route("**/*", outside.route_async)
    page = await context.new_page()
    own = parse_qs(query)
    try:
        await page.goto(f"{server.url}/data?{query}", wait_until="commit", timeout=TIMEOUT_MS)
        for step in itertools.count():
            if time.monotonic() > deadline and step >= len(ROUTE):
                break
            path = ROUTE[step % len(ROUTE)]
            if step:  # move as a reader does: through the page links in the sidebar
                target = f"/{harness.url_path(path)}"
                sidebar = page.locator('[data-testid="stSidebar"]')
                link = sidebar.get_by_role("link", name=TITLES[path], exact=True)
                await link.click(timeout=TIMEOUT_MS)
                await page.wait_for_function(
                    f"location.pathname === '{target}'", timeout=TIMEOUT_MS
                )
            await _wait_idle(page)
            report.page_loads += 1
            await _check_page(page, path, own, expected, report)
    except Exception as exc:  # a session must report, never take the others down
        report.errors.append(f"{query}: {type(exc).__name__}: {exc}")
    finally:
        await context.close()


async def _run(sessions: int, seconds: float, report: Report) -> None:
    dataset = load_dataset(harness.ROOT / "data")
    store = Store.for_dataset(EngineConfig(), dataset, harness.ROOT / "data", "soak")
    queries = session_queries(sessions, list(dataset.areas["area_id"]))
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)}
    outside = harness.OutsideRequests()
    with harness.serve(harness.ROOT / "data", extra_env=env) as server:
        harness.ensure_all()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(harness.CHROMIUM), headless=True, args=harness.CHROMIUM_ARGS
            )
            # Warm up with the same sessions once: caches, imports and allocator arenas fill
            # on first use; what the soak checks is that sessions leave nothing behind.
            await _sessions(
                browser, server, queries, dataset, store, 0, Report(sessions, 0), outside
            )
            await asyncio.sleep(SESSION_TTL_S + 8)
            report.rss_before_mb = rss_mb(server.pid)
            sampler = asyncio.create_task(_sample_peak(server.pid, report))
            started = time.monotonic()
            await _sessions(
                browser, server, queries, dataset, store, started + seconds, report, outside
            )
            report.seconds = time.monotonic() - started
            sampler.cancel()
            await browser.close()
        await asyncio.sleep(SESSION_TTL_S + 8)
        report.rss_after_mb = rss_mb(server.pid)
    report.errors += [f"request left localhost: {url}" for url in outside.urls]


async def _sessions(browser, server, queries, dataset, store, deadline, report, outside):
    await asyncio.gather(
        *(
            _session(
                browser,
                server,
                q,
                expected_rows(q, dataset, store),
                deadline,
                report,
                outside,
                delay=i * STAGGER_S,
            )
            for i, q in enumerate(queries)
        )
    )


async def _sample_peak(pid: int, report: Report) -> None:
    while True:
        report.rss_peak_mb = max(report.rss_peak_mb, rss_mb(pid))
        await asyncio.sleep(0.2)


def run_soak(sessions: int = 20, seconds: float = 60) -> Report:
    report = Report(sessions, seconds)
    asyncio.run(_run(sessions, seconds, report))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    report = run_soak(args.sessions, args.seconds)
    print(json.dumps(report.as_dict(), indent=2))
    if report.errors or not report.memory_returned:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
