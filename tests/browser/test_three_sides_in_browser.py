"""A dataset of three sides and three periods in a real browser: every page draws, reads (axe,
light and dark), and a matrix whose cells have no share still writes its figures."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard import registry
from dashboard.data.synth import generated_shape, write_synthetic
from tests.browser import harness

pytestmark = pytest.mark.browser
CELL_FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot text')]
    .filter(t => /^\\d+·\\d+·\\d+·\\d+·\\d+/.test(t.textContent)).length"""


@pytest.fixture(scope="module")
def three_server(tmp_path_factory):
    shape = generated_shape(["US", "CN", "EU"], periods=3, areas=8)
    directory = write_synthetic(tmp_path_factory.mktemp("three"), 2_000, seed=9, shape=shape)
    with harness.serve(directory) as running:
        yield running


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_of_three_sides_reads_well(browser, three_server, scheme):
    outside = harness.OutsideRequests()
    page = harness.new_page(browser, outside, color_scheme=scheme)
    try:
        for path in registry.URL_PATHS:
            harness.open_page(page, three_server, path)
            assert harness.exceptions(page) == [], path
            assert harness.axe_violations(page) == [], (path, scheme)
    finally:
        page.context.close()
    assert outside.urls == []


def test_say_do_writes_every_cells_figures_where_no_cell_has_a_share(page, three_server):
    """One commitment per area, side and period: too few for any share kept. Plotly draws no
    cell of a heatmap whose every value is missing; the figures must still be written."""
    harness.open_page(page, three_server, "say-do")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.evaluate(CELL_FIGURES) == 8 * 3 * 3
