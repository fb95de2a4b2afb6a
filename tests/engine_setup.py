"""Make sure the PySpark tests can run: Java 17 or later (Debian's openjdk-17-jre-headless).

Run as ``python -m tests.engine_setup`` (``make test`` does); the Spark fixture calls
``ensure_java()`` too, so a plain ``pytest`` run installs it when missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from tests.debian import apt_install

JAVA_PACKAGE = "openjdk-17-jre-headless"
MIN_JAVA = 17


def java_version() -> int | None:
    """The major version of the ``java`` on PATH, None when there is none."""
    java = shutil.which("java")
    if java is None:
        return None
    done = subprocess.run([java, "-version"], capture_output=True, text=True)
    found = re.search(r'version "(\d+)', done.stderr + done.stdout)
    return int(found.group(1)) if found else None


def ensure_java() -> int:
    version = java_version()
    if version is not None and version >= MIN_JAVA:
        return version
    apt_install(JAVA_PACKAGE, f"Java {MIN_JAVA}+ is missing")
    version = java_version()
    if version is None or version < MIN_JAVA:
        sys.exit(f"{JAVA_PACKAGE} was installed but java {MIN_JAVA}+ is still not on PATH")
    return version


if __name__ == "__main__":
    print(f"java: {ensure_java()}")
