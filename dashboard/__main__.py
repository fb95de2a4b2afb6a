"""Command line: ``python -m dashboard check [DIR]`` and ``python -m dashboard synth``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.data import DatasetError, data_dir_from_env, load_dataset
from dashboard.data.load import METADATA_FILE, read_metadata
from dashboard.data.package import write_datapackage
from dashboard.data.synth import write_synthetic
from dashboard.data.tables import TABLES


def check(directory: Path) -> int:
    try:
        dataset = load_dataset(directory)
    except DatasetError as exc:
        print(f"{directory}: {len(exc.errors)} error(s)", file=sys.stderr)
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 1
    note = " (events: files unchanged since they last passed)" if dataset.remembered else ""
    print(f"{directory}: OK{note}")
    for name in TABLES:
        frame = dataset.table(name)
        rows = dataset.event_rows if frame is None else len(frame)
        print(f"  {name:<12} {rows:>11,} rows")
    return 0


def synth(out: Path, events: int, seed: int, file_format: str | None) -> int:
    write_synthetic(out, events, seed=seed, file_format=file_format)
    print(f"wrote a synthetic dataset of {events:,} events to {out}")
    return 0


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
    synth_parser = commands.add_parser("synth", help="write a synthetic dataset")
    synth_parser.add_argument("--events", type=int, required=True)
    synth_parser.add_argument("--seed", type=int, default=0)
    synth_parser.add_argument("--format", choices=["csv", "parquet"], default=None)
    synth_parser.add_argument("out", type=Path)
    package_parser = commands.add_parser(
        "datapackage", help=f"rewrite {METADATA_FILE} from the table declarations"
    )
    package_parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "datapackage":
        return datapackage(args.directory)
    if args.command == "check":
        return check(args.directory or data_dir_from_env())
    if args.events < 1:
        parser.error("--events must be at least 1")
    return synth(args.out, args.events, args.seed, args.format)


if __name__ == "__main__":
    sys.exit(main())
