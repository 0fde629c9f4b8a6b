"""Provide a PostgreSQL server for the test suite (standard library only).

``provisioned(cache_dir)`` yields a ``DATABASE_URL``:

* When the ``DATABASE_URL`` environment variable is set, the server it names
  is checked (``pg_isready``, or a plain socket connect when no client tools
  are installed) and the URL is yielded unchanged.
* Otherwise a throwaway cluster is created with the newest server binaries
  under ``/usr/lib/postgresql/*/bin`` (installed with apt-get when missing
  and running as root), started on 127.0.0.1 with a free port and settings
  tuned for tests, and stopped and deleted again on exit.

PostgreSQL refuses to run as root, so when root the cluster belongs to, and
the server runs as, the ``postgres`` system user (``nobody`` when there is
no such user).  Otherwise everything runs as the current user.

``python -m tests.services.postgres [CACHE_DIR]`` starts one server, prints
its URL on stdout and keeps it running until Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from tests.services.debian import apt_install
from tests.services.running import run_until_stopped

DATABASE_NAME = "integrity_site"
ROLE_NAME = "integrity"
SEARCH_ROOT = Path("/usr/lib/postgresql")
START_TIMEOUT = 60.0  # seconds until a freshly started server must answer
EXTERNAL_WAIT = 15.0  # seconds a DATABASE_URL server may stay "starting up"
DIR_PREFIX = "pg-"
OWNER_FILE = "owner.json"

# Appended to postgresql.conf: fast and forgiving, never for real data.
TEST_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "'1GB'",
    "checkpoint_timeout": "'30min'",
    "jit": "off",
    # Parallel query needs dynamic shared memory, which is small in many
    # containers; tests gain nothing from it.
    "max_parallel_workers_per_gather": "0",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] '",
}


def _say(message: str) -> None:
    print(f"postgres: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# An existing server named by DATABASE_URL
# --------------------------------------------------------------------------


def redact(url: str) -> str:
    """Return *url* with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable DATABASE_URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hosts = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{hosts}"
    query = re.sub(r"(?i)(^|&)(password)=[^&]*", r"\1\2=***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _without_password(url: str) -> str:
    """The URL for pg_isready: it needs no password, and argv is public."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hosts = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{hosts}"
    query = "&".join(
        item for item in parts.query.split("&") if item and not item.lower().startswith("password=")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _endpoints(url: str) -> list[tuple[str, int]]:
    """(host, port) pairs named by a libpq URL; a host may be a socket dir."""
    parts = urlsplit(url)
    hostlist = parts.netloc.rsplit("@", 1)[-1]
    params: dict[str, str] = {}
    for item in parts.query.split("&"):
        if "=" in item:
            key, value = item.split("=", 1)
            params[key.lower()] = unquote(value)
    default_port = int(params.get("port", "5432").split(",")[0] or 5432)
    pairs: list[tuple[str, int]] = []
    for entry in filter(None, hostlist.split(",")):
        port = default_port
        if entry.startswith("["):  # [ipv6]:port
            host, _, rest = entry[1:].partition("]")
            if rest.startswith(":") and rest[1:]:
                port = int(rest[1:])
        elif ":" in entry:
            host, _, port_text = entry.rpartition(":")
            port = int(port_text) if port_text else default_port
        else:
            host = entry
        pairs.append((unquote(host), port))
    if not pairs and params.get("host"):
        pairs = [(h, default_port) for h in params["host"].split(",") if h]
    if not pairs:  # libpq's defaults: a local socket, else localhost
        pairs = [
            ("/var/run/postgresql", default_port),
            ("/tmp", default_port),
            ("localhost", default_port),
        ]
    return pairs


def _socket_answers(host: str, port: int, timeout: float = 3.0) -> bool:
    try:
        if host.startswith(("/", "@")):
            path = os.path.join(host, f".s.PGSQL.{port}")
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(path)
            return True
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _client_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for bindir in _server_bindirs():
        if (bindir / name).exists():
            return str(bindir / name)
    return None


def check_external(url: str) -> None:
    """Raise RuntimeError unless the server named by *url* answers."""
    shown = redact(url)
    try:
        endpoints = _endpoints(url)
    except ValueError as exc:
        raise RuntimeError(f"DATABASE_URL {shown} cannot be parsed: {exc}") from None
    where = ", ".join(host if host.startswith("/") else f"{host}:{port}" for host, port in endpoints)
    _say(f"using DATABASE_URL {shown}")
    pg_isready = _client_tool("pg_isready")
    if pg_isready is None:
        if any(_socket_answers(host, port) for host, port in endpoints):
            return
        raise RuntimeError(
            f"The PostgreSQL server in DATABASE_URL ({shown}) does not answer: "
            f"nothing accepts connections at {where}."
        )
    deadline = time.monotonic() + EXTERNAL_WAIT
    target = _without_password(url)
    while True:
        result = subprocess.run(
            [pg_isready, "-q", "-t", "5", "-d", target],
            check=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if result.returncode == 0:
            return
        if result.returncode == 1 and time.monotonic() < deadline:
            time.sleep(0.5)  # up but still starting: give it a moment
            continue
        reason = {
            1: "the server is up but rejects connections (still starting up?)",
            2: "nothing answers there (is the server running? right host/port?)",
            3: "pg_isready could not use the URL (malformed?)",
        }.get(result.returncode, f"pg_isready exited with {result.returncode}")
        raise RuntimeError(
            f"The PostgreSQL server in DATABASE_URL ({shown}) does not answer at {where}: {reason}."
        )


# --------------------------------------------------------------------------
# Server binaries
# --------------------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)


def _server_bindirs() -> list[Path]:
    """Directories holding initdb + postgres, newest version first."""
    found = sorted(
        (p.parent for p in SEARCH_ROOT.glob("*/bin/initdb") if (p.parent / "postgres").exists()),
        key=lambda bindir: _version_key(bindir),
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        bindir = Path(on_path).resolve().parent
        if (bindir / "postgres").exists() and bindir not in found:
            found.append(bindir)
    return found


def _install_server() -> None:
    _say("installing Debian's postgresql with apt-get")
    try:
        apt_install("postgresql")
    except RuntimeError as error:
        raise RuntimeError(
            f"No PostgreSQL server binaries found under {SEARCH_ROOT}/*/bin or on PATH, and {error}; "
            "or set DATABASE_URL to a server that is already running."
        ) from None


def find_bindir() -> Path:
    """The newest installed server's bin directory, installing if needed."""
    bindirs = _server_bindirs()
    if not bindirs:
        _install_server()
        bindirs = _server_bindirs()
        if not bindirs:
            raise RuntimeError(
                f"apt-get install postgresql succeeded but no initdb was found under {SEARCH_ROOT}/*/bin"
            )
    return bindirs[0]


# --------------------------------------------------------------------------
# A throwaway cluster
# --------------------------------------------------------------------------


class _RunAs(NamedTuple):
    """Who runs initdb/postgres: ``None`` fields mean the current user."""

    name: str
    uid: int | None
    gid: int | None

    def popen_kwargs(self) -> dict:
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def own(self, path: Path) -> None:
        if self.uid is not None:
            os.chown(path, self.uid, self.gid)


def _run_as() -> _RunAs:
    if os.geteuid() != 0:
        return _RunAs(pwd.getpwuid(os.geteuid()).pw_name, None, None)
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _RunAs(name, entry.pw_uid, entry.pw_gid)
    raise RuntimeError(
        "Running as root, but there is no 'postgres' or 'nobody' user to run "
        "the PostgreSQL server as (it refuses to run as root)."
    )


def _server_env(home: Path) -> dict[str, str]:
    """Environment for server-side programs: no PG* or locale leakage."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PG", "LC_")) and k not in ("LANG", "LANGUAGE")
    }
    env["LC_ALL"] = "C"
    env["HOME"] = str(home)
    return env


def _client_env(password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGPASSWORD"] = password
    env["PGCONNECT_TIMEOUT"] = "5"
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_time(pid: int) -> str | None:
    """A live process's start time (from /proc), None if gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _owner_alive(owner: dict) -> bool:
    """Whether the process that created a work directory still runs."""
    pid = int(owner.get("pid", 0))
    if pid <= 0:
        return False
    if owner.get("start") is not None:  # /proc: also detects a reused pid
        return _start_time(pid) == owner["start"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _reap_stale(base: Path) -> None:
    """Delete clusters left behind by runs that died without cleaning up."""
    for workdir in base.glob(f"{DIR_PREFIX}*"):
        marker = workdir / OWNER_FILE
        try:
            owner = json.loads(marker.read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being set up
        if _owner_alive(owner):
            continue  # a concurrent run is using it
        pidfile = workdir / "data" / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, IndexError):
            postmaster = int(pidfile.read_text().split()[0])
            cmdline = Path(f"/proc/{postmaster}/cmdline").read_bytes()
            if str(workdir / "data").encode() in cmdline:
                _say(f"stopping orphaned server (pid {postmaster}) in {workdir}")
                os.kill(postmaster, signal.SIGQUIT)
                for _ in range(50):
                    if _start_time(postmaster) is None:
                        break
                    time.sleep(0.1)
        shutil.rmtree(workdir, ignore_errors=True)


def _make_workdir(cache_dir: Path, run_as: _RunAs) -> Path:
    """A fresh directory that the server user owns and can reach."""
    bases = [Path(cache_dir)]
    if run_as.uid is not None:  # root: the cache dir may be private to root
        bases.append(Path(tempfile.gettempdir()) / "integrity-site-postgres")
    for base in bases:
        base.mkdir(parents=True, exist_ok=True)
        _reap_stale(base)
        workdir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=base))
        owner = {"pid": os.getpid(), "start": _start_time(os.getpid())}
        (workdir / OWNER_FILE).write_text(json.dumps(owner))
        run_as.own(workdir)
        if run_as.uid is None:
            return workdir
        reachable = subprocess.run(
            ["test", "-w", str(workdir)], check=False, cwd="/", **run_as.popen_kwargs()
        )
        if reachable.returncode == 0:
            return workdir
        shutil.rmtree(workdir, ignore_errors=True)
        if base == bases[-1]:
            break
        _say(f"{base} is not reachable by user {run_as.name}; using {bases[-1]}")
    raise RuntimeError(
        f"Cannot create a directory the '{run_as.name}' user can use (tried {', '.join(map(str, bases))})."
    )


