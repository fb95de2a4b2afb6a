"""Make sure the browser tests have what they need: Debian's Chromium and axe-core.

Run as ``python -m tests.browser.setup`` (``make test`` does); the browser fixtures call
``ensure_all()`` too, so a plain ``pytest`` run installs what is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.debian import apt_install

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.10"


def _run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def ensure_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    apt_install("chromium", "Chromium is missing")
    return CHROMIUM


def ensure_axe() -> Path:
    if AXE.exists():
        return AXE
    if shutil.which("npm") is None:
        sys.exit("axe-core is missing and npm is not available.")
    _run(
        [
            "npm",
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(HERE),
            f"axe-core@~{AXE_VERSION}",
        ]
    )
    return AXE


def ensure_all() -> None:
    ensure_chromium()
    ensure_axe()


if __name__ == "__main__":
    ensure_all()
    print(f"chromium: {CHROMIUM}\naxe-core: {AXE}")
