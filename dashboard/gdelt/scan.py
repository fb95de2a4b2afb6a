"""Read GDELT 2.0 event export files as streams, check every line, keep the two sides' dyad.

Each file (zipped as published, or unzipped) is parsed in blocks by pyarrow's streaming CSV
reader, so memory stays flat whatever the file's size. Every line is checked: its number of
fields, then the fields the import maps (id, date, quad class, score, counts, tone). A line that
fails is a ``DataError`` named by file, line and column; the rows of the dyad that pass are
appended to a staging Parquet file that ``dashboard.gdelt.importer`` maps in DuckDB.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from dashboard.data.errors import WHOLE, DataError
from dashboard.gdelt.layout import COLUMNS, GDELT1_COLUMNS

MAX_ERRORS_PER_FILE = 20
BLOCK_SIZE = 4 << 20  # bytes parsed at a time: a few thousand lines
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
STAGED = (  # the fields the mapping reads
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1Type1Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2Type1Code",
    "EventCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "SOURCEURL",
)
STAGED_SCHEMA = pa.schema([(name, pa.string()) for name in STAGED])
# Only these fields are converted; the parser still counts every line's fields.
READ = (*STAGED, "Actor1Geo_CountryCode", "Actor2Geo_CountryCode")
QUADS = pa.array(["1", "2", "3", "4"])
EXPORT_SUFFIXES = (".export.csv.zip", ".export.csv")


class NotGdelt(Exception):
    """The file is not a GDELT 2.0 event export (or cannot be read as one): nothing of it is
    kept. ``line`` is where that shows, ``WHOLE`` for the file as a whole."""

    def __init__(self, message: str, line: int | str = WHOLE):
        super().__init__(message)
        self.line = line


@dataclass
class Counts:
    """What the scan saw, for the import report and its progress lines."""

    def add(self, other: Counts) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    files: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    other_dyads: int = 0
    geography_only: int = 0  # a side known only by where an actor was, not by its code
    outside_dates: int = 0
    bad_lines: int = 0


@dataclass(frozen=True)
class Dyad:
    """The two sides (CAMEO country codes) and the FIPS geography codes of their territory."""

    sides: tuple[str, str]
    side_fips: dict[str, str]  # FIPS code -> side
    first: dt.date
    last: dt.date


@dataclass
class Rejects:
    """Bad lines: the first ``MAX_ERRORS_PER_FILE`` errors of each file as DataErrors, every
    bad line (with its text) when lines are skipped instead."""

    skip: bool
    errors: list[DataError] = field(default_factory=list)
    lines: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    per_file: dict[str, int] = field(default_factory=dict)

    def add(
        self, file: str, line: int, text: str | None, faults: list[tuple[str, str, str]]
    ) -> None:
        """One bad line and its faults, each (column, message, code); ``text`` None: to be
        read again (``fill_texts``)."""
        count = self.per_file[file] = self.per_file.get(file, 0) + 1
        if self.skip:
            for column, message, _ in faults:
                self.lines.append((file, line, column, message, text))
        elif count <= MAX_ERRORS_PER_FILE:
            self.errors += [DataError(file, line, c, m, code) for c, m, code in faults]

    @property
    def bad_lines(self) -> int:
        return sum(self.per_file.values())

    def extend(self, other: Rejects) -> None:
        self.errors += other.errors
        self.per_file.update(other.per_file)

    def close_file(self, file: str) -> None:
        more = self.per_file.get(file, 0) - MAX_ERRORS_PER_FILE
        if more > 0 and not self.skip:
            message = f"... and {more:,} more bad line(s) in this file"
            self.errors.append(DataError(file, WHOLE, WHOLE, message, "too_many_errors"))


def export_files(inputs: list[Path]) -> list[Path]:
    """The files to read: each file given, and the export files in each directory given."""
    found = []
    for path in inputs:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.name.lower().endswith(EXPORT_SUFFIXES)
            )
        else:
            found.append(path)
    return found


@contextlib.contextmanager
def _members(path: Path) -> Iterator[list[tuple[str, BinaryIO]]]:
    """The file's text streams: each member of a zip archive, or the file itself."""
    with open(path, "rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
        handle.seek(0)
        if not zipped:
            yield [(path.name, handle)]
            return
        try:
            archive = zipfile.ZipFile(handle)
        except zipfile.BadZipFile as exc:
            raise NotGdelt(
                f"the zip archive is damaged or truncated ({exc}): download it again"
            ) from exc
        with archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
            if not names:
                raise NotGdelt("the zip archive is empty")
            with contextlib.ExitStack() as stack:
                yield [
                    (
                        path.name if len(names) == 1 else f"{path.name}:{name}",
                        stack.enter_context(archive.open(name)),
                    )
                    for name in names
                ]


class _Lines:
    """Physical line numbers of the rows the parser hands over, around the lines it skipped."""

    def __init__(self) -> None:
        self.skipped: list[int] = []
        self.delivered = 0
        self.not_gdelt: NotGdelt | None = None  # set when line 1 shows the file is not GDELT

    def of(self, row: int) -> int:
        """The line of the ``row``-th row delivered (0-based)."""
        line = row + 1
        while True:
            shifted = row + 1 + bisect.bisect_right(self.skipped, line)
            if shifted == line:
                return line
            line = shifted


def _numeric(text: pa.Array) -> pa.Array:
    """Which cells are decimal numbers: one cast when all are (the usual case), else a regex."""
    try:
        pc.cast(text, pa.float64())
        return pa.array([True] * len(text))
    except pa.ArrowInvalid:
        return pc.match_substring_regex(text, NUMBER)


def _checks(batch: pa.RecordBatch) -> tuple[list[tuple], pa.Array]:
    """Per check: (column, failing mask, message prefix, code); and each row's date.

    Only cheap kernels on the common path (digit tests, one cast, one strptime): every line of
    every file passes through here.
    """
    column = batch.column
    date_text = column("SQLDATE")
    eight = pc.and_(pc.utf8_is_digit(date_text), pc.equal(pc.utf8_length(date_text), 8))
    parsed = pc.strptime(date_text, format="%Y%m%d", unit="s", error_is_null=True)
    day_written = pc.cast(
        pc.utf8_slice_codeunits(pc.if_else(eight, date_text, "00000000"), 6, 8), pa.int8()
    )
    real_date = pc.and_(eight, pc.equal(pc.day(parsed), day_written)).fill_null(False)
    score_text = column("GoldsteinScale")
    numeric_score = _numeric(score_text)
    score = pc.cast(pc.if_else(numeric_score, score_text, "0"), pa.float64())
    in_range = pc.and_(pc.greater_equal(score, -10.0), pc.less_equal(score, 10.0))
    checks = [
        (
            "GLOBALEVENTID",
            pc.invert(pc.utf8_is_digit(column("GLOBALEVENTID"))),
            "not a GLOBALEVENTID (digits only)",
            "bad_id",
        ),
        ("SQLDATE", pc.invert(real_date), "not a real date as YYYYMMDD", "bad_date"),
        (
            "QuadClass",
            pc.invert(pc.is_in(column("QuadClass"), QUADS)),
            "QuadClass must be 1, 2, 3 or 4",
            "bad_quad_class",
        ),
        ("GoldsteinScale", pc.invert(numeric_score), "not a number", "not_numeric"),
        (
            "GoldsteinScale",
            pc.and_(numeric_score, pc.invert(in_range)),
            "GoldsteinScale must be between -10 and 10",
            "out_of_range",
        ),
        *(
            (name, pc.invert(pc.utf8_is_digit(column(name))), "not a whole number", "not_numeric")
            for name in ("NumMentions", "NumSources", "NumArticles")
        ),
        ("AvgTone", pc.invert(_numeric(column("AvgTone"))), "not a number", "not_numeric"),
    ]
    return checks, parsed


def _in_dyad(batch: pa.RecordBatch, dyad: Dyad) -> tuple[pa.Array, pa.Array]:
    """Rows whose two actors' country codes are the two sides, either way round; and rows that
    would be, were an actor without a country code placed by its geography."""
    first, second = dyad.sides
    one, two = batch.column("Actor1CountryCode"), batch.column("Actor2CountryCode")
    exact = pc.or_(
        pc.and_(pc.equal(one, first), pc.equal(two, second)),
        pc.and_(pc.equal(one, second), pc.equal(two, first)),
    )
    fips, sides = list(dyad.side_fips), pa.array(list(dyad.side_fips.values()))

    def placed(code: pa.Array, geo: str) -> pa.Array:
        by_geo = pc.take(sides, pc.index_in(batch.column(geo), pa.array(fips)))
        return pc.if_else(pc.equal(code, ""), by_geo, code)

    one_placed, two_placed = (
        placed(one, "Actor1Geo_CountryCode"),
        placed(two, "Actor2Geo_CountryCode"),
    )
    by_geography = pc.and_(
        pc.invert(exact),
        pc.or_(
            pc.and_(pc.equal(one_placed, first), pc.equal(two_placed, second)),
            pc.and_(pc.equal(one_placed, second), pc.equal(two_placed, first)),
        ),
    )
    return exact, by_geography.fill_null(False)


def _bad_rows(batch, checks, lines: _Lines, offset: int, file: str, rejects: Rejects) -> pa.Array:
    """Report each failing field; the mask of rows that failed any check."""
    any_bad = pa.array([False] * batch.num_rows)
    for _, mask, _, _ in checks:
        any_bad = pc.or_(any_bad, mask.fill_null(True))
    if not pc.any(any_bad).as_py():
        return any_bad
    for row in pc.indices_nonzero(any_bad).to_pylist():
        line = lines.of(offset + row)
        if not any(batch.column(name)[row].as_py() for name in READ):
            rejects.add(file, line, None, [(WHOLE, "the line is empty", "empty_line")])
            continue
        faults = [
            (name, f"{message}: {_show(batch.column(name)[row].as_py())}", code)
            for name, mask, message, code in checks
            if mask[row].as_py() in (True, None)
        ]
        rejects.add(file, line, None, faults)  # the text is read again for the reject file
    return any_bad


def _show(value: str | None) -> str:
    text = f"'{value}'" if value is not None else "nothing"
    return text if len(text) <= 60 else text[:60] + "…"


def _stream(file: str, stream: BinaryIO, lines: _Lines, rejects: Rejects):
    """The parser over one stream; a line with the wrong number of fields is reported and
    skipped (the first line decides whether the file is GDELT at all)."""

    def invalid(row) -> str:
        lines.skipped.append(row.number)
        count = row.actual_columns
        if row.number == 1:
            hint = " (a GDELT 1.0 file?)" if count in GDELT1_COLUMNS else ""
            lines.not_gdelt = NotGdelt(
                f"not a GDELT 2.0 event export: line 1 has {count} tab-separated field(s), "
                f"expected {len(COLUMNS)}{hint}",
                line=1,
            )
            return "error"  # the reader stops
        message = f"line has {count} tab-separated field(s), expected {len(COLUMNS)}"
        rejects.add(file, row.number, row.text or "", [(WHOLE, message, "wrong_field_count")])
        return "skip"

    return pa_csv.open_csv(
        stream,
        read_options=pa_csv.ReadOptions(
            column_names=list(COLUMNS), block_size=BLOCK_SIZE, use_threads=False
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter="\t", quote_char=False, ignore_empty_lines=False, invalid_row_handler=invalid
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in READ},
            include_columns=list(READ),
            strings_can_be_null=False,
        ),
    )


