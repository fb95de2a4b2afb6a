"""Load a dataset directory into one typed, validated object (pure pandas, no Streamlit)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa

from dashboard.config import EngineConfig, config_from_env, fingerprint
from dashboard.data import scan, validate
from dashboard.data.comparison import Comparison, check_comparison, comparison_of, earliest_date
from dashboard.data.errors import WHOLE, DataError, DatasetError, cap_per_column
from dashboard.data.read import RawTable, find_files, parquet_of, read_table
from dashboard.data.tables import TABLES

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
METADATA_FILE = "datapackage.json"
ONE_ROW_PER = {"outcomes": (["area_id", "period"], "period")}
# The tables that can grow large (an imported feed: millions of events, one source per article):
# in Parquet they are checked where they lie, as queries, and never loaded into pandas.
IN_PLACE = ("sources", "events")
POSITION_CELL = ["area_id", "side", "actor", "period"]  # a cell's rows: stretches of time


@dataclass(frozen=True)
class Dataset:
    """The tables, typed and checked, plus the dataset's metadata.

    ``events`` and ``sources`` are None when they are in Parquet (checked in place, never loaded
    into pandas); events also once they were handed to an engine (``dashboard.engine.Store``),
    which answers every question about them. ``in_place_rows`` counts the rows of those in
    place.
    """

    areas: pd.DataFrame
    sides: pd.DataFrame
    actors: pd.DataFrame
    periods: pd.DataFrame
    sources: pd.DataFrame | None
    positions: pd.DataFrame
    outcomes: pd.DataFrame
    events: pd.DataFrame | None
    impacts: pd.DataFrame
    commitments: pd.DataFrame
    comparison: Comparison
    meta: dict = field(default_factory=dict)
    in_place_rows: dict[str, int] = field(default_factory=dict)
    remembered: bool = False  # Parquet tables of unchanged files, checked before: not re-read

    def table(self, name: str) -> pd.DataFrame | None:
        return getattr(self, name)

    def rows(self, name: str) -> int:
        """How many rows the table has, loaded or in place."""
        frame = self.table(name)
        return len(frame) if frame is not None else self.in_place_rows.get(name, 0)

    @property
    def event_rows(self) -> int:
        return self.rows("events")

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))


def data_dir_from_env() -> Path:
    """The dataset directory: ``DASHBOARD_DATA_DIR`` when set, else the shipped ``data/``."""
    return Path(os.environ.get("DASHBOARD_DATA_DIR") or DEFAULT_DATA_DIR)


def load_dataset(
    directory: Path | str, today: dt.date | None = None, config: EngineConfig | None = None
) -> Dataset:
    """Read and check every table of ``directory``; raise DatasetError listing all problems.

    Parquet events and sources are checked where they lie, as queries (``scan``); once a dataset
    has passed, its fingerprint is remembered in the cache directory, and unchanged files are not
    re-read.
    """
    directory = Path(directory)
    today = today or dt.date.today()
    config = config or config_from_env()
    if not directory.is_dir():
        raise DatasetError([DataError(str(directory), WHOLE, WHOLE, "no such dataset directory")])
    raws: dict[str, RawTable] = {}
    typed: dict[str, pd.DataFrame] = {}
    errors: list[DataError] = []
    in_parquet = [
        name
        for name in IN_PLACE
        if parquet_of(directory, name) and len(find_files(directory, TABLES[name])) == 1
    ]
    for name, table in TABLES.items():
        if name in in_parquet:
            continue  # checked in place below, once the ids it may name are known
        raw, read_errors = read_table(directory, table)
        errors += read_errors
        if raw is None:
            continue
        frame, coerce_errors = validate.coerce(raw, table)
        errors += coerce_errors
        errors += validate.check_columns(frame, raw, table)
        dates = validate.DateRange(earliest_date(typed), today)
        errors += validate.check_dates(frame, raw, table, dates)
        if name == "commitments":
            errors += validate.check_evidence(frame, raw)
        raws[name], typed[name] = raw, frame
    dates = validate.DateRange(earliest_date(typed), today)
    in_place = _InPlace.open(directory, config, typed, dates, in_parquet)
    errors += in_place.errors
    errors += _check_across(raws, typed, in_place)
    errors += check_comparison(typed, raws)
    meta, meta_errors = read_metadata(directory)
    errors += meta_errors
    if errors:
        raise DatasetError(cap_per_column(errors))
    in_place.remember()
    for name in IN_PLACE:
        typed.setdefault(name, None)
    return Dataset(
        **typed,
        comparison=comparison_of(typed, meta),
        meta=meta,
        in_place_rows=in_place.rows,
        remembered=in_place.remembered,
    )


@dataclass
class _InPlace:
    """The Parquet tables of a dataset (sources, events), checked by the engine or remembered
    as checked."""

    marker: Path
    rows: dict[str, int]
    scanned: dict[str, scan.ScannedTable]
    errors: list[DataError]

    @property
    def remembered(self) -> bool:
        return bool(self.rows) and not self.scanned and not self.errors

    @classmethod
    def open(
        cls,
        directory: Path,
        config: EngineConfig,
        typed: dict,
        dates: validate.DateRange,
        names: list[str],
    ) -> _InPlace:
        marker = Path(config.cache_directory) / "checked" / dataset_fingerprint(directory)
        if not names:
            return cls(marker, {}, {}, [])
        if marker.is_file():
            return cls(marker, json.loads(marker.read_text()), {}, [])
        known = {
            name: frozenset(typed[name][TABLES[name].id_column].dropna())
            for name in ("areas", "actors", "sources")
            if name in typed
        }
        known["iso3"] = validate.ISO3_CODES
        scanned, errors = {}, []
        backend = scan.check_backend(config)  # one for both: the events' sources are compared there
        for name in names:  # sources first: the events name them
            table, table_errors = scan.scan(
                parquet_of(directory, name), TABLES[name], config, known, dates, backend
            )
            errors += table_errors
            if table is not None:
                scanned[name] = table
                if name == "sources":
                    known["sources"] = table
        rows = {name: table.rows for name, table in scanned.items()}
        return cls(marker, rows, scanned, errors)

    def remember(self) -> None:
        if not self.scanned:
            return
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(json.dumps(self.rows))


def dataset_fingerprint(directory: Path) -> str:
    """A dataset version: every file's path, size and modification time, and the checks' code."""
    files = sorted(p for p in Path(directory).rglob("*") if p.is_file())
    parts = [(str(p.relative_to(directory)), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    return fingerprint((str(Path(directory).resolve()), parts, _checks_code()))


@functools.cache
def _checks_code() -> str:
    """The data layer's own code: a change to the checks means checking again."""
    here = Path(__file__).parent
    return fingerprint([p.read_bytes() for p in sorted(here.glob("*.py"))])


