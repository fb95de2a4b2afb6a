"""Through nginx and two replicas (``make serve``): a reader whose replica dies keeps the view.

Two readers land on different replicas (the proxy's cookie names which) and set different
filters in the sidebar. The first one's replica is killed as a crash would kill it. Within
10 s that reader's page must have run again on the surviving replica and show its own page,
filters and rows (counted by the plain reference of ``tests/test_filter_reference.py``), with
no exception or connection-error box; the other reader must be untouched. A filter change
afterwards must work on the rebuilt session.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.filters import Filters
from scripts._measure import Frames
from scripts.serve import COOKIE, cluster
from tests.browser import harness
from tests.conftest import DATA
from tests.test_filter_reference import reference

pytestmark = pytest.mark.browser

FAILOVER_S = 10
ROWS = "Rows matching the filters: {:,}."
SIDE_NAMES = {"US": "United States", "RU": "Russia", None: "Both"}


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    ports = [harness.free_port() for _ in range(3)]
    run_dir = tmp_path_factory.mktemp("proxy")
    with cluster(2, ports[0], run_dir, replica_ports=ports[1:]) as running:
        yield running


class Reader:
    """One browser context through the proxy, with the runs it has seen completed."""

    def __init__(self, browser, proxied, outside) -> None:
        self.page = harness.new_page(browser, outside)
        self.frames = Frames()
        self.frames.attach(self.page)
        self.proxied = proxied

    def open(self, query: str) -> None:
        self.page.goto(f"{self.proxied.url}/data?{query}")
        self.page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
        harness.wait_idle(self.page)

    @property
    def replica(self) -> str | None:
        cookies = {c["name"]: c["value"] for c in self.page.context.cookies()}
        return cookies.get(COOKIE)

    def choose_side(self, side: str | None) -> None:
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        runs = self.frames.finished
        sidebar.get_by_text(SIDE_NAMES[side], exact=True).click()
        self.wait_run_after(runs, 60)

    def wait_run_after(self, runs: int, seconds: float) -> None:
        """Wait until a run later than the ``runs``-th has completed and the page settled."""
        deadline = time.monotonic() + seconds
        while self.frames.finished <= runs:
            if time.monotonic() > deadline:
                raise AssertionError(f"no script run completed within {seconds:.0f} s")
            self.page.wait_for_timeout(50)
        harness.wait_idle(self.page, timeout=max(1, deadline - time.monotonic()) * 1000)

    def assert_shows(self, filters: Filters, query: dict) -> None:
        page = self.page
        assert page.locator('[data-testid="stMain"] h1').inner_text() == "Data"
        shown = parse_qs(urlparse(page.url).query)
        assert shown == query, page.url
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert f"Side: {SIDE_NAMES[filters.side]}" in main or filters.side is None, main[:400]
        assert ROWS.format(len(reference(DATA, filters)[0])) in main, main[:600]
        assert harness.exceptions(page) == []
        assert page.get_by_role("dialog").count() == 0, "a connection-error box is shown"


def test_a_reader_whose_replica_dies_keeps_page_filters_and_rows(browser, proxied, outside):
    first = Reader(browser, proxied, outside)
    first.open("areas=ukraine")
    second = Reader(browser, proxied, outside)
    for _ in range(4):  # a fresh reader goes to any replica: round robin, so the other one
        second.open("period=term2")
        if second.replica != first.replica:
            break
        second.page.context.clear_cookies()
    assert {first.replica, second.replica} == {"r1", "r2"}

    first.choose_side("RU")
    second.choose_side("US")
    first_filters = Filters(areas=("ukraine",), side="RU")
    second_filters = Filters(period="term2", side="US")
    first_query = {"areas": ["ukraine"], "side": ["RU"]}
    second_query = {"period": ["term2"], "side": ["US"]}
    first.assert_shows(first_filters, first_query)
    second.assert_shows(second_filters, second_query)

    survivor = second.replica
    runs = first.frames.finished
    proxied.replica(first.replica).kill()
    first.wait_run_after(runs, FAILOVER_S)
    assert first.replica == survivor
    first.assert_shows(first_filters, first_query)
    second.assert_shows(second_filters, second_query)

    # The rebuilt session is the reader's own: the next change applies on top of the view.
    first.choose_side(None)
    first.assert_shows(Filters(areas=("ukraine",)), {"areas": ["ukraine"]})
    for reader in (first, second):
        reader.page.context.close()
    assert outside.urls == []
