"""Several dashboard replicas behind nginx on one port (``make serve``).

    python -m scripts.serve --replicas 3 --port 8501

Replica ``rK`` listens on ``127.0.0.1:<port + K>``; nginx, configured from
``deploy/nginx.conf.template``, listens on ``<port>`` with sticky sessions by cookie, websocket
proxying and failover, and serves Streamlit's bundles and the app's static files itself.
Everything nginx and the replicas write (rendered config, pid, logs) goes to ``--run-dir``.
Open-source nginx checks health only passively, so this process polls each replica's
``/_stcore/health`` and restarts one that has died or stopped answering.

The browser test and the load run (``scripts.soak_proxy``) start the same cluster with
``cluster()`` and kill replicas themselves.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import psutil
import streamlit

from tests.proxy_setup import MIME_TYPES, NGINX, ensure_nginx

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
STREAMLIT_STATIC = Path(streamlit.__file__).parent / "static"
APP_STATIC = ROOT / "dashboard" / "static"
COOKIE = "dashboard_replica"
HOST = "127.0.0.1"
FAIL_TIMEOUT = "10s"  # nginx leaves a failed replica alone this long before trying it again
START_TIMEOUT_S = 90
POLL_S = 2.0
MISSED_CHECKS = 3  # consecutive failed health checks before the watchdog restarts a replica


@dataclass
class Replica:
    """One ``streamlit run dashboard/app.py`` on a fixed local port."""

    name: str
    port: int
    log: Path
    env: dict = field(default_factory=dict, repr=False)
    process: subprocess.Popen | None = field(default=None, repr=False)
    host: str = HOST

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.address",
            self.host,
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def healthy(self) -> bool:
        url = f"http://{self.host}:{self.port}/_stcore/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
        return False

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            if self.healthy():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not become healthy in {timeout:.0f} s")

    def kill(self) -> None:
        """Die as a crashed or OOM-killed process does: no goodbye to its websockets."""
        if self.alive():
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def rss_mb(self) -> float:
        if not self.alive():
            return 0.0
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(self.pid)
            family = [process, *process.children(recursive=True)]
            return sum(p.memory_info().rss for p in family) / 2**20
        return 0.0


@dataclass
class Cluster:
    port: int
    replicas: list[Replica]
    run_dir: Path
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def replica(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)


def render(replicas: list[Replica], listen: str, run_dir: Path) -> str:
    """The nginx configuration for these replicas, from the template."""
    template = jinja2.Template(
        TEMPLATE.read_text(), trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
    )
    return template.render(
        replicas=replicas,
        listen=listen,
        run_dir=run_dir,
        cookie=COOKIE,
        fail_timeout=FAIL_TIMEOUT,
        mime_types=MIME_TYPES,
        streamlit_static=STREAMLIT_STATIC,
        app_static=APP_STATIC,
        # The "user" directive only means something when the master runs as root; then the
        # workers stay root too, so that they can write the run directory made by this user.
        user=getpass.getuser() if os.geteuid() == 0 else None,
    )


def _start_nginx(cluster: Cluster) -> subprocess.Popen:
    ensure_nginx()
    config = cluster.run_dir / "nginx.conf"
    command = [str(NGINX), "-p", str(cluster.run_dir), "-e", str(cluster.run_dir / "error.log")]
    command += ["-c", str(config)]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx rejected {config}: {checked.stderr}")
    log = (cluster.run_dir / "nginx.out").open("ab")
    process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=log, stderr=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(cluster.run_dir / 'error.log').read_text()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{cluster.url}/_stcore/health"):
            return process
        time.sleep(0.2)
    raise RuntimeError("nginx did not answer in time")


def prepare(
    replicas: int,
    port: int,
    run_dir: Path,
    extra_env: dict | None = None,
    replica_ports: list[int] | None = None,
) -> Cluster:
    """The cluster's replicas (not started) and its nginx.conf written into ``run_dir``.

    Replica ``rK`` listens on ``replica_ports[K - 1]``, by default ``port + K``.
    """
    run_dir = run_dir.resolve()
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(extra_env or {})}
    ports = replica_ports or [port + k for k in range(1, replicas + 1)]
    running = Cluster(
        port,
        [
            Replica(f"r{k}", port_k, run_dir / f"r{k}.log", env)
            for k, port_k in enumerate(ports[:replicas], start=1)
        ],
        run_dir,
    )
    (run_dir / "nginx.conf").write_text(render(running.replicas, str(port), run_dir))
    return running


@contextlib.contextmanager
def cluster(
    replicas: int,
    port: int,
    run_dir: Path,
    extra_env: dict | None = None,
    replica_ports: list[int] | None = None,
) -> Iterator[Cluster]:
    """Start ``prepare``'s replicas and nginx in front of them; stop them all at the end."""
    running = prepare(replicas, port, run_dir, extra_env, replica_ports)
    try:
        for replica in running.replicas:
            replica.start()
        for replica in running.replicas:
            replica.wait_healthy()
        running.nginx = _start_nginx(running)
        yield running
    finally:
        if running.nginx is not None and running.nginx.poll() is None:
            running.nginx.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                running.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                running.nginx.kill()
        for replica in running.replicas:
            replica.stop()


def watch(running: Cluster) -> None:
    """Restart a replica that has exited or missed ``MISSED_CHECKS`` health checks in a row."""
    missed = dict.fromkeys((r.name for r in running.replicas), 0)
    while running.nginx.poll() is None:
        for replica in running.replicas:
            answered = replica.alive() and replica.healthy()
            missed[replica.name] = 0 if answered else missed[replica.name] + 1
            if missed[replica.name] >= MISSED_CHECKS or not replica.alive():
                print(f"{replica.name} is down; restarting it", flush=True)
                replica.stop()
                replica.start()
                with contextlib.suppress(RuntimeError):
                    replica.wait_healthy()
                missed[replica.name] = 0
        time.sleep(POLL_S)
    raise SystemExit(f"nginx exited; see {running.run_dir / 'error.log'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--run-dir", type=Path, default=ROOT / ".serve")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="write <run-dir>/nginx.conf for replicas on <port>+1… and exit (for systemd)",
    )
    args = parser.parse_args()
    if args.render_only:
        prepare(args.replicas, args.port, args.run_dir)
        return
    # Stopped by a service manager (SIGTERM): stop nginx and the replicas on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with cluster(args.replicas, args.port, args.run_dir) as running:
        ports = ", ".join(f"{r.name} :{r.port}" for r in running.replicas)
        print(f"dashboard at {running.url} (nginx) in front of {ports}", flush=True)
        print(f"config, logs and pids in {running.run_dir}; Ctrl-C stops all", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            watch(running)


if __name__ == "__main__":
    main()
