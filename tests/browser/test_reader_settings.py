"""What a reader sees around the pages: the tab title of each page and the theme switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import harness

pytestmark = pytest.mark.browser

TITLES = {  # written out, not read from the registry: what a reader should see in the tab
    "overview": "Overview",
    "compare": "Compare",
    "say-do": "Say vs do",
    "map": "Impact map",
    "timeline": "Timeline",
    "data": "Data",
    "sources": "Sources & methodology",
}


@pytest.mark.parametrize("path", list(TITLES))
def test_each_page_has_its_own_tab_title(page, server, path):
    harness.open_page(page, server, path)
    assert page.title() == f"{TITLES[path]} · US–Russia relations under Trump and Putin"


BACKGROUND = (
    "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
)


def choose_theme(page, name: str) -> None:
    item = page.get_by_test_id(f"stMainMenuItem-theme-{name}")
    if not item.is_visible():
        page.get_by_test_id("stMainMenu").click()
    item.click()


def test_the_menu_switches_to_the_dark_theme_and_back(page, server):
    harness.open_page(page, server, "compare")
    assert page.evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    choose_theme(page, "Dark")
    expect(page.get_by_test_id("stApp")).to_have_css("background-color", "rgb(14, 17, 23)")
    choose_theme(page, "Light")
    expect(page.get_by_test_id("stApp")).to_have_css("background-color", "rgb(255, 255, 255)")
