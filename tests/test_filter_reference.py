"""Every filter against a plain reference written here, not against the code under test.

The reference reads the CSV files with the ``csv`` module and decides, event by event, whether
it is on a side, in the areas, in the period and dates, in a cell of the chosen outcome status
and holds the search words. The dashboard's answers (the events it lists, the counts in its
area × year matrix, the CSV it exports, the Data page) must equal it, on the shipped dataset and
on a synthetic one with multi-actor, multi-area events.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import export, matrices
from dashboard.filters import Filters
from tests.conftest import DATA, ROOT, duckdb_store

US_ACTORS = {"us_executive", "us_congress", "us_justice"}
RU_ACTORS = {"ru_government"}
TERM1, BETWEEN, TERM2 = dt.date(2017, 1, 20), dt.date(2021, 1, 20), dt.date(2025, 1, 20)


def period_of(day: dt.date) -> str:
    if day < TERM1:
        return "before"
    if day < BETWEEN:
        return "term1"
    return "between" if day < TERM2 else "term2"


def read_rows(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def qualifying_areas(event: dict, filters: Filters, status_cells: set) -> list[str]:
    """The event's areas through which it passes the area and status filters."""
    day = dt.date.fromisoformat(event["date"])
    areas = event["area_ids"].split(";")
    if filters.areas:
        areas = [a for a in areas if a in filters.areas]
    if filters.statuses:
        areas = [a for a in areas if (a, period_of(day)) in status_cells]
    return areas


def matches(event: dict, filters: Filters, status_cells: set) -> bool:
    day = dt.date.fromisoformat(event["date"])
    actors = set(event["actors"].split(";"))
    if filters.side == "US" and not actors & US_ACTORS:
        return False
    if filters.side == "RU" and not actors & RU_ACTORS:
        return False
    if filters.period and period_of(day) != filters.period:
        return False
    if filters.start and day < filters.start:
        return False
    if filters.end and day > filters.end:
        return False
    if (filters.areas or filters.statuses) and not qualifying_areas(event, filters, status_cells):
        return False
    text = [event["title"].lower(), event["description"].lower()]
    return all(any(word in t for t in text) for word in WORDS.get(filters.search, []))


# The search strings used below and the words a reader expects each to require.
WORDS = {
    "": [],
    "sanctions": ["sanctions"],
    '"New START"': ["new start"],
    "Trump Putin": ["trump", "putin"],
    "Synthetic talks": ["synthetic", "talks"],
}


def reference(directory: Path, filters: Filters) -> tuple[set[str], Counter]:
    """Matching event ids, and how many matching events each area counts."""
    cells = {
        (o["area_id"], o["period"])
        for o in read_rows(directory, "outcomes")
        if o["status"] in filters.statuses
    }
    ids, per_area = set(), Counter()
    for event in read_rows(directory, "events"):
        if matches(event, filters, cells):
            ids.add(event["event_id"])
            per_area.update(qualifying_areas(event, filters, cells))
    return ids, per_area


CASES = [
    Filters(),
    Filters(side="US"),
    Filters(side="RU"),
    Filters(areas=("ukraine",)),
    Filters(areas=("trade_sanctions", "human_rights")),
    Filters(period="before"),
    Filters(period="term1"),
    Filters(period="between"),
    Filters(period="term2", side="RU"),
    Filters(start=dt.date(2018, 3, 1), end=dt.date(2022, 12, 31)),
    Filters(statuses=("stalled",)),
    Filters(statuses=("implemented", "partial"), areas=("ukraine", "arms_control")),
    Filters(search="sanctions"),
    Filters(search='"New START"'),
    Filters(search="Trump Putin", side="US"),
    Filters(search="Synthetic talks", areas=("ukraine",), side="RU"),
    Filters(
        areas=("ukraine", "trade_sanctions"),
        side="US",
        start=dt.date(2017, 1, 1),
        statuses=("ongoing", "partial", "implemented"),
    ),
]


@pytest.fixture(scope="module", params=["shipped", "synthetic"])
def dataset_and_dir(request, shipped, synthetic, synthetic_dir):
    if request.param == "shipped":
        return shipped, DATA
    return synthetic, synthetic_dir


@pytest.fixture(scope="module")
def store(dataset_and_dir):
    dataset, directory = dataset_and_dir
    return duckdb_store(dataset, directory, f"reference_{directory.name}")


@pytest.mark.parametrize("filters", CASES, ids=lambda f: f.describe() + (f.search or ""))
def test_listed_events_equal_the_reference(dataset_and_dir, store, filters):
    _, directory = dataset_and_dir
    expected, _ = reference(directory, filters)
    listed = store.newest(filters)
    assert set(listed["event_id"]) == expected
    assert len(listed) == len(expected)
    assert listed["date"].is_monotonic_decreasing


@pytest.mark.parametrize("filters", CASES, ids=lambda f: f.describe() + (f.search or ""))
def test_area_counts_equal_the_reference(dataset_and_dir, store, filters):
    _, directory = dataset_and_dir
    _, per_area = reference(directory, filters)
    matrix = matrices.area_year_matrix(store.area_year(filters), {})
    counted = matrix.groupby("area_id")["events"].sum()
    assert {a: int(n) for a, n in counted.items() if n} == dict(per_area)


@pytest.mark.parametrize("filters", CASES[:4] + CASES[-3:], ids=lambda f: f.describe())
def test_exported_events_csv_equals_the_reference(dataset_and_dir, store, filters):
    dataset, directory = dataset_and_dir
    expected, _ = reference(directory, filters)
    tables = matrices.filtered_tables(dataset, store, filters)
    text = export.csv_bytes(tables["events"]).decode("utf-8-sig")
    exported = {row["event_id"] for row in csv.DictReader(io.StringIO(text))}
    assert exported == expected


def test_two_us_actors_stay_on_the_us_side(shipped_store):
    """The shipped CAATSA signing (two US actors) once showed under Russia."""
    us = set(shipped_store.newest(Filters(side="US"))["event_id"])
    ru = set(shipped_store.newest(Filters(side="RU"))["event_id"])
    for event in ("a-caatsa-signed", "b-nord-stream-sanctions", "c-doppelganger-crackdown"):
        assert event in us and event not in ru


def test_data_page_lists_the_reference_rows_for_a_side():
    expected, _ = reference(DATA, Filters(side="RU"))
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.query_params["side"] = "RU"
    app.query_params["table"] = "events"
    app.run()
    app.switch_page("views/data.py").run()
    assert not app.exception
    assert set(app.dataframe[0].value["event_id"]) == expected
