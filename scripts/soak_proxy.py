"""Browser sessions through nginx and several replicas: a soak with a replica down, and throughput.

    python -m scripts.soak_proxy soak --sessions 60 --seconds 120 --replicas 3
    python -m scripts.soak_proxy throughput --sessions 12 --seconds 40 --replicas 1,2,3

``soak`` (``make soak-proxy``): every session opens the Data page with its own filters, then
alternates between moving to the next page through the sidebar and switching the side filter,
reading for ``THINK_S`` between actions. After each one it checks that the URL holds its
current filters, that no exception is shown and, on the Data page, that the rows counted equal
what its filters select. At 40% of the run one replica is killed (SIGKILL), at 65% it is
started again. Reported: sessions, actions, errors, lost views (a session not ending on its own
last filters), actions retried (a click sent to the replica in the instant it died, which the
rebuilt session cannot know), p50 / p95 action latency before, during and after the kill, and
each replica's memory.

``throughput`` (``make bench-proxy``): the same sessions only switch the side filter on the
Overview page, back to back, for ``--seconds``, at each replica count; reported are completed
changes per second and their p50 / p95. The browsers run on the same machine as the replicas.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import psutil
import websockets
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dashboard.data import load_dataset
from dashboard.engine import EngineConfig, Store
from scripts import serve
from scripts.soak import (
    ROUTE,
    ROWS_MATCH,
    SESSION_TTL_S,
    TIMEOUT_MS,
    TITLES,
    expected_rows,
    session_queries,
)
from tests.browser import harness

PAGES_PER_BROWSER = 15  # sessions share Chromium processes: 60 sessions in 4 browsers
STAGGER_S = 0.25
OPENING_AT_ONCE = 6  # first loads are the heaviest (all of Streamlit's bundles): a few at a time
THINK_S = 30  # a soak reader reads a while between actions (60 of them offer 2 actions a second)
KILL_AT, RESTART_AT = 0.40, 0.65  # shares of the run
KILLED = "r2"
POLL_MS = 100  # Playwright's default polls on every animation frame: 60 pages would spin
RETRY_AFTER_MS = 30_000  # an action that has not taken by then was lost with its replica
FILTER_KEYS = ("areas", "side", "period")
SIDE_LABELS = {"US": "United States", "RU": "Russia", "": "Both"}


@dataclass
class Results:
    """Shared by the sessions of one run: every action's start and duration, and what failed."""

    started: float | None = None  # set once every session is open: opening is not timed
    actions: list[tuple[float, float]] = field(default_factory=list)  # (s from start, ms)
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    retried: int = 0
    cores: dict[str, float] = field(default_factory=dict)  # kept busy while sessions acted

    def record(self, start: float, ms: float) -> None:
        if self.started is not None:
            self.actions.append((start - self.started, ms))


async def _until(page, condition: str, timeout_ms: float) -> None:
    await page.wait_for_function(condition, timeout=timeout_ms, polling=POLL_MS)


async def _idle(page) -> None:
    """The script has stopped and stays stopped 200 ms later (a rerun may follow a run)."""
    idle = f"document.querySelector('{harness.IDLE}') !== null"
    await _until(page, idle, TIMEOUT_MS)
    await page.wait_for_timeout(200)
    await _until(page, idle, TIMEOUT_MS)


def _query(base: dict, side: str) -> str:
    return urlencode({**base, **({"side": side} if side else {})}, doseq=True)


def _sides(own: str) -> tuple[str, str]:
    """The two sides a session switches between: its own and the other state."""
    return (own, "") if own else ("", "US")


