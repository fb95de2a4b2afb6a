"""The shipped dataset loads and is complete; CSV and Parquet agree; the CLI and env var work."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.config import EngineConfig
from dashboard.data import load_dataset
from dashboard.data.load import DEFAULT_DATA_DIR, data_dir_from_env
from dashboard.data.synth import write_synthetic
from dashboard.data.tables import TABLES
from dashboard.engine import Store
from dashboard.filters import Filters
from tests.conftest import check_command
from tests.shipped_comparison import AREA_IDS, COMPARED, PRINCIPAL, SIDES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def test_check_command_accepts_shipped_data():
    result = check_command("data")
    assert result.returncode == 0, result.stderr
    assert "data: OK" in result.stdout
    for name in TABLES:
        assert name in result.stdout


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_has_rows(shipped, name):
    assert len(shipped.table(name)) > 0


@pytest.mark.parametrize(
    ("area", "side", "period"), list(itertools.product(AREA_IDS, SIDES, COMPARED))
)
def test_base_position_cell_present(shipped, area, side, period):
    """Every area × side × term has the executive's position, as one or more dated stretches."""
    positions = shipped.positions
    cell = positions[
        (positions["area_id"] == area)
        & (positions["side"] == side)
        & (positions["actor"] == PRINCIPAL[side])
        & (positions["period"] == period)
    ].sort_values("stated_from")
    assert len(cell) >= 1
    ends = cell["stated_to"].fillna(cell["stated_from"])
    assert (cell["stated_from"].iloc[1:].to_numpy() > ends.iloc[:-1].to_numpy()).all()


def test_enough_events(shipped):
    assert len(shipped.events) >= 60


def test_enough_impact_countries(shipped):
    assert shipped.impacts["country"].nunique() >= 25


def test_every_source_is_cited(shipped):
    cited = set()
    for name in TABLES:
        frame = shipped.table(name)
        if "source_ids" in frame:
            for cell in frame["source_ids"].dropna():
                cited.update(cell.split(";"))
    assert set(shipped.sources["source_id"]) <= cited


def test_source_urls_are_http(shipped):
    urls = shipped.sources["url"]
    assert urls.str.match(r"^https?://[^\s]+$").all(), urls[~urls.str.match(r"^https?://")]


def _parquet_copy(out: Path, frames: dict[str, pd.DataFrame]) -> Path:
    out.mkdir()
    for name, frame in frames.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    shutil.copy(DATA / "datapackage.json", out / "datapackage.json")
    return out


def _assert_same(directory: Path, right, right_store):
    """The Parquet copy loads the same tables; its events and sources (read in place, never
    into pandas) answer the same as the CSV ones."""
    left = load_dataset(directory)
    for name in TABLES:
        if name not in ("events", "sources"):
            pd.testing.assert_frame_equal(left.table(name), right.table(name), obj=name)
    assert left.events is None and left.event_rows == len(right.events)
    assert left.sources is None and left.rows("sources") == len(right.sources)
    left_store = Store.for_dataset(EngineConfig(), left, directory, directory.name)
    pd.testing.assert_frame_equal(left_store.newest(Filters()), right_store.newest(Filters()))
    every = right.sources["source_id"]
    pd.testing.assert_frame_equal(left_store.sources_of(every), right_store.sources_of(every))
    assert len(left_store.sources_of(every)) == len(every)
    assert left.meta == right.meta


def test_parquet_of_csv_text_loads_equal(shipped, shipped_store, tmp_path):
    frames = {
        name: pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLES
    }
    _assert_same(_parquet_copy(tmp_path / "text", frames), shipped, shipped_store)


def test_parquet_of_typed_tables_loads_equal(shipped, shipped_store, tmp_path):
    frames = {name: shipped.table(name)[TABLES[name].column_names].copy() for name in TABLES}
    _assert_same(_parquet_copy(tmp_path / "typed", frames), shipped, shipped_store)


def test_data_dir_env_var(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    assert data_dir_from_env() == tmp_path
    monkeypatch.setenv("DASHBOARD_DATA_DIR", "")
    assert data_dir_from_env() == DEFAULT_DATA_DIR
    monkeypatch.delenv("DASHBOARD_DATA_DIR")
    assert data_dir_from_env() == DEFAULT_DATA_DIR == DATA


def test_check_command_honours_env_var(tmp_path):
    write_synthetic(tmp_path, 20, seed=1)
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DASHBOARD_DATA_DIR": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"{tmp_path}: OK" in result.stdout


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_synth_writes_valid_synthetic_dataset(tmp_path, file_format):
    write_synthetic(tmp_path, 40, seed=3, file_format=file_format)
    dataset = load_dataset(tmp_path)
    assert dataset.synthetic
    assert dataset.event_rows == 40
    assert json.loads((tmp_path / "datapackage.json").read_text())["synthetic"] is True
    assert {p.suffix for p in tmp_path.iterdir() if p.stem in TABLES} == {f".{file_format}"}


def test_synth_command(tmp_path):
    out = tmp_path / "synth"
    command = [sys.executable, "-m", "dashboard", "synth", "--events", "20", str(out)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert load_dataset(out).synthetic


def test_shipped_data_is_not_synthetic(shipped):
    assert not shipped.synthetic
