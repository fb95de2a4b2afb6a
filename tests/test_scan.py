"""Parquet events and sources are checked where they lie, as engine queries, with the CSV
check's messages.

Every broken case of ``tests/broken`` whose events.csv (or sources.csv) parses is replayed with
that table as a Parquet file of text columns: the engine's check must then report exactly what
the pandas check reports for the CSV, row for row (a Parquet file's first record is row 1, a
CSV's row 2). A large
file shows the exact row of a fault at 7,654,321, through ``check`` and the app's error page; a
checked dataset is remembered by the fingerprint of its files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import DatasetError, load_dataset
from dashboard.data.errors import DataError
from dashboard.data.read import read_table
from dashboard.data.tables import TABLES
from tests.test_broken_corpus import BASE, CASES, ROOT

APP = str(ROOT / "dashboard" / "app.py")
EVENTS = TABLES["events"]
BIG_ROWS = 7_700_000
BAD_ROW = 7_654_321  # as the error names it: the row's position in the file, from 1


def _errors(directory: Path) -> list[DataError]:
    try:
        load_dataset(directory)
    except DatasetError as exc:
        return exc.errors
    return []


def _as_parquet_row(error: DataError, table: str = "events") -> DataError:
    """The CSV check's error as the Parquet check must word it."""
    if error.file != f"{table}.csv":
        return error
    row = error.row - 1 if isinstance(error.row, int) else error.row
    message = re.sub(r"row (\d+) already", lambda m: f"row {int(m[1]) - 1} already", error.message)
    return dataclasses.replace(error, file=f"{table}.parquet", row=row, message=message)


def _replayable(case: Path, table: str = "events") -> bool:
    """The case's table parses as CSV, with no blank lines (which Parquet cannot hold)."""
    if not (case / f"{table}.csv").is_file() or (case / f"{table}.parquet").exists():
        return False
    raw, errors = read_table(case, TABLES[table])
    return raw is not None and not errors and not raw.rows


REPLAYED = [case for case in CASES if _replayable(case)]
# Cases whose fault is in the sources or points at them (an unknown or an unused source).
SOURCE_CASES = [
    case
    for case in CASES
    if _replayable(case, "sources")
    and any("source" in e.message or e.file == "sources.csv" for e in _errors(case))
]


def test_most_broken_cases_are_replayed_on_parquet():
    assert len(REPLAYED) >= 30, [case.name for case in REPLAYED]
    assert len(SOURCE_CASES) >= 3, [case.name for case in SOURCE_CASES]


def _replay(case: Path, tmp_path: Path, table: str) -> list[DataError]:
    """The case's errors with ``table`` as a Parquet file of text columns."""
    copy = shutil.copytree(case, tmp_path / case.name)
    raw, _ = read_table(copy, TABLES[table])
    pq.write_table(pa.Table.from_pandas(raw.frame, preserve_index=False), copy / f"{table}.parquet")
    (copy / f"{table}.csv").unlink()
    return sorted(_errors(copy))


@pytest.mark.parametrize("case", REPLAYED, ids=[case.name for case in REPLAYED])
def test_parquet_check_words_each_fault_as_the_csv_check(case, tmp_path):
    expected = sorted(_as_parquet_row(e) for e in _errors(case))
    assert _replay(case, tmp_path, "events") == expected


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[case.name for case in SOURCE_CASES])
def test_parquet_sources_are_checked_in_place_as_the_csv(case, tmp_path):
    expected = sorted(_as_parquet_row(e, "sources") for e in _errors(case))
    assert _replay(case, tmp_path, "sources") == expected


def _typed_events(rows: int) -> pa.Table:
    """``rows`` valid events with native Parquet types and repeated values."""
    numbers = pa.array(np.arange(rows))
    text = pa.array(["the two sides met"] * 1).take(pa.array(np.zeros(rows, dtype=np.int32)))

    def repeated(value):
        return pa.array([value]).take(pa.array(np.zeros(rows, dtype=np.int32)))

    return pa.table(
        {
            "event_id": pc.binary_join_element_wise("x", pc.cast(numbers, pa.string()), ""),
            "date": repeated("2018-07-16"),
            "date_precision": repeated("day"),
            "title": text,
            "description": text,
            "area_ids": repeated("ukraine"),
            "actors": repeated("us_executive;ru_government"),
            "countries": repeated("USA;RUS"),
            "goldstein": repeated(1.5),
            "quad_class": repeated("verbal_cooperation"),
            "key_moment": repeated(False),
            "source_ids": repeated("s1"),
            "checked": repeated("2019-06-01"),
        }
    )


