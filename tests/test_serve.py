"""The nginx configuration that ``make serve`` renders: accepted by nginx, one shape for any N."""

from __future__ import annotations

import re
import subprocess

import pytest

from scripts.serve import Replica, render
from tests.proxy_setup import ensure_nginx


def replicas(count: int, tmp_path) -> list[Replica]:
    return [Replica(f"r{k}", 9100 + k, tmp_path / f"r{k}.log") for k in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 3])
def test_nginx_accepts_the_rendered_config(count, tmp_path):
    (tmp_path / "tmp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(render(replicas(count, tmp_path), "127.0.0.1:9100", tmp_path))
    nginx = str(ensure_nginx())
    command = [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
    command += ["-c", str(config)]
    checked = subprocess.run(command, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_each_replica_falls_back_on_every_other_one(tmp_path):
    config = render(replicas(3, tmp_path), "9100", tmp_path)
    for name, port in (("r1", 9101), ("r2", 9102), ("r3", 9103)):
        block = re.search(rf"upstream {name} \{{(.*?)\}}", config, re.S).group(1)
        primary = re.findall(r"server 127\.0\.0\.1:(\d+) max_fails", block)
        backups = re.findall(r"server 127\.0\.0\.1:(\d+) backup", block)
        assert primary == [str(port)]
        assert sorted(backups) == sorted({"9101", "9102", "9103"} - {str(port)})
        assert f'"~(^|\\s)127\\.0\\.0\\.1:{port}$" {name};' in config  # names who answered
