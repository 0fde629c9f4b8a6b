"""Provide a throwaway Redis server for tests and benchmarks (standard library only).

``provisioned()`` yields a ``REDIS_URL`` (``redis://127.0.0.1:<port>/0``) for a server started
with Debian's ``redis-server`` on a free loopback port in a temporary directory, without
persistence (``--save ''``, ``--appendonly no``), and stopped and deleted again on exit.  When
``redis-server`` is missing and running as root, the ``redis-server`` package is installed with
apt-get and the daemon its install script starts is stopped and disabled: only throwaway servers
run.  Otherwise it fails naming ``sudo apt-get install redis-server``.

``python -m tests.services.redis`` starts one server, prints its URL on stdout and keeps it
running until Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.services.debian import apt_install
from tests.services.running import run_until_stopped

START_TIMEOUT = 20.0  # seconds until a freshly started server must answer PING
PACKAGE = "redis-server"


def _say(message: str) -> None:
    print(f"redis: {message}", file=sys.stderr, flush=True)


def _installed() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )


def _stop_package_daemon() -> None:
    """The package's install script may have started (and enabled) its own server on port 6379."""
    run = {"stdin": subprocess.DEVNULL, "capture_output": True, "check": False}
    if Path("/run/systemd/system").is_dir() and shutil.which("systemctl"):
        subprocess.run(["systemctl", "disable", "--now", PACKAGE], **run)
        return
    if shutil.which("update-rc.d"):
        subprocess.run(["update-rc.d", PACKAGE, "disable"], **run)
    pidfile = Path("/run/redis/redis-server.pid")
    with contextlib.suppress(OSError, ValueError):
        pid = int(pidfile.read_text().split()[0])
        if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGTERM)


def find_server() -> str:
    """The redis-server binary, installing Debian's package when missing and running as root."""
    found = _installed()
    if found:
        return found
    try:
        apt_install(PACKAGE)
    except RuntimeError as exc:
        raise RuntimeError(f"redis-server is missing, and {exc}") from None
    _stop_package_daemon()
    found = _installed()
    if not found:
        raise RuntimeError("apt-get install redis-server succeeded but no redis-server is on PATH")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def provisioned() -> Iterator[str]:
    """Yield the URL of a throwaway Redis server that answers PING."""
    binary = find_server()
    with tempfile.TemporaryDirectory(prefix="redis-") as folder:
        log = Path(folder) / "redis.log"
        for _attempt in range(5):
            port = _free_port()
            process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder]
                + ["--save", "", "--appendonly", "no", "--logfile", str(log), "--daemonize", "no"],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C is ours to handle
            )
            try:
                deadline = time.monotonic() + START_TIMEOUT
                while process.poll() is None and not _pings(port) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if process.poll() is None and _pings(port):
                    _say(f"on 127.0.0.1:{port}")
                    yield f"redis://127.0.0.1:{port}/0"
                    return
                if "Address already in use" in _log_tail(log):
                    _say(f"port {port} was taken meanwhile; retrying")
                    continue
                raise RuntimeError(
                    f"redis-server did not answer PING on 127.0.0.1:{port} within {START_TIMEOUT:.0f}s. "
                    f"Last lines of its log:\n{_log_tail(log)}"
                )
            finally:
                _stop(process)
        raise RuntimeError("Could not find a free port for Redis.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(f"usage: python -m tests.services.redis\n\n{__doc__}")
        return 0

    return run_until_stopped("redis", provisioned())


if __name__ == "__main__":
    sys.exit(main())