class Session:
    """One reader: a page in a browser context, its filters and what it expects to see."""

    def __init__(self, page, url: str, query: str, expected: dict[str, int], results: Results):
        parsed = parse_qs(query)
        self.page, self.url, self.results, self.expected = page, url, results, expected
        self.base = {k: v for k, v in parsed.items() if k != "side"}
        self.sides = _sides(parsed.get("side", [""])[0])
        self.side = self.sides[0]
        self.path = "data"
        self.websockets = 0  # a new one after a click: the replica died under it
        page.on("websocket", lambda _: setattr(self, "websockets", self.websockets + 1))

    @property
    def query(self) -> str:
        return _query(self.base, self.side)

    async def open(self) -> None:
        await self.page.goto(
            f"{self.url}/data?{self.query}", wait_until="commit", timeout=TIMEOUT_MS
        )
        await _idle(self.page)

    async def move(self, path: str) -> None:
        """To ``path`` through its sidebar link, as a reader does."""
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        link = sidebar.get_by_role("link", name=TITLES[path], exact=True)
        target = f"/{harness.url_path(path)}"
        self.path = path  # what the reader asked for, whether or not it arrives
        await self._act(link.click, f"location.pathname === '{target}'")

    async def switch_side(self) -> None:
        side = self.sides[1] if self.side == self.sides[0] else self.sides[0]
        radio = self.page.locator('[data-testid="stSidebar"]').get_by_text(
            SIDE_LABELS[side], exact=True
        )
        wanted = f"'{side}'" if side else "null"
        self.side = side
        await self._act(
            radio.click, f"new URLSearchParams(location.search).get('side') === {wanted}"
        )

    async def _act(self, click, taken: str) -> None:
        start = time.monotonic()
        websockets = self.websockets
        await click(timeout=TIMEOUT_MS)
        try:
            await _until(self.page, taken, RETRY_AFTER_MS)
        except PlaywrightTimeout:
            if self.websockets == websockets:  # only slow: wait on
                await _until(self.page, taken, TIMEOUT_MS)
            else:  # lost with the replica that died under it: the reader clicks again
                self.results.retried += 1
                await click(timeout=TIMEOUT_MS)
                await _until(self.page, taken, TIMEOUT_MS)
        await _idle(self.page)
        self.results.record(start, (time.monotonic() - start) * 1000)

    async def problems(self) -> list[str]:
        """What differs from this session's own view: URL filters, exceptions, Data rows."""
        label = f"{self.query} /{self.path}"
        found = []
        if await self.page.locator('[data-testid="stException"]').count():
            found.append(f"{label}: exception box")
        params = parse_qs(urlparse(self.page.url).query)
        shown = {k: v for k, v in params.items() if k in FILTER_KEYS}
        if shown != parse_qs(self.query):
            found.append(f"{label}: URL filters are {shown}")
        if self.path == "data":
            text = await self.page.locator('[data-testid="stMain"]').inner_text()
            match = ROWS_MATCH.search(text)
            expected = self.expected[self.query]
            if not match or int(match.group(1).replace(",", "")) != expected:
                found.append(f"{label}: expected {expected} rows, saw {match and match.group(0)}")
        return found


async def _open(browser, url, query, expected, results, outside, gate, moves) -> Session | None:
    """A new reader on its first page (the Overview when it only changes filters)."""
    async with gate:
        context = await browser.new_context(viewport={"width": 1200, "height": 900})
        await context.route("**/*", outside.route_async)
        session = Session(await context.new_page(), url, query, expected, results)
        try:
            await session.open()
            if not moves:
                await session.move("overview")
                await session.switch_side()  # warms this page's caches on its replica
            return session
        except Exception as exc:  # a session must report, never take the others down
            results.errors.append(f"{query}: opening: {type(exc).__name__}: {str(exc)[:300]}")
            results.lost.append(f"{query}: did not open")
            await context.close()
            return None


