"""Write a valid synthetic dataset of N events, for scale tests and benchmarks.

Its comparison (sides, actors, periods) and areas are those of a template dataset, the shipped
one by default, so that tests and benchmarks ask the same questions of it; or they are generated
to any shape (``Shape``: ``synth --sides US,CN,EU --periods 3 --areas 8``). Everything else is
generated and marked synthetic in its metadata.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.data.package import write_datapackage
from dashboard.data.tables import QUAD_CLASSES, RESOLVED, STATUSES, TABLES, VERDICTS

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "data"
SHAPE_TABLES = ("areas", "sides", "actors", "periods")
SIDE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")  # Okabe–Ito
NEUTRAL_ACTOR = "intl"  # an actor of no side, in generated shapes
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
SOURCE_COUNT = 300
FIRST_DAY = dt.date(2014, 1, 1)  # where generated periods start
PARQUET_FROM = 50_000
CHUNK_EVENTS = 500_000  # events generated and written at a time
# Events per Parquet row group: each has its min and max date, so the newest events of a large
# file are read from its last groups only.
ROW_GROUP_EVENTS = 100_000


@dataclass(frozen=True)
class Shape:
    """The comparison tables of a synthetic dataset (areas, sides, actors, periods), as text
    frames ready to write."""

    tables: dict[str, pd.DataFrame]

    @property
    def area_ids(self) -> list[str]:
        return self.tables["areas"]["area_id"].tolist()

    @property
    def compared(self) -> pd.DataFrame:
        periods = self.tables["periods"]
        return periods[periods["compared"].str.lower() == "true"]

    @property
    def principals(self) -> dict[str, str]:
        """Side -> its principal actor."""
        actors = self.tables["actors"]
        voices = actors[actors["role"] == "principal"]
        return dict(zip(voices["side_id"], voices["actor_id"], strict=True))

    @property
    def home_countries(self) -> list[str]:
        """The sides' own countries, in the sides' order."""
        cells = self.tables["sides"]["countries"]
        return [c for cell in cells for c in cell.split(";") if c]

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.tables["periods"]["start"].min())

    def actor_combos(self) -> list[str]:
        """Single and multi-actor events: of one side, of two, of a side's other voices, and of
        actors of no side."""
        actors = self.tables["actors"]
        voices = list(self.principals.values())
        others = actors.loc[actors["role"] != "principal", "actor_id"].tolist()
        sideless = actors.loc[actors["side_id"] == "", "actor_id"].tolist()
        combos = [*voices, *(";".join(p) for p in itertools.combinations(voices, 2))]
        combos += [f"{voices[0]};{o}" for o in others[:2]]
        combos += [";".join(sideless[:2])] if sideless else []
        return combos


def template_shape(directory: Path = TEMPLATE_DIR) -> Shape:
    """The areas and comparison of a dataset directory, read as text."""
    return Shape(
        {
            name: pd.read_csv(directory / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in SHAPE_TABLES
        }
    )


def generated_shape(
    sides: list[str] | None = None, periods: int | None = None, areas: int | None = None
) -> Shape:
    """A shape of the given sides, number of periods and of areas; what is not given comes from
    the template (the shipped dataset)."""
    template = template_shape().tables
    tables = dict(template)
    if sides:
        tables["sides"], tables["actors"] = _sides(sides)
    if periods:
        tables["periods"] = _periods(periods)
    if areas:
        numbers = range(1, areas + 1)
        tables["areas"] = pd.DataFrame(
            {
                "area_id": [f"area{i}" for i in numbers],
                "name": [f"Area {i}" for i in numbers],
                "scope": "Synthetic scope.",
            }
        )
    return Shape(tables)


def _sides(ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    sides = pd.DataFrame(
        {
            "side_id": ids,
            "name": [f"Side {s}" for s in ids],
            "colour": [SIDE_COLOURS[i % len(SIDE_COLOURS)] for i in range(len(ids))],
            "countries": "",
        }
    )
    rows = []
    for side in ids:
        key = side.lower()
        rows += [
            (f"{key}_government", f"{side} government", side, "principal"),
            (f"{key}_parliament", f"{side} parliament", side, "stating"),
            (f"{key}_other", f"{side}, other actor", side, "acting"),
        ]
    rows.append((NEUTRAL_ACTOR, "International body", "", "acting"))
    return sides, pd.DataFrame(rows, columns=["actor_id", "name", "side_id", "role"])


def _periods(count: int) -> pd.DataFrame:
    """``count`` compared periods of equal length from ``FIRST_DAY`` on; the last runs on."""
    days = (dt.date.today() - FIRST_DAY).days // count
    starts = [FIRST_DAY + dt.timedelta(days=i * days) for i in range(count)]
    ends = [s - dt.timedelta(days=1) for s in starts[1:]]
    return pd.DataFrame(
        {
            "period_id": [f"p{i + 1}" for i in range(count)],
            "name": [f"Period {i + 1} ({s.year}–)" for i, s in enumerate(starts)],
            "label": [f"Period {i + 1}" for i in range(count)],
            "start": [s.isoformat() for s in starts],
            "end": [e.isoformat() for e in ends] + [""],
            "compared": "true",
            "source_ids": "",
        }
    )


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
    first: int, n: int, rng: np.random.Generator, sources: list[str], shape: Shape, total: int
) -> pd.DataFrame:
    """Events ``first`` to ``first + n - 1`` of a dataset of ``total`` events."""
    areas = shape.area_ids
    area_combos = [*areas, *(";".join(p) for p in itertools.combinations(areas, 2))]
    home = shape.home_countries or COUNTRIES[:1]
    country_combos = [";".join(home), *(";".join([*home, c]) for c in COUNTRIES if c not in home)]
    actor_combos = shape.actor_combos()
    first_day = shape.first_day
    days = (dt.date.today() - dt.timedelta(days=1) - first_day).days
    numbers = np.arange(first, first + n)
    # In date order, spread evenly over the days, as a feed arrives (GDELT's files are daily):
    # an engine then reads only the last row groups for the newest events.
    day = numbers * (days + 1) // max(total, 1)
    dates = pd.Timestamp(first_day) + pd.to_timedelta(day, unit="D")
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
            "actors": np.array(actor_combos)[rng.integers(0, len(actor_combos), n)],
            "countries": np.array(country_combos)[rng.integers(0, len(country_combos), n)],
            "goldstein": goldstein,
            "quad_class": np.array(QUAD_CLASSES)[quad],
            "key_moment": rng.random(n) < min(1.0, 20 / total),
            "source_ids": np.array(sources)[source_index],
            "checked": dt.date.today().isoformat(),
        }
    )


def _event_chunks(
    total: int, rng: np.random.Generator, sources: list[str], shape: Shape
) -> Iterator[pd.DataFrame]:
    """The events in chunks of ``CHUNK_EVENTS``: memory stays flat however many are asked for."""
    for first in range(0, total, CHUNK_EVENTS):
        yield _events(first, min(CHUNK_EVENTS, total - first), rng, sources, shape, total)


def _typed_dates(table: pa.Table) -> pa.Table:
    """Dates as Parquet dates, not text: the engine then never casts them per query (a count at
    a million events took 21 instead of 33 ms)."""
    for name in ("date", "checked"):
        index = table.schema.get_field_index(name)
        parsed = pc.strptime(table[name], format="%Y-%m-%d", unit="s")
        table = table.set_column(index, name, pc.cast(parsed, pa.date32()))
    return table


def _write_events(
    out: Path, file_format: str, chunks: Iterator[pd.DataFrame], areas: list[str]
) -> dict[str, str]:
    """Write the event chunks (Parquet row groups or a CSV block each); return, per area, the
    first event that concerns it."""
    first_in_area: dict[str, str] = {}
    path = out / f"events.{file_format}"
    with contextlib.ExitStack() as stack:
        writer = None
        for number, chunk in enumerate(chunks):
            for area in set(areas) - set(first_in_area):
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


def _stated_grid(shape: Shape, id_column: str, prefix: str, days_in: int) -> pd.DataFrame:
    """One row per area, side and compared period, stated by the side's principal actor
    ``days_in`` days after the period starts."""
    periods = shape.compared
    grid = list(itertools.product(shape.area_ids, shape.principals, periods["period_id"]))
    frame = pd.DataFrame(grid, columns=["area_id", "side", "period"])
    frame.insert(0, id_column, [f"syn-{prefix}{i}" for i in range(len(grid))])
    frame.insert(3, "actor", frame["side"].map(shape.principals))
    starts = dict(zip(periods["period_id"], periods["start"], strict=True))
    stated = frame["period"].map(
        lambda p: (dt.date.fromisoformat(starts[p]) + dt.timedelta(days=days_in)).isoformat()
    )
    frame.insert(4, "stated", stated)
    frame.insert(5, "date_precision", "day")
    return frame


def _cells(shape: Shape, rng: np.random.Generator, sources: list[str]) -> dict[str, pd.DataFrame]:
    grid = _stated_grid(shape, "position_id", "p", 12)
    positions = grid.drop(columns=["stated", "date_precision"])
    positions["position"] = "Synthetic stated position."
    positions["stance"] = rng.integers(-2, 3, len(grid))
    positions["stated_from"] = grid["stated"]
    positions["stated_to"] = ""
    positions["date_precision"] = "day"
    positions["confidence"] = "medium"
    positions["source_ids"] = sources[0]
    outcome_grid = list(itertools.product(shape.area_ids, shape.compared["period_id"]))
    outcomes = pd.DataFrame(outcome_grid, columns=["area_id", "period"])
    outcomes.insert(0, "outcome_id", [f"syn-o{i}" for i in range(len(outcome_grid))])
    outcomes["outcome"] = "Synthetic outcome."
    outcomes["status"] = np.array(STATUSES)[rng.integers(0, len(STATUSES), len(outcome_grid))]
    outcomes["alignment"] = "partly"
    outcomes["source_ids"] = sources[0]
    return {"positions": positions, "outcomes": outcomes}


def _commitments(
    shape: Shape, first_in_area: dict[str, str], rng: np.random.Generator, sources: list[str]
) -> pd.DataFrame:
    """One commitment per area, side and period; resolved ones cite an event of that area."""
    frame = _stated_grid(shape, "commitment_id", "k", 40)
    frame["statement"] = "Synthetic statement of intent."
    frame["deadline"] = ""
    frame["verdict"] = np.array(VERDICTS)[rng.integers(0, len(VERDICTS), len(frame))]
    frame["verdict_reason"] = "Synthetic reason."
    frame["verdict_as_of"] = dt.date.today().isoformat()
    frame["confidence"] = "medium"
    evidence = frame["area_id"].map(first_in_area).fillna("")
    resolved = frame["verdict"].isin(RESOLVED)
    frame["evidence_event_ids"] = np.where(resolved, evidence, "")
    frame.loc[resolved & (evidence == ""), "verdict"] = "unclear"  # nothing to show it
    frame["source_ids"] = sources[0]
    return frame


def _impacts(
    shape: Shape, n_events: int, rng: np.random.Generator, sources: list[str]
) -> pd.DataFrame:
    others = [c for c in COUNTRIES if c not in shape.home_countries]
    grid = list(itertools.product(others, shape.area_ids, shape.compared["period_id"]))
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
    out: Path,
    n_events: int,
    seed: int = 0,
    file_format: str | None = None,
    shape: Shape | None = None,
) -> Path:
    """Write a synthetic dataset of ``n_events`` events to ``out``; CSV below 50,000 events.

    ``shape``: its areas and comparison (by default those of the shipped dataset). The events
    are generated and written a chunk at a time, so 100,000,000 of them fit in the memory of a
    few chunks.
    """
    rng = np.random.default_rng(seed)
    shape = shape or template_shape()
    out.mkdir(parents=True, exist_ok=True)
    file_format = file_format or ("parquet" if n_events >= PARQUET_FROM else "csv")
    sources = _sources(min(SOURCE_COUNT, max(1, n_events)))
    source_ids = sources["source_id"].tolist()
    for name in TABLES:
        for stale in (out / f"{name}.csv", out / f"{name}.parquet"):
            stale.unlink(missing_ok=True)
    first_in_area = _write_events(
        out, file_format, _event_chunks(n_events, rng, source_ids, shape), shape.area_ids
    )
    periods = shape.tables["periods"].assign(source_ids="")  # the template's sources are not here
    tables = {
        **shape.tables,
        "periods": periods,
        "sources": sources,
        "impacts": _impacts(shape, n_events, rng, source_ids),
        "commitments": _commitments(shape, first_in_area, rng, source_ids),
        **_cells(shape, rng, source_ids),
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
