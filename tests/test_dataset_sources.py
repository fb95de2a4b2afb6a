"""What a journalist checks before citing the dataset: the kinds of sources behind its rows.

The shares are printed (``pytest -s``) and held at least at this version's level, so a data edit
cannot quietly lower them; the issue's target is 40% of rows with a primary source per table.
"""

from __future__ import annotations

import csv
import re

import pytest

from tests.conftest import DATA

BANNED = re.compile(r"wikipedia|wikimili|wikiwand|wikisource|dbpedia|news-pravda|pravda-", re.I)
TABLES = ("events", "positions", "outcomes", "impacts", "commitments")
# Rows citing at least one primary source, per table, in version 0.3.1 of the dataset
# (41%, 45%, 50%, 46%, 41%): every table meets the 40%, and a later edition may only
# raise them.
PRIMARY_FLOOR = {
    "events": 0.41,
    "positions": 0.45,
    "outcomes": 0.50,
    "impacts": 0.45,
    "commitments": 0.40,
}


def rows(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


KIND = {row["source_id"]: row["kind"] for row in rows("sources")}


def share(table: str, kinds: set[str]) -> float:
    cells = [row["source_ids"].split(";") for row in rows(table)]
    hits = sum(1 for ids in cells if any(KIND[i] in kinds for i in ids))
    return hits / len(cells)


def test_no_source_is_an_encyclopaedia_or_a_state_media_mirror():
    bad = [row["url"] for row in rows("sources") if BANNED.search(row["url"])]
    assert bad == []


@pytest.mark.parametrize("table", TABLES)
def test_share_of_rows_with_a_primary_source_does_not_fall(table):
    primary = share(table, {"primary"})
    primary_or_wire = share(table, {"primary", "wire"})
    print(f"{table}: {primary:.0%} cite a primary source, {primary_or_wire:.0%} primary or wire")
    assert primary >= PRIMARY_FLOOR[table]
