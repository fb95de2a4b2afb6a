"""Write a valid synthetic dataset of N events, for scale tests and benchmarks.

The areas are the real six; everything else is generated and marked synthetic in its metadata.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.data.package import write_datapackage
from dashboard.data.tables import (
    ACTORS,
    AREA_IDS,
    PERIODS,
    QUAD_CLASSES,
    RESOLVED,
    SIDES,
    STATUSES,
    TABLES,
    VERDICTS,
)

COUNTRIES = (
    "UKR",
    "GBR",
    "DEU",
    "FRA",
    "POL",
    "EST",
    "LVA",
    "LTU",
    "FIN",
    "SWE",
    "NOR",
    "DNK",
    "NLD",
    "CZE",
    "ROU",
    "HUN",
    "SVK",
    "TUR",
    "SYR",
    "IRN",
    "ISR",
    "SAU",
    "IRQ",
    "ARE",
    "QAT",
    "CHN",
    "IND",
    "BLR",
    "GEO",
    "MDA",
    "PRK",
    "CHE",
    "VEN",
    "JPN",
    "KAZ",
    "AFG",
    "ITA",
    "ESP",
    "CAN",
    "BEL",
)
AREA_NAMES = (
    "Counter-terrorism",
    "Trade and sanctions",
    "Ukraine",
    "Arms control",
    "Cyber and election interference",
    "Human rights",
)
WORDS = (
    "talks",
    "sanctions",
    "treaty",
    "summit",
    "statement",
    "call",
    "strike",
    "aid",
    "visit",
    "report",
    "vote",
    "deal",
)
# Single and multi-actor events, some of one side only, some of both, some of neither.
ACTOR_COMBOS = (
    "us_executive",
    "ru_government",
    "us_executive;us_congress",
    "us_congress;us_justice",
    "us_executive;ru_government",
    "ru_government;un",
    "ukraine;eu",
)
SOURCE_COUNT = 300
FIRST_DAY = dt.date(2014, 1, 1)
PARQUET_FROM = 50_000
CHUNK_EVENTS = 500_000  # events generated and written at a time
# Events per Parquet row group: each has its min and max date, so the newest events of a large
# file are read from its last groups only.
ROW_GROUP_EVENTS = 100_000


def _sources(count: int) -> pd.DataFrame:
    ids = [f"syn-s{i:04d}" for i in range(count)]
    return pd.DataFrame(
        {
            "source_id": ids,
            "title": [f"Synthetic source {i}" for i in range(count)],
            "publisher": "Synthetic publisher",
            "url": [f"https://example.org/synthetic/{i}" for i in range(count)],
            "published": "2020-01-01",
            "kind": np.array(["primary", "wire", "press"])[np.arange(count) % 3],
        }
    )


def _events(
    first: int, n: int, rng: np.random.Generator, sources: list[str], last_day: dt.date, total: int
) -> pd.DataFrame:
    """Events ``first`` to ``first + n - 1`` of a dataset of ``total`` events."""
    area_combos = [*AREA_IDS, *(";".join(p) for p in itertools.combinations(AREA_IDS, 2))]
    country_combos = ["USA;RUS", *(f"USA;RUS;{c}" for c in COUNTRIES)]
    days = (last_day - FIRST_DAY).days
    numbers = np.arange(first, first + n)
    # In date order, spread evenly over the days, as a feed arrives (GDELT's files are daily):
    # an engine then reads only the last row groups for the newest events.
    day = numbers * (days + 1) // max(total, 1)
    dates = pd.Timestamp(FIRST_DAY) + pd.to_timedelta(day, unit="D")
    goldstein = np.round(rng.uniform(-10, 10, n), 1)
    material = rng.random(n) < 0.5
    quad = np.where(goldstein >= 0, 0, 2) + material.astype(int)
    source_index = numbers % len(sources)
    words = np.array(WORDS)[rng.integers(0, len(WORDS), n)]
    number = numbers.astype(str)
    return pd.DataFrame(
        {
            "event_id": np.char.add("syn-e", number),
            "date": dates.strftime("%Y-%m-%d"),
            "date_precision": "day",
            "title": np.char.add(np.char.add("Synthetic ", words), np.char.add(" ", number)),
            "description": np.char.add("Generated event about ", words),
            "area_ids": np.array(area_combos)[rng.integers(0, len(area_combos), n)],
            "actors": np.array(ACTOR_COMBOS)[rng.integers(0, len(ACTOR_COMBOS), n)],
            "countries": np.array(country_combos)[rng.integers(0, len(country_combos), n)],
            "goldstein": goldstein,
            "quad_class": np.array(QUAD_CLASSES)[quad],
            "key_moment": rng.random(n) < min(1.0, 20 / total),
            "source_ids": np.array(sources)[source_index],
            "checked": dt.date.today().isoformat(),
        }
    )


def _event_chunks(
    total: int, rng: np.random.Generator, sources: list[str], last_day: dt.date
) -> Iterator[pd.DataFrame]:
    """The events in chunks of ``CHUNK_EVENTS``: memory stays flat however many are asked for."""
    for first in range(0, total, CHUNK_EVENTS):
        yield _events(first, min(CHUNK_EVENTS, total - first), rng, sources, last_day, total)


def _typed_dates(table: pa.Table) -> pa.Table:
    """Dates as Parquet dates, not text: the engine then never casts them per query (a count at
    a million events took 21 instead of 33 ms)."""
    for name in ("date", "checked"):
        index = table.schema.get_field_index(name)
        parsed = pc.strptime(table[name], format="%Y-%m-%d", unit="s")
        table = table.set_column(index, name, pc.cast(parsed, pa.date32()))
    return table


def _write_events(out: Path, file_format: str, chunks: Iterator[pd.DataFrame]) -> dict[str, str]:
    """Write the event chunks (Parquet row groups or a CSV block each); return, per area, the
    first event that concerns it."""
    first_in_area: dict[str, str] = {}
    path = out / f"events.{file_format}"
    with contextlib.ExitStack() as stack:
        writer = None
        for number, chunk in enumerate(chunks):
            for area in set(AREA_IDS) - set(first_in_area):
                hits = chunk.loc[chunk["area_ids"].str.contains(area), "event_id"]
                if len(hits):
                    first_in_area[area] = hits.iloc[0]
            if file_format == "csv":
                chunk.to_csv(path, index=False, mode="a" if number else "w", header=not number)
                continue
            table = _typed_dates(pa.Table.from_pandas(chunk, preserve_index=False))
            if writer is None:
                writer = stack.enter_context(pq.ParquetWriter(path, table.schema))
            writer.write_table(table, row_group_size=ROW_GROUP_EVENTS)
    return first_in_area


def _cells(rng: np.random.Generator, sources: list[str]) -> dict[str, pd.DataFrame]:
    grid = list(itertools.product(AREA_IDS, SIDES, PERIODS))
    positions = pd.DataFrame(grid, columns=["area_id", "side", "period"])
    positions.insert(0, "position_id", [f"syn-p{i}" for i in range(len(grid))])
    positions.insert(3, "actor", np.where(positions["side"] == "US", ACTORS[0], ACTORS[2]))
    positions["position"] = "Synthetic stated position."
    positions["stance"] = rng.integers(-2, 3, len(grid))
    positions["stated_from"] = np.where(positions["period"] == "term1", "2017-02-01", "2025-02-01")
    positions["stated_to"] = ""
    positions["date_precision"] = "day"
    positions["confidence"] = "medium"
    positions["source_ids"] = sources[0]
    outcome_grid = list(itertools.product(AREA_IDS, PERIODS))
    outcomes = pd.DataFrame(outcome_grid, columns=["area_id", "period"])
    outcomes.insert(0, "outcome_id", [f"syn-o{i}" for i in range(len(outcome_grid))])
    outcomes["outcome"] = "Synthetic outcome."
    outcomes["status"] = np.array(STATUSES)[rng.integers(0, len(STATUSES), len(outcome_grid))]
    outcomes["alignment"] = "partly"
    outcomes["source_ids"] = sources[0]
    return {"positions": positions, "outcomes": outcomes}


def _commitments(
    first_in_area: dict[str, str], rng: np.random.Generator, sources: list[str]
) -> pd.DataFrame:
    """One commitment per area, side and period; resolved ones cite an event of that area."""
    grid = list(itertools.product(AREA_IDS, SIDES, PERIODS))
    frame = pd.DataFrame(grid, columns=["area_id", "side", "period"])
    frame.insert(0, "commitment_id", [f"syn-k{i}" for i in range(len(grid))])
    frame.insert(3, "actor", np.where(frame["side"] == "US", ACTORS[0], ACTORS[2]))
    frame.insert(4, "stated", np.where(frame["period"] == "term1", "2017-03-01", "2025-03-01"))
    frame.insert(5, "date_precision", "day")
    frame["statement"] = "Synthetic statement of intent."
    frame["deadline"] = ""
    frame["verdict"] = np.array(VERDICTS)[rng.integers(0, len(VERDICTS), len(grid))]
    frame["verdict_reason"] = "Synthetic reason."
    frame["verdict_as_of"] = dt.date.today().isoformat()
    frame["confidence"] = "medium"
    evidence = frame["area_id"].map(first_in_area).fillna("")
    resolved = frame["verdict"].isin(RESOLVED)
    frame["evidence_event_ids"] = np.where(resolved, evidence, "")
    frame.loc[resolved & (evidence == ""), "verdict"] = "unclear"  # nothing to show it
    frame["source_ids"] = sources[0]
    return frame


def _impacts(n_events: int, rng: np.random.Generator, sources: list[str]) -> pd.DataFrame:
    grid = list(itertools.product(COUNTRIES, AREA_IDS, PERIODS))
    count = min(len(grid), max(40, n_events // 300))
    picked = [grid[i] for i in rng.choice(len(grid), count, replace=False)]
    impacts = pd.DataFrame(picked, columns=["country", "area_id", "period"])
    impacts.insert(0, "impact_id", [f"syn-i{i}" for i in range(count)])
    impacts["intensity"] = rng.integers(1, 4, count)
    impacts["direction"] = np.array(["harmed", "benefited", "mixed"])[rng.integers(0, 3, count)]
    impacts["effect"] = "Synthetic effect."
    impacts["source_ids"] = sources[0]
    return impacts


def write_synthetic(
    out: Path, n_events: int, seed: int = 0, file_format: str | None = None
) -> Path:
    """Write a synthetic dataset of ``n_events`` events to ``out``; CSV below 50,000 events.

    The events are generated and written a chunk at a time, so 100,000,000 of them fit in the
    memory of a few chunks.
    """
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    file_format = file_format or ("parquet" if n_events >= PARQUET_FROM else "csv")
    last_day = dt.date.today() - dt.timedelta(days=1)
    sources = _sources(min(SOURCE_COUNT, max(1, n_events)))
    source_ids = sources["source_id"].tolist()
    for name in TABLES:
        for stale in (out / f"{name}.csv", out / f"{name}.parquet"):
            stale.unlink(missing_ok=True)
    first_in_area = _write_events(
        out, file_format, _event_chunks(n_events, rng, source_ids, last_day)
    )
    tables = {
        "areas": pd.DataFrame(
            {"area_id": AREA_IDS, "name": AREA_NAMES, "scope": "Synthetic scope."}
        ),
        "sources": sources,
        "impacts": _impacts(n_events, rng, source_ids),
        "commitments": _commitments(first_in_area, rng, source_ids),
        **_cells(rng, source_ids),
    }
    for name in ("positions", "outcomes", "impacts", "commitments"):
        tables[name]["checked"] = dt.date.today().isoformat()
    for name, frame in tables.items():
        if file_format == "parquet":
            frame.to_parquet(out / f"{name}.parquet", index=False)
        else:
            frame.to_csv(out / f"{name}.csv", index=False)
    meta = {
        "name": f"synthetic-{n_events}",
        "title": f"Synthetic dataset of {n_events:,} events",
        "synthetic": True,
        "updated": dt.date.today().isoformat(),
    }
    write_datapackage(out, meta)
    return out
