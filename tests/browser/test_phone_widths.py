"""Every chart reads on a phone (390 px) and on a desktop, in the light and the dark theme.

Plotly cannot know the viewport, so the figures use layouts that work at both widths; these
tests measure the drawn SVG: the plot keeps most of the width, legends and colour bars lie
under the plot, heatmap cells are wide enough for their numbers and carry them, and no text
runs off the chart. Screenshots of every chart go to a temporary directory (printed; set
``CHART_SCREENSHOTS`` to choose it), never into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import harness

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# view -> (page, query, charts drawn); Compare draws one section at a time
CHART_PAGES = {
    "overview": ("overview", "", 1),
    "compare": ("compare", "", 1),
    "compare-events": ("compare", "section=events", 1),
    "map": ("map", "", 1),
    "timeline": ("timeline", "", 1),
}
MIN_PLOT_WIDTH = 300  # px of a 390 px viewport (the chart itself gets 358)
MIN_CELL_WIDTH = 45  # px: "16" over "+2.1" in 12 px type

MEASURE = """el => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}; };
  const chart = box(el);
  const texts = [...el.querySelectorAll('svg text')].filter(t => t.textContent.trim())
    .map(box).filter(b => b.width > 0);
  const graph = el.querySelector('.js-plotly-plot');
  const heatmap = graph.data.find(trace => trace.type === 'heatmap');
  return {
    chart,
    plot: box(el.querySelector('.nsewdrag') || el.querySelector('.geolayer')),
    legend: box(el.querySelector('.legend')),
    colorbar: box(el.querySelector('.colorbar')),
    cellTexts: el.querySelectorAll('.heatmaplayer text').length,
    columns: heatmap ? heatmap.x.length : 0,
    overflowing: texts.filter(b => b.left < chart.left - 1 || b.right > chart.right + 1).length,
    credit: [...el.querySelectorAll('.annotation-text')].some(
      t => t.textContent.includes('data:')),
  };
}"""


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("CHART_SCREENSHOTS")
    directory = Path(chosen) if chosen else tmp_path_factory.mktemp("chart-screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    print(f"chart screenshots: {directory}")
    return directory


def _charts(page, view: str) -> list:
    charts = page.locator('[data-testid="stPlotlyChart"]')
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot').length >= "
        f"{CHART_PAGES[view][2]}",
        timeout=30_000,
    )
    return [charts.nth(i) for i in range(charts.count())]


def _measured(page, view: str, shots: Path, label: str) -> list[dict]:
    found = []
    for number, chart in enumerate(_charts(page, view)):
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        chart.screenshot(path=str(shots / f"{view}-{number}-{label}.png"))
        found.append(chart.evaluate(MEASURE))
    return found


def _check(chart: dict, width: int) -> None:
    plot = chart["plot"]
    assert plot is not None and chart["credit"]
    assert chart["overflowing"] == 0, "text runs off the chart"
    if chart["columns"]:  # a heatmap: numbers in every cell, cells wide enough for them
        assert chart["cellTexts"] > 0
        assert plot["width"] / chart["columns"] >= MIN_CELL_WIDTH
    elif width == PHONE["width"]:
        assert plot["width"] >= MIN_PLOT_WIDTH
    for below in (chart["legend"], chart["colorbar"]):
        if below is not None:
            assert below["top"] >= plot["bottom"] - 1, "legend or colour bar beside the plot"
            assert below["bottom"] <= chart["chart"]["bottom"] + 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("view", list(CHART_PAGES))
def test_charts_read_at_phone_and_desktop_width(browser, server, screenshots, view, scheme):
    path, query, drawn = CHART_PAGES[view]
    outside = harness.OutsideRequests()
    for viewport in (PHONE, DESKTOP):
        page = harness.new_page(browser, outside, viewport=viewport, color_scheme=scheme)
        try:
            harness.open_page(page, server, path, query)
            label = f"{viewport['width']}-{scheme}"
            charts = _measured(page, view, screenshots, label)
            assert len(charts) == drawn
            for chart in charts:
                _check(chart, viewport["width"])
        finally:
            page.context.close()
    assert outside.urls == []


def test_map_has_no_white_box_in_the_dark_theme(browser, server):
    outside = harness.OutsideRequests()
    page = harness.new_page(browser, outside, viewport=PHONE, color_scheme="dark")
    try:
        harness.open_page(page, server, "map")
        (chart,) = _charts(page, "map")
        fills = chart.evaluate(
            "el => [...el.querySelectorAll('.geo .bg rect, rect.bg')]"
            ".map(r => getComputedStyle(r).fill)"
        )
        assert "rgb(255, 255, 255)" not in fills
    finally:
        page.context.close()
    assert outside.urls == []
