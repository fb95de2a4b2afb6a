"""Turn raw tables into typed ones and check them: per column with pandera, then across tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.errors
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pycountry

from dashboard.data.errors import WHOLE, DataError
from dashboard.data.read import RawTable
from dashboard.data.tables import DATE_FLOOR, RESOLVED, Column, Table

ISO3_CODES = frozenset(c.alpha_3 for c in pycountry.countries)
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATE_DTYPE = "datetime64[us]"  # one unit for CSV and Parquet alike


def _row_numbers(raw: RawTable, index: pd.Index) -> list[int]:
    return [raw.row(int(i)) for i in index]


def _errors_at(raw: RawTable, rows: pd.Series, column: str, message: Callable) -> list[DataError]:
    """One error per row where ``rows`` is true; ``message`` gets the cell's raw value."""
    bad = rows[rows.fillna(False).astype(bool)]
    values = raw.frame.loc[bad.index, column]
    return [
        DataError(raw.file, row, column, message(value))
        for row, value in zip(_row_numbers(raw, bad.index), values, strict=True)
    ]


def _blank(series: pd.Series) -> pd.Series:
    """Cells that are missing, empty or only whitespace.

    Only cells that start with whitespace are stripped: stripping every cell made a stripped copy of
    each text column, tens of MB apiece at a million events.
    """
    if not (
        pd.api.types.is_string_dtype(series.dtype) or pd.api.types.is_object_dtype(series.dtype)
    ):
        return series.isna()
    if pd.api.types.is_object_dtype(series.dtype):
        series = series.astype("str")
    first = series.str[:1]
    blank = (series.isna() | (first == "") | first.str.isspace()).fillna(True).astype(bool)
    if blank.any():
        candidates = series[blank]
        blank[blank] = candidates.isna() | (candidates.str.strip() == "").fillna(True)
    return blank


def _coerce_column(raw: RawTable, column: Column) -> tuple[pd.Series, list[DataError]]:
    coerce_kind = {
        "int": _coerce_number,
        "float": _coerce_number,
        "date": _coerce_date,
        "bool": _coerce_bool,
    }.get(column.kind, _coerce_text)
    series = raw.frame[column.name]
    return coerce_kind(raw, column, series, _blank(series))


def _coerce_number(
    raw: RawTable, column: Column, series: pd.Series, blank: pd.Series
) -> tuple[pd.Series, list[DataError]]:
    name = column.name
    values = pd.to_numeric(series, errors="coerce") if series.dtype.kind not in "iuf" else series
    wrong = values.isna() & ~blank
    errors = _errors_at(raw, wrong, name, lambda v: f"not a number: {show(v)}")
    if column.kind == "float":
        return values.astype("Float64"), errors
    fractional = values.notna() & (values % 1 != 0)
    errors += _errors_at(raw, fractional, name, lambda v: f"not a whole number: {show(v)}")
    return values.where(~fractional).astype("Int64"), errors


def _parse_iso_dates(text: pd.Series) -> pd.Series:
    """YYYY-MM-DD text as datetimes, NaT where it is not a real date.

    Parsed by Arrow, not ``pd.to_datetime``: at a million events that took the date column's
    peak from 102 to 68 MB. Arrow rolls 2019-02-30 over to 2019-03-02, so a date only counts if its
    day is the day written.
    """
    arrow = pa_arrow.array(text, type=pa_arrow.large_string(), from_pandas=True)
    parsed = pc.strptime(arrow, format="%Y-%m-%d", unit="us", error_is_null=True)
    day = pc.cast(pc.utf8_slice_codeunits(arrow, 8, 10), pa_arrow.int8())
    real = pc.equal(pc.day(parsed), day)
    dates = pc.if_else(real, parsed, None).to_numpy(zero_copy_only=False)
    return pd.Series(dates, index=text.index).astype(DATE_DTYPE)


def _coerce_date(
    raw: RawTable, column: Column, series: pd.Series, blank: pd.Series
) -> tuple[pd.Series, list[DataError]]:
    """Dates as DATE_DTYPE, whether they come as Parquet timestamps or YYYY-MM-DD text."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        return series.astype(DATE_DTYPE), []
    text = series.astype("str").str.strip()
    values = _parse_iso_dates(text.where(text.str.match(ISO_DATE_PATTERN)))
    wrong = values.isna() & ~blank
    return values, _errors_at(
        raw, wrong, column.name, lambda v: f"not a real date in YYYY-MM-DD form: {show(v)}"
    )


def _coerce_bool(
    raw: RawTable, column: Column, series: pd.Series, blank: pd.Series
) -> tuple[pd.Series, list[DataError]]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), []
    lowered = series.astype("str").str.strip().str.lower()
    values = lowered.map({"true": True, "false": False}).astype("boolean")
    wrong = values.isna() & ~blank
    return values, _errors_at(raw, wrong, column.name, lambda v: f"not true or false: {show(v)}")


def _coerce_text(
    raw: RawTable, column: Column, series: pd.Series, blank: pd.Series
) -> tuple[pd.Series, list[DataError]]:
    name = column.name
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(
        series.dtype
    ):
        return (series.where(~blank) if blank.any() else series), []  # no copy when none blank
    not_text = ~series.map(lambda v: isinstance(v, str), na_action="ignore").fillna(True)
    errors = _errors_at(raw, not_text, name, lambda v: f"not text: {show(v)}")
    keep = ~blank & ~not_text
    return series.where(keep).astype("str").where(keep), errors


def show(value: object, limit: int = 60) -> str:
    """A cell's value as a message quotes it: text in quotes, a number as written (12.5, not
    np.float64(12.5))."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def coerce(raw: RawTable, table: Table) -> tuple[pd.DataFrame, list[DataError]]:
    """Typed copy of ``raw``: ints as Int64, floats as Float64, dates as datetimes, blanks as NA."""
    columns, errors = {}, []
    for column in table.columns:
        columns[column.name], column_errors = _coerce_column(raw, column)
        errors += column_errors
    return pd.DataFrame(columns, index=raw.frame.index), errors


