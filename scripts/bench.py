"""Speed, payload and memory of every page from 1,000 to 10,000,000 events (``make bench``).

For each scale a synthetic dataset is generated into ``.bench/data-N`` (kept for the next run),
and for each page of the dashboard the benchmark measures:

``load_s``
    a first start on files never checked (empty cache directory), in a fresh interpreter:
    reading and checking the dataset (``read_s``; Parquet events are checked in place by the
    engine) plus handing the events to the engine and building its daily cube (``engine_s``);
``start_remembered_s``
    the same start again: the cache remembers the files as checked and keeps the daily cube;
``rerun_ms_p50`` / ``rerun_ms_p95``
    server-side time of one filter change, with ``streamlit.testing.v1.AppTest``: the
    "Policy areas" multiselect alternates between one area and none; the first change after
    switching page warms the caches and is not counted;
``search_rerun_ms_p50`` / ``_p95``
    the same with the text search "sanctions" in the sidebar;
``browser_update_ms_p50``
    in headless Chromium, from the key press that changes "Policy areas" in the sidebar to the
    later of: the script finished, the last change drawn in the main area (charts, tables,
    text; not the hidden screen-reader copy the data grid keeps inside its canvas);
``payload_bytes``
    websocket bytes the server sends for one full render of the page (static files excluded);
``rss_mb``
    peak resident memory: of the server over the browser runs (kernel high-water mark and
    100 ms samples of the process with its children), and of the two starts.

Each scale names its ``engine``. The minimal page in ``scripts/minimal_app.py`` goes through the
same steps and gives the ``baseline``. Results are printed as a table, checked against the
targets, and written to ``.bench/results.json``; a payload breakdown by message kind goes to
``.bench/payloads-results.json``.

    python -m scripts.bench                      # 1,000 to 10,000,000 events
    python -m scripts.bench --huge --quick       # 100,000,000 events (make bench-huge)
    python -m scripts.bench --scales 10000000 --engine pyspark --no-browser
    python -m scripts.bench --quick              # fewer repetitions
    python -m scripts.bench --scales 1000,10000 --pages compare,map
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboard.data.read import find_files
from dashboard.data.tables import TABLES
from scripts import _measure
from tests.browser import harness

BENCH = harness.ROOT / ".bench"
SCALES = (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
HUGE = 100_000_000  # make bench-huge
SEARCH = "sanctions"  # the text search of the "with search" reruns
PAGES = tuple(_measure.PAGE_FILES)
MB = 1024 * 1024

# Targets, per scale of events. Rerun p50 without and with a text search (ms):
RERUN_MAX_MS = {10_000_000: (250, 500), HUGE: (1000, 5000)}
RERUN_MAX_GROWTH = 3  # at 10M events, at most this many times the 1,000-event figure
UPDATE_MAX_FACTOR = {10_000: 2, 10_000_000: 3}  # times the baseline's update time
PAYLOAD_MAX_BYTES = 1.5 * MB
RSS_MAX_MB = {10_000_000: 600, HUGE: 1536}
START_REMEMBERED_MAX_S = {10_000_000: 3}  # start on a dataset checked before
FIRST_CHECK_MAX_S = {HUGE: 120}  # reading and checking a dataset never seen
DATASET_TARGETS = 10_000_000  # the scale whose targets a --dataset run is held to


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with 7 values p50 is the 4th and p95 the 7th."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil without floats going astray
    return ordered[int(rank) - 1]


def _event_count(directory: Path) -> int:
    """The events of a dataset directory (Parquet footers, or the CSV's records)."""
    import pyarrow.dataset as ds

    parquet = directory / "events.parquet"
    if parquet.exists():
        return ds.dataset(parquet, format="parquet").count_rows()
    return ds.dataset(directory / "events.csv", format="csv").count_rows()


def dataset(events: int) -> Path:
    """``.bench/data-N``, generated on first use, and again when a table of today's schema is
    missing from it (a dataset written before the schema grew)."""
    directory = BENCH / f"data-{events}"
    if not all(find_files(directory, table) for table in TABLES.values()):
        print(f"  generating {events:,} events into {directory.relative_to(harness.ROOT)}")
        subprocess.run(
            [sys.executable, "-m", "dashboard", "synth", "--events", str(events), str(directory)],
            cwd=harness.ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return directory


def browser_figures(browser, script: Path, data_dir: Path | None, pages, updates: int) -> dict:
    """Payload and update times of each page, and the server's peak memory meanwhile."""
    figures: dict = {"pages": {}}
    with _measure.serve(script, data_dir) as server, _measure.PeakMemory(server.pid) as memory:
        for page in pages:
            start = time.monotonic()
            result = _measure.measure_page(browser, server, harness.url_path(page), updates)
            figures["pages"][page] = result
            print(
                f"  browser {page}: {result['payload_bytes'] / 1024:.0f} kB, updates "
                f"{', '.join(f'{ms:.0f}' for ms in result['update_ms'])} ms "
                f"({time.monotonic() - start:.0f} s)",
                flush=True,
            )
        figures["rss_mb"] = memory.peak_mb()
    return figures


def rerun_times(data_dir: Path | None, pages, runs: int, search: str = "") -> dict:
    args = ["rerun", str(data_dir) if data_dir else "-", "--runs", str(runs)]
    if data_dir:
        args += ["--pages", ",".join(pages)]
    if search:
        args += ["--search", search]
    return _measure.run_child(args, data_dir)


def page_result(reruns: list[float], browser: dict | None, searched: list[float] = ()) -> dict:
    result = {
        "rerun_ms_p50": round(percentile(reruns, 50), 1),
        "rerun_ms_p95": round(percentile(reruns, 95), 1),
    }
    if searched:
        result["search_rerun_ms_p50"] = round(percentile(searched, 50), 1)
        result["search_rerun_ms_p95"] = round(percentile(searched, 95), 1)
    if browser:
        result["browser_update_ms_p50"] = round(statistics.median(browser["update_ms"]), 1)
        result["payload_bytes"] = browser["payload_bytes"]
    return result


def starts(data_dir: Path, events: int) -> tuple[dict, dict]:
    """A start on files never checked (an empty cache directory), then one on the same files
    again, which the cache remembers as checked (and whose daily cube it keeps)."""
    cache = BENCH / f"cache-{events}"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["DASHBOARD_CACHE_DIR"] = str(cache)
    first = _measure.run_child(["load", str(data_dir)], None)
    again = _measure.run_child(["load", str(data_dir)], None)
    for name, load in (("first start", first), ("remembered", again)):
        print(
            f"  {name}: read {load['read_s']:.2f} s + engine {load['engine_s']:.2f} s, "
            f"peak {load['rss_mb']:.0f} MB",
            flush=True,
        )
    return first, again


def measure_baseline(browser, runs: int, updates: int) -> tuple[dict, dict]:
    print("baseline (scripts/minimal_app.py)", flush=True)
    reruns = rerun_times(None, None, runs)["page"]
    if browser is None:
        return page_result(reruns, None), {}
    figures = browser_figures(browser, _measure.MINIMAL_APP, None, ["page"], updates)
    page = figures["pages"]["page"]
    result = page_result(reruns, page)
    del result["rerun_ms_p95"]
    return result, page["payload_by_kind"]


def measure_scale(
    browser, events: int, pages, runs: int, updates: int, data_dir: Path | None = None
) -> tuple[dict, dict]:
    """Every figure at one scale (a synthetic dataset of ``events``, or ``data_dir``); without
    ``browser``, the server-side ones only."""
    print(f"{events:,} events{f' in {data_dir}' if data_dir else ''}", flush=True)
    data_dir = data_dir or dataset(events)
    first, again = starts(data_dir, events)
    start = time.monotonic()
    reruns = rerun_times(data_dir, pages, runs)
    searched = rerun_times(data_dir, pages, runs, SEARCH)
    print(f"  reruns done in {time.monotonic() - start:.0f} s", flush=True)
    figures = (
        browser_figures(browser, _measure.APP, data_dir, pages, updates)
        if browser
        else {"pages": {}}
    )
    result = {
        "events": events,
        "engine": first["engine"],
        "load_s": round(first["read_s"] + first["engine_s"], 2),
        "read_s": round(first["read_s"], 2),
        "engine_s": round(first["engine_s"], 2),
        "start_remembered_s": round(again["read_s"] + again["engine_s"], 2),
        "load_rss_mb": round(first["rss_mb"], 1),
        "rss_mb": round(max(figures.get("rss_mb", 0), first["rss_mb"], again["rss_mb"]), 1),
        "pages": {p: page_result(reruns[p], figures["pages"].get(p), searched[p]) for p in pages},
    }
    payloads = {p: figures["pages"][p]["payload_by_kind"] for p in figures["pages"]}
    return result, payloads


# --- report ---------------------------------------------------------------------------------


def print_table(results: dict) -> None:
    base = results["baseline"]
    print()
    header = f"{'events':>11} {'page':<9} {'rerun p50':>10} {'p95':>8} {'search p50':>11}"
    print(f"{header} {'update p50':>11} {'payload':>10}   start_s  remembered  rss_mb")
    print(
        f"{'baseline':>11} {'minimal':<9} {base['rerun_ms_p50']:>8.1f}ms {'':>8} {'':>11} "
        + _browser_cells(base)
    )
    for scale in results["scales"]:
        for i, (page, p) in enumerate(scale["pages"].items()):
            tail = ""
            if i == 0:
                tail = (
                    f"   {scale['load_s']:>7.2f}  {scale['start_remembered_s']:>10.2f}"
                    f"  {scale['rss_mb']:>6.0f}  ({scale['engine']})"
                )
            print(
                f"{scale['events']:>11,} {page:<9} {p['rerun_ms_p50']:>8.1f}ms "
                f"{p['rerun_ms_p95']:>6.1f}ms {p['search_rerun_ms_p50']:>9.1f}ms "
                + _browser_cells(p)
                + tail
            )
    print()


def _browser_cells(figures: dict) -> str:
    """Update time and payload, or dashes where the run had no browser (``--no-browser``)."""
    update = figures.get("browser_update_ms_p50")
    payload = figures.get("payload_bytes")
    return (f"{update:>9.1f}ms " if update is not None else f"{'-':>11} ") + (
        f"{payload / 1024:>8.1f}kB" if payload is not None else f"{'-':>10}"
    )


def check_targets(results: dict) -> list[tuple[str, bool, str]]:
    """(target, met, detail) for every target whose scales were measured; a dataset measured
    with ``--dataset`` is held to the targets of ``targets_as`` events."""
    scales = {s.get("targets_as", s["events"]): s for s in results["scales"]}
    base = results["baseline"]
    checks = []
    small = scales.get(1_000)
    for events, (plain_ms, search_ms) in RERUN_MAX_MS.items():
        for page, p in scales.get(events, {}).get("pages", {}).items():
            ms, searched = p["rerun_ms_p50"], p["search_rerun_ms_p50"]
            at = f"at {events:,}"
            checks.append((f"rerun p50 {at} <= {plain_ms} ms: {page}", ms <= plain_ms, f"{ms} ms"))
            checks.append(
                (
                    f"search rerun p50 {at} <= {search_ms} ms: {page}",
                    searched <= search_ms,
                    f"{searched} ms",
                )
            )
            if events == 10_000_000 and small and page in small["pages"]:
                ref = small["pages"][page]["rerun_ms_p50"]
                checks.append(
                    (
                        f"rerun p50 {at} <= {RERUN_MAX_GROWTH}x 1k: {page}",
                        ms <= RERUN_MAX_GROWTH * ref,
                        f"{ms} ms vs {ref} ms ({ms / ref:.1f}x)",
                    )
                )
    for events, scale in scales.items():
        for page, p in scale["pages"].items():
            size = p.get("payload_bytes")
            if size is not None and events >= 1_000_000:
                checks.append(
                    (
                        f"payload at {events:,} <= {PAYLOAD_MAX_BYTES / MB:.1f} MB: {page}",
                        size <= PAYLOAD_MAX_BYTES,
                        f"{size / MB:.2f} MB",
                    )
                )
    for events, factor in UPDATE_MAX_FACTOR.items():
        for page, p in scales.get(events, {}).get("pages", {}).items():
            if "browser_update_ms_p50" not in p:
                continue
            ms, ref = p["browser_update_ms_p50"], base["browser_update_ms_p50"]
            checks.append(
                (
                    f"update p50 at {events:,} <= {factor}x baseline: {page}",
                    ms <= factor * ref,
                    f"{ms} ms vs {ref} ms ({ms / ref:.1f}x)",
                )
            )
    for events, limit in RSS_MAX_MB.items():
        if events in scales:
            rss = scales[events]["rss_mb"]
            checks.append((f"peak rss at {events:,} <= {limit} MB", rss <= limit, f"{rss} MB"))
    for events, limit in START_REMEMBERED_MAX_S.items():
        if events in scales:
            start = scales[events]["start_remembered_s"]
            target = f"remembered start at {events:,} <= {limit} s"
            checks.append((target, start <= limit, f"{start} s"))
    for events, limit in FIRST_CHECK_MAX_S.items():
        if events in scales:
            first = scales[events]["load_s"]
            checks.append((f"first start at {events:,} <= {limit} s", first <= limit, f"{first} s"))
    return checks


def print_targets(checks: list[tuple[str, bool, str]]) -> None:
    print("Targets")
    for target, met, detail in checks:
        print(f"  [{'met' if met else 'MISSED':>6}] {target:<45} {detail}")
    missed = sum(not met for _, met, _ in checks)
    print(f"{len(checks) - missed} of {len(checks)} targets met.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="events, comma list")
    parser.add_argument("--pages", default=",".join(PAGES), help="page paths, comma list")
    parser.add_argument("--quick", action="store_true", help="3 reruns and 2 updates per page")
    parser.add_argument("--huge", action="store_true", help=f"only {HUGE:,} events")
    parser.add_argument("--engine", default=None, help="duckdb (default) or pyspark")
    parser.add_argument("--no-browser", action="store_true", help="server-side figures only")
    parser.add_argument(
        "--dataset", type=Path, default=None, help="measure this dataset directory instead"
    )
    parser.add_argument("--out", type=Path, default=None, help="default .bench/results.json")
    args = parser.parse_args(argv)
    scales = [HUGE] if args.huge else [int(s) for s in args.scales.split(",") if s]
    if args.engine:
        os.environ["DASHBOARD_ENGINE"] = args.engine  # children and servers inherit it
    name = "results" if not (args.huge or args.engine) else f"results-{args.engine or 'huge'}"
    name = f"results-{args.dataset.parent.name}" if args.dataset else name
    out = args.out or BENCH / f"{name}.json"
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {sorted(unknown)}; choose from {', '.join(PAGES)}")
    runs, updates = (3, 2) if args.quick else (7, 6)

    BENCH.mkdir(exist_ok=True)
    started = time.monotonic()
    results: dict = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    payloads: dict = {}
    with sync_playwright() as playwright:
        browser = None if args.no_browser else harness.launch(playwright)
        results["baseline"], payloads["baseline"] = measure_baseline(browser, runs, updates)
        results["scales"] = []
        for events in scales if not args.dataset else [_event_count(args.dataset)]:
            scale, payloads[str(events)] = measure_scale(
                browser, events, pages, runs, updates, args.dataset
            )
            if args.dataset:  # the GDELT import of 10,000,000 rows: the 10,000,000-event targets
                scale["targets_as"] = DATASET_TARGETS
            results["scales"].append(scale)
        if browser:
            browser.close()

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    (out.parent / f"payloads-{out.stem}.json").write_text(json.dumps(payloads, indent=2) + "\n")
    print_table(results)
    checks = check_targets(results)
    print_targets(checks)
    print(f"\nwrote {out} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
