"""A short soak: twenty browser sessions at once, each with its own filters."""

import pytest

from scripts.soak import run_soak

pytestmark = pytest.mark.browser


def test_twenty_sessions_keep_their_own_filters_and_memory_returns():
    report = run_soak(sessions=20, seconds=0)
    print(report.as_dict())
    assert report.errors == []
    assert report.page_loads == 20 * 6
    assert report.memory_returned, report.as_dict()
