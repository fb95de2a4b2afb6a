"""Load a dataset directory into one typed, validated object (pure pandas, no Streamlit)."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.data import validate
from dashboard.data.errors import WHOLE, DataError, DatasetError, cap_per_column
from dashboard.data.read import RawTable, read_table
from dashboard.data.tables import TABLES

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
METADATA_FILE = "datapackage.json"
ONE_ROW_PER = {"outcomes": (["area_id", "period"], "period")}
POSITION_CELL = ["area_id", "side", "actor", "period"]  # a cell's rows: stretches of time


@dataclass(frozen=True)
class Dataset:
    """The tables, typed and checked, plus the dataset's metadata.

    ``events`` is None once the events were handed to an engine (``dashboard.engine.Store``),
    which answers every question about them.
    """

    areas: pd.DataFrame
    sources: pd.DataFrame
    positions: pd.DataFrame
    outcomes: pd.DataFrame
    events: pd.DataFrame | None
    impacts: pd.DataFrame
    commitments: pd.DataFrame
    meta: dict = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))


def data_dir_from_env() -> Path:
    """The dataset directory: ``DASHBOARD_DATA_DIR`` when set, else the shipped ``data/``."""
    return Path(os.environ.get("DASHBOARD_DATA_DIR") or DEFAULT_DATA_DIR)


def load_dataset(directory: Path | str, today: dt.date | None = None) -> Dataset:
    """Read and check every table of ``directory``; raise DatasetError listing all problems."""
    directory = Path(directory)
    today = today or dt.date.today()
    if not directory.is_dir():
        raise DatasetError([DataError(str(directory), WHOLE, WHOLE, "no such dataset directory")])
    raws: dict[str, RawTable] = {}
    typed: dict[str, pd.DataFrame] = {}
    errors: list[DataError] = []
    for name, table in TABLES.items():
        raw, read_errors = read_table(directory, table)
        errors += read_errors
        if raw is None:
            continue
        frame, coerce_errors = validate.coerce(raw, table)
        errors += coerce_errors
        errors += validate.check_columns(frame, raw, table)
        errors += validate.check_dates(frame, raw, table, today)
        if name == "commitments":
            errors += validate.check_evidence(frame, raw)
        raws[name], typed[name] = raw, frame
    errors += _check_across(raws, typed)
    meta, meta_errors = read_metadata(directory)
    errors += meta_errors
    if errors:
        raise DatasetError(cap_per_column(errors))
    return Dataset(**typed, meta=meta)


def _check_across(raws: dict[str, RawTable], typed: dict[str, pd.DataFrame]) -> list[DataError]:
    referenced = {c.references for t in TABLES.values() for c in t.columns if c.references}
    ids = {
        name: frozenset(frame[TABLES[name].id_column].dropna())
        for name, frame in typed.items()
        if name in referenced
    }
    ids["iso3"] = validate.ISO3_CODES
    errors = []
    for name, frame in typed.items():
        errors += validate.check_references(frame, raws[name], TABLES[name], ids)
        if name in ONE_ROW_PER:
            keys, column = ONE_ROW_PER[name]
            errors += validate.check_one_per_cell(frame, raws[name], keys, column)
        if name == "positions":
            errors += validate.check_stretches(frame, raws[name], POSITION_CELL)
    if "sources" in typed and len(typed) == len(TABLES):
        cited = set()
        for frame in typed.values():
            if "source_ids" in frame:
                for cell in frame["source_ids"].dropna().unique():
                    cited.update(cell.split(";"))
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
