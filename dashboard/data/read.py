"""Read one table of a dataset directory from CSV or Parquet, reporting problems as DataErrors.

Reading never changes a file: it opens each one read-only, once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.data.errors import WHOLE, DataError
from dashboard.data.tables import Table

NUMERIC_KINDS = {"int", "float"}
TEXT_KINDS = {"id", "text", "url"}


@dataclass
class RawTable:
    """A table as read from disk: all CSV cells are strings, Parquet keeps its own types."""

    frame: pd.DataFrame
    file: str
    first_row: int  # spreadsheet row number of the first record


def find_file(directory: Path, table: Table) -> Path | None:
    for suffix in (".parquet", ".csv"):
        path = directory / f"{table.name}{suffix}"
        if path.is_file():
            return path
    return None


def read_table(directory: Path, table: Table) -> tuple[RawTable | None, list[DataError]]:
    path = find_file(directory, table)
    if path is None:
        expected = f"{table.name}.csv or {table.name}.parquet"
        return None, [
            DataError(f"{table.name}.csv", WHOLE, WHOLE, f"file is missing: expected {expected}")
        ]
    if path.suffix == ".parquet":
        raw, errors = _read_parquet(path)
    else:
        raw, errors = _read_csv(path)
    if raw is None:
        return None, errors
    errors += _check_header(raw, table)
    if errors:
        return None, errors
    if raw.frame.empty:
        return None, [
            DataError(raw.file, raw.first_row, WHOLE, "the table has a header but no rows")
        ]
    return raw, []


def _read_csv(path: Path) -> tuple[RawTable | None, list[DataError]]:
    name = path.name
    data = path.read_bytes()
    text, error = _decode(name, data)
    if error:
        return None, [error]
    if not text.strip():
        return None, [DataError(name, 1, WHOLE, "the file is empty: expected a header row")]
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, engine="c"
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        return None, [_parser_error(name, str(exc))]
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, name, first_row=2), []


def _decode(name: str, data: bytes) -> tuple[str, DataError | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", DataError(name, 1, WHOLE, "the file is UTF-16 encoded: save it as UTF-8 CSV")
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        return "", DataError(name, row, WHOLE, "the file is binary (it holds NUL bytes), not CSV")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        row = data[: exc.start].count(b"\n") + 1
        header = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip().split(",")
        field = data[line_start : exc.start].count(b",")
        column = header[field] if field < len(header) else WHOLE
        byte = data[exc.start]
        message = (
            f"the file is not UTF-8 (byte 0x{byte:02X}; Latin-1 or Windows-1252?): "
            "save it as UTF-8 CSV"
        )
        return "", DataError(name, row, column, message)


def _parser_error(name: str, message: str) -> DataError:
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, seen = fields.groups()
        return DataError(
            name,
            int(line),
            WHOLE,
            f"row has {seen} cells but the header has {expected}: "
            "check for an unquoted comma or a wrong delimiter",
        )
    eof = re.search(r"EOF inside string starting at row (\d+)", message)
    if eof:
        return DataError(
            name, int(eof.group(1)) + 1, WHOLE, "a quoted cell is never closed (missing '\"')"
        )
    return DataError(name, WHOLE, WHOLE, f"the file cannot be read as CSV: {message}")


def _read_parquet(path: Path) -> tuple[RawTable | None, list[DataError]]:
    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        return None, [DataError(path.name, WHOLE, WHOLE, f"not a readable Parquet file: {exc}")]
    return RawTable(frame, path.name, first_row=1), []


def _check_header(raw: RawTable, table: Table) -> list[DataError]:
    found = list(raw.frame.columns)
    expected = table.column_names
    errors = []
    missing = [c for c in expected if c not in found]
    for column in missing:
        errors.append(DataError(raw.file, 1, column, "required column is missing"))
    for column in found:
        if column not in expected:
            errors.append(
                DataError(
                    raw.file, 1, column, f"unexpected column; expected: {', '.join(expected)}"
                )
            )
    duplicated = {c for c in found if found.count(c) > 1}
    for column in sorted(duplicated):
        errors.append(DataError(raw.file, 1, column, "column appears more than once"))
    if missing and len(found) == 1 and any(d in found[0] for d in ";\t|"):
        errors.append(
            DataError(raw.file, 1, WHOLE, "the header looks delimited by ';', tab or '|': use ','")
        )
    if raw.file.endswith(".parquet") and not errors:
        errors += _check_parquet_types(raw, table)
    return errors


def _check_parquet_types(raw: RawTable, table: Table) -> list[DataError]:
    errors = []
    for column in table.columns:
        dtype = raw.frame[column.name].dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        textual = pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)
        ok = {
            "int": numeric or textual,
            "float": numeric or textual,
            "bool": pd.api.types.is_bool_dtype(dtype) or textual,
            "date": pd.api.types.is_datetime64_any_dtype(dtype) or textual,
        }.get(column.kind, textual)
        if not ok:
            errors.append(
                DataError(
                    raw.file, 1, column.name, f"has type {dtype}, expected {column.kind} values"
                )
            )
    return errors
