"""Bring your own dataset: unpack an upload safely, and build the template a user starts from.

An upload is ONE zip, or several table files (``.csv``, ``.parquet``, ``.json``), given as
``(name, bytes)`` pairs as a browser's file input holds them. ``unpack_upload`` writes the
dataset's files to a directory, or raises ``UploadError`` (a ``DatasetError``: file, row, column
and message per problem) and leaves nothing on disk. Files that are not part of a dataset (a
README, a licence, notes) are not written and come back as notices, so a zip of a whole folder,
the shipped ``data/`` among them, is accepted; a zip whose files sit in one top-level folder
(what "Compress" on macOS or Windows makes) is read from that folder, without ``__MACOSX/`` and
``.DS_Store``. The page then checks the directory as ``python -m dashboard check`` does::

    target = session_directory / "dataset"  # absent, or an empty directory
    try:
        notices = unpack_upload([(f.name, f.getvalue()) for f in uploaded], target)
        dataset = load_dataset(target)
    except DatasetError as exc:  # an UploadError is one: show exc.errors as a table
        ...

``template_zip()`` is the download: README.md (every table and column, from ``TABLES``), an
empty CSV per table in ``empty/`` and a small valid example dataset in ``example/``.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import functools
import io
import lzma
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from dashboard.data.errors import WHOLE, DataError, DatasetError
from dashboard.data.load import METADATA_FILE
from dashboard.data.package import write_datapackage
from dashboard.data.read import MAGIC_BYTES, decode_csv
from dashboard.data.synth import write_synthetic
from dashboard.data.tables import TABLES, Column, Table

UPLOAD = "(upload)"  # the file named by an error about the upload as a whole
TABLE_SUFFIXES = (".csv", ".parquet", ".json")
JUNK_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")
CHUNK_BYTES = 1 << 20
# Reading a zip can fail in any of these ways on damaged or forged bytes (OSError: bzip2 data).
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,  # a compression method zipfile cannot read
)
EXAMPLE_EVENTS = 40
UNBOUNDED = 1 << 62  # a size no entry reaches


@dataclasses.dataclass(frozen=True)
class Limits:
    """What an upload may hold: its total size once unpacked, and its number of entries."""

    total_bytes: int = 200 * 1024 * 1024
    files: int = 64


LIMITS = Limits()


class UploadError(DatasetError):
    """An upload refused before its tables were read; nothing of it is left on disk."""

    def __init__(self, errors: list[DataError]):
        super().__init__(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        self.args = (f"upload refused: {errors[0]}{more}",)


@dataclasses.dataclass(frozen=True)
class _Member:
    """One uploaded file: a zip entry or a file given on its own."""

    name: str  # as the user knows it: the path in the zip, or the file's name
    size: int  # the size it declares once unpacked
    open: Callable[[], BinaryIO]


def unpack_upload(
    files: Sequence[tuple[str, bytes]], into: Path | str, limits: Limits = LIMITS
) -> list[DataError]:
    """Write the dataset uploaded as ``files`` to the directory ``into`` (absent or empty).

    Returns a notice (code ``ignored_file``) for each file left out as not part of a dataset.
    Raises UploadError, having written nothing, for an upload that is not a zip or table files,
    paths that climb out, are absolute or are links, more than ``limits`` allow, an entry that
    holds more than it declares (stopped there while unpacking), a zip inside the zip, an empty
    zip or one without tables, duplicate names, a damaged zip, or CSV or JSON that is not UTF-8.
    """
    into = Path(into)
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise ValueError(f"{into} must be absent or an empty directory")
    with contextlib.ExitStack() as stack:
        plan, notices = _plan(_members(files, limits, stack))
        into.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{into.name}-", dir=into.parent))
        try:
            _write(plan, staging)
            _raise_if(_encoding_errors(plan, staging))
            staging.replace(into)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return notices


def _error(file: str, message: str, code: str, row: int | str = WHOLE) -> DataError:
    return DataError(file, row, WHOLE, message, code)


def _raise_if(errors: list[DataError]) -> None:
    if errors:
        raise UploadError(errors)


def _members(
    files: Sequence[tuple[str, bytes]], limits: Limits, stack: contextlib.ExitStack
) -> list[_Member]:
    """The upload's members, checked as declared; a zip is kept open on ``stack``."""
    if not files:
        raise UploadError([_error(UPLOAD, "nothing was uploaded", "empty_upload")])
    zips = [name for name, _ in files if name.lower().endswith(".zip")]
    if zips and len(files) > 1:
        message = "upload one zip, or the table files without a zip, not both or several"
        raise UploadError([_error(zips[0], message, "several_zips")])
    if not zips:
        return _loose_members(files, limits)
    name, data = files[0]
    archive = stack.enter_context(_open_zip(name, data))
    return _zip_members(name, archive, limits)


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        what = next((w for magic, w in MAGIC_BYTES.items() if data.startswith(magic)), None)
        message = f"not a zip file: it is {what}" if what else "not a zip file"
        raise UploadError([_error(name, message, "not_zip")])
    with _reading(name):
        return zipfile.ZipFile(io.BytesIO(data))


