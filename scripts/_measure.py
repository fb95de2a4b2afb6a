"""The benchmark's measurements, one function per figure; ``scripts.bench`` drives them.

Two of them run in a fresh interpreter so that nothing is cached or already imported:

    python -m scripts._measure load DIR      -> JSON {"read_s", "engine_s", "engine", "rss_mb"}
    python -m scripts._measure rerun DIR|- --runs 7 [--pages compare,map] [--profile OUT_DIR]
                                    [--search WORD]      -> JSON {page: [ms, ...]}

``rerun`` drives the app with ``streamlit.testing.v1.AppTest`` (no browser, no websocket): per
page it switches to the page, makes one untimed filter change to warm the caches, then times
``--runs`` further changes of the "Policy areas" multiselect, alternating between two values.
``-`` instead of a directory times the minimal baseline page. ``--profile`` writes a cProfile
of the timed runs of each page to ``OUT_DIR/<page>.prof``.

The browser measurements (update time, websocket payload) and the memory sampler run in the
benchmark's own process; they are here too so that ``bench.py`` stays an orchestration script.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

from dashboard import registry
from tests.browser import harness

ROOT = harness.ROOT
APP = ROOT / "dashboard" / "app.py"
MINIMAL_APP = ROOT / "scripts" / "minimal_app.py"
# URL path -> page file under dashboard/views/.
PAGE_FILES = {path: f"{file}.py" for file, path, _ in registry.PAGES}
# The two filter values a rerun alternates between: one area selected, then none (= all areas).
# The browser does the same: it types the area's name into the multiselect, then removes it.
AREA_VALUES = (["ukraine"], [])
AREA_LABEL = "Ukraine"
RUN_TIMEOUT_S = 300  # one AppTest run
UPDATE_TIMEOUT_MS = 120_000  # one filter change in the browser
MB = 1024 * 1024


# --- in a fresh interpreter -----------------------------------------------------------------


def measure_load(directory: Path) -> dict[str, float]:
    """Seconds to read and validate the dataset, then to hand its events to the configured
    engine (``DASHBOARD_ENGINE``) and build the daily cube."""
    from dashboard import engine
    from dashboard.config import config_from_env
    from dashboard.data import load_dataset

    start = time.perf_counter()
    dataset = load_dataset(directory)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    config = config_from_env()
    store = engine.Store.for_dataset(config, dataset, directory, "bench")
    engine_s = time.perf_counter() - start
    store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return {"read_s": read_s, "engine_s": engine_s, "engine": config.engine, "rss_mb": peak_mb}


class _ThreadProfiler:
    """cProfile of the AppTest script thread, switched on only around the timed runs.

    AppTest runs the script in a thread of its own, which ``cProfile`` in the calling thread
    would not see; the runner's thread body is wrapped instead.
    """

    def __init__(self) -> None:
        from streamlit.testing.v1.local_script_runner import LocalScriptRunner

        self.profile: cProfile.Profile | None = None
        original = LocalScriptRunner._run_script_thread
        profiler = self

        def run_script_thread(runner) -> None:
            active = profiler.profile
            if active is None:
                original(runner)
                return
            active.enable()
            try:
                original(runner)
            finally:
                active.disable()

        LocalScriptRunner._run_script_thread = run_script_thread


def measure_reruns(
    script: Path,
    pages: list[str] | None,
    runs: int,
    profile_dir: Path | None,
    search: str = "",
) -> dict[str, list[float]]:
    """Milliseconds per filter-change rerun of each page (of the only page if ``pages`` is None),
    with ``search`` typed in the sidebar's search box first when given."""
    from streamlit.testing.v1 import AppTest

    profiler = _ThreadProfiler() if profile_dir else None
    app = AppTest.from_file(str(script), default_timeout=RUN_TIMEOUT_S)
    app.run()
    _raise_on_exception(app, "first run")
    results: dict[str, list[float]] = {}
    for page in pages or ["page"]:
        if pages is not None:
            app.switch_page(f"views/{PAGE_FILES[page]}")
            app.run()
            _raise_on_exception(app, page)
        if search:
            app.text_input(key="f_search").set_value(search).run()
            _raise_on_exception(app, f"{page} search")
        areas = app.multiselect(key="f_areas")
        areas.set_value(AREA_VALUES[1]).run()  # warms the caches; not timed
        if profiler:
            profiler.profile = cProfile.Profile()
        times = []
        for run in range(runs):
            areas = app.multiselect(key="f_areas").set_value(AREA_VALUES[run % 2])
            start = time.perf_counter()
            areas.run()
            times.append((time.perf_counter() - start) * 1000)
            _raise_on_exception(app, page)
        if profiler and profile_dir:
            profile_dir.mkdir(parents=True, exist_ok=True)
            profiler.profile.dump_stats(profile_dir / f"{page}.prof")
            profiler.profile = None
        results[page] = times
    return results


