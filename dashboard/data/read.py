"""Read one table of a dataset directory from CSV or Parquet, reporting problems as DataErrors.

Reading never changes a file: it opens each one read-only, once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.data.errors import WHOLE, DataError
from dashboard.data.tables import Table

NUMERIC_KINDS = {"int", "float"}
TEXT_KINDS = {"id", "text", "url"}
MAGIC_BYTES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (save it as CSV UTF-8)",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word file (save it as CSV UTF-8)",
    b"PAR1": "a Parquet file (give it the .parquet extension)",
    b"\x1f\x8b": "a gzip archive (unpack it first)",
}


@dataclass
class RawTable:
    """A table as read from disk: all CSV cells are strings, Parquet keeps its own types."""

    frame: pd.DataFrame
    file: str
    first_row: int  # spreadsheet row of the first record: 2 in CSV, 1 in Parquet
    rows: list[int] = field(default_factory=list)  # each record's row, where blank lines were cut

    @property
    def header_row(self) -> int | str:
        return 1 if self.file.endswith(".csv") else WHOLE

    def row(self, index: int) -> int:
        """The spreadsheet row of the record at position ``index``."""
        return self.rows[index] if self.rows else index + self.first_row


def find_files(directory: Path, table: Table) -> list[Path]:
    """The table's files in ``directory``: Parquet first (a file, or a directory of files), then
    CSV."""
    parquet, text = (directory / f"{table.name}{suffix}" for suffix in (".parquet", ".csv"))
    return [p for p in (parquet, text) if p.is_file() or (p is parquet and p.is_dir())]


def parquet_of(directory: Path, name: str) -> Path | None:
    """``NAME.parquet`` (a file or a directory of files) when the table is in Parquet."""
    path = Path(directory) / f"{name}.parquet"
    return path if path.exists() else None


def read_table(directory: Path, table: Table) -> tuple[RawTable | None, list[DataError]]:
    paths = find_files(directory, table)
    if not paths:
        expected = f"{table.name}.csv or {table.name}.parquet"
        return None, [
            DataError(f"{table.name}.csv", WHOLE, WHOLE, f"file is missing: expected {expected}")
        ]
    if len(paths) > 1:
        message = f"both {table.name}.parquet and {table.name}.csv exist: keep only one"
        return None, [DataError(paths[0].name, WHOLE, WHOLE, message)]
    path = paths[0]
    if path.suffix == ".parquet":
        raw, errors = _read_parquet(path)
    else:
        raw, errors = _read_csv(path)
    if raw is None:
        return None, errors
    errors += check_header(raw, table)
    if errors:
        return None, errors
    if raw.frame.empty:
        return None, [
            DataError(raw.file, raw.first_row, WHOLE, "the table has a header but no rows")
        ]
    return _with_defaults(raw, table), []


def _with_defaults(raw: RawTable, table: Table) -> RawTable:
    """Optional columns the file lacks, filled with their default (blank where it has none)."""
    for column in table.optional_columns:
        if column.name not in raw.frame:
            raw.frame[column.name] = column.default if column.default is not None else ""
    return raw


def _read_csv(path: Path) -> tuple[RawTable | None, list[DataError]]:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [DataError(name, WHOLE, WHOLE, f"the file cannot be read: {exc.strerror}")]
    text, error = decode_csv(name, data)
    if error:
        return None, [error]
    if not text.strip():
        return None, [DataError(name, 1, WHOLE, "the file is empty: expected a header row")]
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            header=None,  # so a first record with extra cells is an error, not an index
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        return None, [_parser_error(name, str(exc))]
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = [_column_name(cell, i) for i, cell in enumerate(cells.iloc[0])]
    return _without_blank_rows(RawTable(frame, name, first_row=2)), []


def _column_name(cell: str, position: int) -> str:
    return cell.strip() or f"(blank header in column {position + 1})"


def _without_blank_rows(raw: RawTable) -> RawTable:
    """Drop records whose every cell is blank, remembering the rows of those that remain."""
    frame = raw.frame
    blank = (frame.apply(lambda column: column.str.strip()) == "").all(axis=1)
    if not blank.any():
        return raw
    rows = [int(i) + raw.first_row for i in frame.index[~blank]]
    return RawTable(frame[~blank].reset_index(drop=True), raw.file, raw.first_row, rows)


def decode_csv(name: str, data: bytes) -> tuple[str, DataError | None]:
    """The text of a CSV file, or the error that names its encoding, row and column.

    Also used on uploads (``upload``), so a wrongly encoded file is refused as it arrives.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return "", DataError(name, 1, WHOLE, "the file is UTF-16 encoded: save it as UTF-8 CSV")
    for magic, what in MAGIC_BYTES.items():
        if data.startswith(magic):
            return "", DataError(name, WHOLE, WHOLE, f"the file is {what}, not CSV")
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


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = data[:400]
    half = len(sample) // 2
    return half > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) > half * 0.8


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
        table = _read_arrow(path)
        # self_destruct frees each Arrow column once converted: a lower peak on large files
        frame = table.to_pandas(self_destruct=True, split_blocks=True)
    except (pa.ArrowException, OSError, ValueError) as exc:
        reason = str(exc).replace(str(path), path.name)
        return None, [DataError(path.name, WHOLE, WHOLE, f"not a readable Parquet file: {reason}")]
    return RawTable(frame, path.name, first_row=1), []


def _read_arrow(path: Path) -> pa.Table:
    """The file's columns, read one at a time and each joined into a single array.

    Reading column by column holds one column's decoding buffers at a time instead of the whole
    file's: at a million events the read peaked about 90 MB lower. One array per column, not one per
    row group, because taking rows from a chunked text column copies the whole column: every page
    of the events table cost 8 ms instead of under 1 ms (both measured by ``make bench``).
    """
    if path.is_dir():
        return pq.read_table(path)
    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    if len(set(names)) < len(names):  # the header check reports the repeated name
        return parquet.read()
    columns = []
    for name in names:
        column = parquet.read(columns=[name]).column(0)
        columns.append(column.combine_chunks() if column.num_chunks > 1 else column)
    return pa.table(columns, names=names)


def check_header(raw: RawTable, table: Table) -> list[DataError]:
    found = list(raw.frame.columns)
    expected = table.column_names
    row = raw.header_row
    if len(found) == 1 and found != expected and any(d in found[0] for d in ";\t|"):
        return [
            DataError(
                raw.file, row, WHOLE, "the header looks delimited by ';', tab or '|': use ','"
            )
        ]
    optional = {c.name for c in table.optional_columns}
    errors = [
        DataError(raw.file, row, column, "required column is missing")
        for column in expected
        if column not in found and column not in optional
    ]
    errors += [
        DataError(raw.file, row, column, f"unexpected column; expected: {', '.join(expected)}")
        for column in found
        if column not in expected
    ]
    errors += [
        DataError(raw.file, row, column, "column appears more than once")
        for column in sorted({c for c in found if found.count(c) > 1})
    ]
    if raw.file.endswith(".parquet") and not errors:
        errors += _check_parquet_types(raw, table)
    return errors


def _check_parquet_types(raw: RawTable, table: Table) -> list[DataError]:
    errors = []
    for column in table.columns:
        if column.name not in raw.frame:  # an optional column the file lacks
            continue
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
            message = f"has type {dtype}, expected {column.kind} values"
            errors.append(DataError(raw.file, WHOLE, column.name, message))
    return errors
