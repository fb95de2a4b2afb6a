"""``python -m dashboard import-gdelt``: GDELT 2.0 event exports in, a dataset directory out.

Two passes, both streaming. ``scan`` reads every export file in blocks, checks each line and
stages the rows of the two sides' dyad (a small share of GDELT) as Parquet. DuckDB then maps the
staged rows with the shipped tables (CAMEO codes, FIPS to ISO, actor types, area rules), drops
repeated GLOBALEVENTIDs, and writes ``events.parquet`` and ``sources.parquet`` beside the curated
tables, with a memory limit and spilling to disk beyond it. Everything is written to a temporary
directory that becomes OUT only when no line failed: bad input leaves no partial output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard.data import DataError, DatasetError, load_dataset
from dashboard.data.errors import WHOLE
from dashboard.data.load import DEFAULT_DATA_DIR, METADATA_FILE
from dashboard.data.package import datapackage
from dashboard.data.read import find_files
from dashboard.data.tables import TABLES
from dashboard.gdelt import scan
from dashboard.gdelt.layout import (
    QUAD_CLASSES,
    TABLE_FILES,
    UNASSIGNED,
    Mappings,
    check_mappings,
    shipped_mappings,
)

UNASSIGNED_AREA = {
    "area_id": UNASSIGNED,
    "name": "Unassigned (machine-coded)",
    "scope": "GDELT events that no rule of the area table places in a policy area. They are "
    "never placed by guess; edit the area rules and import again to place them.",
}
GDELT_URL = "https://www.gdeltproject.org/"
REJECT_FILE = "rejected-lines.csv"
REPORT_FILE = "import-report.json"
MAPPINGS_DIR = "gdelt-mappings"
CURATED_TABLES = ("sides", "actors", "periods", "positions", "outcomes", "impacts", "commitments")
ROW_GROUP = 100_000
DUCKDB_MEMORY = "512MB"  # the rest of the 1 GB budget is Python, pyarrow and the Parquet writer
WORKERS = min(2, os.cpu_count() or 1)  # scanning processes: the target machine has two cores


@dataclass(frozen=True)
class Options:
    sides: tuple[str, str] = ("USA", "RUS")
    start: dt.date | None = None
    end: dt.date | None = None
    skip_bad_lines: bool = False
    curated: Path = DEFAULT_DATA_DIR
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Report:
    """What the import read, kept and could not map; written to OUT/import-report.json."""

    counts: scan.Counts
    duplicates: int = 0
    events: int = 0
    sources: int = 0
    unassigned: int = 0
    unmapped_fips: dict[str, int] = field(default_factory=dict)
    unmapped_event_codes: dict[str, int] = field(default_factory=dict)
    reject_file: str | None = None

    def lines(self) -> list[str]:
        c = self.counts
        out = [
            f"{c.files:,} file(s), {c.rows_read:,} rows read, "
            f"{c.rows_kept:,} rows of the dyad kept",
            f"  dropped: {c.other_dyads:,} of other dyads (of them {c.geography_only:,} with a "
            f"side known only by its geography), {c.outside_dates:,} dated outside the range, "
            f"{self.duplicates:,} repeated GLOBALEVENTIDs",
            f"  {self.events:,} events written, {self.sources:,} distinct sources; "
            f"{self.unassigned:,} events in no policy area (area 'unassigned')",
        ]
        if self.unmapped_fips:
            codes = ", ".join(f"{k} ({v:,})" for k, v in self.unmapped_fips.items())
            out.append(f"  FIPS codes not in the conversion table (left out of countries): {codes}")
        if self.unmapped_event_codes:
            codes = ", ".join(f"{k} ({v:,})" for k, v in self.unmapped_event_codes.items())
            out.append(f"  CAMEO event codes not in the code table (titled by code): {codes}")
        if c.bad_lines:
            out.append(f"  {c.bad_lines:,} bad line(s) skipped, written to {self.reject_file}")
        return out


class ImportFailed(DatasetError):
    """The input has bad lines (or the options are wrong): nothing was written."""


def import_gdelt(
    out: Path,
    inputs: list[Path],
    options: Options | None = None,
    mappings: Mappings | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> Report:
    """Read the export files, write the dataset directory ``out``; raise ImportFailed."""
    options, mappings = options or Options(), mappings or shipped_mappings()
    files = _check_arguments(out, inputs, options, mappings)
    curated = _curated(options.curated)
    if errors := check_mappings(
        mappings, set(curated.areas["area_id"]), set(curated.actors["actor_id"])
    ):
        raise ImportFailed(errors)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        report = _run(work, files, options, mappings, curated, progress)
        out.mkdir(exist_ok=True)
        for item in work.iterdir():
            if item.name != "staging":
                item.rename(out / item.name)
        if report.reject_file:
            report.reject_file = str(out / REJECT_FILE)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_arguments(out: Path, inputs, options: Options, mappings: Mappings) -> list[Path]:
    errors = []
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        errors.append(
            DataError(str(out), WHOLE, WHOLE, "exists and is not empty: choose a new OUT")
        )
    unknown = sorted(set(options.sides) - mappings.sides())
    if len(set(options.sides)) != 2 or unknown:
        known = ", ".join(sorted(mappings.sides()))
        message = f"--sides must be two of the countries the actor table maps ({known})"
        errors.append(DataError("--sides", WHOLE, WHOLE, message))
    errors += [
        DataError(str(p), WHOLE, WHOLE, "no such file or directory")
        for p in inputs
        if not p.exists()
    ]
    files = scan.export_files([p for p in inputs if p.exists()])
    if not files and not errors:
        names = " or ".join(f"*{s}" for s in scan.EXPORT_SUFFIXES)
        errors.append(DataError(" ".join(map(str, inputs)), WHOLE, WHOLE, f"no {names} files"))
    if errors:
        raise ImportFailed(errors)
    return files


def _curated(directory: Path):
    try:
        return load_dataset(directory)
    except DatasetError as exc:
        raise ImportFailed(exc.errors) from None


def _run(work: Path, files, options: Options, mappings: Mappings, curated, progress) -> Report:
    fips_to_iso = {row["fips"]: row["iso3"] for row in mappings.fips_iso3}
    earliest = curated.comparison.earliest
    first = max(earliest, options.start or earliest)
    dyad = scan.Dyad(
        sides=options.sides,
        side_fips={f: iso for f, iso in fips_to_iso.items() if iso in options.sides},
        first=first,
        last=min(options.today, options.end or options.today),
    )
    counts, rejects = scan.Counts(), scan.Rejects(skip=options.skip_bad_lines)
    staging = work / "staging"
    staging.mkdir()
    jobs = [
        (path, dyad, staging / f"kept-{number:06d}.parquet", options.skip_bad_lines)
        for number, path in enumerate(files)
    ]
    for number, (file_counts, file_rejects) in enumerate(_scanned(jobs), 1):
        counts.add(file_counts)
        rejects.extend(file_rejects)
        progress(_progress_line(number, files, counts))
    if rejects.errors:
        raise ImportFailed(rejects.errors)
    report = Report(counts)
    if rejects.bad_lines:
        report.reject_file = str(_write_rejects(work / REJECT_FILE, staging))
    _assemble(work, staging / "kept-*.parquet", options, mappings, curated, report)
    _write_metadata(work, options, mappings, curated, report)
    return report


def _progress_line(number: int, files: list[Path], counts: scan.Counts) -> str:
    return (
        f"file {number:,}/{len(files):,} {files[number - 1].name}: "
        f"{counts.rows_read:,} rows read, {counts.rows_kept:,} kept"
    )


def _scanned(jobs: list) -> Iterator[tuple[scan.Counts, scan.Rejects]]:
    """Each file's scan, in order: files are shared among ``WORKERS`` processes."""
    if len(jobs) == 1:
        yield scan.scan_one(jobs[0])
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        yield from pool.map(scan.scan_one, jobs)


