"""Every question the pages ask about events, on DuckDB and on PySpark, against a plain reference.

Each case is a ``Filters`` of ``tests.test_filter_reference.CASES`` (areas, side, period, dates,
status, search) plus a country and an area × year. For each dataset (the shipped CSV, a Parquet
copy of it with native types, a synthetic Parquet dataset with multi-actor, multi-area events and
text dates) every engine's answers must equal the reference computed here from the CSV files with
the ``csv`` module, and PySpark's answers must equal DuckDB's frame for frame.

The Spark session is one per test session (local[2]); it is slow to start, not to ask.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import load_dataset
from dashboard.data.synth import write_synthetic
from dashboard.data.tables import TABLES
from dashboard.engine import EngineConfig, Only, Store
from dashboard.filters import Filters
from tests import engine_setup
from tests.conftest import DATA
from tests.test_filter_reference import CASES, matches, qualifying_areas, read_rows

ENGINES = ("duckdb", pytest.param("pyspark", marks=pytest.mark.pyspark))
DATASETS = ("shipped", "shipped-parquet", "synthetic-parquet")
PAGE = (3, 7)  # offset, rows: a page of the Data table
KEY_MOMENTS = 5
ALSO = 3  # the first sources of the file join those the events cite (as the curated rows' do)
SOURCE_PAGE = (2, 5)  # offset, rows: a page of the cited sources
COUNTRY = "UKR"
AREA_YEAR = ("ukraine", 2022)
SPARK_SETTINGS = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "false",  # tiny data: planning costs more than it saves
    "spark.driver.memory": "1g",
}


# --- datasets and stores ------------------------------------------------------------------


@pytest.fixture(scope="session")
def directories(tmp_path_factory, synthetic_dir) -> dict[str, tuple[Path, Path]]:
    """Dataset name -> (directory the engine reads, CSV directory the reference reads)."""
    root = tmp_path_factory.mktemp("engines")
    native = root / "shipped-parquet"
    native.mkdir()
    shipped = load_dataset(DATA)
    for name in TABLES:
        shipped.table(name).to_parquet(native / f"{name}.parquet", index=False)
    shutil.copy(DATA / "datapackage.json", native)
    synthetic = write_synthetic(root / "synthetic-parquet", 2_000, seed=7, file_format="parquet")
    return {
        "shipped": (DATA, DATA),
        "shipped-parquet": (native, DATA),
        "synthetic-parquet": (synthetic, synthetic_dir),  # same seed, same day: same rows
    }


@pytest.fixture(scope="session")
def spark_config() -> EngineConfig:
    """Local Spark on two cores; Java is installed first when missing (never skipped)."""
    engine_setup.ensure_java()
    return EngineConfig(engine="pyspark", spark_master="local[2]", spark_conf=SPARK_SETTINGS)


_STORES: dict[tuple[str, str], Store] = {}


def store_for(engine: str, dataset: str, directories, request) -> Store:
    key = (engine, dataset)
    if key not in _STORES:
        config = request.getfixturevalue("spark_config") if engine == "pyspark" else EngineConfig()
        directory = directories[dataset][0]
        version = f"{dataset.replace('-', '_')}_suite"
        _STORES[key] = Store.for_dataset(config, load_dataset(directory), directory, version)
    return _STORES[key]


# --- the reference ------------------------------------------------------------------------


def _cells(directory: Path, filters: Filters) -> set[tuple[str, str]]:
    rows = read_rows(directory, "outcomes")
    return {(o["area_id"], o["period"]) for o in rows if o["status"] in filters.statuses}


def _newest_first(rows: list[dict]) -> list[dict]:
    by_id = sorted(rows, key=lambda e: e["event_id"])
    return sorted(by_id, key=lambda e: e["date"], reverse=True)


def reference(directory: Path, filters: Filters) -> dict:
    """Every answer, from the CSV rows and the plain predicates of test_filter_reference."""
    cells = _cells(directory, filters)
    rows = _newest_first([e for e in read_rows(directory, "events") if matches(e, filters, cells)])
    per_year, per_month, score = Counter(), Counter(), Counter()
    for event in rows:
        for area in qualifying_areas(event, filters, cells):
            per_year[(area, int(event["date"][:4]))] += 1
            per_month[(area, event["date"][:7])] += 1
            score[(area, int(event["date"][:4]))] += float(event["goldstein"])
    area, year = AREA_YEAR
    cited = {s for e in rows for s in e["source_ids"].split(";")}
    sources = sorted(
        read_rows(directory, "sources"), key=lambda s: (s["publisher"], s["title"], s["source_id"])
    )
    also = {s["source_id"] for s in read_rows(directory, "sources")[:ALSO]}
    listed = [s for s in sources if s["source_id"] in cited | also]
    source_offset, source_rows = SOURCE_PAGE
    key = [e for e in rows if e["key_moment"].lower() == "true"][:KEY_MOMENTS]
    offset, size = PAGE
    return {
        "ids": [e["event_id"] for e in rows],
        "page": [e["event_id"] for e in rows[offset : offset + size]],
        "span": (len(rows), rows[-1]["date"] if rows else None, rows[0]["date"] if rows else None),
        "per_year": dict(per_year),
        "score": {k: round(v, 6) for k, v in score.items()},
        "per_month": dict(per_month),
        "cited": cited,
        "also": also,
        "cited_sources": [s["source_id"] for s in listed],
        "cited_counts": (len(listed), sum(s["kind"] == "primary" for s in listed)),
        "source_page": [
            s["source_id"] for s in listed[source_offset : source_offset + source_rows]
        ],
        "sources_of": [s["source_id"] for s in sources if s["source_id"] in also],
        "key_moments": [e["event_id"] for e in reversed(key)],
        "country": [e["event_id"] for e in rows if COUNTRY in e["countries"].split(";")],
        "area_year": [
            e["event_id"]
            for e in rows
            if area in e["area_ids"].split(";") and e["date"].startswith(str(year))
        ],
    }


# --- the engine's answers -------------------------------------------------------------------


def answers(store: Store, filters: Filters, also: set[str]) -> dict[str, object]:
    """Every question the pages ask, as the store answers it (frames and values); ``also``:
    source ids cited beside the events."""
    offset, size = PAGE
    area, year = AREA_YEAR
    source_offset, source_rows = SOURCE_PAGE
    return {
        "newest": store.newest(filters),
        "count": store.count(filters),
        "page": store.newest(filters, size, offset=offset),
        "span": store.span(filters),
        "cube": store.daily_cube(filters),
        "area_year": store.area_year(filters),
        "area_month": store.area_month(filters),
        "cited": set(store.cited_sources(filters)["source_id"]),
        "cited_sources": store.cited_sources(filters, also),
        "cited_counts": store.cited_counts(filters, also),
        "source_page": store.cited_sources(filters, also, source_rows, source_offset),
        "sources_of": store.sources_of([*also, "no-such-source"]),
        "key_moments": store.key_moments(filters, KEY_MOMENTS),
        "country": store.newest(filters, only=Only(country=COUNTRY)),
        "country_count": store.count(filters, Only(country=COUNTRY)),
        "area_year_events": store.newest(filters, 500, only=Only(area=area, year=year)),
        "trend": store.trend(filters, "month"),  # machine-coded only: empty here, same shape
    }


def _day(value) -> str | None:
    return None if value is None else pd.Timestamp(value).date().isoformat()


def assert_answers_equal_the_reference(got: dict, expected: dict) -> None:
    assert list(got["newest"]["event_id"]) == expected["ids"]
    assert got["count"] == len(expected["ids"])
    assert list(got["page"]["event_id"]) == expected["page"]
    count, first, last = got["span"]
    assert (count, _day(first), _day(last)) == expected["span"]
    sums = got["area_year"]
    per_year = {
        (a, int(y)): int(n) for a, y, n in zip(sums.area_id, sums.year, sums.events, strict=True)
    }
    assert per_year == expected["per_year"]
    score = {
        (a, int(y)): round(float(s), 6)
        for a, y, s in zip(sums.area_id, sums.year, sums.goldstein_sum, strict=True)
    }
    assert score == expected["score"]
    months = got["area_month"]
    per_month = {
        (a, pd.Timestamp(d).strftime("%Y-%m")): int(n)
        for a, d, n in zip(months.area_id, months.date, months.events, strict=True)
    }
    assert per_month == expected["per_month"]
    assert int(got["cube"]["events"].sum()) == sum(expected["per_year"].values())
    assert got["cited"] == expected["cited"]
    assert list(got["cited_sources"]["source_id"]) == expected["cited_sources"]
    assert got["cited_counts"] == expected["cited_counts"]
    assert list(got["source_page"]["source_id"]) == expected["source_page"]
    assert list(got["sources_of"]["source_id"]) == expected["sources_of"]
    assert list(got["key_moments"]["event_id"]) == expected["key_moments"]
    assert list(got["country"]["event_id"]) == expected["country"]
    assert got["country_count"] == len(expected["country"])
    assert list(got["area_year_events"]["event_id"]) == expected["area_year"]


def assert_engines_agree(left: dict, right: dict) -> None:
    for name, value in left.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, right[name], obj=name)
        else:
            assert value == right[name], name


# --- the suite ------------------------------------------------------------------------------

CASES_WITH_COUNTRY = [*CASES, Filters(period="between", end=dt.date(2023, 6, 30))]


def _id(filters: Filters) -> str:
    return filters.describe() + ("-q-" + filters.search if filters.search else "")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("filters", CASES_WITH_COUNTRY, ids=_id)
def test_duckdb_answers_equal_the_reference(directories, request, dataset, filters):
    store = store_for("duckdb", dataset, directories, request)
    expected = reference(directories[dataset][1], filters)
    assert_answers_equal_the_reference(answers(store, filters, expected["also"]), expected)


# Spark answers in about a second per question here: the Parquet copy of the shipped data (the
# same rows as the CSV) gets a few cases, the other two datasets every case.
SPARK_CASES = [
    (dataset, filters)
    for dataset in DATASETS
    for filters in (CASES_WITH_COUNTRY[::6] if dataset == "shipped-parquet" else CASES_WITH_COUNTRY)
]


@pytest.mark.pyspark
@pytest.mark.parametrize(
    ("dataset", "filters"), SPARK_CASES, ids=[f"{_id(f)}-{d}" for d, f in SPARK_CASES]
)
def test_pyspark_answers_equal_the_reference_and_duckdb(directories, request, dataset, filters):
    expected = reference(directories[dataset][1], filters)
    spark = answers(store_for("pyspark", dataset, directories, request), filters, expected["also"])
    assert_answers_equal_the_reference(spark, expected)
    duckdb = answers(store_for("duckdb", dataset, directories, request), filters, expected["also"])
    assert_engines_agree(duckdb, spark)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_cube_is_built_once_per_dataset_version(directories, request, engine):
    """A filter change reads the kept cube: no search, no rescan of the events."""
    if engine == "pyspark":
        request.getfixturevalue("spark_config")
    store = store_for(engine, "synthetic-parquet", directories, request)
    backend = store.engine.backend()
    assert store._cube in backend.list_tables()
    assert int(store.daily_cube(Filters())["events"].sum()) >= store.total


@pytest.mark.parametrize("engine", ENGINES)
def test_a_directory_of_parquet_files_answers_like_one_file(
    directories, request, tmp_path_factory, engine
):
    """``events.parquet`` may be a directory of files (as Spark writes it), read in place."""
    if engine == "pyspark":
        request.getfixturevalue("spark_config")
    single = directories["synthetic-parquet"][0]
    split = tmp_path_factory.mktemp("parquet-dir") / "synthetic"
    shutil.copytree(single, split, ignore=shutil.ignore_patterns("events.parquet"))
    events = pd.read_parquet(single / "events.parquet")
    (split / "events.parquet").mkdir()
    for part, rows in enumerate((events.iloc[:700], events.iloc[700:])):
        rows.to_parquet(split / "events.parquet" / f"part-{part}.parquet", index=False)
    config = request.getfixturevalue("spark_config") if engine == "pyspark" else EngineConfig()
    store = Store.for_dataset(config, load_dataset(split), split, f"split_{engine}")
    whole = store_for(engine, "synthetic-parquet", directories, request)
    for filters in (Filters(), CASES[-1], Filters(search="Synthetic talks")):
        assert_engines_agree(answers(whole, filters, set()), answers(store, filters, set()))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("filters", CASES_WITH_COUNTRY[::4], ids=_id)
def test_sources_too_many_to_remember_are_answered_by_the_engine(
    directories, request, monkeypatch, engine, filters
):
    """Past ``SOURCES_REMEMBERED`` cited sources (GDELT chosen on an imported dataset: one
    source per article), the engine lists, pages and counts them from all the sources."""
    monkeypatch.setattr("dashboard.engine.SOURCES_REMEMBERED", 0)
    store = store_for(engine, "shipped-parquet", directories, request)
    expected = reference(directories["shipped-parquet"][1], filters)
    assert_answers_equal_the_reference(answers(store, filters, expected["also"]), expected)
