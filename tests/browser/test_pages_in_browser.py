"""What only a browser shows: pages drawn, charts and map rendered offline, downloads, links."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard import export, matrices
from dashboard.data import load_dataset
from dashboard.engine import EngineConfig, Store
from dashboard.filters import Filters
from tests.browser import harness
from tests.conftest import DATA

pytestmark = pytest.mark.browser

CHART_SELECTORS = {
    "overview": ".heatmaplayer",
    "compare": ".heatmaplayer",
    "map": "path.choroplethlocation",
    "timeline": ".scatterlayer .point",
}


@pytest.mark.parametrize("path", harness.PAGES)
def test_page_renders_without_exception_and_passes_axe(page, server, path):
    harness.open_page(page, server, path)
    assert harness.exceptions(page) == []
    assert page.locator('[role="dialog"]').count() == 0  # e.g. Streamlit's "Page not found"
    assert page.locator("h1").first.inner_text().strip()
    assert harness.axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("section", ["side_by_side", "events", "change"])
def test_every_compare_section_passes_axe(browser, server, section, scheme):
    """The default section is checked with the page; the others are drawn only when chosen."""
    outside = harness.OutsideRequests()
    page = harness.new_page(browser, outside, color_scheme=scheme)
    try:
        harness.open_page(page, server, "compare", f"section={section}")
        assert harness.exceptions(page) == []
        assert harness.axe_violations(page) == []
    finally:
        page.context.close()
    assert outside.urls == []


DRAWN_SHAPES = """sel => [...document.querySelectorAll(sel)]
    .filter(e => e.getBoundingClientRect().width > 0).length"""


@pytest.mark.parametrize("path", list(CHART_SELECTORS))
def test_charts_are_drawn(page, server, path):
    harness.open_page(page, server, path)
    page.wait_for_function(f"({DRAWN_SHAPES})('{CHART_SELECTORS[path]}') > 0", timeout=30_000)


def test_map_draws_country_shapes_offline(page, server, outside):
    harness.open_page(page, server, "map")
    page.wait_for_function(f"({DRAWN_SHAPES})('path.choroplethlocation') >= 150", timeout=30_000)
    drawn = page.evaluate(f"({DRAWN_SHAPES})('path.choroplethlocation')")
    print(f"map shapes drawn offline: {drawn}")
    assert drawn >= 150
    assert outside.urls == []


def test_dark_theme_passes_axe(browser, server):
    outside = harness.OutsideRequests()
    page = harness.new_page(browser, outside, color_scheme="dark")
    try:
        for path in ("overview", "compare"):
            harness.open_page(page, server, path)
            background = page.evaluate(
                "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
            )
            assert background != "rgb(255, 255, 255)"
            assert harness.axe_violations(page) == []
    finally:
        page.context.close()
    assert outside.urls == []


def _expect_area_chip(page, name: str) -> None:
    """The sidebar shows ``name`` as a chosen area.

    Waits for it (up to 10 s): in about one run of the file in ten, in CI only, the chip was not
    there yet when the first run had drawn the page title, while the URL still held its query
    (which the app rewrites when it drops a filter).
    """
    chip = page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).first
    expect(chip).to_be_visible(timeout=10_000)


def test_copied_url_restores_the_filters(page, browser, server, outside):
    harness.open_page(page, server, "compare", "areas=ukraine&side=RU&period=term2")
    _expect_area_chip(page, "Ukraine")
    page.get_by_test_id("stRadioGroup").get_by_text("United States", exact=True).click()
    harness.wait_idle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query == {"areas": ["ukraine"], "side": ["US"], "period": ["term2"]}

    second = harness.new_page(browser, outside)  # its requests are recorded like the first's
    try:
        harness.open_page(second, server, "compare", urlparse(page.url).query)
        _expect_area_chip(second, "Ukraine")
        checked = second.locator('[data-testid="stSidebar"] input[type=radio]:checked')
        assert checked.evaluate("e => e.closest('label').innerText") == "United States"
    finally:
        second.context.close()


def _expected_events(query: Filters):
    dataset = load_dataset(DATA)
    store = Store.for_dataset(EngineConfig(), dataset, DATA, "browser_expected")
    return dataset, matrices.filtered_tables(dataset, store, query)


def test_csv_download_equals_the_filtered_table(page, server):
    harness.open_page(page, server, "data", "areas=ukraine&period=term1")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download events as CSV").click()
    download = download_info.value
    version = load_dataset(DATA).meta["version"]
    assert download.suggested_filename == f"us-russia-events-v{version}-ukraine-term1.csv"
    _, tables = _expected_events(Filters(areas=("ukraine",), period="term1"))
    assert len(tables["events"]) > 0
    assert download.path().read_bytes() == export.csv_bytes(tables["events"])


def test_zip_download_holds_every_filtered_table_and_the_licence(page, server):
    harness.open_page(page, server, "data", "areas=arms_control")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download all filtered tables").click()
    _, tables = _expected_events(Filters(areas=("arms_control",)))
    with zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes())) as archive:
        names = set(archive.namelist())
        assert {f"{t}.csv" for t in tables} | {
            "README.txt",
            "LICENCE-data.txt",
            "CITATION.txt",
        } == names
        version = load_dataset(DATA).meta["version"]
        assert f"Dataset version {version}," in archive.read("README.txt").decode()
        assert archive.read("positions.csv") == export.csv_bytes(tables["positions"])


@pytest.mark.parametrize("case", ["binary_png", "date_feb_30", "corrupt_parquet"])
def test_broken_dataset_gives_an_error_page_not_a_blank_one(browser, case):
    directory = harness.ROOT / "tests" / "broken" / case
    outside = harness.OutsideRequests()
    page = harness.new_page(browser, outside)
    try:
        with harness.serve(directory) as broken:
            harness.open_page(page, broken, "")
            assert page.locator("h1").first.inner_text() == "The dataset could not be loaded"
            assert harness.exceptions(page) == []
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "Traceback" not in body
            first = (directory / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
            assert first.split(": ")[0] in body
    finally:
        page.context.close()
    assert outside.urls == []