def _write_rejects(path: Path, staging: Path) -> Path:
    """The files' reject parts, in file order, as one CSV with a header."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(scan.REJECT_HEADER)
        for part in sorted(staging.glob("*.rejects.csv")):
            with open(part, encoding="utf-8", newline="") as lines:
                shutil.copyfileobj(lines, handle)
    return path


# --- mapping, in DuckDB ---------------------------------------------------------------------

MAPPED = """
WITH staged AS (
    SELECT * FROM read_parquet($staged)
), kept AS (
    SELECT * FROM staged
    QUALIFY row_number() OVER (PARTITION BY GLOBALEVENTID ORDER BY SQLDATE) = 1
), actors AS (
    SELECT k.*,
        coalesce(t1.actor, f1.actor) AS actor1,
        coalesce(t2.actor, f2.actor) AS actor2,
        g.iso3 AS action_iso3,
        c.description AS cameo
    FROM kept k
    LEFT JOIN actor_types t1 ON t1.country = k.Actor1CountryCode AND t1.type = k.Actor1Type1Code
    LEFT JOIN actor_types f1 ON f1.country = k.Actor1CountryCode AND f1.type = ''
    LEFT JOIN actor_types t2 ON t2.country = k.Actor2CountryCode AND t2.type = k.Actor2Type1Code
    LEFT JOIN actor_types f2 ON f2.country = k.Actor2CountryCode AND f2.type = ''
    LEFT JOIN fips_iso3 g ON g.fips = k.ActionGeo_CountryCode
    LEFT JOIN cameo_event_codes c ON c.code = k.EventCode
), areas AS (
    SELECT a.GLOBALEVENTID, array_to_string(list_sort(list_distinct(list(r.area_id))), ';') AS ids
    FROM actors a JOIN area_rules r
      ON (r.event_code = '' OR starts_with(a.EventCode, r.event_code))
     AND (r.action_country = '' OR r.action_country = a.action_iso3)
     AND (r.actor = '' OR r.actor IN (a.actor1, a.actor2))
    GROUP BY a.GLOBALEVENTID
)
SELECT a.*, coalesce(areas.ids, 'unassigned') AS area_ids,
    'gdelt-' || substr(md5(a.SOURCEURL), 1, 16) AS source_id,
    regexp_full_match(a.SOURCEURL, '^https?://[^\\s/$.?#][^\\s]*$')
        AND length(a.SOURCEURL) <= 2000 AS is_url
