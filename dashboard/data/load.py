"""Load a dataset directory into one typed, validated object (pure pandas, no Streamlit)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.config import EngineConfig, config_from_env, fingerprint
from dashboard.data import scan, validate
from dashboard.data.comparison import Comparison, check_comparison, comparison_of, earliest_date
from dashboard.data.errors import WHOLE, DataError, DatasetError, cap_per_column
from dashboard.data.read import RawTable, events_parquet, find_files, read_table
from dashboard.data.tables import TABLES

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
METADATA_FILE = "datapackage.json"
ONE_ROW_PER = {"outcomes": (["area_id", "period"], "period")}
POSITION_CELL = ["area_id", "side", "actor", "period"]  # a cell's rows: stretches of time


@dataclass(frozen=True)
class Dataset:
    """The tables, typed and checked, plus the dataset's metadata.

    ``events`` is None when they are in Parquet (checked in place, never loaded into pandas) and
    once they were handed to an engine (``dashboard.engine.Store``), which answers every question
    about them.
    """

    areas: pd.DataFrame
    sides: pd.DataFrame
    actors: pd.DataFrame
    periods: pd.DataFrame
    sources: pd.DataFrame
    positions: pd.DataFrame
    outcomes: pd.DataFrame
    events: pd.DataFrame | None
    impacts: pd.DataFrame
    commitments: pd.DataFrame
    comparison: Comparison
    meta: dict = field(default_factory=dict)
    event_rows: int = 0
    remembered: bool = False  # Parquet events of unchanged files, checked before: not re-read

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

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

    Parquet events are checked where they lie, as queries (``scan``); once a dataset has passed,
    its fingerprint is remembered in the cache directory, and unchanged files are not re-read.
    """
    directory = Path(directory)
    today = today or dt.date.today()
    config = config or config_from_env()
    if not directory.is_dir():
        raise DatasetError([DataError(str(directory), WHOLE, WHOLE, "no such dataset directory")])
    raws: dict[str, RawTable] = {}
    typed: dict[str, pd.DataFrame] = {}
    errors: list[DataError] = []
    for name, table in TABLES.items():
        if (
            name == "events"
            and events_parquet(directory)
            and len(find_files(directory, table)) == 1
        ):
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
    events = _EventsInPlace.open(directory, config, typed, dates) if "events" not in typed else None
    if events:
        errors += events.errors
    errors += _check_across(raws, typed, events)
    errors += check_comparison(typed, raws)
    meta, meta_errors = read_metadata(directory)
    errors += meta_errors
    if errors:
        raise DatasetError(cap_per_column(errors))
    if events:
        events.remember()
    typed.setdefault("events", None)
    rows = len(typed["events"]) if typed["events"] is not None else events.rows if events else 0
    return Dataset(
        **typed,
        comparison=comparison_of(typed, meta),
        meta=meta,
        event_rows=rows,
        remembered=bool(events and events.remembered),
    )


@dataclass
class _EventsInPlace:
    """Parquet events, checked by the engine or remembered as checked."""

    marker: Path
    rows: int
    scanned: scan.ScannedTable | None
    errors: list[DataError]

    @property
    def remembered(self) -> bool:
        return self.scanned is None and not self.errors

    @classmethod
    def open(
        cls, directory: Path, config: EngineConfig, typed: dict, dates: validate.DateRange
    ) -> _EventsInPlace | None:
        path = events_parquet(directory)
        if path is None:
            return None
        marker = Path(config.cache_directory) / "checked" / dataset_fingerprint(directory)
        if marker.is_file():
            return cls(marker, int(marker.read_text() or 0), None, [])
        known = {
            name: frozenset(typed[name][TABLES[name].id_column].dropna())
            for name in ("areas", "actors", "sources")
            if name in typed
        }
        known["iso3"] = validate.ISO3_CODES
        scanned, errors = scan.scan(path, TABLES["events"], config, known, dates)
        return cls(marker, scanned.rows if scanned else 0, scanned, errors)

    def remember(self) -> None:
        if self.scanned is None:
            return
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(str(self.rows))


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
    raws: dict[str, RawTable], typed: dict[str, pd.DataFrame], events: _EventsInPlace | None
) -> list[DataError]:
    referenced = {c.references for t in TABLES.values() for c in t.columns if c.references}
    ids = {
        name: frozenset(frame[TABLES[name].id_column].dropna())
        for name, frame in typed.items()
        if name in referenced
    }
    ids["iso3"] = validate.ISO3_CODES
    if events and events.scanned and "commitments" in typed:
        named = set()
        for cell in typed["commitments"]["evidence_event_ids"].dropna():
            named.update(cell.split(";"))
        ids["events"] = events.scanned.ids_among("event_id", named)
    errors = []
    for name, frame in typed.items():
        errors += validate.check_references(frame, raws[name], TABLES[name], ids)
        if name in ONE_ROW_PER:
            keys, column = ONE_ROW_PER[name]
            errors += validate.check_one_per_cell(frame, raws[name], keys, column)
        if name == "positions":
            errors += validate.check_stretches(frame, raws[name], POSITION_CELL)
    events_known = "events" in typed or (events and events.scanned)
    if "sources" in typed and len(typed) + bool(events) == len(TABLES) and events_known:
        cited = set()
        for frame in typed.values():
            if "source_ids" in frame:
                for cell in frame["source_ids"].dropna().unique():
                    cited.update(cell.split(";"))
        if events and events.scanned:
            cited |= events.scanned.multi_values("source_ids")
        errors += validate.check_unused_sources(typed["sources"], raws["sources"], cited)
    return errors


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
