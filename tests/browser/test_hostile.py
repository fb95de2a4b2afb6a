"""Hostile text in every text column renders as literal text on every page."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.export import FORMULA_START
from tests.browser import harness
from tests.conftest import DATA
from tests.hostile import PAYLOADS, write_hostile

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    directory = write_hostile(DATA, tmp_path_factory.mktemp("hostile"))
    with harness.serve(directory) as running:
        yield running


@pytest.fixture
def dialogs(page):
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


@pytest.mark.parametrize("path", harness.PAGES)
def test_payloads_stay_text(page, hostile_server, dialogs, path):
    harness.open_page(page, hostile_server, path, "area=ukraine&country=GBR")
    page.wait_for_timeout(500)
    assert harness.exceptions(page) == []
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert (
        page.locator('img[src="x"], a[href^="javascript:"], style:has-text("display:none")').count()
        == 0
    )
    assert page.locator("h1").first.is_visible()
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 20, f"page is {overflow}px wider than the window"


def test_payload_text_is_shown_literally(page, hostile_server, dialogs):
    harness.open_page(page, hostile_server, "compare", "area=ukraine")
    text = page.locator('[data-testid="stMain"]').inner_text()
    shown = [p for p in PAYLOADS if p[:25] in text]
    assert len(shown) >= 3, text[-2000:]
    assert any(marker in p for p in shown for marker in ("<", "](", "**", ":red["))
    assert dialogs == []


def test_hostile_csv_is_spreadsheet_safe(page, hostile_server):
    harness.open_page(page, hostile_server, "data")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download events as CSV").click()
    frame = pd.read_csv(
        io.BytesIO(download_info.value.path().read_bytes()), encoding="utf-8-sig", dtype=str
    )
    for column in ("title", "description"):
        assert not frame[column].str.startswith(FORMULA_START).any(), column
    assert frame["title"].str.startswith("'=HYPERLINK").any()