FROM actors a LEFT JOIN areas USING (GLOBALEVENTID)
"""

EVENTS = """
SELECT
    'gdelt-' || GLOBALEVENTID AS event_id,
    strptime(SQLDATE, '%Y%m%d')::DATE AS date,
    'day' AS date_precision,
    n1.name || ' → ' || n2.name || ': '
        || coalesce(cameo, 'CAMEO event code ' || EventCode || ' (not in the code table)') AS title,
    'Machine-coded by GDELT 2.0 from news reports; not checked by hand. Actor 1: '
        || coalesce(nullif(Actor1Name, ''), '(no name)') || ' (' || Actor1Code || '); actor 2: '
        || coalesce(nullif(Actor2Name, ''), '(no name)') || ' (' || Actor2Code || '). '
        || 'CAMEO event code ' || EventCode || coalesce(': ' || cameo, '') || '. '
        || 'Mentions ' || NumMentions || ', sources ' || NumSources || ', articles '
        || NumArticles || '; average tone ' || AvgTone || '.'
        || CASE WHEN ActionGeo_FullName <> '' THEN ' Action location: ' || ActionGeo_FullName
                || ' (FIPS ' || ActionGeo_CountryCode || ').' ELSE '' END AS description,
    area_ids,
    array_to_string(list_sort(list_distinct([actor1, actor2])), ';') AS actors,
    array_to_string(list_sort(list_distinct(list_filter(
        [Actor1CountryCode, Actor2CountryCode, action_iso3], x -> x IS NOT NULL))), ';')
        AS countries,
    CAST(GoldsteinScale AS DOUBLE) AS goldstein,
    CASE QuadClass {quad_cases} END AS quad_class,
    false AS key_moment,
    source_id AS source_ids,
    $today::DATE AS checked,
    'gdelt' AS provenance,
    GLOBALEVENTID AS provenance_id
