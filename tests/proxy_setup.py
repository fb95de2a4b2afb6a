"""Make sure ``make serve`` and the proxy tests have nginx (Debian's ``nginx`` package).

Run as ``python -m tests.proxy_setup`` (``make test`` and ``make serve`` do); the proxy
fixtures call ``ensure_nginx()`` too, so a plain ``pytest`` run installs it when missing.
Only the binary is used: the project runs its own nginx as the current user with its own
configuration (``deploy/nginx.conf.template``), never Debian's service.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.debian import apt_install

NGINX = Path("/usr/sbin/nginx")
NGINX_PACKAGE = "nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")  # from nginx-common, included by the template


def ensure_nginx() -> Path:
    if NGINX.exists() and MIME_TYPES.exists():
        return NGINX
    apt_install(NGINX_PACKAGE, "nginx is missing")
    if not NGINX.exists():
        sys.exit(f"{NGINX_PACKAGE} was installed but {NGINX} is still missing")
    return NGINX


if __name__ == "__main__":
    print(f"nginx: {ensure_nginx()}")
