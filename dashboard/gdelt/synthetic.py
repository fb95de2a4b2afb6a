"""Synthetic GDELT 2.0 event export files, for the import benchmark (``synth --gdelt N``).

Files are written as GDELT publishes them: ``YYYYMMDDHHMMSS.export.CSV.zip``, each holding one
tab-separated file of 61 fields per line, no header. About ``DYAD_SHARE`` of the rows are
between the two sides (either way round); the rest are other dyads. The values
are random, drawn from the shipped CAMEO and FIPS tables: nothing in them is real.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from dashboard.gdelt.layout import COLUMNS, shipped_mappings

DYAD_SHARE = 0.05
ROWS_PER_FILE = 500_000
CHUNK = 100_000
OTHER_COUNTRIES = ("CHN", "UKR", "GBR", "FRA", "DEU", "IRN", "TUR", "IND", "JPN", "SYR")
TYPES = ("GOV", "GOV", "MIL", "LEG", "JUD", "BUS", "MED", "")
FIRST_DAY = dt.date(2015, 2, 19)  # GDELT 2.0 begins
DAYS = 4000


def _quad(codes: np.ndarray) -> np.ndarray:
    root = codes.astype("U2").astype(int)
    return np.select([root <= 5, root <= 9, root <= 14], ["1", "2", "3"], "4")


def _chunk(rng: np.random.Generator, start_id: int, rows: int, dyad_share: float) -> pa.Table:
    mappings = shipped_mappings()
    codes = np.array([r["code"] for r in mappings.cameo_event_codes if len(r["code"]) >= 3])
    fips = np.array([r["fips"] for r in mappings.fips_iso3])
    dyad = rng.random(rows) < dyad_share
    flip = rng.random(rows) < 0.5
    others = np.array(OTHER_COUNTRIES)
    one = np.where(dyad, np.where(flip, "USA", "RUS"), rng.choice(others, rows))
    two = np.where(dyad, np.where(flip, "RUS", "USA"), rng.choice(others, rows))
    type1, type2 = rng.choice(np.array(TYPES), rows), rng.choice(np.array(TYPES), rows)
    event = rng.choice(codes, rows)
    days = rng.integers(0, DAYS, rows)
    dates = (np.datetime64(FIRST_DAY) + days.astype("timedelta64[D]")).astype(str)
    sqldate = np.char.replace(dates, "-", "")
    ids = np.arange(start_id, start_id + rows).astype(str)
    score = np.round(rng.uniform(-10, 10, rows), 1).astype(str)
    tone = np.round(rng.normal(-2, 3, rows), 6).astype(str)
    counts = rng.integers(1, 50, rows).astype(str)
    action = rng.choice(fips, rows)
    url = np.char.add("https://news", rng.integers(0, 5000, rows).astype(str))
    url = np.char.add(np.char.add(url, ".example.com/story/"), ids)
    values = {
        "GLOBALEVENTID": ids,
        "SQLDATE": sqldate,
        "MonthYear": np.char.ljust(sqldate, 6).astype("U6"),
        "Year": sqldate.astype("U4"),
        "FractionDate": np.char.add(sqldate.astype("U4"), ".5000"),
        "Actor1Code": np.char.add(one, type1),
        "Actor1Name": one,
        "Actor1CountryCode": one,
        "Actor1Type1Code": type1,
        "Actor2Code": np.char.add(two, type2),
        "Actor2Name": two,
        "Actor2CountryCode": two,
        "Actor2Type1Code": type2,
        "IsRootEvent": np.where(rng.random(rows) < 0.5, "1", "0"),
        "EventCode": event,
        "EventBaseCode": event.astype("U3"),
        "EventRootCode": event.astype("U2"),
        "QuadClass": _quad(event),
        "GoldsteinScale": score,
        "NumMentions": counts,
        "NumSources": np.full(rows, "1"),
        "NumArticles": counts,
        "AvgTone": tone,
        "ActionGeo_Type": np.full(rows, "1"),
        "ActionGeo_FullName": np.full(rows, "Synthetic place"),
        "ActionGeo_CountryCode": action,
        "DATEADDED": np.char.add(sqldate, "000000"),
        "SOURCEURL": url,
    }
    empty = pa.array(np.full(rows, ""))
    return pa.table({name: pa.array(values[name]) if name in values else empty for name in COLUMNS})


def write_gdelt_exports(
    out: Path, rows: int, seed: int = 0, dyad_share: float = DYAD_SHARE
) -> list[Path]:
    """``rows`` synthetic event lines in export files of ``ROWS_PER_FILE`` lines under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    options = pa_csv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    stamp = dt.datetime(2026, 1, 1)
    paths, written = [], 0
    while written < rows:
        name = f"{stamp:%Y%m%d%H%M%S}.export.CSV"
        path = out / f"{name}.zip"
        size = min(ROWS_PER_FILE, rows - written)
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
            archive.open(name, "w", force_zip64=True) as member,
        ):
            for start in range(0, size, CHUNK):
                chunk = _chunk(
                    rng, 1_000_000_000 + written + start, min(CHUNK, size - start), dyad_share
                )
                pa_csv.write_csv(chunk, member, options)
        written += size
        paths.append(path)
        stamp += dt.timedelta(minutes=15)
    return paths