FROM mapped
JOIN actor_names n1 ON n1.actor = actor1
JOIN actor_names n2 ON n2.actor = actor2
"""

SOURCES = """
SELECT
    source_id,
    CASE WHEN is_url THEN 'News report at ' || publisher || ' (title not recorded by GDELT)'
         WHEN SOURCEURL = '' THEN 'GDELT 2.0 event record (no source given)'
         ELSE left('Source named by GDELT: ' || SOURCEURL, 400) END AS title,
    CASE WHEN is_url THEN publisher WHEN SOURCEURL = '' THEN 'The GDELT Project'
         ELSE left(SOURCEURL, 200) END AS publisher,
    CASE WHEN is_url THEN SOURCEURL ELSE $gdelt END AS url,
    NULL::DATE AS published,
    'press' AS kind
FROM (
    SELECT source_id, any_value(SOURCEURL) AS SOURCEURL, any_value(is_url) AS is_url,
        left(regexp_replace(lower(regexp_extract(any_value(SOURCEURL), '^https?://([^/:?#]+)', 1)),
            '^www\\.', ''), 200) AS publisher
    FROM mapped GROUP BY source_id
)
"""


def _connect(work: Path, mappings: Mappings, curated) -> duckdb.DuckDBPyConnection:
    spill = work / "staging" / "duckdb"
    con = duckdb.connect(
        config={"memory_limit": DUCKDB_MEMORY, "temp_directory": str(spill), "threads": 2}
    )
    for name in TABLE_FILES:
        con.register(name, pd.DataFrame(getattr(mappings, name), dtype="str"))
    names = curated.comparison.actor_names
    con.register("actor_names", pd.DataFrame(list(names.items()), columns=["actor", "name"]))
    con.register("curated_events", _arrow(curated.events, "events"))
    con.register("curated_sources", _arrow(curated.sources, "sources"))
    return con


def _arrow(frame: pd.DataFrame, table: str) -> pa.Table:
    """A curated table with the column types of the written Parquet (dates as dates)."""
    columns = {}
    for column in TABLES[table].columns:
        values = frame[column.name]
        if column.kind == "date":
            columns[column.name] = pa.array(pd.to_datetime(values).dt.date, pa.date32())
        elif column.kind == "float":
            columns[column.name] = pa.array(values.astype("float64"), pa.float64())
        elif column.kind == "bool":
            columns[column.name] = pa.array(values.astype("bool"), pa.bool_())
        else:
            columns[column.name] = pa.array(
                values.astype("object").where(values.notna(), None), pa.string()
            )
    return pa.table(columns)


def _assemble(work: Path, staged: Path, options, mappings, curated, report: Report) -> None:
    con = _connect(work, mappings, curated)
    try:
        con.execute(f"CREATE TEMP TABLE mapped AS {MAPPED}".replace("$staged", _literal(staged)))
        quads = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in QUAD_CLASSES.items())
        events = EVENTS.format(quad_cases=quads).replace("$today", _literal(options.today))
        con.execute(f"CREATE TEMP TABLE gdelt_events AS {events}")
        sources = SOURCES.replace("$gdelt", _literal(GDELT_URL))
        con.execute(f"CREATE TEMP TABLE gdelt_sources AS {sources}")
        _copy(
            con,
            "SELECT * FROM curated_events UNION ALL BY NAME SELECT * FROM gdelt_events "
            "ORDER BY date, event_id",
            work / "events.parquet",
        )
        _copy(
            con,
            "SELECT * FROM curated_sources UNION ALL BY NAME SELECT * FROM gdelt_sources "
            "ORDER BY source_id",
            work / "sources.parquet",
        )
        report.events = con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0]
        report.sources = con.execute("SELECT count(*) FROM gdelt_sources").fetchone()[0]
        report.duplicates = report.counts.rows_kept - report.events
        report.unassigned = con.execute(
            "SELECT count(*) FROM gdelt_events WHERE area_ids = 'unassigned'"
        ).fetchone()[0]
        report.unmapped_fips = _tally(
            con, "ActionGeo_CountryCode", "action_iso3 IS NULL AND ActionGeo_CountryCode <> ''"
        )
        report.unmapped_event_codes = _tally(con, "EventCode", "cameo IS NULL")
    finally:
        con.close()


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _copy(con, query: str, path: Path) -> None:
    con.execute(f"COPY ({query}) TO {_literal(path)} (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP})")


def _tally(con, column: str, where: str) -> dict[str, int]:
    rows = con.execute(
        f"SELECT {column}, count(*) FROM mapped WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    return {code: count for code, count in rows}


# --- the curated tables and the metadata ----------------------------------------------------


def _write_metadata(work: Path, options: Options, mappings: Mappings, curated, report) -> None:
    for name in CURATED_TABLES:
        for path in find_files(options.curated, TABLES[name]):
            copy = shutil.copytree if path.is_dir() else shutil.copy2
            copy(path, work / path.name)
    areas = pd.concat([curated.areas, pd.DataFrame([UNASSIGNED_AREA])], ignore_index=True)
    areas.to_csv(work / "areas.csv", index=False)
    tables = work / MAPPINGS_DIR
    tables.mkdir()
    for name in TABLE_FILES:
        _write_csv(tables / f"{name}.csv", getattr(mappings, name))
    sources_note = Path(__file__).with_name("tables") / "SOURCES.md"
    shutil.copy2(sources_note, tables / "SOURCES.md")
    meta = {key: value for key, value in curated.meta.items() if key != "resources"}
    meta["title"] = f"{meta.get('title') or 'Dataset'}, with GDELT 2.0 events"
    meta["gdelt"] = _provenance(options, report)
    package = datapackage(
        meta,
        formats={"events": "parquet", "sources": "parquet"},
        optional={"events": ["provenance", "provenance_id"]},
    )
    (work / METADATA_FILE).write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (work / REPORT_FILE).write_text(
        json.dumps(_report_json(report), indent=2) + "\n", encoding="utf-8"
    )


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


MAPPING_RULES = {
    "kept": "rows whose Actor1CountryCode and Actor2CountryCode are the two sides, either way "
    "round; an actor with no country code is never placed by its geography (such rows are "
    "counted and dropped)",
    "event_id": "'gdelt-' + GLOBALEVENTID; a GLOBALEVENTID met twice is kept once",
    "date": "SQLDATE (day precision); rows before 2014-01-01, after the import day or outside "
    "--from/--to are dropped",
    "goldstein": "GoldsteinScale",
    "quad_class": "QuadClass 1-4: verbal cooperation, material cooperation, verbal conflict, "
    "material conflict",
    "actors": "actor country and Actor1/2Type1Code through gdelt-mappings/actor_types.csv",
    "countries": "the two actors' country codes and the action location, FIPS 10-4 converted "
    "to ISO 3166-1 alpha-3 through gdelt-mappings/fips_iso3.csv; unmapped codes left out",
    "title": "actor → actor: the CAMEO description of EventCode (gdelt-mappings/"
    "cameo_event_codes.csv)",
    "description": "GDELT's actor names and codes, the CAMEO code, mentions, sources and "
    "articles counts, average tone and the action location",
    "area_ids": "every area whose rule in gdelt-mappings/area_rules.csv matches (CAMEO code "
    "prefix, action country, actor); 'unassigned' where none does",
    "source_ids": "one source per distinct SOURCEURL, publisher from its host, kind press",
    "checked": "the day of the import (the rows are not checked by hand)",
    "provenance": "'gdelt', with GLOBALEVENTID as provenance_id",
}


def _provenance(options: Options, report: Report) -> dict:
    return {
        "imported": options.today.isoformat(),
        "sides": list(options.sides),
        "from": options.start.isoformat() if options.start else None,
        "to": options.end.isoformat() if options.end else None,
        "codebook": "GDELT 2.0 Event Database Data Format Codebook (2015-02-19), "
        "http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf",
        "mapping": MAPPING_RULES,
        "tables": {f"{MAPPINGS_DIR}/{name}.csv": what for name, what in TABLE_FILES.items()},
        "sources": f"{MAPPINGS_DIR}/SOURCES.md",
        "report": _report_json(report),
    }


def _report_json(report: Report) -> dict:
    data = asdict(report)
    data.update(data.pop("counts"))
    return data
