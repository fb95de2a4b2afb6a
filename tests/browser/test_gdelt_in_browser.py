"""The machine-coded layer in a real browser, on a dataset built by the GDELT importer."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import harness

pytestmark = pytest.mark.browser
TREND_LINES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(plot => plot.textContent.includes('Events per'))
    .flatMap(plot => [...plot.querySelectorAll('.scatterlayer path.js-line')])
    .filter(line => line.getBoundingClientRect().width > 0).length"""


@pytest.fixture(scope="module")
def gdelt_server(gdelt_dir):
    with harness.serve(gdelt_dir) as running:
        yield running


def test_events_from_switches_the_feed_and_lives_in_the_url(page, gdelt_server):
    harness.open_page(page, gdelt_server, "data")
    caption = page.get_by_text("Rows matching the filters:")
    expect(caption).to_contain_text("Rows matching the filters: 224.")
    page.get_by_test_id("stSidebar").get_by_text("GDELT (machine-coded)").click()
    expect(page.get_by_text("Filters in force: Events from: GDELT (machine-coded)")).to_be_visible()
    harness.wait_idle(page)
    assert parse_qs(urlparse(page.url).query)["provenance"] == ["gdelt"]
    assert "224." not in caption.inner_text()
    page.reload()  # the copied link restores the choice
    harness.wait_idle(page)
    expect(page.get_by_role("radio", name="GDELT (machine-coded)")).to_be_checked()
    assert harness.exceptions(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_trend_is_drawn_and_passes_axe(browser, gdelt_dir, gdelt_server, outside, scheme):
    page = harness.new_page(browser, outside, color_scheme=scheme)
    try:
        # Sources with both feeds: more sources than one page, so the page box is drawn too.
        for path, query in (("overview", ""), ("timeline", ""), ("sources", "provenance=both")):
            harness.open_page(page, gdelt_server, path, query)
            assert harness.exceptions(page) == []
            if path != "sources":
                page.get_by_text("Events per week").first.wait_for()
                assert page.evaluate(TREND_LINES) == 8  # per quad class: count and mean score
                page.get_by_text("Monthly").click()
                page.get_by_text("Events per month").first.wait_for()
                harness.wait_idle(page)
                assert parse_qs(urlparse(page.url).query)["trend"] == ["month"]
            assert harness.axe_violations(page) == []
    finally:
        page.context.close()
    assert outside.urls == []
