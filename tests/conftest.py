"""Shared fixtures: the shipped dataset and a small synthetic one, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.data import load_dataset
from dashboard.data.synth import write_synthetic
from dashboard.matrices import index_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def shipped():
    return load_dataset(DATA)


@pytest.fixture(scope="session")
def shipped_index(shipped):
    return index_dataset(shipped)


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("synthetic"), 2_000, seed=7)


@pytest.fixture(scope="session")
def synthetic(synthetic_dir):
    return load_dataset(synthetic_dir)