@contextlib.contextmanager
def _reading(name: str) -> Iterator[None]:
    """Damage found while reading a zip (cut-off or forged bytes) as an UploadError."""
    try:
        yield
    except DAMAGED as exc:
        raise UploadError([_damaged(name, exc)]) from None


def _damaged(name: str, exc: Exception) -> DataError:
    reason = str(exc) or type(exc).__name__
    return _error(name, f"the zip is damaged or incomplete ({reason}): zip it again", "damaged")


def _zip_members(name: str, archive: zipfile.ZipFile, limits: Limits) -> list[_Member]:
    infos = archive.infolist()
    if not infos:
        raise UploadError([_error(name, "the zip is empty", "empty_zip")])
    errors = [problem for info in infos if (problem := _entry_problem(info))]
    errors += _duplicates([info.filename for info in infos])
    errors += _over_limits(name, len(infos), sum(info.file_size for info in infos), limits)
    _raise_if(errors)
    return [
        _Member(info.filename, info.file_size, functools.partial(_open_uncapped, archive, info))
        for info in infos
        if not info.is_dir()
    ]


def _open_uncapped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> BinaryIO:
    """The entry, to be read past the size it declares: ``_copy`` counts the bytes and stops.

    zipfile stops at the declared size and then fails on the CRC ("damaged"); lifting that stop
    lets ``_copy`` name an entry that holds more than it declares. zipfile inflates no more than
    is asked of it, and a few kB ahead.
    """
    uncapped = copy.copy(info)
    uncapped.file_size = UNBOUNDED
    return archive.open(uncapped)