def _with_events(tmp_path: Path, events: pa.Table, name: str = "events.parquet") -> Path:
    directory = shutil.copytree(BASE, tmp_path / "dataset")
    (directory / "events.csv").unlink()
    pq.write_table(events, directory / name)
    return directory


def _base_events() -> pa.Table:
    import pandas as pd

    frame = pd.read_csv(BASE / "events.csv", dtype=str, keep_default_na=False)
    return pa.Table.from_pandas(frame, preserve_index=False)


def _set(table: pa.Table, column: str, row: int, value) -> pa.Table:
    values = table[column].to_pylist()
    values[row] = value
    index = table.schema.get_field_index(column)
    return table.set_column(index, column, pa.array(values, type=table[column].type))


@pytest.fixture(scope="module")
def large_broken(tmp_path_factory) -> Path:
    """The base dataset with 7,700,000 more events in Parquet; one bad date at row 7,654,321."""
    tmp = tmp_path_factory.mktemp("large")
    events = pa.concat_tables([_base_events(), _typed_events(BIG_ROWS).cast(_base_events().schema)])
    dates = events["date"].combine_chunks()
    mask = np.zeros(len(events), dtype=bool)
    mask[BAD_ROW - 1] = True
    dates = pc.if_else(pa.array(mask), pa.scalar("2019-02-30"), dates)
    events = events.set_column(events.schema.get_field_index("date"), "date", dates)
    return _with_events(tmp, events)


def test_large_parquet_fault_is_named_by_its_row(large_broken):
    errors = _errors(large_broken)
    assert [str(e) for e in errors] == [
        f"events.parquet:{BAD_ROW}:date: not a real date in YYYY-MM-DD form: '2019-02-30'"
    ]