def _check_across(
    raws: dict[str, RawTable], typed: dict[str, pd.DataFrame], in_place: _InPlace
) -> list[DataError]:
    referenced = {c.references for t in TABLES.values() for c in t.columns if c.references}
    ids = {
        name: frozenset(frame[TABLES[name].id_column].dropna())
        for name, frame in typed.items()
        if name in referenced
    }
    ids["iso3"] = validate.ISO3_CODES
    events, sources = (in_place.scanned.get(name) for name in ("events", "sources"))
    if sources:
        ids["sources"] = sources.ids_among("source_id", _named(typed, "source_ids"))
    if events and "commitments" in typed:
        ids["events"] = events.ids_among(
            "event_id", _named({"commitments": typed["commitments"]}, "evidence_event_ids")
        )
    errors = []
    for name, frame in typed.items():
        errors += validate.check_references(frame, raws[name], TABLES[name], ids)
        if name in ONE_ROW_PER:
            keys, column = ONE_ROW_PER[name]
            errors += validate.check_one_per_cell(frame, raws[name], keys, column)
        if name == "positions":
            errors += validate.check_stretches(frame, raws[name], POSITION_CELL)
    known = set(typed) | set(in_place.scanned)
    if len(known) == len(TABLES) and "sources" in known:  # every table read: which cite nothing
        cited = _named(typed, "source_ids")
        if sources:
            among = ibis.memtable(pa.table({"value": pa.array(sorted(cited), pa.string())}))
            if events:  # on the same engine: half a million sources are compared there
                among = among.union(events.values("source_ids", multi=True))
            errors += sources.rows_not_among("source_id", among, validate.unused_source_message)
        else:
            if events:
                cited |= events.multi_values("source_ids")
            errors += validate.check_unused_sources(typed["sources"], raws["sources"], cited)
    return errors


def _named(typed: dict[str, pd.DataFrame], column: str) -> set[str]:
    """Every id the ';'-separated cells of ``column`` name, in any of the tables."""
    named: set[str] = set()
    for frame in typed.values():
        if column in frame:
            for cell in frame[column].dropna().unique():
                named.update(cell.split(";"))
    return named


def read_metadata(directory: Path) -> tuple[dict, list[DataError]]:
    path = directory / METADATA_FILE
    if not path.is_file():
        return {}, []
    try:
        meta = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        row = getattr(exc, "lineno", WHOLE)
        return {}, [DataError(METADATA_FILE, row, WHOLE, f"not valid UTF-8 JSON: {exc}")]
    if not isinstance(meta, dict):
        return {}, [DataError(METADATA_FILE, 1, WHOLE, "must be a JSON object")]
    return meta, []