def _log_tail(log: Path, lines: int = 25, start: int = 0) -> str:
    try:
        with open(log, "rb") as handle:
            handle.seek(start)
            text = handle.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


class _Cluster:
    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.run_as = _run_as()
        self.bindir = find_bindir()
        self.version = self.bindir.parent.name
        self.password = secrets.token_urlsafe(18)
        self.workdir: Path | None = None
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    # -- set up ---------------------------------------------------------

    @property
    def data(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "data"

    @property
    def log(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "postgres.log"

    def _server_cmd(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(args),
            check=False,
            cwd=self.workdir,
            env=_server_env(self.workdir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            **self.run_as.popen_kwargs(),
            **kwargs,
        )

    def initdb(self) -> None:
        self.workdir = _make_workdir(self.cache_dir, self.run_as)
        pwfile = self.workdir / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        self.run_as.own(pwfile)
        base = [
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            ROLE_NAME,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync",
        ]
        # C.UTF-8 gives Unicode-aware upper()/lower() with plain code point
        # ordering; fall back to the C locale where it does not exist.
        result = None
        for locale in (["--locale=C.UTF-8"], ["--no-locale"]):
            shutil.rmtree(self.data, ignore_errors=True)
            result = self._server_cmd(*base, *locale)
            if result.returncode == 0:
                break
        pwfile.unlink()
        if result is None or result.returncode != 0:
            output = "\n".join((result.stdout if result else "").splitlines()[-20:])
            raise RuntimeError(f"initdb failed:\n{output}")
        settings = dict(TEST_SETTINGS, unix_socket_directories=f"'{self._socket_dir()}'")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# Added by tests/services/postgres.py: test-only settings\n")
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))

    def _socket_dir(self) -> str:
        # A socket path must fit in sockaddr_un (107 bytes); none otherwise.
        assert self.workdir is not None
        path = str(self.workdir)
        return path if len(path) + len("/.s.PGSQL.65535.lock") < 100 else ""

    # -- run --------------------------------------------------------------

    def start(self) -> None:
        for _attempt in range(5):
            self.port = _free_port()
            log_start = self.log.stat().st_size if self.log.exists() else 0
            _say(f"starting PostgreSQL {self.version} on 127.0.0.1:{self.port}")
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [
                        str(self.bindir / "postgres"),
                        "-D",
                        str(self.data),
                        "-p",
                        str(self.port),
                    ],
                    cwd=self.workdir,
                    env=_server_env(self.workdir),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C is ours to handle
                    **self.run_as.popen_kwargs(),
                )
            if self._wait_ready():
                return
            tail = _log_tail(self.log, start=log_start)
            if "could not bind" in tail or "already in use" in tail:
                _say(f"port {self.port} was taken meanwhile; retrying")
                self.stop(quiet=True)
                continue
            self.stop(quiet=True)
            raise RuntimeError(
                f"PostgreSQL {self.version} did not start on 127.0.0.1:{self.port}. "
                f"Last lines of its log:\n{tail}"
            )
        raise RuntimeError("Could not find a free port for PostgreSQL.")

    def _wait_ready(self) -> bool:
        assert self.process is not None
        pg_isready = str(self.bindir / "pg_isready")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            ready = subprocess.run(
                [
                    pg_isready,
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    ROLE_NAME,
                    "-d",
                    "postgres",
                    "-t",
                    "1",
                ],
                check=False,
                env=_client_env(self.password),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if ready.returncode == 0:
                return True
            time.sleep(0.05)
        self.stop(quiet=True)
        raise RuntimeError(
            f"PostgreSQL {self.version} did not accept connections on "
            f"127.0.0.1:{self.port} within {START_TIMEOUT:.0f}s. "
            f"Last lines of its log:\n{_log_tail(self.log)}"
        )

    def create_database(self) -> None:
        result = subprocess.run(
            [
                str(self.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                ROLE_NAME,
                "-O",
                ROLE_NAME,
                DATABASE_NAME,
            ],
            check=False,
            env=_client_env(self.password),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"createdb {DATABASE_NAME} failed:\n{result.stdout}")

    @property
    def url(self) -> str:
        return (
            f"postgresql://{ROLE_NAME}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{DATABASE_NAME}"
        )

    # -- tear down ------------------------------------------------------

    def stop(self, quiet: bool = False) -> None:
        """Fast shutdown (what ``pg_ctl stop -m fast`` sends), then harder."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig, grace in (
            (signal.SIGINT, 30.0),  # fast: roll back sessions, checkpoint, exit
            (signal.SIGQUIT, 5.0),  # immediate
            (signal.SIGKILL, 5.0),
        ):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(sig)
            try:
                process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                if not quiet:
                    _say(f"server did not stop after {sig.name}; escalating")
        if not quiet:
            _say(f"stopped PostgreSQL on 127.0.0.1:{self.port}")

    def remove(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Let cleanup finish when Ctrl-C/SIGTERM arrives meanwhile, then deliver it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
        for sig in dict.fromkeys(received):
            os.kill(os.getpid(), sig)


@contextlib.contextmanager
def provisioned(cache_dir: Path) -> Iterator[str]:
    """Yield a DATABASE_URL for a PostgreSQL server that answers."""
    external = os.environ.get("DATABASE_URL")
    if external:
        check_external(external)
        yield external
        return

    started = time.monotonic()
    cluster = _Cluster(Path(cache_dir))
    try:
        cluster.initdb()
        cluster.start()
        cluster.create_database()
        _say(
            f"ready in {time.monotonic() - started:.1f}s "
            f"(data in {cluster.data}, server runs as {cluster.run_as.name})"
        )
        yield cluster.url
    finally:
        with _signals_deferred():
            cluster.stop()
            cluster.remove()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(f"usage: python -m tests.services.postgres [CACHE_DIR]\n\n{__doc__}")
        return 0
    cache_dir = Path(args[0]) if args else Path(tempfile.gettempdir()) / "integrity-site-postgres-cache"

    return run_until_stopped("postgres", provisioned(cache_dir))


if __name__ == "__main__":
    sys.exit(main())