def test_check_command_prints_the_large_fault(large_broken):
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "check", str(large_broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert f"events.parquet:{BAD_ROW}:date: not a real date" in done.stderr
    assert "Traceback" not in done.stderr


def test_error_page_lists_the_large_fault(large_broken, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(large_broken))
    app = AppTest.from_file(APP, default_timeout=300).run()
    assert not app.exception
    assert app.title[0].value == "The dataset could not be loaded"
    listed = app.dataframe[0].value
    row = listed[listed["file"] == "events.parquet"].iloc[0]
    assert (row["row"], row["column"]) == (str(BAD_ROW), "date")


def test_native_types_faults(tmp_path):
    events = _typed_events(5)
    events = _set(events, "goldstein", 1, 12.5)
    events = _set(events, "event_id", 3, "x0")
    events = _set(events, "area_ids", 4, "ukraine;moon")
    directory = _with_events(tmp_path, events)
    in_events = [str(e) for e in _errors(directory) if e.file == "events.parquet"]
    assert sorted(in_events) == [
        "events.parquet:2:goldstein: 12.5 must be between -10 and 10",
        "events.parquet:4:event_id: duplicate id 'x0': row 1 already has it",
        "events.parquet:5:area_ids: unknown areas: 'moon'",
    ]


def test_directory_of_parquet_files_names_the_part(tmp_path):
    directory = shutil.copytree(BASE, tmp_path / "dataset")
    (directory / "events.csv").unlink()
    parts = directory / "events.parquet"
    parts.mkdir()
    base = _base_events()
    pq.write_table(base, parts / "part-0.parquet")
    later = _set(_typed_events(3).cast(base.schema), "date", 2, "2014-13-01")
    later = _set(later, "event_id", 1, base["event_id"][0].as_py())
    pq.write_table(later, parts / "part-1.parquet")
    first = base["event_id"][0].as_py()
    assert sorted(str(e) for e in _errors(directory)) == [
        f"events.parquet/part-1.parquet:2:event_id: duplicate id '{first}': "
        "row 1 of events.parquet/part-0.parquet already has it",
        "events.parquet/part-1.parquet:3:date: not a real date in YYYY-MM-DD form: '2014-13-01'",
    ]


def test_checked_dataset_is_remembered_until_a_file_changes(tmp_path, monkeypatch):
    directory = _with_events(tmp_path, _base_events())
    first = load_dataset(directory)
    assert (first.remembered, first.event_rows) == (False, 3)
    again = load_dataset(directory)
    assert (again.remembered, again.event_rows) == (True, 3)
    events = directory / "events.parquet"
    os.utime(events, ns=(events.stat().st_atime_ns, events.stat().st_mtime_ns + 1_000_000))
    assert not load_dataset(directory).remembered


def test_a_broken_dataset_is_never_remembered(tmp_path):
    events = _set(_base_events(), "date", 0, "not a date")
    directory = _with_events(tmp_path, events)
    for _ in range(2):
        with pytest.raises(DatasetError):
            load_dataset(directory, today=dt.date.today())


def test_repeated_ids_are_found_when_grouped_in_several_passes(tmp_path, monkeypatch):
    monkeypatch.setattr("dashboard.data.scan.ROWS_PER_PASS", 2)  # 7 rows: 4 passes
    events = pa.concat_tables([_base_events(), _typed_events(4).cast(_base_events().schema)])
    events = _set(_set(events, "event_id", 5, "e1"), "event_id", 6, "x0")
    directory = _with_events(tmp_path, events)
    assert sorted(str(e) for e in _errors(directory) if e.column == "event_id") == [
        "events.parquet:6:event_id: duplicate id 'e1': row 1 already has it",
        "events.parquet:7:event_id: duplicate id 'x0': row 4 already has it",
    ]


def _with_sources(tmp_path: Path, sources: pa.Table) -> Path:
    directory = shutil.copytree(BASE, tmp_path / "dataset")
    (directory / "sources.csv").unlink()
    pq.write_table(sources, directory / "sources.parquet")
    return directory


def _base_sources() -> pa.Table:
    import pandas as pd

    frame = pd.read_csv(BASE / "sources.csv", dtype=str, keep_default_na=False)
    return pa.Table.from_pandas(frame, preserve_index=False)


def test_parquet_sources_are_checked_in_place_and_never_loaded(tmp_path):
    directory = _with_sources(tmp_path, _base_sources())
    dataset = load_dataset(directory)
    assert dataset.sources is None and dataset.rows("sources") == 3
    assert not dataset.remembered
    assert load_dataset(directory).remembered  # unchanged files: not read again


def test_parquet_sources_faults_name_file_row_and_column(tmp_path):
    sources = pa.concat_tables([_base_sources(), _base_sources().slice(0, 1)])  # s1 twice
    sources = _set(sources, "kind", 1, "blog")
    sources = _set(sources, "published", 2, "2019-02-30")
    sources = _set(sources, "url", 3, "javascript:alert(1)")
    directory = _with_sources(tmp_path, sources)
    assert sorted(str(e) for e in _errors(directory)) == [
        "sources.parquet:2:kind: 'blog' must be one of: primary, wire, press",
        "sources.parquet:3:published: not a real date in YYYY-MM-DD form: '2019-02-30'",
        "sources.parquet:4:source_id: duplicate id 's1': row 1 already has it",
        "sources.parquet:4:url: 'javascript:alert(1)' must be an http:// or https:// address",
    ]


def test_parquet_sources_may_predate_the_record_as_in_csv(tmp_path, monkeypatch):
    """A source published before the first period (a 1990s treaty text) passes in Parquet as in
    CSV; the Parquet check once held it to the events' range and reported a bare count."""
    monkeypatch.setattr("dashboard.data.scan.MAX_ERRORS_PER_COLUMN", 1)  # a count past one row
    sources = _base_sources()
    for row in range(sources.num_rows):
        sources = _set(sources, "published", row, "1995-06-01")
    assert _errors(_with_sources(tmp_path, sources)) == []


def test_events_and_sources_both_in_parquet_are_compared_by_the_engine(tmp_path):
    """The sources an event names must exist, and every source must be cited: with both tables
    in Parquet (an import: half a million of each) the engine compares them."""
    sources = pa.concat_tables([_base_sources(), _base_sources().slice(0, 1)])
    sources = _set(_set(sources, "source_id", 3, "s4"), "url", 3, "https://example.org/s4")
    directory = _with_sources(tmp_path, sources)
    (directory / "events.csv").unlink()
    pq.write_table(_set(_base_events(), "source_ids", 1, "s3;s9"), directory / "events.parquet")
    assert sorted(str(e) for e in _errors(directory)) == [
        "events.parquet:2:source_ids: unknown sources: 's9'",
        "sources.parquet:4:source_id: source 's4' is cited by no row",
    ]
