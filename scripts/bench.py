"""Speed, payload and memory of every page from 1,000 to 1,000,000 events (``make bench``).

For each scale a synthetic dataset is generated into ``.bench/data-N`` (kept for the next run),
and for each page of the dashboard the benchmark measures:

``load_s``
    reading and validating the dataset plus handing the events to the engine and building its
    daily cube, in a fresh interpreter (``read_s`` and ``engine_s`` are the two parts);
``rerun_ms_p50`` / ``rerun_ms_p95``
    server-side time of one filter change, with ``streamlit.testing.v1.AppTest``: the
    "Policy areas" multiselect alternates between one area and none; the first change after
    switching page warms the caches and is not counted;
``browser_update_ms_p50``
    in headless Chromium, from the key press that changes "Policy areas" in the sidebar to the
    later of: the script finished, the last change drawn in the main area (charts, tables,
    text; not the hidden screen-reader copy the data grid keeps inside its canvas);
``payload_bytes``
    websocket bytes the server sends for one full render of the page (static files excluded);
``rss_mb``
    the server's peak resident memory over the whole scale (kernel high-water mark and 100 ms
    samples of the process with its children).

The minimal page in ``scripts/minimal_app.py`` goes through the same steps and gives the
``baseline``. Results are printed as a table, checked against the targets, and written to
``.bench/results.json``; a payload breakdown by message kind goes to ``.bench/payloads.json``.

    python -m scripts.bench                      # all four scales, ~5 minutes on 2 cores
    python -m scripts.bench --quick              # fewer repetitions
    python -m scripts.bench --scales 1000,10000 --pages compare,map
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts import _measure
from tests.browser import harness

BENCH = harness.ROOT / ".bench"
SCALES = (1_000, 10_000, 100_000, 1_000_000)
PAGES = tuple(_measure.PAGE_FILES)
MB = 1024 * 1024

# Targets: (scale the figure is read at, limit).
RERUN_MAX_MS = 250
RERUN_MAX_GROWTH = 3  # at 1M events, at most this many times the 1,000-event figure
UPDATE_MAX_FACTOR = {10_000: 2, 1_000_000: 3}  # times the baseline's update time
PAYLOAD_MAX_BYTES = 1.5 * MB
RSS_MAX_MB = 600
LOAD_MAX_S = 5


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with 7 values p50 is the 4th and p95 the 7th."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil without floats going astray
    return ordered[int(rank) - 1]


def dataset(events: int) -> Path:
    """``.bench/data-N``, generated on first use."""
    directory = BENCH / f"data-{events}"
    if not (directory / "datapackage.json").exists():
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


def rerun_times(data_dir: Path | None, pages, runs: int) -> dict[str, list[float]]:
    args = ["rerun", str(data_dir) if data_dir else "-", "--runs", str(runs)]
    if data_dir:
        args += ["--pages", ",".join(pages)]
    return _measure.run_child(args, data_dir)


def page_result(reruns: list[float], browser: dict) -> dict:
    return {
        "rerun_ms_p50": round(percentile(reruns, 50), 1),
        "rerun_ms_p95": round(percentile(reruns, 95), 1),
        "browser_update_ms_p50": round(statistics.median(browser["update_ms"]), 1),
        "payload_bytes": browser["payload_bytes"],
    }


def measure_baseline(browser, runs: int, updates: int) -> tuple[dict, dict]:
    print("baseline (scripts/minimal_app.py)", flush=True)
    reruns = rerun_times(None, None, runs)["page"]
    figures = browser_figures(browser, _measure.MINIMAL_APP, None, ["page"], updates)
    page = figures["pages"]["page"]
    result = page_result(reruns, page)
    del result["rerun_ms_p95"]
    return result, page["payload_by_kind"]


def measure_scale(browser, events: int, pages, runs: int, updates: int) -> tuple[dict, dict]:
    print(f"{events:,} events", flush=True)
    data_dir = dataset(events)
    load = _measure.run_child(["load", str(data_dir)], None)
    print(f"  load {load['read_s']:.2f} s + engine {load['engine_s']:.2f} s", flush=True)
    start = time.monotonic()
    reruns = rerun_times(data_dir, pages, runs)
    print(f"  reruns done in {time.monotonic() - start:.0f} s", flush=True)
    figures = browser_figures(browser, _measure.APP, data_dir, pages, updates)
    result = {
        "events": events,
        "engine": load["engine"],
        "load_s": round(load["read_s"] + load["engine_s"], 2),
        "read_s": round(load["read_s"], 2),
        "engine_s": round(load["engine_s"], 2),
        "rss_mb": round(figures["rss_mb"], 1),
        "pages": {p: page_result(reruns[p], figures["pages"][p]) for p in pages},
    }
    payloads = {p: figures["pages"][p]["payload_by_kind"] for p in pages}
    return result, payloads


# --- report ---------------------------------------------------------------------------------


def print_table(results: dict) -> None:
    base = results["baseline"]
    print()
    header = f"{'events':>9} {'page':<9} {'rerun p50':>10} {'p95':>8} {'update p50':>11}"
    print(f"{header} {'payload':>10}   load_s  (read+engine)  rss_mb")
    print(
        f"{'baseline':>9} {'minimal':<9} {base['rerun_ms_p50']:>8.1f}ms {'':>8} "
        f"{base['browser_update_ms_p50']:>9.1f}ms {base['payload_bytes'] / 1024:>8.1f}kB"
    )
    for scale in results["scales"]:
        for i, (page, p) in enumerate(scale["pages"].items()):
            tail = ""
            if i == 0:
                tail = (
                    f"   {scale['load_s']:>6.2f}  ({scale['read_s']:.2f}+{scale['engine_s']:.2f})"
                    f"  {scale['rss_mb']:>6.0f}"
                )
            print(
                f"{scale['events']:>9,} {page:<9} {p['rerun_ms_p50']:>8.1f}ms "
                f"{p['rerun_ms_p95']:>6.1f}ms {p['browser_update_ms_p50']:>9.1f}ms "
                f"{p['payload_bytes'] / 1024:>8.1f}kB{tail}"
            )
    print()


def check_targets(results: dict) -> list[tuple[str, bool, str]]:
    """(target, met, detail) for every target whose scales were measured."""
    scales = {s["events"]: s for s in results["scales"]}
    base = results["baseline"]
    checks = []
    small, large = scales.get(1_000), scales.get(1_000_000)
    if large:
        for page, p in large["pages"].items():
            ms = p["rerun_ms_p50"]
            checks.append(
                (f"rerun p50 at 1M <= {RERUN_MAX_MS} ms: {page}", ms <= RERUN_MAX_MS, f"{ms} ms")
            )
            if small and page in small["pages"]:
                ref = small["pages"][page]["rerun_ms_p50"]
                checks.append(
                    (
                        f"rerun p50 at 1M <= {RERUN_MAX_GROWTH}x 1k: {page}",
                        ms <= RERUN_MAX_GROWTH * ref,
                        f"{ms} ms vs {ref} ms ({ms / ref:.1f}x)",
                    )
                )
        for page, p in large["pages"].items():
            size = p["payload_bytes"]
            checks.append(
                (
                    f"payload at 1M <= {PAYLOAD_MAX_BYTES / MB:.1f} MB: {page}",
                    size <= PAYLOAD_MAX_BYTES,
                    f"{size / MB:.2f} MB",
                )
            )
    for events, factor in UPDATE_MAX_FACTOR.items():
        for page, p in scales.get(events, {}).get("pages", {}).items():
            ms, ref = p["browser_update_ms_p50"], base["browser_update_ms_p50"]
            checks.append(
                (
                    f"update p50 at {events:,} <= {factor}x baseline: {page}",
                    ms <= factor * ref,
                    f"{ms} ms vs {ref} ms ({ms / ref:.1f}x)",
                )
            )
    for events, scale in scales.items():
        rss, load = scale["rss_mb"], scale["load_s"]
        checks.append((f"rss <= {RSS_MAX_MB} MB at {events:,}", rss <= RSS_MAX_MB, f"{rss} MB"))
        checks.append((f"load <= {LOAD_MAX_S} s at {events:,}", load <= LOAD_MAX_S, f"{load} s"))
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
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s]
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
        browser = harness.launch(playwright)
        results["baseline"], payloads["baseline"] = measure_baseline(browser, runs, updates)
        results["scales"] = []
        for events in scales:
            scale, payloads[str(events)] = measure_scale(browser, events, pages, runs, updates)
            results["scales"].append(scale)
        browser.close()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    (args.out.parent / "payloads.json").write_text(json.dumps(payloads, indent=2) + "\n")
    print_table(results)
    checks = check_targets(results)
    print_targets(checks)
    print(f"\nwrote {args.out} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