async def _act(session: Session, deadline: float, moves: bool, delay: float) -> None:
    results = session.results
    try:
        await asyncio.sleep(delay)
        step = 0
        while time.monotonic() < deadline:
            if moves and step % 2 == 0:
                await session.move(ROUTE[(step // 2) % len(ROUTE)])
            else:
                await session.switch_side()
            results.errors += await session.problems()
            step += 1
            if moves:
                await asyncio.sleep(THINK_S)
    except Exception as exc:  # a session must report, never take the others down
        results.errors.append(f"{session.query}: {type(exc).__name__}: {str(exc)[:300]}")
    try:  # however its last action went, the view it ends on must be its own
        await _idle(session.page)
        results.lost += await session.problems()
    except Exception as exc:
        results.lost.append(f"{session.query}: never settled: {type(exc).__name__}")
    finally:
        await session.page.context.close()


def _expected(queries: list[str]) -> dict[str, int]:
    """Rows the Data page must count for every query a session can be in (engine answers)."""
    dataset = load_dataset(harness.ROOT / "data")
    store = Store.for_dataset(EngineConfig(), dataset, harness.ROOT / "data", "soak-proxy")
    counts = {}
    for query in queries:
        parsed = parse_qs(query)
        base = {k: v for k, v in parsed.items() if k != "side"}
        for side in _sides(parsed.get("side", [""])[0]):
            counts[_query(base, side)] = expected_rows(_query(base, side), dataset, store)
    store.close()
    return counts


async def _readers(running, queries, seconds, results, moves, during=None) -> None:
    """Open every session, then start the clock (and ``during``) and let them act."""
    expected = _expected(queries)
    outside = harness.OutsideRequests()
    async with async_playwright() as playwright:
        browsers = [
            await playwright.chromium.launch(
                executable_path=str(harness.CHROMIUM), headless=True, args=harness.CHROMIUM_ARGS
            )
            for _ in range(-(-len(queries) // PAGES_PER_BROWSER))
        ]
        gate = asyncio.Semaphore(OPENING_AT_ONCE)
        opened = await asyncio.gather(
            *(
                _open(
                    browsers[i % len(browsers)],
                    running.url,
                    query,
                    expected,
                    results,
                    outside,
                    gate,
                    moves,
                )
                for i, query in enumerate(queries)
            )
        )
        results.started = time.monotonic()
        cpu_before = _cpu_seconds(running)
        task = asyncio.create_task(during()) if during else None
        deadline = results.started + seconds
        sessions = [s for s in opened if s is not None]
        # Spread the first actions over one think time (or a short stagger), not all at once.
        spread = THINK_S / max(1, len(sessions)) if moves else STAGGER_S
        await asyncio.gather(
            *(_act(s, deadline, moves, i * spread) for i, s in enumerate(sessions))
        )
        acted_s = time.monotonic() - results.started
        results.cores = _cores(cpu_before, _cpu_seconds(running), acted_s)
        if task:
            await task
        for browser in browsers:
            await browser.close()
    results.errors += [f"request left localhost: {url}" for url in outside.urls]


def _cpu_seconds(running) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each process of the replicas, nginx and this run's browsers,
    and by the whole machine (pid 0)."""

    def used(processes) -> dict[int, float]:
        found = {}
        for process in processes:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                found[process.pid] = times.user + times.system
        return found

    def family(pid: int) -> list:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            return [process, *process.children(recursive=True)]
        return []

    replicas = [p for r in running.replicas if r.alive() for p in family(r.pid)]
    ours = psutil.Process().children(recursive=True)
    machine = psutil.cpu_times()
    return {
        "replicas": used(replicas),
        "nginx": used(family(running.nginx.pid)),
        "browsers": used(p for p in ours if "chrom" in p.name()),
        "machine": {0: machine.user + machine.system + machine.nice + machine.softirq},
    }


def _cores(before: dict, after: dict, seconds: float) -> dict[str, float]:
    """Cores each group kept busy between two ``_cpu_seconds`` (processes that ended between
    them are not counted)."""
    return {
        group: round(
            sum(used - before[group].get(pid, 0.0) for pid, used in after[group].items()) / seconds,
            2,
        )
        for group in after
    }


def _percentiles(ms: list[float]) -> dict:
    if len(ms) < 2:
        return {"actions": len(ms), "p50_ms": None, "p95_ms": None}
    cuts = statistics.quantiles(ms, n=20)
    return {"actions": len(ms), "p50_ms": round(statistics.median(ms)), "p95_ms": round(cuts[18])}


@contextlib.contextmanager
def _cluster(replicas: int):
    ports = [harness.free_port() for _ in range(replicas + 1)]
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)}
    with (
        tempfile.TemporaryDirectory(prefix="soak-proxy-") as run_dir,
        serve.cluster(replicas, ports[0], Path(run_dir), env, ports[1:]) as running,
    ):
        yield running


async def _memory(running, peaks: dict[str, float]) -> None:
    while True:
        for replica in running.replicas:
            peaks[replica.name] = max(peaks.get(replica.name, 0.0), replica.rss_mb())
        await asyncio.sleep(0.5)


async def _kill_and_restart(running, kill_at: float, restart_at: float, marks: dict) -> None:
    replica = running.replica(KILLED)
    await asyncio.sleep(kill_at)
    marks["rss_at_kill_mb"] = round(replica.rss_mb())
    replica.kill()
    marks["killed_s"] = time.monotonic()
    await asyncio.sleep(restart_at - kill_at)
    replica.start()
    marks["restarted_s"] = time.monotonic()
    await asyncio.to_thread(replica.wait_healthy)
    marks["healthy_s"] = time.monotonic()


def run_soak(sessions: int, seconds: float, replicas: int) -> dict:
    queries = _queries(sessions)
    results = Results()
    peaks: dict[str, float] = {}
    marks: dict = {}

    async def main(running) -> None:
        sampler = asyncio.create_task(_memory(running, peaks))
        await _readers(
            running,
            queries,
            seconds,
            results,
            moves=True,
            during=lambda: _kill_and_restart(
                running, KILL_AT * seconds, RESTART_AT * seconds, marks
            ),
        )
        sampler.cancel()

    with _cluster(replicas) as running:
        asyncio.run(main(running))
        end_mb = {r.name: round(r.rss_mb()) for r in running.replicas}
    killed, restarted = (marks[k] - results.started for k in ("killed_s", "restarted_s"))
    phases = {"before": [], "during": [], "after": []}
    for start, ms in results.actions:
        phase = "before" if start < killed else "during" if start < restarted else "after"
        phases[phase].append(ms)
    return {
        "sessions": sessions,
        "seconds": seconds,
        "replicas": replicas,
        "browsers": -(-sessions // PAGES_PER_BROWSER),
        "actions": len(results.actions),
        "errors": len(results.errors),
        "error_samples": results.errors[:10],
        "lost_views": len(results.lost),
        "lost_samples": results.lost[:10],
        "actions_retried": results.retried,
        "killed": KILLED,
        "killed_at_s": round(killed, 1),
        "restarted_at_s": round(restarted, 1),
        "healthy_after_restart_s": round(marks["healthy_s"] - marks["restarted_s"], 1),
        "latency": {phase: _percentiles(ms) for phase, ms in phases.items()},
        "rss_peak_mb": {name: round(mb) for name, mb in sorted(peaks.items())},
        "rss_end_mb": end_mb,
        "rss_killed_replica_at_kill_mb": marks["rss_at_kill_mb"],
        "cores_busy": results.cores,  # of the machine's 2; the killed replica's is not counted
    }


class SocketSession:
    """A reader without a browser: Streamlit's websocket protocol, spoken through the proxy.

    It asks for the reruns a page asks for when the side radio is switched (the radio's id
    comes from the first run) and reads the "Filters in force" caption of each run, so the
    replicas do all a reader's work while no browser draws the result.
    """

    def __init__(self, url: str, query: str, results: Results) -> None:
        parsed = parse_qs(query)
        self.url, self.query, self.results = url, query, results
        self.sides = _sides(parsed.get("side", [""])[0])
        self.side = self.sides[0]
        self.radio = ""
        self.socket = None

    async def open(self) -> None:
        host = urlparse(self.url).netloc
        self.socket = await websockets.connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], origin=self.url
        )
        await self._run({})

    async def switch_side(self) -> None:
        side = self.sides[1] if self.side == self.sides[0] else self.sides[0]
        start = time.monotonic()
        caption = await self._run({self.radio: SIDE_LABELS[side]})
        self.results.record(start, (time.monotonic() - start) * 1000)
        shown = f"Side: {SIDE_LABELS[side]}" in caption if side else "Side: " not in caption
        if not shown:
            self.results.errors.append(f"{self.query} side {side!r}: caption {caption[:120]}")
        self.side = side

    async def _run(self, widgets: dict[str, str]) -> str:
        """One rerun with these widget values; the run's filter caption once it has finished."""
        message = BackMsg()
        message.rerun_script.query_string = _query(
            {k: v for k, v in parse_qs(self.query).items() if k != "side"}, self.side
        )
        for widget_id, value in widgets.items():
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.string_value = widget_id, value
        await self.socket.send(message.SerializeToString())
        caption = ""
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(self.socket.recv(), TIMEOUT_MS / 1000))
            kind = forward.WhichOneof("type")
            if kind == "script_finished":
                return caption
            if kind != "delta" or forward.delta.WhichOneof("type") != "new_element":
                continue
            element = forward.delta.new_element
            if element.WhichOneof("type") == "radio" and element.radio.label == "Side":
                self.radio = element.radio.id
            elif element.WhichOneof("type") == "markdown" and element.markdown.body.startswith(
                "Filters in force"
            ):
                caption = element.markdown.body


async def _sockets(running, queries, seconds, results) -> None:
    sessions = [SocketSession(running.url, query, results) for query in queries]
    await asyncio.gather(*(s.open() for s in sessions))
    await asyncio.gather(*(s.switch_side() for s in sessions))  # warms every replica's caches
    results.started = time.monotonic()
    cpu_before = _cpu_seconds(running)
    deadline = results.started + seconds

    async def act(session: SocketSession) -> None:
        while time.monotonic() < deadline:
            await session.switch_side()

    await asyncio.gather(*(act(s) for s in sessions))
    acted_s = time.monotonic() - results.started
    results.cores = _cores(cpu_before, _cpu_seconds(running), acted_s)
    for session in sessions:
        await session.socket.close()


def run_throughput(sessions: int, seconds: float, counts: list[int], clients: list[str]):
    queries = _queries(sessions)
    rows = []
    for client, replicas in ((c, n) for c in clients for n in counts):
        results = Results()
        with _cluster(replicas) as running:
            if client == "browser":
                asyncio.run(_readers(running, queries, seconds, results, moves=False))
            else:
                asyncio.run(_sockets(running, queries, seconds, results))
        # Changes that started after every session was open and ended within the window.
        timed = [ms for start, ms in results.actions if start + ms / 1000 <= seconds]
        rows.append(
            {
                "clients": client,
                "replicas": replicas,
                "sessions": sessions,
                "changes_per_s": round(len(timed) / seconds, 2),
                **_percentiles(timed),
                "cores_busy": results.cores,  # of the machine's 2
                "errors": len(results.errors),
                "error_samples": results.errors[:5],
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _queries(sessions: int) -> list[str]:
    """``sessions`` filter combinations; past the number of different ones, they repeat."""
    areas = list(load_dataset(harness.ROOT / "data").areas["area_id"])
    different = session_queries(sessions, areas)
    return [different[i % len(different)] for i in range(sessions)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    soak = commands.add_parser("soak")
    soak.add_argument("--sessions", type=int, default=60)
    soak.add_argument("--seconds", type=float, default=120)
    soak.add_argument("--replicas", type=int, default=3)
    throughput = commands.add_parser("throughput")
    throughput.add_argument("--sessions", type=int, default=12)
    throughput.add_argument("--seconds", type=float, default=40)
    throughput.add_argument("--replicas", default="1,2,3")
    throughput.add_argument("--clients", default="browser,websocket")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the replicas and nginx too
    harness.ensure_all()
    if args.command == "soak":
        report = run_soak(args.sessions, args.seconds, args.replicas)
        print(json.dumps(report, indent=2))
        if report["errors"] or report["lost_views"]:
            raise SystemExit(1)
    else:
        counts = [int(n) for n in args.replicas.split(",")]
        rows = run_throughput(args.sessions, args.seconds, counts, args.clients.split(","))
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
