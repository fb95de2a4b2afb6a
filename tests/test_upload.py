"""Uploads become a dataset directory or a clear refusal with nothing on disk; the template is
complete and its example passes the checks. Every zip is built in its test."""

from __future__ import annotations

import csv
import io
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import load_dataset
from dashboard.data.tables import TABLES
from dashboard.data.upload import Limits, UploadError, template_zip, unpack_upload
from tests.conftest import check_command

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
MB = 1024 * 1024
LATIN1_AREAS = "area_id,name,scope\nukraine,Ukraine,War\nrights,Droits de l'homme é,Rights\n"


def shipped_files() -> dict[str, bytes]:
    """Every file of the shipped data folder, its licence and changelog among them."""
    return {path.name: path.read_bytes() for path in sorted(DATA.iterdir()) if path.is_file()}


def table_files() -> dict[str, bytes]:
    """Only the dataset's own files: the tables and datapackage.json."""
    return {n: d for n, d in shipped_files().items() if n.endswith((".csv", ".json"))}


def zipped(members: dict[str | zipfile.ZipInfo, bytes] | list[tuple]) -> bytes:
    items = members.items() if isinstance(members, dict) else members
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names a test asks for
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return buffer.getvalue()


def with_mode(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


def patched(data: bytes, local_offset: int, central_offset: int, value: bytes) -> bytes:
    """A one-member zip with a field of both its headers (local and central) overwritten."""
    out = bytearray(data)
    local, central = out.index(b"PK\x03\x04"), out.rindex(b"PK\x01\x02")
    out[local + local_offset : local + local_offset + len(value)] = value
    out[central + central_offset : central + central_offset + len(value)] = value
    return bytes(out)


def declaring(data: bytes, size: int) -> bytes:
    """The zip's one member claims ``size`` bytes once unpacked, whatever it holds."""
    return patched(data, 22, 24, struct.pack("<I", size))


def encrypted(data: bytes) -> bytes:
    """The zip's one member marked as encrypted (general purpose flag bit 0)."""
    return patched(data, 6, 8, struct.pack("<H", 1))


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def events_zip() -> bytes:
    return zipped({"events.csv": (DATA / "events.csv").read_bytes()})


def bad_checksum(data: bytes) -> bytes:
    """The zip's one member with another CRC-32 than its bytes have."""
    return patched(data, 14, 16, b"\xde\xad\xbe\xef")


def bad_deflate(data: bytes) -> bytes:
    """The zip's one member's deflated bytes begin with a block of the invalid type 3."""
    out = bytearray(data)
    name_length, extra_length = struct.unpack("<HH", out[26:30])
    out[30 + name_length + extra_length] = 0b111  # final block, type 3
    return bytes(out)


def unpacked(files: list[tuple[str, bytes]], target: Path):
    notices = unpack_upload(files, target)
    return notices, load_dataset(target)


def assert_refused(tmp_path: Path, files, code: str, file: str, phrase: str, limits=None):
    """Refused with the expected first error, and nothing of the upload left in ``tmp_path``."""
    target = tmp_path / "dataset"
    with pytest.raises(UploadError) as caught:
        unpack_upload(files, target, *([limits] if limits else []))
    first = caught.value.errors[0]
    assert (first.code, first.file) == (code, file), caught.value.lines()
    assert phrase in first.message
    assert list(tmp_path.iterdir()) == []
    return caught.value


def test_flat_zip_loads_and_names_the_files_it_leaves_out(tmp_path):
    notices, dataset = unpacked([("data.zip", zipped(shipped_files()))], tmp_path / "dataset")
    assert len(dataset.events) == len(pd.read_csv(DATA / "events.csv"))
    assert sorted(n.file for n in notices) == ["CHANGELOG.md", "LICENSE.md"]
    assert all(n.code == "ignored_file" and "ignored" in n.message for n in notices)
    assert sorted(p.name for p in (tmp_path / "dataset").iterdir()) == sorted(table_files())


@pytest.mark.parametrize("separator", ["/", "\\"], ids=["posix", "windows"])
def test_zip_of_a_folder_loads_without_the_system_files(tmp_path, separator):
    """What "Compress" makes on macOS (with __MACOSX/ and .DS_Store) or Windows."""
    members = [("my data/", b"")]
    members += [(f"my data{separator}{n}", d) for n, d in table_files().items()]
    members += [("my data/.DS_Store", b"\0\0\0\1Bud1"), ("my data/Thumbs.db", b"\0")]
    members += [("__MACOSX/", b""), ("__MACOSX/my data/._areas.csv", b"\0\5\26\7")]
    notices, dataset = unpacked([("my data.zip", zipped(members))], tmp_path / "dataset")
    assert notices == []
    assert len(dataset.areas) == len(pd.read_csv(DATA / "areas.csv"))
    assert sorted(p.name for p in (tmp_path / "dataset").iterdir()) == sorted(table_files())


def test_loose_table_files_load(tmp_path):
    notices, dataset = unpacked(list(table_files().items()), tmp_path / "dataset")
    assert notices == []
    assert len(dataset.sources) == len(pd.read_csv(DATA / "sources.csv"))


def test_events_as_a_folder_of_parquet_parts_load(tmp_path):
    events = pd.read_csv(DATA / "events.csv", dtype=str, keep_default_na=False)
    members = {n: d for n, d in table_files().items() if n != "events.csv"}
    for number, part in enumerate((events.iloc[:100], events.iloc[100:])):
        members[f"events.parquet/part-{number}.parquet"] = part.to_parquet(index=False)
    _, dataset = unpacked([("parts.zip", zipped(members))], tmp_path / "dataset")
    assert dataset.event_rows == len(events)


def test_a_misnamed_table_is_ignored_with_a_hint(tmp_path):
    files = {**table_files(), "Notes.csv": b"a\n1\n"}
    files["Events.csv"] = files.pop("events.csv")
    notices = unpack_upload(list(files.items()), tmp_path / "dataset")
    assert [(n.file, n.message) for n in notices] == [
        ("Notes.csv", "not one of the dataset's files: ignored"),
        ("Events.csv", "not one of the dataset's files (did you mean events.csv?): ignored"),
    ]
    assert not (tmp_path / "dataset" / "Events.csv").exists()


def test_an_empty_target_directory_is_filled_and_a_full_one_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    unpack_upload(list(table_files().items()), tmp_path / "empty")
    assert (tmp_path / "empty" / "areas.csv").read_bytes() == (DATA / "areas.csv").read_bytes()
    with pytest.raises(ValueError, match="must be absent or an empty directory"):
        unpack_upload(list(table_files().items()), tmp_path / "empty")


HOSTILE = {
    # name: (the upload, built when the test runs; code, file named, phrase in the message)
    "pdf named zip": (
        lambda: [("data.zip", b"%PDF-1.7\n...")],
        "not_zip",
        "data.zip",
        "not a zip file: it is a PDF document",
    ),
    "text named zip": (
        lambda: [("data.zip", b"area_id\n")],
        "not_zip",
        "data.zip",
        "not a zip file",
    ),
    "not a table file": (
        lambda: [("areas.xlsx", b"PK\x03\x04")],
        "not_table_file",
        "areas.xlsx",
        "not a zip, .csv, .parquet or .json file",
    ),
    "zip and files": (
        lambda: [("a.zip", zipped({"areas.csv": b"x"})), ("areas.csv", b"x")],
        "several_zips",
        "a.zip",
        "upload one zip",
    ),
    "nothing": (lambda: [], "empty_upload", "(upload)", "nothing was uploaded"),
    "climbs out": (
        lambda: [("x.zip", zipped({"areas.csv": b"x", "../areas.csv": b"x"}))],
        "path_climbs_out",
        "../areas.csv",
        "climbs out",
    ),
    "climbs out deeper": (
        lambda: [("x.zip", zipped({"data/../../etc/cron.d/x": b"x"}))],
        "path_climbs_out",
        "data/../../etc/cron.d/x",
        "climbs out",
    ),
    "absolute": (
        lambda: [("x.zip", zipped({"/etc/areas.csv": b"x"}))],
        "absolute_path",
        "/etc/areas.csv",
        "absolute path",
    ),
    "drive letter": (
        lambda: [("x.zip", zipped({"C:\\data\\areas.csv": b"x"}))],
        "absolute_path",
        "C:\\data\\areas.csv",
        "absolute path",
    ),
    "network path": (
        lambda: [("x.zip", zipped({"\\\\server\\share\\areas.csv": b"x"}))],
        "absolute_path",
        "\\\\server\\share\\areas.csv",
        "absolute path",
    ),
    "loose file climbs out": (
        lambda: [("../areas.csv", b"x")],
        "path_climbs_out",
        "../areas.csv",
        "climbs out",
    ),
    "loose file in a folder": (
        lambda: [("data/areas.csv", b"x")],
        "path_in_name",
        "data/areas.csv",
        "must not hold a folder",
    ),
    "symbolic link": (
        lambda: [
            ("x.zip", zipped([(with_mode("areas.csv", stat.S_IFLNK | 0o777), b"/etc/passwd")]))
        ],
        "link",
        "areas.csv",
        "a symbolic link: links are refused",
    ),
    "pipe": (
        lambda: [("x.zip", zipped([(with_mode("areas.csv", stat.S_IFIFO | 0o644), b"")]))],
        "special_file",
        "areas.csv",
        "not a plain file",
    ),
    "nested zip": (
        lambda: [("x.zip", zipped({"data/inner.zip": zipped({"areas.csv": b"x"})}))],
        "nested_zip",
        "data/inner.zip",
        "a zip inside the zip",
    ),
    "empty zip": (lambda: [("x.zip", zipped({}))], "empty_zip", "x.zip", "the zip is empty"),
    "no tables": (
        lambda: [("x.zip", zipped({"folder/": b"", "README.md": b"hi", "__MACOSX/._x": b""}))],
        "no_tables",
        "(upload)",
        "no table files found: expected areas.csv",
    ),
    "duplicate members": (
        lambda: [("x.zip", zipped([("areas.csv", b"a"), ("areas.csv", b"b")]))],
        "duplicate_name",
        "areas.csv",
        "appears 2 times",
    ),
    "duplicate loose files": (
        lambda: [("areas.csv", b"a"), ("areas.csv", b"b")],
        "duplicate_name",
        "areas.csv",
        "appears 2 times",
    ),
    "parquet file and folder": (
        lambda: [
            ("x.zip", zipped({"events.parquet": b"PAR1", "events.parquet/p.parquet": b"PAR1"}))
        ],
        "duplicate_name",
        "events.parquet",
        "both a file and a folder",
    ),
    "truncated": (
        lambda: [("x.zip", truncated(zipped(table_files())))],
        "damaged",
        "x.zip",
        "the zip is damaged or incomplete",
    ),
    "bad checksum": (
        lambda: [("x.zip", bad_checksum(events_zip()))],
        "damaged",
        "events.csv",
        "the zip is damaged or incomplete (Bad CRC-32",
    ),
    "bad deflate data": (
        lambda: [("x.zip", bad_deflate(events_zip()))],
        "damaged",
        "events.csv",
        "the zip is damaged or incomplete (Error -3",
    ),
    "encrypted": (
        lambda: [("x.zip", encrypted(zipped({"areas.csv": b"x"})))],
        "encrypted",
        "areas.csv",
        "encrypted",
    ),
    "too many files": (
        lambda: [
            ("x.zip", zipped({f"notes/{i}.txt": b"" for i in range(64)} | {"areas.csv": b"x"}))
        ],
        "too_many_files",
        "x.zip",
        "holds 65 files: at most 64 are accepted",
    ),
    "declares 201 MB": (
        lambda: [("x.zip", declaring(zipped({"events.csv": b"x"}), 201 * MB))],
        "too_large",
        "x.zip",
        "unpacks to 201 MB: at most 200 MB are accepted",
    ),
    "loose files over 200 MB": (
        lambda: [("events.csv", bytes(120 * MB)), ("sources.csv", bytes(81 * MB))],
        "too_large",
        "(upload)",
        "unpacks to 201 MB: at most 200 MB are accepted",
    ),
    "latin-1 csv": (
        lambda: [("x.zip", zipped({"data/areas.csv": LATIN1_AREAS.encode("latin-1")}))],
        "encoding",
        "data/areas.csv",
        "not UTF-8 (byte 0xE9",
    ),
    "utf-16 csv": (
        lambda: [("areas.csv", LATIN1_AREAS.encode("utf-16"))],
        "encoding",
        "areas.csv",
        "UTF-16",
    ),
    "latin-1 json": (
        lambda: [
            ("datapackage.json", '{\n  "name": "x",\n  "title": "Données"\n}'.encode("latin-1"))
        ],
        "encoding",
        "datapackage.json",
        "not UTF-8 (byte 0xE9)",
    ),
}


@pytest.mark.parametrize(("upload", "code", "file", "phrase"), HOSTILE.values(), ids=HOSTILE)
def test_hostile_upload_is_refused_and_leaves_nothing(tmp_path, upload, code, file, phrase):
    assert_refused(tmp_path, upload(), code, file, phrase)


def test_encoding_error_names_the_row_and_column(tmp_path):
    files = [("areas.csv", LATIN1_AREAS.encode("cp1252"))]
    refused = assert_refused(tmp_path, files, "encoding", "areas.csv", "not UTF-8")
    assert (refused.errors[0].row, refused.errors[0].column) == (3, "name")
    assert str(refused).startswith("upload refused: areas.csv:3:name: the file is not UTF-8")


def test_every_path_problem_is_listed_at_once(tmp_path):
    files = [("x.zip", zipped({"../a.csv": b"", "/b.csv": b"", "c.zip": b""}))]
    refused = assert_refused(tmp_path, files, "path_climbs_out", "../a.csv", "climbs out")
    assert [e.code for e in refused.errors] == ["path_climbs_out", "absolute_path", "nested_zip"]


def zeros_zip(name: str, size: int) -> bytes:
    """A zip of one entry of ``size`` zero bytes, written a MB at a time (a few hundred kB)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as entry,
    ):
        for _ in range(size // MB):
            entry.write(bytes(MB))
    return buffer.getvalue()


def test_a_member_that_holds_more_than_it_declares_is_stopped_while_streaming(tmp_path):
    """It claims 100 bytes, so the declared total passes the 200 MB cap; it holds 210 MB, and
    unpacking stops at byte 101 (refusing only after writing it all would say "holds 220,200,960
    bytes")."""
    bomb = declaring(zeros_zip("events.csv", 210 * MB), 100)
    files = [("bomb.zip", bomb)]
    message = "holds more than the 100 bytes it declares: stopped there"
    assert_refused(tmp_path, files, "size_mismatch", "events.csv", message)


def test_a_member_that_holds_less_than_it_declares_is_refused(tmp_path):
    files = [("x.zip", declaring(zipped({"areas.csv": bytes(100)}), 5000))]
    assert_refused(tmp_path, files, "size_mismatch", "areas.csv", "holds 100 bytes but declares")


def test_the_cap_counts_every_member_together(tmp_path):
    """Each member is under the cap; together they pass it, and unpacking stops."""
    files = [("x.zip", zipped({"areas.csv": bytes(600_000), "sources.csv": bytes(600_000)}))]
    assert_refused(tmp_path, files, "too_large", "x.zip", "unpacks to 1.1 MB", Limits(MB))


@pytest.fixture(scope="module")
def template() -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(template_zip()))


@pytest.mark.parametrize("name", list(TABLES))
def test_template_has_an_empty_csv_with_each_tables_columns(template, name):
    rows = list(csv.reader(io.StringIO(template.read(f"empty/{name}.csv").decode("utf-8"))))
    required = [c.name for c in TABLES[name].columns if not c.optional]
    assert rows == [required]


def readme_sections(template: zipfile.ZipFile) -> dict[str, str]:
    text = template.read("README.md").decode("utf-8")
    return {s.split(" ", 1)[0]: s for s in text.split("\n## ")[1:]}


@pytest.mark.parametrize("name", list(TABLES))
def test_template_readme_documents_every_column(template, name):
    section = readme_sections(template)[name]
    for column in TABLES[name].columns:
        row = next(line for line in section.splitlines() if line.startswith(f"| `{column.name}` |"))
        assert ("| yes |" in row) == column.required
        for value in column.allowed:
            assert f"`{value}`" in row
        if column.references in TABLES:
            assert f"{column.references}.csv" in row


def test_template_example_passes_the_checks(template, tmp_path):
    example = [n for n in template.namelist() if n.startswith("example/")]
    template.extractall(tmp_path, example)
    dataset = load_dataset(tmp_path / "example")
    assert dataset.synthetic
    result = check_command(tmp_path / "example")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_template_example_zipped_again_uploads(template, tmp_path):
    """Download the template, zip its example folder, upload it: the dataset loads."""
    members = {n: template.read(n) for n in template.namelist() if n.startswith("example/")}
    notices, dataset = unpacked([("example.zip", zipped(members))], tmp_path / "dataset")
    assert notices == []
    assert len(dataset.areas) > 0
