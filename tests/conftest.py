"""Shared fixtures: the shipped dataset and a small synthetic one, loaded once per session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.data import load_dataset
from dashboard.data.synth import write_synthetic
from dashboard.engine import EngineConfig, Store

ROOT = Path(__file__).resolve().parents[1]
MARKDOWN_ESCAPE = re.compile(r"\\(.)")


def check_command(directory: Path | str) -> subprocess.CompletedProcess:
    """``python -m dashboard check DIRECTORY`` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "check", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def as_read(markdown: str) -> str:
    """A caption's Markdown as the reader sees it: data text in it is escaped (``ui.inert``)."""
    return MARKDOWN_ESCAPE.sub(r"\1", markdown)


DATA = ROOT / "data"


@pytest.fixture(scope="session", autouse=True)
def cache_directory(tmp_path_factory) -> Path:
    """Checked datasets and derived tables are remembered in a directory of this run only."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["DASHBOARD_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def shipped():
    return load_dataset(DATA)


def duckdb_store(dataset, directory: Path, version: str) -> Store:
    """The dataset's events in the default engine, DuckDB."""
    return Store.for_dataset(EngineConfig(), dataset, directory, version)


@pytest.fixture(scope="session")
def shipped_store(shipped):
    return duckdb_store(shipped, DATA, "shipped")


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("synthetic"), 2_000, seed=7)


@pytest.fixture(scope="session")
def synthetic(synthetic_dir):
    return load_dataset(synthetic_dir)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped engine test fails: every engine must really have answered."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and item.get_closest_marker("pyspark"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


GDELT_ROWS = 20_000  # synthetic export lines: about a thousand of them USA–RUS


@pytest.fixture(scope="session")
def gdelt_dir(tmp_path_factory) -> Path:
    """A dataset built by the GDELT importer: the curated tables plus synthetic GDELT events."""
    from dashboard.gdelt.importer import import_gdelt
    from dashboard.gdelt.synthetic import write_gdelt_exports

    root = tmp_path_factory.mktemp("gdelt-dataset")
    import_gdelt(root / "dataset", write_gdelt_exports(root / "in", GDELT_ROWS, seed=5))
    return root / "dataset"
