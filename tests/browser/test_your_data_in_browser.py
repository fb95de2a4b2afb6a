"""Bring your own dataset in a real browser: the file input, the banner, the pages of the
upload, the way back, and a second reader who sees the shipped data all along."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.data.synth import generated_shape, write_synthetic
from tests.browser import harness
from tests.test_your_data import zip_of

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def three_sides_zip(tmp_path_factory):
    shape = generated_shape(["US", "CN", "EU"], periods=3, areas=8)
    folder = write_synthetic(tmp_path_factory.mktemp("mine") / "three-sides", 400, shape=shape)
    path = folder.parent / "three-sides.zip"
    path.write_bytes(zip_of(folder))
    return path


def expect_title(page, text: str) -> None:
    """One page title, ``text``: while a run replaces a page, the old title stays a moment."""
    titles = page.get_by_test_id("stMain").get_by_role("heading", level=1)
    expect(titles).to_have_text([text], timeout=60_000)


def test_an_upload_is_explored_then_left_while_another_reader_sees_the_shipped_data(
    page, browser, outside, server, three_sides_zip
):
    harness.open_page(page, server, "your-data")
    page.locator("input[type=file]").set_input_files(str(three_sides_zip))
    page.get_by_role("button", name="Check and explore it").click()
    expect(page.get_by_text("Your dataset is checked")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("You are exploring your own dataset")).to_be_visible()

    page.get_by_test_id("stSidebar").get_by_role("link", name="Compare").click()
    expect_title(page, "Compare the 3 sides")
    expect(page.get_by_role("radio", name="Side EU")).to_be_attached()
    expect(page.get_by_text("You are exploring your own dataset")).to_be_visible()

    other = harness.new_page(browser, outside)  # a second reader, at the same time
    try:
        harness.open_page(other, server, "compare")
        expect_title(other, "Compare the two sides")
        expect(other.get_by_text("You are exploring your own dataset")).to_have_count(0)
    finally:
        other.context.close()

    page.get_by_role("button", name="Back to the shipped dataset").click()
    expect_title(page, "Compare the two sides")
    expect(page.get_by_text("You are exploring your own dataset")).to_have_count(0)
    assert harness.exceptions(page) == []


def test_a_file_that_is_not_a_zip_is_refused_in_words(page, server, tmp_path):
    fake = tmp_path / "data.zip"
    fake.write_bytes(b"%PDF-1.7\n")
    harness.open_page(page, server, "your-data")
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_role("button", name="Check and explore it").click()
    expect(page.get_by_text("Your upload was not taken")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("not a zip file: it is a PDF document").first).to_be_attached()
    assert harness.axe_violations(page) == []  # the problems table included
