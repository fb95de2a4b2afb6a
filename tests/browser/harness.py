"""Start the dashboard on a free port and drive it in Debian's Chromium with Playwright.

Shared by the browser tests and the scripts (benchmark, soak, screenshots). Every request to a
host other than localhost is aborted and recorded, so a test can fail on any outside call.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dashboard.registry import URL_PATHS
from tests.browser.setup import AXE, CHROMIUM, ensure_all

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = URL_PATHS
AXE_TRIES = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def serve(
    data_dir: Path | None = None, extra_env: dict | None = None, script: Path = APP
) -> Iterator[Server]:
    """Run ``streamlit run <script>`` (the dashboard by default) on a free port until the end."""
    port = free_port()
    env = {**os.environ, **(extra_env or {})}
    if data_dir is not None:
        env["DASHBOARD_DATA_DIR"] = str(data_dir)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"dashboard-{port}.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_healthy(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"dashboard exited: {server.log.read_text()[-2000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("dashboard did not become healthy in time")


@dataclass
class OutsideRequests:
    """Requests the page tried to send to a host other than localhost (all aborted)."""

    urls: list[str] = field(default_factory=list)

    def _allowed(self, request_url: str) -> bool:
        host = urlparse(request_url).hostname or ""
        if request_url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            return True
        self.urls.append(request_url)
        return False

    def route(self, route) -> None:
        """Handler for Playwright's sync API."""
        if self._allowed(route.request.url):
            route.continue_()
        else:
            route.abort()

    async def route_async(self, route) -> None:
        """Handler for Playwright's async API."""
        if self._allowed(route.request.url):
            await route.continue_()
        else:
            await route.abort()


def launch(playwright):
    ensure_all()
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def new_page(browser, outside: OutsideRequests, **context_args):
    context_args.setdefault("viewport", {"width": 1400, "height": 1000})
    context = browser.new_context(**context_args)
    context.route("**/*", outside.route)
    return context.new_page()


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished running and the page has settled."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)


def url_path(page_name: str) -> str:
    """The URL path of a page: the default page (overview) lives at the root."""
    return "" if page_name == "overview" else page_name


def open_page(page, server: Server, path: str, query: str = "") -> None:
    page.goto(f"{server.url}/{url_path(path)}{'?' + query if query else ''}")
    # Every page, the error page included, starts with a title: until it is there the first
    # run has not happened yet, even if the app already reports "notRunning".
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    wait_idle(page)


def exceptions(page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """WCAG 2 A/AA violations of the given impacts found by axe-core in the settled page.

    A page still laying out can show axe a passing fault: a chart's container is briefly
    scrollable while plotly sizes the figure (seen twice in CI runs under load). A page with
    violations is checked again after it settles, up to ``AXE_TRIES`` times in all, and the
    last answer is the one reported.
    """
    page.add_script_tag(path=str(AXE))
    found = _axe_run(page, impacts)
    for _ in range(AXE_TRIES - 1):
        if not found:
            break
        page.wait_for_timeout(1500)
        wait_idle(page)
        found = _axe_run(page, impacts)
    return found


def _axe_run(page, impacts: tuple[str, ...]) -> list[dict]:
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "help": v["help"],
            "where": [" ".join(map(str, n["target"])) for n in v["nodes"]][:3],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
