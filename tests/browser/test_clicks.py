"""The captions promise clicks: a click on a chart must show the record it names.

Compare: a stance cell chooses its area, an events-per-year cell chooses its area and year.
Timeline: a mark lists its event under "Selected events". Map: a country shows its record.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import harness

pytestmark = pytest.mark.browser


def click_cell(page, chart_key: str, row_label: str, column_label: str) -> None:
    """Click the centre of a heatmap cell, found through plotly's own axes."""
    chart = page.locator(f".st-key-{chart_key} .js-plotly-plot")
    expect(chart).to_be_visible(timeout=30_000)
    chart.scroll_into_view_if_needed()
    point = chart.evaluate(
        """(plot, [row, column]) => {
            const layout = plot._fullLayout;
            const x = layout.xaxis, y = layout.yaxis;
            const box = plot.getBoundingClientRect();
            return {
                x: box.left + layout._size.l + x.l2p(x.d2l(column)),
                y: box.top + layout._size.t + y.l2p(y.d2l(row)),
            };
        }""",
        [row_label, column_label],
    )
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(200)
    page.mouse.click(point["x"], point["y"])
    harness.wait_idle(page)


def test_stance_cell_click_shows_that_areas_record(page, server):
    harness.open_page(page, server, "compare")
    expect(page.locator(".st-key-compare_area input")).to_have_value("Counter-terrorism")
    click_cell(page, "stance", "Arms control", "Russia · 2nd Trump term")
    expect(page.locator(".st-key-compare_area input")).to_have_value("Arms control")
    assert "area=arms_control" in page.url
    assert harness.exceptions(page) == []


def test_events_per_year_cell_click_lists_that_years_events(page, server):
    harness.open_page(page, server, "compare")
    assert page.locator(".st-key-area_year").count() == 0  # one section drawn at a time
    page.locator(".st-key-compare_section").get_by_role("radio", name="Events per year").click()
    harness.wait_idle(page)
    assert "section=events" in page.url
    click_cell(page, "area_year", "2025", "Ukraine")
    expect(page.locator(".st-key-compare_area input")).to_have_value("Ukraine")
    expect(page.locator(".st-key-compare_year input")).to_have_value("2025")
    caption = page.get_by_text("in this area in 2025 under the current filters")
    expect(caption).to_be_visible(timeout=10_000)
    assert "year=2025" in page.url


def test_timeline_mark_click_lists_the_event(page, server):
    harness.open_page(page, server, "timeline", "areas=arms_control")
    marks = page.locator(".st-key-timeline .scatterlayer .point")
    expect(marks.first).to_be_visible(timeout=30_000)
    box = marks.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(200)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    harness.wait_idle(page)
    picker = page.locator(".st-key-timeline_events")
    expect(picker).to_contain_text(" — ", timeout=10_000)
    title = picker.inner_text().split(" — ", 1)[1].strip()
    expect(page.get_by_test_id("stText").filter(has_text=title[:30]).first).to_be_visible()


def test_say_do_cell_click_lists_its_commitments(page, server):
    harness.open_page(page, server, "say-do")
    click_cell(page, "say_do", "Ukraine", "Russia · 2nd Trump term")
    expect(page.locator(".st-key-say_do_cell input")).to_have_value(
        "Ukraine — Russia · 2nd Trump term"
    )
    assert "cell=ukraine%7CRU%7Cterm2" in page.url or "cell=ukraine|RU|term2" in page.url
    expect(page.get_by_text("Russian government, stated").first).to_be_visible()


def test_the_sources_behind_an_area_are_drawn_when_their_expander_opens(page, server):
    harness.open_page(page, server, "compare", "area=arms_control")
    expander = page.get_by_test_id("stExpander").filter(has_text="Sources behind this area")
    assert expander.get_by_test_id("stDataFrame").count() == 0  # not drawn while closed
    expander.get_by_text("Sources behind this area").click()
    harness.wait_idle(page)
    expect(expander.get_by_test_id("stDataFrame")).to_be_visible(timeout=10_000)
    assert harness.exceptions(page) == []
    assert harness.axe_violations(page) == []
