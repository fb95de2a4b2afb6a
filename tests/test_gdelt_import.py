"""The GDELT 2.0 importer, line by line, on small export files written in the codebook's format.

What is kept (the USA–RUS dyad either way round, once per GLOBALEVENTID, dated 2014 to today),
each mapped field of each kept line against values written out here, the sources, and each
error message with its file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard.__main__ import main
from dashboard.data import load_dataset
from dashboard.gdelt import importer, layout
from dashboard.gdelt.importer import ImportFailed, Options, import_gdelt
from dashboard.gdelt.synthetic import write_gdelt_exports
from tests.conftest import DATA
from tests.gdelt_fixtures import CODEBOOK_FIELDS, RUS_GOV, USA_GOV, event, write_export

KYIV = ("4", "Kiev, Kyyiv, Misto, Ukraine", "UP", "UP12", "", "50.4333", "30.5167", "-1044367")
GENEVA = ("4", "Geneva, Geneve, Switzerland", "SZ", "SZ07", "", "46.2", "6.1667", "-2552035")
KOSOVO = ("1", "Kosovo", "KV", "KV", "", "42.5833", "21", "KV")
NOWHERE = ("0", "", "", "", "", "", "", "")
CONGRESS = ("USALEG", "CONGRESS", "USA", "LEG")
US_PLAIN = ("USA", "UNITED STATES", "USA", "")
URL = "https://www.example.org/news/sanctions"
VISIT_URL = "https://news.example.com/a?id=3"
FIRST_FILE = [
    event(1001),
    event(1002, actor1=RUS_GOV, actor2=CONGRESS, code="111", quad="3", goldstein="-2.0",
          action=KYIV),
    event(1003, actor1=US_PLAIN, code="042", quad="1", goldstein="1.9", action=GENEVA,
          url=VISIT_URL),
    event(1004, actor1=("RUSMIL", "RUSSIA", "RUS", "MIL"),
          actor2=("USAJUD", "UNITED STATES", "USA", "JUD"), code="061", quad="2",
          goldstein="6.4", action=NOWHERE, url="BBC Monitoring"),
    event(1005, actor1=("CHNGOV", "CHINA", "CHN", "GOV"), actor2=USA_GOV),
    event(1006, actor2=("USALEG", "CONGRESS", "USA", "LEG")),
    event(1007, actor1=("", "", "", ""), Actor1Geo_CountryCode="US"),
    event(1008, code="036", quad="1", goldstein="4.0", action=KOSOVO, url=""),
    event(1010, date="20130101"),
    event(1011, code="999"),
]  # fmt: skip
SECOND_FILE = [event(1001)]  # the same event again: kept once


def source_id(url: str) -> str:
    return "gdelt-" + hashlib.md5(url.encode()).hexdigest()[:16]


def run(tmp_path: Path, lines: list, options: Options | None = None, **written) -> Path:
    out = tmp_path / "out"
    import_gdelt(out, [write_export(tmp_path / "in", lines, **written)], options or Options())
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, importer.Report]:
    root = tmp_path_factory.mktemp("gdelt")
    write_export(root / "in", FIRST_FILE, stamp="20220224120000")
    write_export(root / "in", SECOND_FILE, stamp="20220224121500", zipped=False)
    report = import_gdelt(root / "out", [root / "in"])
    return root / "out", report


def gdelt_events(out: Path) -> pd.DataFrame:
    events = pd.read_parquet(out / "events.parquet")
    return events[events.provenance == "gdelt"].set_index("event_id")


def test_the_export_layout_is_the_codebooks():
    assert list(layout.COLUMNS) == CODEBOOK_FIELDS
    assert len(CODEBOOK_FIELDS) == 61


def test_only_the_dyad_is_kept_once_per_event(imported):
    out, report = imported
    assert sorted(gdelt_events(out).index) == [
        "gdelt-1001", "gdelt-1002", "gdelt-1003", "gdelt-1004", "gdelt-1008", "gdelt-1011"
    ]  # fmt: skip
    counts = report.counts
    assert (counts.files, counts.rows_read, counts.rows_kept) == (2, 11, 7)
    assert (counts.other_dyads, counts.geography_only, counts.outside_dates) == (3, 1, 1)
    assert (report.duplicates, report.events, report.unassigned) == (1, 6, 3)


def test_each_mapped_field_of_a_sanction(imported):
    row = gdelt_events(imported[0]).loc["gdelt-1001"]
    assert row.date == dt.date(2022, 2, 24)
    assert row.date_precision == "day"
    assert row.title == "US executive → Russian government: Impose embargo, boycott, or sanctions"
    assert row.description == (
        "Machine-coded by GDELT 2.0 from news reports; not checked by hand. Actor 1: UNITED "
        "STATES (USAGOV); actor 2: RUSSIA (RUSGOV). CAMEO event code 163: Impose embargo, "
        "boycott, or sanctions. Mentions 10, sources 2, articles 10; average tone -3.5. Action "
        "location: Moscow, Moscow City, Russia (FIPS RS)."
    )
    assert row.area_ids == "trade_sanctions"
    assert row.actors == "ru_government;us_executive"
    assert row.countries == "RUS;USA"
    assert row.goldstein == -8.0
    assert row.quad_class == "material_conflict"
    assert not row.key_moment
    assert row.source_ids == source_id(URL)
    assert row.checked == dt.date.today()
    assert (row.provenance, row.provenance_id) == ("gdelt", "1001")


@pytest.mark.parametrize(
    ("event_id", "title", "area", "actors", "countries", "quad"),
    [
        ("gdelt-1002", "Russian government → US Congress: Criticize or denounce", "ukraine",
         "ru_government;us_congress", "RUS;UKR;USA", "verbal_conflict"),
        ("gdelt-1003", "US, other or unspecified actor → Russian government: Make a visit",
         "unassigned", "ru_government;us_other", "CHE;RUS;USA", "verbal_cooperation"),
        ("gdelt-1004", "Russian government → US justice system: Cooperate economically",
         "trade_sanctions", "ru_government;us_justice", "RUS;USA", "material_cooperation"),
        ("gdelt-1008", "US executive → Russian government: Express intent to meet or negotiate",
         "unassigned", "ru_government;us_executive", "RUS;USA", "verbal_cooperation"),
        ("gdelt-1011", "US executive → Russian government: CAMEO event code 999 (not in the "
         "code table)", "unassigned", "ru_government;us_executive", "RUS;USA",
         "material_conflict"),
    ],
)  # fmt: skip
def test_each_kept_line_is_mapped(imported, event_id, title, area, actors, countries, quad):
    row = gdelt_events(imported[0]).loc[event_id]
    assert (row.title, row.area_ids, row.actors, row.countries, row.quad_class) == (
        title,
        area,
        actors,
        countries,
        quad,
    )


def test_unmapped_codes_are_reported_not_guessed(imported):
    out, report = imported
    assert report.unmapped_fips == {"KV": 1}  # Kosovo: no ISO 3166-1 code
    assert report.unmapped_event_codes == {"999": 1}
    saved = json.loads((out / importer.REPORT_FILE).read_text())
    assert saved["unmapped_fips"] == {"KV": 1}
    description = gdelt_events(out).loc["gdelt-1004", "description"]
    assert "Action location" not in description  # no geography given


def test_one_source_per_distinct_source_url(imported):
    sources = pd.read_parquet(imported[0] / "sources.parquet").set_index("source_id")
    gdelt = sources.loc[sources.index.str.startswith("gdelt-")]
    expected = {
        source_id(URL): (
            "News report at example.org (title not recorded by GDELT)",
            "example.org",
            URL,
        ),
        source_id(VISIT_URL): (
            "News report at news.example.com (title not recorded by GDELT)",
            "news.example.com",
            VISIT_URL,
        ),
        source_id("BBC Monitoring"): (
            "Source named by GDELT: BBC Monitoring",
            "BBC Monitoring",
            "https://www.gdeltproject.org/",
        ),
        source_id(""): (
            "GDELT 2.0 event record (no source given)",
            "The GDELT Project",
            "https://www.gdeltproject.org/",
        ),
    }
    got = {i: (r.title, r.publisher, r.url) for i, r in gdelt.iterrows()}
    assert got == expected
    assert set(gdelt.kind) == {"press"}


def test_the_dataset_combines_curated_and_imported_rows_and_passes_the_check(imported):
    out, _ = imported
    dataset = load_dataset(out)
    curated = load_dataset(DATA)
    assert dataset.event_rows == len(curated.events) + 6  # checked in place, not loaded
    written = pq.read_table(out / "events.parquet", columns=["event_id", "provenance"]).to_pandas()
    assert set(written.loc[written.provenance == "curated", "event_id"]) == set(
        curated.events.event_id
    )
    assert dataset.areas.area_id.tolist() == [*curated.areas.area_id, "unassigned"]
    assert len(dataset.positions) == len(curated.positions)
    meta = json.loads((out / "datapackage.json").read_text())
    assert meta["gdelt"]["sides"] == ["USA", "RUS"]
    (events,) = [r for r in meta["resources"] if r["name"] == "events"]
    assert (events["path"], events["format"]) == ("events.parquet", "parquet")
    fields = [f["name"] for f in events["schema"]["fields"]]
    assert fields[-2:] == ["provenance", "provenance_id"]
    assert (out / "gdelt-mappings" / "fips_iso3.csv").is_file()
    assert main(["check", str(out)]) == 0


def test_dates_before_from_and_after_to_are_left_out(tmp_path):
    lines = [event(1, date="20220101"), event(2, date="20220601"), event(3, date="20221231")]
    options = Options(start=dt.date(2022, 2, 1), end=dt.date(2022, 12, 30))
    out = run(tmp_path, lines, options)
    assert gdelt_events(out).index.tolist() == ["gdelt-2"]


# --- errors -----------------------------------------------------------------------------------

NAME = "20220224120000.export.CSV"


def errors_of(tmp_path: Path, lines: list, zipped: bool = False) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        run(tmp_path, lines, zipped=zipped)
    assert not (tmp_path / "out").exists()  # no partial output
    assert [p.name for p in tmp_path.iterdir()] == ["in"]  # nor a temporary directory left
    return failure.value.lines()


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([event(1), event(2)[:-1], event(3)],
         f"{NAME}:2:-: line has 60 tab-separated field(s), expected 61"),
        ([event(1), event(2) + ["x"]],
         f"{NAME}:2:-: line has 62 tab-separated field(s), expected 61"),
        ([event(1, date="20220230")],
         f"{NAME}:1:SQLDATE: not a real date as YYYYMMDD: '20220230'"),
        ([event(1, date="2022-02-24")],
         f"{NAME}:1:SQLDATE: not a real date as YYYYMMDD: '2022-02-24'"),
        ([event(1, goldstein="high")], f"{NAME}:1:GoldsteinScale: not a number: 'high'"),
        ([event(1, goldstein="12.5")],
         f"{NAME}:1:GoldsteinScale: GoldsteinScale must be between -10 and 10: '12.5'"),
        ([event(1, quad="5")], f"{NAME}:1:QuadClass: QuadClass must be 1, 2, 3 or 4: '5'"),
        ([event(1, NumMentions="ten")], f"{NAME}:1:NumMentions: not a whole number: 'ten'"),
        ([event(1, AvgTone="")], f"{NAME}:1:AvgTone: not a number: ''"),
        ([event(1), "\t" * 60], f"{NAME}:2:-: the line is empty"),
    ],
)  # fmt: skip
def test_each_bad_line_is_named_by_file_line_and_column(tmp_path, lines, expected):
    assert errors_of(tmp_path, lines) == [expected]


def test_a_bad_line_after_a_skipped_one_keeps_its_own_number(tmp_path):
    lines = [event(1), event(2)[:5], event(3), event(4, goldstein="x"), event(5)]
    assert errors_of(tmp_path, lines, zipped=True) == [
        f"{NAME}.zip:2:-: line has 5 tab-separated field(s), expected 61",
        f"{NAME}.zip:4:GoldsteinScale: not a number: 'x'",
    ]


def test_errors_are_capped_per_file(tmp_path):
    lines = [event(i, date="20220230") for i in range(1, 26)]
    errors = errors_of(tmp_path, lines)
    assert len(errors) == 21
    assert errors[19] == f"{NAME}:20:SQLDATE: not a real date as YYYYMMDD: '20220230'"
    assert errors[20] == f"{NAME}:-:-: ... and 5 more bad line(s) in this file"


def test_a_file_that_is_not_gdelt_is_refused_at_its_first_line(tmp_path):
    lines = ["event_id,date,title", "e1,2022-02-24,Talks"]
    assert errors_of(tmp_path, lines) == [
        f"{NAME}:1:-: not a GDELT 2.0 event export: line 1 has 1 tab-separated field(s), "
        "expected 61"
    ]


def test_a_gdelt_1_file_is_named_as_such(tmp_path):
    assert errors_of(tmp_path, [event(1)[:58]]) == [
        f"{NAME}:1:-: not a GDELT 2.0 event export: line 1 has 58 tab-separated field(s), "
        "expected 61 (a GDELT 1.0 file?)"
    ]


def test_an_empty_file_is_refused(tmp_path):
    assert errors_of(tmp_path, []) == [f"{NAME}:1:-: the file is empty: expected GDELT event lines"]


def test_a_truncated_zip_is_refused(tmp_path):
    path = write_export(tmp_path / "in", [event(i) for i in range(1, 200)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFailed) as failure:
        import_gdelt(tmp_path / "out", [path])
    assert failure.value.lines() == [
        f"{NAME}.zip:-:-: the zip archive is damaged or truncated (File is not a zip file): "
        "download it again"
    ]
    assert not (tmp_path / "out").exists()


def test_a_zip_whose_data_is_damaged_is_refused(tmp_path):
    path = write_export(tmp_path / "in", [event(i) for i in range(1, 50)])
    with zipfile.ZipFile(path) as archive:
        offset = archive.infolist()[0].header_offset + 30 + len(NAME) + 20
    data = bytearray(path.read_bytes())
    data[offset : offset + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFailed) as failure:
        import_gdelt(tmp_path / "out", [path])
    (line,) = failure.value.lines()
    assert line.startswith(f"{NAME}.zip:-:-: ")
    assert line.endswith("download it again")


def test_skip_bad_lines_writes_a_reject_file_and_counts_them(tmp_path):
    bad_date = event(2, date="20220230")
    lines = [event(1), bad_date, event(3)[:10], event(4)]
    out = tmp_path / "out"
    path = write_export(tmp_path / "in", lines, zipped=False)
    report = import_gdelt(out, [path], Options(skip_bad_lines=True))
    assert report.lines()[-1] == f"  2 bad line(s) skipped, written to {out / 'rejected-lines.csv'}"
    assert gdelt_events(out).index.tolist() == ["gdelt-1", "gdelt-4"]
    with open(out / importer.REJECT_FILE, newline="", encoding="utf-8") as handle:
        rejected = list(csv.reader(handle))
    assert rejected == [
        ["file", "line", "column", "message", "text"],
        [NAME, "3", "-", "line has 10 tab-separated field(s), expected 61",
         "\t".join(event(3)[:10])],
        [NAME, "2", "SQLDATE", "not a real date as YYYYMMDD: '20220230'", "\t".join(bad_date)],
    ]  # fmt: skip
    assert json.loads((out / importer.REPORT_FILE).read_text())["bad_lines"] == 2


def test_wrong_arguments_are_named(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file").write_text("x")
    with pytest.raises(ImportFailed) as failure:
        import_gdelt(tmp_path / "taken", [tmp_path / "missing"], Options(sides=("USA", "CHN")))
    assert failure.value.lines() == [
        f"{tmp_path / 'taken'}:-:-: exists and is not empty: choose a new OUT",
        "--sides:-:-: --sides must be two of the countries the actor table maps (RUS, USA)",
        f"{tmp_path / 'missing'}:-:-: no such file or directory",
    ]


def test_the_command_line_reports_and_fails_cleanly(tmp_path, capsys):
    good = write_export(tmp_path / "good", [event(1), event(2, actor1=RUS_GOV, actor2=USA_GOV)])
    assert main(["import-gdelt", str(tmp_path / "out"), str(good)]) == 0
    printed = capsys.readouterr()
    assert "1 file(s), 2 rows read, 2 rows of the dyad kept" in printed.out
    assert "file 1/1 20220224120000.export.CSV.zip: 2 rows read, 2 kept" in printed.err
    bad = write_export(tmp_path / "bad", [event(1, quad="0")], zipped=False)
    assert main(["import-gdelt", str(tmp_path / "out2"), str(bad)]) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "import-gdelt: 1 error(s), nothing written",
        f"{NAME}:1:QuadClass: QuadClass must be 1, 2, 3 or 4: '0'",
    ]


def test_synthetic_exports_are_in_the_export_format_and_import(tmp_path):
    paths = write_gdelt_exports(tmp_path / "in", 3_000, seed=3)
    with zipfile.ZipFile(paths[0]) as archive:
        (name,) = archive.namelist()
        lines = archive.read(name).decode().splitlines()
    assert name.endswith(".export.CSV") and len(lines) == 3_000
    assert {len(line.split("\t")) for line in lines} == {61}
    report = import_gdelt(tmp_path / "out", paths)
    assert report.counts.rows_read == 3_000
    assert 0 < report.events < 3_000
    assert main(["check", str(tmp_path / "out")]) == 0


def test_the_area_rules_are_edited_as_data(tmp_path, capsys):
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "area_rules.csv").write_text(
        "area_id,event_code,action_country,actor,reason\n"
        "cyber_elections,1125,,us_justice,Accuse of espionage by the US justice system\n"
    )
    justice = ("USAJUD", "UNITED STATES", "USA", "JUD")
    lines = [event(1, actor1=justice, code="1125", quad="3"), event(2, code="1125", quad="3")]
    path = write_export(tmp_path / "in", lines)
    out = tmp_path / "out"
    assert main(["import-gdelt", "--mappings", str(tables), str(out), str(path)]) == 0
    assert f"using {tables / 'area_rules'}.csv" in capsys.readouterr().err
    areas = gdelt_events(out).area_ids
    assert areas.to_dict() == {"gdelt-1": "cyber_elections", "gdelt-2": "unassigned"}
    assert (out / "gdelt-mappings" / "area_rules.csv").read_text() == (
        tables / "area_rules.csv"
    ).read_text()


def test_an_edited_table_that_names_unknown_things_is_refused(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "area_rules.csv").write_text(
        "area_id,event_code,action_country,actor,reason\n"
        "space,163,,,no such area\n"
        "ukraine,,UKRAINE,,not an ISO code\n"
        "ukraine,,,,no condition\n"
    )
    mappings, replaced = layout.read_mappings(tables)
    assert replaced == ["area_rules"]
    with pytest.raises(ImportFailed) as failure:
        import_gdelt(tmp_path / "out", [write_export(tmp_path / "in", [event(1)])], None, mappings)
    assert failure.value.lines() == [
        "area_rules.csv:2:area_id: unknown value 'space'",
        "area_rules.csv:3:action_country: unknown value 'UKRAINE'",
        "area_rules.csv:4:-: a rule needs an event_code, an action_country or an actor",
    ]