def _checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.allowed and not column.multi:
        allowed = ", ".join(column.allowed)
        checks.append(pa.Check.isin(column.allowed, error=f"must be one of: {allowed}"))
    if column.allowed and column.multi:
        checks.append(_multi_isin(column.allowed))
    if column.value_range:
        low, high = column.value_range
        checks.append(pa.Check.in_range(low, high, error=f"must be between {low:g} and {high:g}"))
    if column.max_length:
        checks.append(
            pa.Check.str_length(
                max_value=column.max_length, error=f"longer than {column.max_length} characters"
            )
        )
    if column.pattern:
        pattern, what = column.pattern
        checks.append(pa.Check.str_matches(pattern, error=what))
    if column.kind == "url":
        checks.append(
            pa.Check.str_matches(URL_PATTERN, error="must be an http:// or https:// address")
        )
    if column.kind == "id" and not column.allowed and not column.multi:
        checks.append(
            pa.Check(
                lambda s: ~(s.str.contains(";", regex=False) | s.str.contains(" ", regex=False)),
                error="an id may not hold spaces or ';'",
            )
        )
    return checks


def _multi_isin(allowed: tuple[str, ...]) -> pa.Check:
    allowed_set = set(allowed)

    def check(series: pd.Series) -> pd.Series:
        good = [v for v in series.dropna().unique() if set(v.split(";")) <= allowed_set]
        return series.isin(good)

    return pa.Check(check, error=f"every ';'-separated value must be one of: {', '.join(allowed)}")


