"""Every broken dataset in tests/broken/ fails `python -m dashboard check` with the right message.

Each case directory holds ``expected.txt``: one ``file:row:column: key phrase`` line per error the
check must print, and no other errors. Rebuild the corpus with ``tests/broken/build.py``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dashboard.data import DatasetError, load_dataset

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "broken"
BASE = BROKEN / "_base"
VALID_BOM = BROKEN / "_valid_bom"
CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
HUGE_CELL = 5_000_000


def run_check(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "check", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def expected_lines(directory: Path) -> list[str]:
    return (directory / "expected.txt").read_text(encoding="utf-8").splitlines()


def hashes(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def assert_reports(result: subprocess.CompletedProcess, directory: Path, expected: list[str]):
    """Exit 1, no traceback or warning, and exactly the expected errors, each matched once."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "Warning" not in result.stderr, result.stderr
    head, *errors = result.stderr.splitlines()
    assert head == f"{directory}: {len(expected)} error(s)", result.stderr
    assert len(errors) == len(expected), result.stderr
    unmatched = list(errors)
    for line in expected:
        prefix, phrase = line.split(": ", 1)
        match = next(
            (e for e in unmatched if e.startswith(f"{prefix}: ") and phrase in e[len(prefix) :]),
            None,
        )
        assert match, f"no error line {prefix}: …{phrase}… in:\n{result.stderr}"
        unmatched.remove(match)


def test_corpus_is_complete():
    assert len(CASES) >= 32
    readme = (BROKEN / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        assert expected_lines(case), case.name
        assert f"| {case.name} |" in readme, case.name


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[dict[str, str], subprocess.CompletedProcess]]:
    """Each case's file hashes from before the check, and the check's result (run in parallel)."""
    before = {case.name: hashes(case) for case in CASES}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(before, pool.map(run_check, CASES), strict=True))
    return {name: (before[name], results[name]) for name in before}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_case(case: Path, checked):
    before, result = checked[case.name]
    assert_reports(result, case, expected_lines(case))
    assert hashes(case) == before, "check changed, added or removed a file"


def test_base_is_valid():
    assert run_check(BASE).returncode == 0


def test_utf8_bom_loads():
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in VALID_BOM.glob("*.csv"))
    result = run_check(VALID_BOM)
    assert result.returncode == 0, result.stderr
    dataset, base = load_dataset(VALID_BOM), load_dataset(BASE)
    for name in ("areas", "sources", "positions", "outcomes", "events", "impacts"):
        assert dataset.table(name).equals(base.table(name)), name


def test_cell_of_several_megabytes(tmp_path: Path):
    directory = tmp_path / "huge_cell"
    shutil.copytree(BASE, directory)
    events = directory / "events.csv"
    huge = "x" * HUGE_CELL
    text = events.read_text(encoding="utf-8").replace("A treaty lapsed.", huge)
    events.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = run_check(directory)
    assert time.monotonic() - started < 90, "checking a huge cell should not hang"
    assert_reports(result, directory, ["events.csv:3:description: longer than 4000 characters"])
    assert len(result.stderr) < 1000, "the error echoes the whole cell"


def test_load_dataset_collects_all_errors(tmp_path: Path):
    """Faults in three tables give three errors, not just the first one found."""
    directory = tmp_path / "three_faults"
    shutil.copytree(BASE, directory)
    faults = {
        "goldstein_out_of_range": "events.csv",
        "blank_required_cell": "outcomes.csv",
        "invalid_iso3": "impacts.csv",
    }
    expected = []
    for case, file in faults.items():
        shutil.copy(BROKEN / case / file, directory / file)
        expected += expected_lines(BROKEN / case)
    with pytest.raises(DatasetError) as caught:
        load_dataset(directory)
    lines = caught.value.lines()
    assert len(lines) == 3, lines
    for line in expected:
        prefix, phrase = line.split(": ", 1)
        assert any(e.startswith(f"{prefix}: ") and phrase in e for e in lines), (line, lines)
