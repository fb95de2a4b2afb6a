"""Install a Debian package the tests need when it is missing (Java, Chromium, nginx)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def apt_install(package: str, why: str) -> None:
    """``apt-get install`` ``package`` (with sudo unless root); exit with ``why`` without apt."""
    if shutil.which("apt-get") is None:
        sys.exit(f"{why} and apt-get is not available: install Debian's {package}.")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    os.environ["DEBIAN_FRONTEND"] = "noninteractive"
    for command in (
        [*sudo, "apt-get", "update", "-qq"],
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
    ):
        print("+", " ".join(command), flush=True)
        subprocess.run(command, check=True)
