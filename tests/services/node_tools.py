"""Provide the checkers from npm that the tests and bench/lighthouse.py run (standard library only).

The versions are pinned in ``tests/node/package.json`` and its ``package-lock.json``: axe-core
(injected into the browser), vnu-jar (the Nu HTML checker, run with ``java``) and Lighthouse
(run with ``node``, driving Debian's Chromium). ``installed()`` installs them once with
``npm ci`` into ``.cache/node/<hash of the lock file>/`` and returns that folder; later calls
(and other pytest processes, which wait on a lock file meanwhile) find them there. Install
scripts are not run and nothing downloads a browser.

A missing ``npm``, ``node`` or Java, or a failed install, is a ``RuntimeError`` that says what
to install: the tests that need these tools fail with it, they never skip.

``python -m tests.services.node_tools`` installs them and prints the folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.services.search_engine import find_java_home

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "node"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache" / "node"
CHROMIUM = "/usr/bin/chromium"
INSTALL_TIMEOUT = 900.0  # seconds; the first install fetches about 30 MB from the npm registry
DONE = ".installed"
MIN_JAVA_FOR_VNU = 11

# What keeps every install step and the tools from downloading a browser of their own.
NO_BROWSER_DOWNLOAD = {
    "PUPPETEER_SKIP_DOWNLOAD": "1",
    "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1",
    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
    "CHROME_PATH": CHROMIUM,
    "PUPPETEER_EXECUTABLE_PATH": CHROMIUM,
}


def _lock_hash() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((PACKAGE_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _executable(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(
            f"`{name}` is missing: the accessibility, HTML and Lighthouse checks install their "
            f"tools with npm (tests/node/package.json). Install Node.js 18+ and npm "
            f"(apt-get install {package})."
        )
    return path


def environment() -> dict[str, str]:
    return {**os.environ, **NO_BROWSER_DOWNLOAD}


def installed(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """The folder whose ``node_modules`` holds the pinned tools, installed on first use."""
    npm = _executable("npm", "npm")
    target = cache_dir / _lock_hash()
    if (target / DONE).is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / "install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another pytest process may be installing them
        if (target / DONE).is_file():
            return target
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(PACKAGE_DIR / name, target / name)
        print(f"node-tools: npm ci in {target} (first use)", file=sys.stderr, flush=True)
        command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        try:
            result = subprocess.run(
                command,
                cwd=target,
                env=environment(),
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"`npm ci` in {target} took over {INSTALL_TIMEOUT:.0f} s") from error
        if result.returncode != 0:
            raise RuntimeError(
                f"`{' '.join(command)}` in {target} failed (exit {result.returncode}); is the npm "
                f"registry reachable?\n{result.stderr[-3000:]}"
            )
        (target / DONE).write_text(_lock_hash() + "\n")
    return target


def axe_source(cache_dir: Path = DEFAULT_CACHE_DIR) -> str:
    """axe-core's script, to inject into a page."""
    return (installed(cache_dir) / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def vnu_command(cache_dir: Path = DEFAULT_CACHE_DIR) -> list[str]:
    """The Nu HTML checker: ``java -jar vnu.jar``, with the newest JDK found."""
    jar = installed(cache_dir) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java_home, _feature = find_java_home(MIN_JAVA_FOR_VNU, "the Nu HTML checker (vnu.jar)")
    return [str(java_home / "bin" / "java"), "-Xss1m", "-jar", str(jar)]


def lighthouse_command(cache_dir: Path = DEFAULT_CACHE_DIR) -> list[str]:
    """Lighthouse's command line, run with ``node``."""
    node = _executable("node", "nodejs")
    return [node, str(installed(cache_dir) / "node_modules" / "lighthouse" / "cli" / "index.js")]


if __name__ == "__main__":
    print(installed())
