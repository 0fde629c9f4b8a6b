"""Install Debian packages the test services need (standard library only).

``apt_install(*packages)`` runs ``apt-get install`` (non-interactive, no recommends); when that
fails it runs ``apt-get update`` once and tries again.  It raises ``RuntimeError`` with apt's
output when the packages still cannot be installed, or when not running as root (naming the
``sudo apt-get install …`` command to run instead).
"""

from __future__ import annotations

import os
import shutil
import subprocess


def apt_install(*packages: str) -> None:
    command = " ".join(packages)
    if os.geteuid() != 0:
        raise RuntimeError(f"installing them needs root: sudo apt-get install {command}")
    if shutil.which("apt-get") is None:
        raise RuntimeError(f"there is no apt-get to install them with: install {command}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "-o",
        "Dpkg::Options::=--force-confdef",
        "-o",
        "Dpkg::Options::=--force-confold",
        *packages,
    ]
    run = {"env": env, "stdin": subprocess.DEVNULL, "capture_output": True, "text": True, "check": False}
    if subprocess.run(install, **run).returncode == 0:
        return
    subprocess.run(["apt-get", "update", "-q"], **run)  # the package lists may be missing or stale
    result = subprocess.run(install, **run)
    if result.returncode != 0:
        raise RuntimeError(f"apt-get install {command} failed:\n{result.stdout}\n{result.stderr}")