def schema_for(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of a typed table; its descriptions document the dataset."""
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(
                None,
                checks=_checks(c),
                nullable=not c.required,
                unique=c.unique,
                description=c.description,
            )
            for c in table.columns
        },
        name=table.name,
        description=table.description,
        strict=True,
    )


def check_columns(typed: pd.DataFrame, raw: RawTable, table: Table) -> list[DataError]:
    """Per-column checks with pandera, reported with spreadsheet rows and the raw cell value."""
    try:
        schema_for(table).validate(typed, lazy=True, inplace=True)  # no copy: nothing is coerced
    except pandera.errors.SchemaErrors as exc:
        return _from_failure_cases(exc.failure_cases, raw)
    return []


def _from_failure_cases(cases: pd.DataFrame, raw: RawTable) -> list[DataError]:
    errors = []
    for case in cases.itertuples(index=False):
        column, check = str(case.column), str(case.check)
        if pd.isna(case.index):
            errors.append(DataError(raw.file, WHOLE, column, check))
            continue
        index = int(case.index)
        message = _failure_message(raw, column, check, index)
        if message:
            errors.append(DataError(raw.file, raw.row(index), column, message))
    return errors


def _failure_message(raw: RawTable, column: str, check: str, index: int) -> str | None:
    """The message for one failed check; None where coercion already reported the cell."""
    value = raw.frame.at[index, column]
    if check == "not_nullable":
        blank = isinstance(value, str) and not value.strip()
        blank = blank or (pd.api.types.is_scalar(value) and pd.isna(value))
        return "a value is required here but the cell is blank" if blank else None
    if check == "field_uniqueness":
        first = int(raw.frame.index[raw.frame[column] == value][0])
        if first == index:
            return None
        return f"duplicate id {show(value)}: row {raw.row(first)} already has it"
    return f"{show(value)} {check}"


UNBOUNDED_DATES = ("sources", "periods")  # a document, or a period, may predate the record
# (later, earlier): pairs of date columns that must be in order within a row
ORDERED_DATES = (("stated_to", "stated_from"), ("deadline", "stated"), ("verdict_as_of", "stated"))


@dataclass(frozen=True)
class DateRange:
    """The dates a table's rows may hold: from the first period's start to today."""

    earliest: dt.date
    today: dt.date

    def of(self, table: str) -> DateRange:
        """The range of one table: sources and periods may predate the record (1900)."""
        if table in UNBOUNDED_DATES:
            return DateRange(DATE_FLOOR, self.today)
        return self


def check_dates(
    typed: pd.DataFrame, raw: RawTable, table: Table, dates: DateRange
) -> list[DataError]:
    """Dates from the first period's start (sources, periods: 1900) and not in the future;
    ranges in order."""
    errors = []
    allowed = dates.of(table.name)
    earliest, today = allowed.earliest, allowed.today
    for column in table.columns:
        if column.kind != "date":
            continue
        dates = typed[column.name]
        early = dates < pd.Timestamp(earliest)
        late = (dates > pd.Timestamp(today)) & (not column.future)
        errors += _errors_at(raw, early, column.name, lambda v: f"{show(v)} is before {earliest}")
        errors += _errors_at(raw, late, column.name, lambda v: f"{show(v)} is in the future")
    for later, earlier in ORDERED_DATES:
        if later in typed and earlier in typed:
            reversed_range = typed[later] < typed[earlier]
            errors += _errors_at(
                raw, reversed_range, later, lambda v, e=earlier: f"{show(v)} is before {e}"
            )
    if "date_precision" in typed:
        date_column = next(c for c in ("date", "stated_from", "stated") if c in typed)
        dates = typed[date_column]
        precision = typed["date_precision"]
        not_first = ((precision == "month") & (dates.dt.day != 1)) | (
            (precision == "year") & ((dates.dt.day != 1) | (dates.dt.month != 1))
        )
        errors += _errors_at(
            raw,
            not_first,
            date_column,
            lambda v: f"{show(v)}: a month-precision date is the 1st, a year-precision 1 January",
        )
    return errors


def check_references(
    typed: pd.DataFrame, raw: RawTable, table: Table, ids: dict[str, frozenset[str]]
) -> list[DataError]:
    """Every id a cell names exists in the table it points to (ISO-3 codes: in ISO 3166-1)."""
    errors = []
    for column in table.columns:
        if not column.references or column.references not in ids:
            continue
        known = ids[column.references]
        cells = typed[column.name].dropna()
        unknown = {
            value: sorted(set(value.split(";")) - known) if column.multi else [value]
            for value in cells.unique()
            if (set(value.split(";")) if column.multi else {value}) - known
        }
        if not unknown:
            continue
        what = "ISO 3166-1 alpha-3 code" if column.references == "iso3" else column.references
        bad = cells[cells.isin(list(unknown))]
        for index, value in bad.items():
            names = ", ".join(f"'{u}'" for u in unknown[value])
            errors.append(
                DataError(raw.file, raw.row(int(index)), column.name, f"unknown {what}: {names}")
            )
    return errors


def check_unused_sources(
    typed_sources: pd.DataFrame, raw: RawTable, cited: set[str]
) -> list[DataError]:
    unused = ~typed_sources["source_id"].isin(cited)
    return _errors_at(raw, unused, "source_id", unused_source_message)


def unused_source_message(source_id: object) -> str:
    return f"source {show(source_id)} is cited by no row"


def check_one_per_cell(
    typed: pd.DataFrame, raw: RawTable, keys: list[str], column: str
) -> list[DataError]:
    """At most one row per combination of ``keys`` (one stance per matrix cell)."""
    duplicated = typed.duplicated(subset=keys, keep="first") & typed[keys].notna().all(axis=1)
    what = " × ".join(keys)
    return _errors_at(
        raw, duplicated, column, lambda v: f"a second row for the same {what}: {show(v)}"
    )


def check_evidence(typed: pd.DataFrame, raw: RawTable) -> list[DataError]:
    """A commitment judged kept, partly kept or broken names the events that show it."""
    missing = typed["verdict"].isin(RESOLVED) & _blank(typed["evidence_event_ids"])
    return _errors_at(
        raw,
        missing,
        "evidence_event_ids",
        lambda v: "a kept, partly kept or broken verdict needs the events that show it",
    )


def check_stretches(typed: pd.DataFrame, raw: RawTable, keys: list[str]) -> list[DataError]:
    """Rows of one cell (``keys``) are stretches of time that follow each other, never overlap.

    A position may move within a term: each row is a stretch from stated_from to stated_to (or
    that one day), and the next stretch of the same cell must start after it ends.
    """
    dated = typed.dropna(subset=[*keys, "stated_from"]).sort_values([*keys, "stated_from"])
    ends = dated["stated_to"].fillna(dated["stated_from"])
    previous_end = ends.groupby([dated[k] for k in keys], observed=True).shift()
    overlapping = dated["stated_from"] <= previous_end
    what = " × ".join(keys)
    return [
        DataError(
            raw.file,
            raw.row(int(index)),
            "stated_from",
            f"{show(raw.frame.loc[index, 'stated_from'])} overlaps the previous position of the "
            f"same {what}, stated to {previous_end[index]:%Y-%m-%d}",
        )
        for index in overlapping[overlapping].index
    ]
