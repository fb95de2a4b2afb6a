"""Browser fixtures: one dashboard server per dataset, one Chromium per session.

Every page gets a route that aborts and records requests to hosts other than localhost; the
``page`` fixture fails the test if any was attempted.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import harness
from tests.conftest import DATA


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server():
    with harness.serve(DATA) as running:
        yield running


@pytest.fixture
def outside():
    return harness.OutsideRequests()


@pytest.fixture
def page(browser, outside):
    tab = harness.new_page(browser, outside, accept_downloads=True)
    yield tab
    tab.context.close()
    assert outside.urls == [], f"requests left localhost: {outside.urls}"
