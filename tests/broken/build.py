"""Rebuild the broken-dataset corpus: ``.venv/bin/python tests/broken/build.py``.

Each case is a copy of ``_base/`` (a minimal valid dataset) with exactly one fault, plus an
``expected.txt`` holding one line per error that ``python -m dashboard check`` must print:
``file:row:column: key phrase``. The README's table is rebuilt from the same declarations.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
BASE = HERE / "_base"
VALID_BOM = HERE / "_valid_bom"
MULTILINE = 'The two sides met.\nThey said: "talks, then more talks".\n'


def replace(directory: Path, file: str, old: str, new: str) -> None:
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{file}: {old!r} found {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_rows(directory: Path, file: str, edit: Callable[[list[list[str]]], None]) -> None:
    """Rewrite a CSV file after ``edit`` changes its rows (header included) in place."""
    path = directory / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(file: str, record: int, column: str, value: str) -> Callable[[Path], None]:
    """A fault: the cell of ``column`` in the ``record``-th record (1-based) becomes ``value``."""

    def apply(directory: Path) -> None:
        def edit(rows: list[list[str]]) -> None:
            rows[record][rows[0].index(column)] = value

        edit_rows(directory, file, edit)

    return apply


def reencode(file: str, encoding: str, old: str = "", new: str = "") -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / file
        text = path.read_text(encoding="utf-8").replace(old, new) if old else path.read_text()
        path.write_bytes(text.encode(encoding))

    return apply


def to_parquet(table: str, **columns: list) -> Callable[[Path], None]:
    """Replace ``table``.csv by a Parquet file, with ``columns`` replaced by the given values."""

    def apply(directory: Path) -> None:
        csv_path = directory / f"{table}.csv"
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        for name, values in columns.items():
            frame[name] = values
        frame.to_parquet(directory / f"{table}.parquet", index=False)
        csv_path.unlink()

    return apply


def drop_column(directory: Path) -> None:
    def edit(rows: list[list[str]]) -> None:
        position = rows[0].index("quad_class")
        for row in rows:
            del row[position]

    edit_rows(directory, "events.csv", edit)


def extra_column(directory: Path) -> None:
    def edit(rows: list[list[str]]) -> None:
        rows[0].append("notes")
        for row in rows[1:]:
            row.append("check later")

    edit_rows(directory, "areas.csv", edit)


def header_only(directory: Path) -> None:
    path = directory / "impacts.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")


def semicolons(directory: Path) -> None:
    path = directory / "outcomes.csv"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue())


def png(directory: Path) -> None:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    (directory / "events.csv").write_bytes(header + bytes(range(256)))


def corrupt_parquet(directory: Path) -> None:
    to_parquet("impacts")(directory)
    path = directory / "impacts.parquet"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def both_formats(directory: Path) -> None:
    frame = pd.read_csv(directory / "events.csv", dtype=str, keep_default_na=False)
    frame.to_parquet(directory / "events.parquet", index=False)


def multiline_then_fault(directory: Path) -> None:
    def edit(rows: list[list[str]]) -> None:
        description, goldstein = rows[0].index("description"), rows[0].index("goldstein")
        rows[1][description] = MULTILINE
        rows[2][description] = "A treaty lapsed.\n\nOfficials said it was \"dead\", 'buried'."
        rows[2][goldstein] = "12"

    edit_rows(directory, "events.csv", edit)


def too_many_cells(directory: Path) -> None:
    set_cell("events.csv", 1, "description", MULTILINE)(directory)
    replace(directory, "events.csv", "false,s3,2019-06-01\n", "false,s3,2019-06-01,extra\n")


def extra_cell_every_row(directory: Path) -> None:
    path = directory / "areas.csv"
    header, *records = path.read_text().splitlines()
    path.write_text("\n".join([header, *(f"{r},x" for r in records)]) + "\n")


def duplicate_column(directory: Path) -> None:
    def edit(rows: list[list[str]]) -> None:
        for row in rows:
            row.append(row[rows[0].index("title")])

    edit_rows(directory, "events.csv", edit)


def blank_line_then_fault(directory: Path) -> None:
    replace(directory, "events.csv", "2019-06-01\ne2,", "2019-06-01\n\ne2,")
    replace(directory, "events.csv", "us_congress,USA;RUS,-3,", "us_congress,USA;RUS,-30,")


def add_row(file: str, line: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        with (directory / file).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    return apply


def remove(file: str) -> Callable[[Path], None]:
    return lambda directory: (directory / file).unlink()


def write(file: str, data: bytes) -> Callable[[Path], None]:
    return lambda directory: (directory / file).write_bytes(data)


def text(file: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda directory: replace(directory, file, old, new)


RANGE = "must be between"
NOT_A_DATE = "not a real date in YYYY-MM-DD form"

# name: (what the fault is, how to make it, expected `file:row:column: phrase` lines)
CASES: dict[str, tuple[str, Callable[[Path], None], list[str]]] = {
    "missing_file": (
        "impacts.csv deleted",
        remove("impacts.csv"),
        ["impacts.csv:-:-: file is missing: expected impacts.csv or impacts.parquet"],
    ),
    "missing_column": (
        "events.csv without its quad_class column",
        drop_column,
        ["events.csv:1:quad_class: required column is missing"],
    ),
    "extra_column": (
        "areas.csv with an added notes column",
        extra_column,
        ["areas.csv:1:notes: unexpected column; expected: area_id, name, scope"],
    ),
    "renamed_column": (
        "events.csv header says goldstein_scale instead of goldstein",
        text("events.csv", ",goldstein,", ",goldstein_scale,"),
        [
            "events.csv:1:goldstein: required column is missing",
            "events.csv:1:goldstein_scale: unexpected column",
        ],
    ),
    "empty_file": (
        "outcomes.csv is 0 bytes",
        write("outcomes.csv", b""),
        ["outcomes.csv:1:-: the file is empty: expected a header row"],
    ),
    "header_only": (
        "impacts.csv holds only its header",
        header_only,
        ["impacts.csv:2:-: the table has a header but no rows"],
    ),
    "latin1_encoding": (
        "events.csv saved as Latin-1 with 'Zürich' in row 3",
        reencode("events.csv", "latin-1", "A treaty lapsed.", "A treaty lapsed in Zürich."),
        ["events.csv:3:description: the file is not UTF-8 (byte 0xFC"],
    ),
    "utf16_encoding": (
        "sources.csv saved as UTF-16 (with byte-order mark)",
        reencode("sources.csv", "utf-16"),
        ["sources.csv:1:-: the file is UTF-16 encoded: save it as UTF-8 CSV"],
    ),
    "utf16_without_bom": (
        "areas.csv saved as UTF-16-LE without a byte-order mark",
        reencode("areas.csv", "utf-16-le"),
        ["areas.csv:1:-: the file is UTF-16 encoded"],
    ),
    "date_feb_30": (
        "event date 2019-02-30",
        set_cell("events.csv", 1, "date", "2019-02-30"),
        [f"events.csv:2:date: {NOT_A_DATE}: '2019-02-30'"],
    ),
    "date_slashes": (
        "event date 2019/02/01",
        set_cell("events.csv", 1, "date", "2019/02/01"),
        [f"events.csv:2:date: {NOT_A_DATE}: '2019/02/01'"],
    ),
    "date_month_name": (
        "position stated_from 'Feb 2019'",
        set_cell("positions.csv", 1, "stated_from", "Feb 2019"),
        [f"positions.csv:2:stated_from: {NOT_A_DATE}: 'Feb 2019'"],
    ),
    "date_before_2014": (
        "event date 2013-12-31",
        set_cell("events.csv", 1, "date", "2013-12-31"),
        ["events.csv:2:date: '2013-12-31' is before 2014-01-01"],
    ),
    "date_in_future": (
        "event date 2099-01-01",
        set_cell("events.csv", 3, "date", "2099-01-01"),
        ["events.csv:4:date: '2099-01-01' is in the future"],
    ),
    "month_precision_not_first": (
        "month-precision event dated 2019-03-15",
        set_cell("events.csv", 2, "date", "2019-03-15"),
        ["events.csv:3:date: '2019-03-15': a month-precision date is the 1st"],
    ),
    "goldstein_out_of_range": (
        "goldstein 10.5",
        set_cell("events.csv", 1, "goldstein", "10.5"),
        [f"events.csv:2:goldstein: '10.5' {RANGE} -10 and 10"],
    ),
    "stance_not_integer": (
        "stance 1.5",
        set_cell("positions.csv", 2, "stance", "1.5"),
        ["positions.csv:3:stance: not a whole number: '1.5'"],
    ),
    "stance_not_a_number": (
        "stance 'high'",
        set_cell("positions.csv", 1, "stance", "high"),
        ["positions.csv:2:stance: not a number: 'high'"],
    ),
    "intensity_out_of_range": (
        "impact intensity 4",
        set_cell("impacts.csv", 2, "intensity", "4"),
        [f"impacts.csv:3:intensity: '4' {RANGE} 1 and 3"],
    ),
    "unknown_area_id": (
        "position area_id 'ukrain' (typo)",
        set_cell("positions.csv", 2, "area_id", "ukrain"),
        ["positions.csv:3:area_id: unknown areas: 'ukrain'"],
    ),
    "unknown_source_id": (
        "event cites s9, which sources.csv lacks",
        set_cell("events.csv", 3, "source_ids", "s2;s9"),
        ["events.csv:4:source_ids: unknown sources: 's9'"],
    ),
    "duplicate_event_id": (
        "two events with id e2",
        set_cell("events.csv", 3, "event_id", "e2"),
        ["events.csv:4:event_id: duplicate id 'e2': row 3 already has it"],
    ),
    "invalid_iso3": (
        "impact country GER (ISO 3166-1 says DEU)",
        set_cell("impacts.csv", 2, "country", "GER"),
        ["impacts.csv:3:country: unknown ISO 3166-1 alpha-3 code: 'GER'"],
    ),
    "blank_required_cell": (
        "outcome status left blank",
        set_cell("outcomes.csv", 1, "status", ""),
        ["outcomes.csv:2:status: a value is required here but the cell is blank"],
    ),
    "javascript_url": (
        "source url javascript:alert(1)",
        set_cell("sources.csv", 1, "url", "javascript:alert(1)"),
        ["sources.csv:2:url: 'javascript:alert(1)' must be an http:// or https:// address"],
    ),
    "ftp_url": (
        "source url ftp://example.com/s3",
        set_cell("sources.csv", 3, "url", "ftp://example.com/s3"),
        ["sources.csv:4:url: 'ftp://example.com/s3' must be an http:// or https:// address"],
    ),
    "multiline_cell_then_fault": (
        "quoted descriptions with line breaks and quotes in rows 2 and 3; row 3 has goldstein 12",
        multiline_then_fault,
        [f"events.csv:3:goldstein: '12' {RANGE} -10 and 10"],
    ),
    "too_many_cells": (
        "row 3 of events.csv has a 13th cell (after a multi-line cell in row 2)",
        too_many_cells,
        ["events.csv:3:-: row has 14 cells but the header has 13"],
    ),
    "extra_cell_every_row": (
        "every record of areas.csv has a 4th cell, the header 3 (pandas would read an index)",
        extra_cell_every_row,
        ["areas.csv:2:-: row has 4 cells but the header has 3"],
    ),
    "duplicate_column": (
        "events.csv with a second title column",
        duplicate_column,
        ["events.csv:1:title: column appears more than once"],
    ),
    "blank_line_then_fault": (
        "a blank line between rows 2 and 4 of events.csv; row 5 has goldstein -30",
        blank_line_then_fault,
        [f"events.csv:5:goldstein: '-30' {RANGE} -10 and 10"],
    ),
    "unclosed_quote": (
        'event title "Third event with no closing quote',
        text("events.csv", ",year,Third event,", ',year,"Third event,'),
        ["events.csv:4:-: a quoted cell is never closed"],
    ),
    "semicolon_delimited": (
        "outcomes.csv written with ';' between cells",
        semicolons,
        ["outcomes.csv:1:-: the header looks delimited by ';', tab or '|': use ','"],
    ),
    "binary_png": (
        "PNG image bytes saved as events.csv",
        png,
        ["events.csv:-:-: the file is a PNG image, not CSV"],
    ),
    "parquet_goldstein_timestamps": (
        "events.parquet whose goldstein column holds timestamps",
        to_parquet("events", goldstein=pd.to_datetime(["2019-01-01"] * 3)),
        ["events.parquet:-:goldstein: has type datetime64"],
    ),
    "parquet_date_as_int": (
        "positions.parquet whose stated_from column holds integers like 20170201",
        to_parquet("positions", stated_from=[20170201, 20170301]),
        ["positions.parquet:-:stated_from: has type int64, expected date values"],
    ),
    "corrupt_parquet": (
        "impacts.parquet cut in half",
        corrupt_parquet,
        ["impacts.parquet:-:-: not a readable Parquet file"],
    ),
    "csv_and_parquet": (
        "events.csv and events.parquet side by side",
        both_formats,
        ["events.parquet:-:-: both events.parquet and events.csv exist: keep only one"],
    ),
    "unused_source": (
        "source s4 that no row cites",
        add_row("sources.csv", "s4,Fourth source,Example,https://example.org/s4,,primary"),
        ["sources.csv:5:source_id: source 's4' is cited by no row"],
    ),
    "overlapping_positions_same_cell": (
        "a second US us_executive term1 position on ukraine from 2018-01-01, while the first "
        "runs to 2018-06-01",
        add_row(
            "positions.csv",
            "p3,ukraine,US,us_executive,term1,Another position.,2,2018-01-01,,day,low,s1,"
            "2019-06-01",
        ),
        [
            "positions.csv:4:stated_from: '2018-01-01' overlaps the previous position of the "
            "same area_id × side × actor × period, stated to 2018-06-01"
        ],
    ),
    "stated_to_before_stated_from": (
        "stated_to 2016-12-01 before stated_from 2017-02-01",
        set_cell("positions.csv", 1, "stated_to", "2016-12-01"),
        ["positions.csv:2:stated_to: '2016-12-01' is before stated_from"],
    ),
    "unknown_quad_class": (
        "quad_class 'verbal_cooperaton' (typo)",
        set_cell("events.csv", 1, "quad_class", "verbal_cooperaton"),
        ["events.csv:2:quad_class: 'verbal_cooperaton' must be one of: verbal_cooperation"],
    ),
    "key_moment_not_bool": (
        "key_moment 'yes'",
        set_cell("events.csv", 2, "key_moment", "yes"),
        ["events.csv:3:key_moment: not true or false: 'yes'"],
    ),
    "evidence_unknown_event": (
        "a commitment's evidence names event 'e9', which does not exist",
        set_cell("commitments.csv", 1, "evidence_event_ids", "e1;e9"),
        ["commitments.csv:2:evidence_event_ids: unknown events: 'e9'"],
    ),
    "verdict_not_allowed": (
        "verdict 'done' instead of one of the five verdicts",
        set_cell("commitments.csv", 1, "verdict", "done"),
        ["commitments.csv:2:verdict: 'done' must be one of: kept, partly_kept, broken"],
    ),
    "kept_without_evidence": (
        "a commitment judged kept that names no evidence",
        set_cell("commitments.csv", 1, "evidence_event_ids", ""),
        ["commitments.csv:2:evidence_event_ids: a kept, partly kept or broken verdict needs"],
    ),
    "deadline_before_statement": (
        "a deadline of 2017-01-25, before the statement of 2017-02-01",
        set_cell("commitments.csv", 1, "deadline", "2017-01-25"),
        ["commitments.csv:2:deadline: '2017-01-25' is before stated"],
    ),
    "undeclared_side": (
        "a position of side 'CN', which sides.csv does not declare",
        set_cell("positions.csv", 2, "side", "CN"),
        ["positions.csv:3:side: unknown sides: 'CN'"],
    ),
    "one_side": (
        "sides.csv declares one side only (Russia's row deleted)",
        text("sides.csv", "RU,Russia,#D55E00,RUS\n", ""),
        [
            "sides.csv:-:-: a comparison needs at least 2 sides; 1 declared",
            "actors.csv:4:side_id: unknown sides: 'RU'",
            "positions.csv:3:side: unknown sides: 'RU'",
            "commitments.csv:3:side: unknown sides: 'RU'",
        ],
    ),
    "actor_of_unknown_side": (
        "an actor of side 'UA', which sides.csv does not declare",
        add_row("actors.csv", "ua_government,Ukrainian government,UA,principal"),
        ["actors.csv:6:side_id: unknown sides: 'UA'"],
    ),
    "side_without_principal": (
        "the Russian government is an acting actor: Russia has no voice",
        set_cell("actors.csv", 3, "role", "acting"),
        [
            "sides.csv:3:side_id: side 'RU' has no principal actor",
            "positions.csv:3:actor: actor 'ru_government' is an acting actor: it states nothing",
            "commitments.csv:3:actor: actor 'ru_government' is an acting actor",
        ],
    ),
    "actor_of_the_other_side": (
        "a Russian position stated by the US Congress",
        set_cell("positions.csv", 2, "actor", "us_congress"),
        ["positions.csv:3:actor: actor 'us_congress' belongs to side 'US', not 'RU'"],
    ),
    "bad_side_colour": (
        "a side colour written 'orange' instead of #RRGGBB",
        set_cell("sides.csv", 2, "colour", "orange"),
        ["sides.csv:3:colour: 'orange' must be a colour written #RRGGBB"],
    ),
    "overlapping_periods": (
        "term1 ends on 2025-06-01, after term2 starts on 2025-01-20",
        set_cell("periods.csv", 2, "end", "2025-06-01"),
        ["periods.csv:4:start: 2025-01-20 overlaps period 'term1' above"],
    ),
    "unordered_periods": (
        "the period before 2017 is listed after the first term",
        lambda d: edit_rows(d, "periods.csv", lambda rows: rows.insert(2, rows.pop(1))),
        ["periods.csv:3:start: 2014-01-01 comes before period 'term1' above"],
    ),
    "open_period_not_last": (
        "term1 has no end, though term2 follows it",
        set_cell("periods.csv", 2, "end", ""),
        ["periods.csv:4:start: period 'term1' above runs on (no end)"],
    ),
    "undeclared_period": (
        "a position of period 'term3', which periods.csv does not declare",
        set_cell("positions.csv", 1, "period", "term3"),
        ["positions.csv:2:period: unknown periods: 'term3'"],
    ),
    "position_of_uncompared_period": (
        "an outcome of the period before 2017, which only dates events",
        set_cell("outcomes.csv", 1, "period", "before"),
        ["outcomes.csv:2:period: period 'before' is not compared"],
    ),
    "invalid_datapackage_json": (
        "datapackage.json with a trailing comma",
        text("datapackage.json", '"name": "broken-base",', '"name": "broken-base",,'),
        ["datapackage.json:2:-: not valid UTF-8 JSON"],
    ),
}


def build_case(name: str, fault: Callable[[Path], None], expected: list[str]) -> None:
    directory = HERE / name
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(BASE, directory)
    fault(directory)
    (directory / "expected.txt").write_text("\n".join(expected) + "\n", encoding="utf-8")


def build_valid_bom() -> None:
    shutil.rmtree(VALID_BOM, ignore_errors=True)
    shutil.copytree(BASE, VALID_BOM)
    for path in VALID_BOM.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-8-sig"))


def readme() -> str:
    lines = [
        "# Broken datasets",
        "",
        "Each directory is `_base/` (a minimal valid dataset) with exactly one fault;",
        "`expected.txt` lists the `file:row:column: key phrase` lines that",
        "`python -m dashboard check DIR` must print, and it must print no other error.",
        "Rows are spreadsheet rows: header = 1, first record = 2; `-` = the whole file or column.",
        "Rebuild with `.venv/bin/python tests/broken/build.py`; `tests/test_broken_corpus.py` runs",
        "them. `_valid_bom/` is `_base/` saved with UTF-8 byte-order marks and must load.",
        "The several-megabyte cell is generated at test time rather than committed:",
        "`test_cell_of_several_megabytes` puts 5,000,000 characters in an event description and",
        "expects `events.csv:3:description: longer than 4000 characters` within seconds.",
        "",
        "| case | fault | expected |",
        "| --- | --- | --- |",
    ]
    for name, (what, _, expected) in CASES.items():
        cells = [name, what, "<br>".join(f"`{line}`" for line in expected)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    for stale in HERE.iterdir():
        if stale.is_dir() and not stale.name.startswith("_") and stale.name not in CASES:
            shutil.rmtree(stale)
    for name, (_, fault, expected) in CASES.items():
        build_case(name, fault, expected)
    build_valid_bom()
    (HERE / "README.md").write_text(readme(), encoding="utf-8")
    print(f"built {len(CASES)} cases in {HERE}")


if __name__ == "__main__":
    main()
