"""Command line: ``python -m dashboard check [DIR]``, ``synth``, ``datapackage`` and
``import-gdelt``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from dashboard.data import DatasetError, data_dir_from_env, load_dataset
from dashboard.data.load import METADATA_FILE, read_metadata
from dashboard.data.package import write_datapackage
from dashboard.data.synth import generated_shape, write_synthetic
from dashboard.data.tables import TABLES
from dashboard.gdelt import importer
from dashboard.gdelt.layout import read_mappings
from dashboard.gdelt.synthetic import write_gdelt_exports


def check(directory: Path) -> int:
    try:
        dataset = load_dataset(directory)
    except DatasetError as exc:
        print(f"{directory}: {len(exc.errors)} error(s)", file=sys.stderr)
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 1
    unchanged = " and ".join(n for n in ("sources", "events") if dataset.table(n) is None)
    note = f" ({unchanged}: files unchanged since they last passed)" if dataset.remembered else ""
    print(f"{directory}: OK{note}")
    for name in TABLES:
        print(f"  {name:<12} {dataset.rows(name):>11,} rows")
    return 0


def synth(args: argparse.Namespace) -> int:
    sides = [s for s in (args.sides or "").split(",") if s]
    if sides and len(sides) < 2:
        print("--sides needs at least two side ids, separated by commas", file=sys.stderr)
        return 2
    shape = generated_shape(sides, args.periods, args.areas)
    write_synthetic(args.out, args.events, seed=args.seed, file_format=args.format, shape=shape)
    print(f"wrote a synthetic dataset of {args.events:,} events to {args.out}")
    return 0


def synth_gdelt(out: Path, rows: int, seed: int) -> int:
    paths = write_gdelt_exports(out, rows, seed=seed)
    print(f"wrote {rows:,} synthetic GDELT 2.0 event lines in {len(paths):,} export files to {out}")
    return 0


def import_gdelt(args: argparse.Namespace) -> int:
    options = importer.Options(
        sides=tuple(s.strip().upper() for s in args.sides.split(",")),
        start=args.start,
        end=args.end,
        skip_bad_lines=args.skip_bad_lines,
        curated=args.curated,
    )
    mappings, replaced = read_mappings(args.mappings) if args.mappings else (None, [])
    for name in replaced:
        print(f"using {args.mappings / name}.csv", file=sys.stderr)
    started = time.monotonic()
    try:
        report = importer.import_gdelt(
            args.out,
            args.inputs,
            options,
            mappings,
            progress=lambda line: print(line, file=sys.stderr),
        )
    except importer.ImportFailed as exc:
        print(f"import-gdelt: {len(exc.errors)} error(s), nothing written", file=sys.stderr)
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    print(
        f"wrote {args.out} in {time.monotonic() - started:,.1f} s; serve it with "
        f"DASHBOARD_DATA_DIR={args.out} make run"
    )
    return 0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: '{text}'") from None


def datapackage(directory: Path) -> int:
    meta, errors = read_metadata(directory)
    if errors:
        print("\n".join(str(e) for e in errors), file=sys.stderr)
        return 1
    meta.pop("resources", None)
    print(f"wrote {write_datapackage(directory, meta)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="validate a dataset directory")
    check_parser.add_argument("directory", nargs="?", type=Path, default=None)
    synth_parser = commands.add_parser(
        "synth", help="write a synthetic dataset, or synthetic GDELT export files (--gdelt)"
    )
    what = synth_parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--events", type=int)
    what.add_argument("--gdelt", type=int, metavar="ROWS", help="GDELT 2.0 event lines to write")
    synth_parser.add_argument("--seed", type=int, default=0)
    synth_parser.add_argument("--format", choices=["csv", "parquet"], default=None)
    synth_parser.add_argument(
        "--sides", help="side ids, e.g. US,CN,EU (default: the shipped dataset's sides)"
    )
    synth_parser.add_argument(
        "--periods", type=int, help="how many periods, all compared (default: the shipped ones)"
    )
    synth_parser.add_argument(
        "--areas", type=int, help="how many policy areas (default: the shipped ones)"
    )
    synth_parser.add_argument("out", type=Path)
    package_parser = commands.add_parser(
        "datapackage", help=f"rewrite {METADATA_FILE} from the table declarations"
    )
    package_parser.add_argument("directory", type=Path)
    gdelt_parser = commands.add_parser(
        "import-gdelt", help="GDELT 2.0 event export files -> a dataset directory"
    )
    gdelt_parser.add_argument("--sides", default="USA,RUS", help="two CAMEO country codes")
    gdelt_parser.add_argument("--from", dest="start", type=_day, help="first day kept")
    gdelt_parser.add_argument("--to", dest="end", type=_day, help="last day kept")
    gdelt_parser.add_argument(
        "--skip-bad-lines",
        action="store_true",
        help=f"write bad lines to OUT/{importer.REJECT_FILE} and count them, instead of failing",
    )
    gdelt_parser.add_argument(
        "--curated", type=Path, default=importer.DEFAULT_DATA_DIR, help="the curated dataset"
    )
    gdelt_parser.add_argument(
        "--mappings",
        type=Path,
        help="a directory of edited mapping tables (area_rules.csv, …) to use instead of the "
        "shipped ones",
    )
    gdelt_parser.add_argument("out", type=Path, help="the dataset directory to write")
    gdelt_parser.add_argument("inputs", type=Path, nargs="+", metavar="FILE_OR_DIR")
    args = parser.parse_args(argv)
    if args.command == "import-gdelt":
        return import_gdelt(args)
    if args.command == "datapackage":
        return datapackage(args.directory)
    if args.command == "check":
        return check(args.directory or data_dir_from_env())
    if args.gdelt is not None:
        if args.gdelt < 1:
            parser.error("--gdelt must be at least 1")
        return synth_gdelt(args.out, args.gdelt, args.seed)
    if args.events < 1:
        parser.error("--events must be at least 1")
    return synth(args)


if __name__ == "__main__":
    sys.exit(main())
