"""CSV and zip exports that open safely in Excel and LibreOffice.

- UTF-8 with a byte-order mark, so Excel reads non-ASCII text correctly;
- CRLF line ends and full RFC 4180 quoting, so line breaks and quotes inside cells survive;
- text cells that begin with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
  apostrophe, so a spreadsheet shows them as text instead of running them as formulas
  (OWASP "CSV injection"). Numeric columns are left as numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def _defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as formulas; dates written as YYYY-MM-DD."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            safe[column] = series.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_string_dtype(series.dtype) or pd.api.types.is_object_dtype(
            series.dtype
        ):
            safe[column] = series.map(_defuse, na_action="ignore")
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as spreadsheet-safe CSV bytes (UTF-8 with BOM, CRLF)."""
    text = spreadsheet_safe(frame).to_csv(
        index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC
    )
    return (BOM + text).encode("utf-8")


def file_name(table: str, filter_slug: str, suffix: str = "csv", version: str = "") -> str:
    """A file name that says which table, dataset version and filters, safe on every system.

    ``file_name("events", "ukraine", version="0.2.0")`` is
    ``us-russia-events-v0.2.0-ukraine.csv``.
    """
    edition = f"v{version}-" if version else ""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"us-russia-{table}-{edition}{filter_slug}")
    return f"{stem.strip('-')[:150]}.{suffix}"


def zip_bytes(tables: dict[str, pd.DataFrame], documents: dict[str, str]) -> bytes:
    """All tables as CSV files plus text documents (licence, citation) in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", csv_bytes(frame))
        for name, text in documents.items():
            archive.writestr(name, text)
    return buffer.getvalue()
