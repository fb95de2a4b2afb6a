"""Import throughput and memory of ``import-gdelt`` on synthetic GDELT 2.0 exports (``make
bench-gdelt``).

Writes ``--rows`` synthetic event lines (``python -m dashboard synth --gdelt``, 5% of them
USA–RUS) into ``.bench/gdelt-N/in`` (kept for the next run), imports them into
``.bench/gdelt-N/dataset`` in a fresh interpreter, and measures the wall time, rows read per
second, and the peak resident memory of the import with its worker processes (100 ms samples
plus the kernel's high-water mark). The dataset is left in place for the page benchmark
(``DASHBOARD_DATA_DIR=.bench/gdelt-N/dataset``). Results go to ``.bench/gdelt.json``.

    python -m scripts.bench_gdelt                  # 10,000,000 rows
    python -m scripts.bench_gdelt --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scripts._measure import PeakMemory
from tests.browser import harness

BENCH = harness.ROOT / ".bench"
TARGET_ROWS_PER_S = 200_000
TARGET_RSS_MB = 1024


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", "dashboard", *args]


def generate(rows: int, directory: Path) -> None:
    done = directory / ".complete"
    if done.exists():
        return
    shutil.rmtree(directory, ignore_errors=True)
    subprocess.run(
        _python("synth", "--gdelt", str(rows), "--seed", "1", str(directory)), check=True
    )
    done.touch()


def measure(rows: int) -> dict:
    root = BENCH / f"gdelt-{rows}"
    exports, dataset = root / "in", root / "dataset"
    generate(rows, exports)
    shutil.rmtree(dataset, ignore_errors=True)
    started = time.perf_counter()
    command = _python("import-gdelt", str(dataset), str(exports))
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    with PeakMemory(process.pid) as memory:
        output, _ = process.communicate()
        peak = memory.peak_mb()
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"import-gdelt failed:\n{output}")
    report = json.loads((dataset / "import-report.json").read_text())
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": round(peak),
        "events_kept": report["events"],
        "sources": report["sources"],
        "dataset": str(dataset),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args(argv)
    result = measure(args.rows)
    result.update(
        cores=os.cpu_count(),
        python=platform.python_version(),
        load_average=round(os.getloadavg()[0], 1),
    )
    print(
        f"import-gdelt: {result['rows']:,} rows in {result['seconds']:,} s = "
        f"{result['rows_per_s']:,} rows/s (target {TARGET_ROWS_PER_S:,}), "
        f"peak RSS {result['peak_rss_mb']:,} MB (target {TARGET_RSS_MB:,}); "
        f"{result['events_kept']:,} events, {result['sources']:,} sources kept"
    )
    BENCH.mkdir(exist_ok=True)
    (BENCH / "gdelt.json").write_text(json.dumps(result, indent=2) + "\n")
    met = result["rows_per_s"] >= TARGET_ROWS_PER_S and result["peak_rss_mb"] <= TARGET_RSS_MB
    print("targets met" if met else "target missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