def _raise_on_exception(app, where: str) -> None:
    if app.exception:
        raise RuntimeError(f"{where}: {[e.message for e in app.exception]}")


def run_child(args: list[str], data_dir: Path | None) -> dict:
    """Run this module in a fresh interpreter and return the JSON it prints."""
    env = {**os.environ}
    if data_dir is not None:
        env["DASHBOARD_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "scripts._measure", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"_measure {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the server and its memory ----------------------------------------------------------------


def serve(script: Path, data_dir: Path | None):
    """``harness.serve`` for the dashboard or the minimal baseline page."""
    return harness.serve(data_dir, script=script)


class PeakMemory:
    """Peak resident memory of a process and its children, sampled every 100 ms.

    ``peak_mb()`` also reads the kernel's own high-water mark (VmHWM), which catches peaks that
    fall between two samples; call it while the process is still alive.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.sampled = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                family = [self.process, *self.process.children(recursive=True)]
                self.sampled = max(self.sampled, sum(p.memory_info().rss for p in family))
            self._stop.wait(self.interval)

    def peak_mb(self) -> float:
        high_water = 0
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    high_water = int(line.split()[1]) * 1024
        return max(self.sampled, high_water) / MB


# --- in the browser -------------------------------------------------------------------------

# Records, with the page's clock, every script-state change and the last DOM change in the main
# area (charts, tables, text; not the sidebar's dropdown). Survives reruns: the stApp and stMain
# elements stay in place. A very fast run may never show "running", so the end of a run is
# also known from the websocket (Frames.finished).
# Changes inside a <canvas> are not counted: that is fallback content, never drawn. Streamlit's
# data grid keeps a hidden table for screen readers there and refreshes it about 200 ms after
# the grid is drawn; counting it made every page with a table look 150-300 ms slower than what
# the reader sees. The canvas element's own size and style changes still count.
OBSERVE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const bench = window.__bench = {states: [], drawn: 0, since: 0};
  const drawn = m => {
    const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    const canvas = node && node.closest('canvas');
    return !canvas || (canvas === node && m.type === 'attributes');
  };
  new MutationObserver(() => {
    bench.states.push([performance.now(), app.getAttribute('data-test-script-state')]);
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  new MutationObserver(changes => {
    if (changes.some(drawn)) bench.drawn = performance.now();
  }).observe(main, {subtree: true, childList: true, attributes: true, characterData: true});
}"""
START = "() => { window.__bench.states = []; return window.__bench.since = performance.now(); }"
# True once the script is not running and the main area has not changed for 300 ms.
SETTLED = """() => {
  const b = window.__bench, s = b.states;
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const last = Math.max(s.length ? s[s.length - 1][0] : 0, b.drawn);
  return performance.now() - last > 300;
}"""
# Milliseconds from START to the later of: the script stopped, the main area last changed.
ELAPSED = """() => {
  const b = window.__bench, s = b.states;
  const end = Math.max(s.length ? s[s.length - 1][0] : 0, b.drawn);
  return end > b.since ? end - b.since : null;
}"""


class Frames:
    """Sizes of the websocket frames the server sends, by kind of message and element."""

    def __init__(self) -> None:
        self.total = 0
        self.finished = 0  # script_finished messages: one per completed run
        self.finished_at = 0.0  # time.perf_counter() of the last one
        self.by_kind: Counter[str] = Counter()

    def attach(self, page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def reset(self) -> None:
        self.total = 0
        self.by_kind.clear()

    def _received(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        kind = _kind(data)
        self.total += len(data)
        self.by_kind[kind] += len(data)
        if kind == "script_finished":
            self.finished += 1
            self.finished_at = time.perf_counter()


def _kind(data: bytes) -> str:
    """'delta:plotly_chart', 'new_session'… for one ForwardMsg frame."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = ForwardMsg()
    try:
        message.ParseFromString(data)
    except Exception:  # noqa: BLE001 - not every frame has to be a ForwardMsg
        return "other"
    kind = message.WhichOneof("type") or "other"
    if kind == "delta":
        delta = message.delta
        detail = delta.WhichOneof("type")
        if detail == "new_element":
            detail = delta.new_element.WhichOneof("type")
        kind = f"delta:{detail}"
    return kind


def _multiselect_input(page):
    sidebar = page.locator('[data-testid="stSidebar"]')
    return sidebar.get_by_label("Policy areas", exact=True)


def measure_page(browser, server: harness.Server, path: str, updates: int) -> dict:
    """Websocket bytes of one render of ``path`` and update times of ``updates`` filter changes.

    A fresh browser context per page, so nothing is cached client-side. The filter change is
    what a reader does: type an area's name into the sidebar's "Policy areas" multiselect and
    press Enter; the next change removes it again with Backspace.
    """
    outside = harness.OutsideRequests()
    page = harness.new_page(browser, outside)
    frames = Frames()
    frames.attach(page)
    harness.open_page(page, server, path)
    payload, breakdown = frames.total, dict(frames.by_kind.most_common())
    errors = harness.exceptions(page)
    if errors:
        raise RuntimeError(f"/{path}: {errors}")
    page.evaluate(OBSERVE)
    times = []
    for update in range(updates):
        field = _multiselect_input(page)
        field.click()
        if update % 2 == 0:
            field.fill(AREA_LABEL)
            page.get_by_role("option", name=AREA_LABEL, exact=True).wait_for()
            key = "Enter"
        else:
            key = "Backspace"
        runs_before = frames.finished
        page.evaluate(START)
        pressed = time.perf_counter()
        page.keyboard.press(key)
        while frames.finished == runs_before:  # events are only delivered inside playwright calls
            if time.perf_counter() - pressed > UPDATE_TIMEOUT_MS / 1000:
                raise TimeoutError(f"/{path}: no script run after pressing {key}")
            page.wait_for_timeout(20)
        page.wait_for_function(SETTLED, timeout=UPDATE_TIMEOUT_MS, polling=50)
        elapsed = page.evaluate(ELAPSED)
        times.append(elapsed if elapsed is not None else (frames.finished_at - pressed) * 1000)
        page.keyboard.press("Escape")
    page.context.close()
    if outside.urls:
        raise RuntimeError(f"/{path} sent requests off localhost: {outside.urls}")
    return {"payload_bytes": payload, "payload_by_kind": breakdown, "update_ms": times}


# --- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts._measure")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load")
    load.add_argument("directory", type=Path)
    rerun = commands.add_parser("rerun")
    rerun.add_argument("directory", help="dataset directory, or - for the minimal page")
    rerun.add_argument("--runs", type=int, default=7)
    rerun.add_argument("--pages", default=",".join(PAGE_FILES))
    rerun.add_argument("--profile", type=Path, default=None, help="write <page>.prof here")
    rerun.add_argument("--search", default="", help="a text search kept during the reruns")
    args = parser.parse_args(argv)
    if args.command == "load":
        result = measure_load(args.directory)
    elif args.directory == "-":
        result = measure_reruns(MINIMAL_APP, None, args.runs, args.profile)
    else:
        os.environ["DASHBOARD_DATA_DIR"] = str(Path(args.directory).resolve())
        pages = [p for p in args.pages.split(",") if p]
        result = measure_reruns(APP, pages, args.runs, args.profile, args.search)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
