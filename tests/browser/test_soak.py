"""A short soak: twenty browser sessions at once, each with its own filters."""

import json
import subprocess
import sys

import pytest

from scripts.soak import ROUTE
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def test_twenty_sessions_keep_their_own_filters_and_memory_returns():
    # Its own process: Playwright's async API cannot run inside the sync API's event loop.
    command = [sys.executable, "-m", "scripts.soak", "--sessions", "20", "--seconds", "0"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    report = json.loads(result.stdout)
    print(report)
    assert report["errors"] == 0, report["error_samples"]
    assert report["page_loads"] == 20 * len(ROUTE)
    assert report["memory_within_10_percent"], report
    assert result.returncode == 0