def _entry_problem(info: zipfile.ZipInfo) -> DataError | None:
    """Why a zip entry is refused: its path, or what it is (the zip format has no hard links;
    any entry that is not a plain file or folder, a symbolic link among them, is refused)."""
    name, mode = info.filename, info.external_attr >> 16
    if problem := _path_problem(name):
        return problem
    if stat.S_ISLNK(mode):
        return _error(name, "a symbolic link: links are refused", "link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return _error(name, "not a plain file (a device, pipe or socket): refused", "special_file")
    if info.flag_bits & 0x1:
        return _error(name, "encrypted: upload a zip without a password", "encrypted")
    if name.lower().endswith(".zip"):
        message = "a zip inside the zip: upload the files it holds instead"
        return _error(name, message, "nested_zip")
    return None


def _path_problem(name: str) -> DataError | None:
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return _error(name, "an absolute path: refused (names must be relative)", "absolute_path")
    if ".." in PurePosixPath(path).parts:
        return _error(name, "the path climbs out of its folder ('..'): refused", "path_climbs_out")
    return None


def _relative(name: str) -> PurePosixPath:
    """A member's path, with Windows separators read as '/' and './' dropped."""
    return PurePosixPath(name.replace("\\", "/"))


def _duplicates(names: list[str]) -> list[DataError]:
    counts = Counter(str(_relative(name)) for name in names)
    return [
        _error(name, f"appears {count} times: keep one", "duplicate_name")
        for name, count in counts.items()
        if count > 1
    ]


def _over_limits(name: str, count: int, size: int, limits: Limits) -> list[DataError]:
    errors = []
    if count > limits.files:
        message = f"holds {count} files: at most {limits.files} are accepted"
        errors.append(_error(name, message, "too_many_files"))
    if size > limits.total_bytes:
        message = f"unpacks to {_mb(size)}: at most {_mb(limits.total_bytes)} are accepted"
        errors.append(_error(name, message, "too_large"))
    return errors


def _mb(size: int) -> str:
    value = size / 1024 / 1024
    return f"{value:,.0f} MB" if value >= 10 else f"{value:,.1f} MB"


def _loose_members(files: Sequence[tuple[str, bytes]], limits: Limits) -> list[_Member]:
    errors = []
    for name, _ in files:
        if problem := _path_problem(name):
            errors.append(problem)
        elif len(_relative(name).parts) != 1:
            errors.append(_error(name, "a file name must not hold a folder", "path_in_name"))
        elif PurePosixPath(name).suffix.lower() not in TABLE_SUFFIXES:
            message = "not a zip, .csv, .parquet or .json file"
            errors.append(_error(name, message, "not_table_file"))
    errors += _duplicates([name for name, _ in files])
    errors += _over_limits(UPLOAD, len(files), sum(len(data) for _, data in files), limits)
    _raise_if(errors)
    return [_Member(name, len(data), functools.partial(io.BytesIO, data)) for name, data in files]


def _dataset_paths() -> set[str]:
    """The files a dataset directory may hold, besides the parts of a Parquet directory."""
    return {f"{name}.csv" for name in TABLES} | _parquet_dirs() | {METADATA_FILE}


def _is_dataset_file(path: PurePosixPath) -> bool:
    """A table file, ``datapackage.json``, or a part of ``<table>.parquet/``."""
    if len(path.parts) == 1:
        return path.name in _dataset_paths()
    folder, part = path.parts[0], path.name
    return len(path.parts) == 2 and folder in _parquet_dirs() and part.endswith(".parquet")


def _parquet_dirs() -> set[str]:
    """The folders a table's Parquet parts may sit in."""
    return {f"{name}.parquet" for name in TABLES}


def _is_junk(path: PurePosixPath) -> bool:
    """What systems add when they zip a folder: ``.DS_Store``, and the ``._`` files of
    ``__MACOSX/`` (that folder holds nothing else)."""
    return path.name in JUNK_FILES or path.name.startswith("._")


def _top_folder(paths: list[PurePosixPath]) -> str | None:
    """The one folder every file sits in, when there is one (and it is no Parquet directory)."""
    tops = {path.parts[0] for path in paths if len(path.parts) > 1}
    if len(tops) != 1 or any(len(path.parts) == 1 for path in paths):
        return None
    top = tops.pop()
    return None if top in _parquet_dirs() else top


def _plan(members: list[_Member]) -> tuple[list[tuple[_Member, PurePosixPath]], list[DataError]]:
    """Which members are written where (relative to the dataset), and notices for the rest."""
    kept = [m for m in members if not _is_junk(_relative(m.name))]
    top = _top_folder([_relative(m.name) for m in kept])
    plan, notices = [], []
    for member in kept:
        path = _relative(member.name)
        path = path.relative_to(top) if top else path
        if _is_dataset_file(path):
            plan.append((member, path))
        else:
            notices.append(_ignored(member.name, path))
    if not plan:
        expected = ", ".join(f"{name}.csv" for name in TABLES)
        message = f"no table files found: expected {expected}, at the top or in one folder"
        raise UploadError([_error(UPLOAD, message, "no_tables"), *notices])
    _raise_if(_clashes([path for _, path in plan]))
    return plan, notices


def _clashes(paths: list[PurePosixPath]) -> list[DataError]:
    """``events.parquet`` both as a file and as a folder of parts."""
    folders = {path.parts[0] for path in paths if len(path.parts) > 1}
    files = {str(path) for path in paths if len(path.parts) == 1}
    message = "is both a file and a folder of parts: keep one"
    return [_error(name, message, "duplicate_name") for name in sorted(folders & files)]


def _ignored(name: str, path: PurePosixPath) -> DataError:
    lower = PurePosixPath(str(path).lower())
    hint = f" (did you mean {lower}?)" if _is_dataset_file(lower) else ""
    return _error(name, f"not one of the dataset's files{hint}: ignored", "ignored_file")


def _write(plan: list[tuple[_Member, PurePosixPath]], staging: Path) -> None:
    for member, path in plan:
        target = staging / path
        target.parent.mkdir(exist_ok=True)
        _copy(member, target)


def _copy(member: _Member, target: Path) -> None:
    """Stream a member to ``target``, stopping as soon as it passes the size it declares.

    The declared sizes were held to the cap before anything was written, so the bytes written
    never pass it either, whatever the zip claims.
    """
    written = 0
    with _reading(member.name):
        source = member.open()
    with source, target.open("wb") as out:
        while True:
            with _reading(member.name):
                chunk = source.read(min(CHUNK_BYTES, member.size + 1 - written))
            if not chunk:
                break
            written += len(chunk)
            if written > member.size:
                message = (
                    f"holds more than the {member.size:,} bytes it declares: stopped there "
                    "(the zip is damaged or forged)"
                )
                raise UploadError([_error(member.name, message, "size_mismatch")])
            out.write(chunk)
    if written < member.size:
        message = f"holds {written:,} bytes but declares {member.size:,}: the zip is damaged"
        raise UploadError([_error(member.name, message, "size_mismatch")])


def _encoding_errors(plan: list[tuple[_Member, PurePosixPath]], staging: Path) -> list[DataError]:
    """CSV and JSON files that are not UTF-8 text, each named with the line where it shows."""
    errors = []
    for member, path in plan:
        if path.suffix not in (".csv", ".json"):
            continue
        data = (staging / path).read_bytes()
        check = decode_csv if path.suffix == ".csv" else _decode_json
        _, error = check(member.name, data)
        if error:
            errors.append(dataclasses.replace(error, code="encoding"))
    return errors


def _decode_json(name: str, data: bytes) -> tuple[str, DataError | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"the file is not UTF-8 (byte 0x{data[exc.start]:02X}): save it as UTF-8"
        return "", _error(name, message, "encoding", row=line)


def template_zip() -> bytes:
    """The template: README.md (the schema), ``empty/<table>.csv`` with each table's header,
    and ``example/``, a small synthetic dataset that passes the checks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", schema_readme())
        for table in TABLES.values():
            archive.writestr(f"empty/{table.name}.csv", header_csv(table))
        with tempfile.TemporaryDirectory() as tmp:
            example = write_example(Path(tmp) / "example")
            for path in sorted(p for p in example.rglob("*") if p.is_file()):
                archive.writestr(f"example/{path.relative_to(example)}", path.read_bytes())
    return buffer.getvalue()


def header_csv(table: Table) -> str:
    """A CSV of the header alone: the columns every file of the table has (no optional ones)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([c.name for c in table.columns if not c.optional])
    return out.getvalue()


def write_example(out: Path) -> Path:
    """A small synthetic dataset, titled as the template's example."""
    write_synthetic(out, EXAMPLE_EVENTS, seed=0, file_format="csv")
    meta = {
        "name": "example",
        "title": "Example dataset (synthetic: nothing in it is real)",
        "synthetic": True,
    }
    write_datapackage(out, meta)
    return out


def schema_readme() -> str:
    """The schema as Markdown: how to fill in a dataset, then every table and column."""
    limits = LIMITS
    lines = [
        "# Dataset template",
        "",
        "A dataset is a folder of files, one per table: UTF-8 CSV with a header row (or Parquet "
        "with the same columns), plus an optional `datapackage.json` with its title.",
        "",
        "- `empty/`: each table's CSV with its header only; fill in one row per record.",
        "- `example/`: a small valid dataset (synthetic: nothing in it is real). Zip the folder "
        "and upload it to try the dashboard on it.",
        "",
        "Dates are `YYYY-MM-DD`; cells that hold several values separate them with `;`; yes/no "
        "cells are `true` or `false`; a cell that is not required may be left blank. Check a "
        "folder with `python -m dashboard check DIR`.",
        "",
        "Across tables: every id a cell names must be a row of the table it points to, and "
        "every source listed must be cited by at least one row.",
        "",
        f"Upload one zip (the files at its top or in one folder), or the table files "
        f"themselves: at most {_mb(limits.total_bytes)} unpacked and {limits.files} files. "
        "Other files in the zip (a README, a licence) are ignored.",
    ]
    for table in TABLES.values():
        lines += ["", *_table_section(table)]
    return "\n".join(lines) + "\n"


def _table_section(table: Table) -> list[str]:
    lines = [
        f"## {table.name} (`{table.name}.csv`)",
        "",
        _cell(table.description),
        "",
        "| Column | Kind | Required | Values | Description |",
        "|---|---|---|---|---|",
    ]
    for column in table.columns:
        required = "yes" if column.required else "no (may be blank)"
        cells = (f"`{column.name}`", column.kind, required, _values(column), column.description)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _values(column: Column) -> str:
    """What a column's cells may hold, in words."""
    several = "one or more, separated by `;`: " if column.multi else ""
    parts = []
    if column.unique:
        parts.append("unique")
    if column.allowed:
        parts.append(several + ", ".join(f"`{value}`" for value in column.allowed))
    if column.references == "iso3":
        codes = "ISO 3166-1 alpha-3 codes" if column.multi else "an ISO 3166-1 alpha-3 code"
        parts.append(several + codes)
    elif column.references:
        target = TABLES[column.references]
        parts.append(f"{several}an id in {target.name}.csv (`{target.id_column}`)")
    if column.value_range:
        low, high = column.value_range
        parts.append(f"from {low:g} to {high:g}")
    parts += _kind_words(column)
    if column.optional:
        default = f"`{column.default}`" if column.default else "blank"
        parts.append(f"optional column: a file may leave it out (then {default} in every row)")
    return "; ".join(parts)


def _kind_words(column: Column) -> list[str]:
    words = {"date": "YYYY-MM-DD", "bool": "`true` or `false`", "url": "an http(s) address"}
    parts = [words[column.kind]] if column.kind in words else []
    if column.kind == "date" and column.future:
        parts.append("may lie ahead")
    if column.max_length and column.kind in ("id", "text", "url"):
        parts.append(f"at most {column.max_length:,} characters")
    return parts


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