REJECT_HEADER = ["file", "line", "column", "message", "text"]


def scan_one(job: tuple[Path, Dyad, Path, bool]) -> tuple[Counts, Rejects]:
    """Scan one file into a staging file of its own (a unit of work for a process pool).

    Skipped lines go to a reject part file beside it (``.rejects.csv``), so memory holds one
    file's bad lines at most, whatever the input.
    """
    path, dyad, staging, skip = job
    counts, rejects = Counts(), Rejects(skip=skip)
    with pq.ParquetWriter(staging, STAGED_SCHEMA) as staged:
        scan_file(path, dyad, staged, counts, rejects)
    if rejects.lines:
        with open(staging.with_suffix(".rejects.csv"), "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rejects.lines)
        rejects.lines = []
    return counts, rejects


def scan_file(
    path: Path, dyad: Dyad, staged: pq.ParquetWriter, counts: Counts, rejects: Rejects
) -> None:
    """Check every line of one export file; append the dyad's good rows to ``staged``."""
    first = pa.scalar(dt.datetime.combine(dyad.first, dt.time()), pa.timestamp("s"))
    last = pa.scalar(dt.datetime.combine(dyad.last, dt.time()), pa.timestamp("s"))
    try:
        with _members(path) as members:
            for file, stream in members:
                _scan_stream(file, stream, dyad, (first, last), staged, counts, rejects)
        if rejects.skip:
            _fill_texts(path, rejects)
    except NotGdelt as exc:
        rejects.errors.append(DataError(path.name, exc.line, WHOLE, str(exc), "not_gdelt"))
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        message = f"the file cannot be read to its end ({exc}): download it again"
        rejects.errors.append(DataError(path.name, WHOLE, WHOLE, message, "unreadable"))
    counts.files += 1


def _fill_texts(path: Path, rejects: Rejects) -> None:
    """The text of each rejected line still without it, read again from the file by number.

    Only lines that failed a check of their values need this (the parser hands over the text
    of a line with the wrong number of fields); the scan converts only the fields it maps.
    """
    wanted: dict[str, dict[int, list[int]]] = {}
    for index, (file, line, _, _, text) in enumerate(rejects.lines):
        if text is None:
            wanted.setdefault(file, {}).setdefault(line, []).append(index)
    if not wanted:
        return
    with _members(path) as members:
        for file, stream in members:
            lines = wanted.get(file, {})
            last = max(lines, default=0)
            for number, raw in enumerate(stream, 1):
                if number in lines:
                    text = raw.decode("utf-8", "replace").rstrip("\r\n")
                    for index in lines[number]:
                        rejects.lines[index] = (*rejects.lines[index][:4], text)
                if number >= last:
                    break


def _scan_stream(file, stream, dyad, bounds, staged, counts, rejects) -> None:
    lines = _Lines()
    try:
        reader = _stream(file, stream, lines, rejects)
        for batch in reader:
            _scan_batch(batch, file, lines, dyad, bounds, staged, counts, rejects)
    except pa.ArrowInvalid as exc:
        if lines.not_gdelt:
            raise lines.not_gdelt from None
        if "Empty CSV file" in str(exc):
            raise NotGdelt("the file is empty: expected GDELT event lines", line=1) from exc
        line = lines.of(lines.delivered)
        raise NotGdelt(f"not GDELT 2.0 event text at or after line {line:,}: {exc}") from exc
    finally:
        rejects.close_file(file)


def _scan_batch(batch, file, lines, dyad, bounds, staged, counts, rejects) -> None:
    offset = lines.delivered
    lines.delivered += batch.num_rows
    counts.rows_read += batch.num_rows
    checks, dates = _checks(batch)
    bad = _bad_rows(batch, checks, lines, offset, file, rejects)
    counts.bad_lines = rejects.bad_lines
    good = pc.invert(bad)
    exact, by_geography = _in_dyad(batch, dyad)
    first, last = bounds
    dated = pc.and_(pc.greater_equal(dates, first), pc.less_equal(dates, last)).fill_null(False)
    keep = pc.and_(pc.and_(good, exact), dated)
    counts.geography_only += pc.sum(pc.and_(good, by_geography)).as_py() or 0
    counts.outside_dates += pc.sum(pc.and_(pc.and_(good, exact), pc.invert(dated))).as_py() or 0
    kept = pc.sum(keep).as_py() or 0
    counts.other_dyads += pc.sum(pc.and_(good, pc.invert(exact))).as_py() or 0
    if kept:
        rows = batch.filter(keep).select(list(STAGED))
        staged.write_table(pa.Table.from_batches([rows], schema=STAGED_SCHEMA))
        counts.rows_kept += kept
