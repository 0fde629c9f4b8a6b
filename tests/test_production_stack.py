"""`make serve`'s stack, for real: the launcher (`python -m integrity_site.serve`) with the production
settings on a temporary SQLite database and a free loopback port runs migrations and collectstatic,
then gunicorn (whitenoise serving the static files), the background worker and the scheduler.

Starting it takes a minute or two (migrations, then compressing every static file); the tests
share one stack and the last one stops it with Ctrl-C."""

import contextlib
import gzip
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import brotli
import pytest
import redis
from django.conf import settings

from integrity_site.core import page_cache
from integrity_site.scheduler.jobs import configured_jobs
from tests.services import redis as redis_service

# The stack runs on its own SQLite database, whatever the pass's database is.
pytestmark = pytest.mark.own_database

STARTUP_TIMEOUT = 600  # seconds; a busy two-core machine needs several minutes for migrate + collectstatic
ONE_YEAR = 365 * 24 * 60 * 60
CLEARED = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DATABASE_URL",
    "ELASTICSEARCH_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CACHE_DIR",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_COOKIES",
    "HOST",
    "PORT",
    "WEB_CONCURRENCY",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port():
    return free_port()  # nobody listens there once the probe is closed


def request(port, path, headers=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {key.lower(): value for key, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def wait_for_health(port, process, log_path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            return request(port, "/healthz", timeout=10)
        except OSError:
            time.sleep(1)
    pytest.fail(f"no answer on port {port} within {timeout} s:\n{log_path.read_text()[-4000:]}")


class Stack:
    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.log_path = folder / "stack.log"
        self.database = folder / "db.sqlite3"
        self.env = {key: value for key, value in os.environ.items() if key not in CLEARED}
        self.env.update(
            DATABASE_URL=f"sqlite:///{self.database}",
            STATIC_ROOT=str(folder / "static"),
            MEDIA_ROOT=str(folder / "media"),
            PUBLICITY_REPORT_DIR=str(folder / "reports"),
            WEB_CONCURRENCY="2",
            PYTHONUNBUFFERED="1",
        )
        self.process = None

    def start(self):
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "integrity_site.serve",
                    "--port",
                    str(self.port),
                    "--state-dir",
                    str(self.folder / "var"),
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_health(self.port, self.process, self.log_path, STARTUP_TIMEOUT)

    def get(self, path, **headers):
        return request(self.port, path, headers)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def production_env(self, **extra):
        """What the launcher gives its processes, for starting one more by hand."""
        return {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "integrity_site.settings.production",
            "SECRET_KEY": (self.folder / "var" / "secret-key").read_text().strip(),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_COOKIES": "false",
            "CACHE_DIR": str(self.folder / "var" / "cache"),
            **extra,
        }

    def query(self, sql, *parameters):
        with sqlite3.connect(self.database, timeout=30) as connection:
            return connection.execute(sql, parameters).fetchall()

    def descendants(self):
        """The pids of every process below the launcher."""
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        found, frontier = set(), {self.process.pid}
        while frontier:
            frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
            found |= frontier
        return found

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                for pid in self.descendants():
                    with_pid_killed(pid)
                self.process.kill()


def with_pid_killed(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("production-stack"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def eventually(check, timeout=60):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            return result
        time.sleep(0.5)
    return result


def test_pages_come_from_gunicorn_with_the_production_headers(stack):
    status, headers, body = stack.get("/")

    assert status == 200, body[:500]
    assert "gunicorn" in headers.get("server", "")
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["x-frame-options"] == "DENY"
    # Plain HTTP on loopback: no redirect to HTTPS and no HSTS.
    assert "strict-transport-security" not in headers


def test_css_is_served_compressed_with_a_hashed_name_and_cached_for_a_year(stack):
    _status, _headers, body = stack.get("/")
    [css_url] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode())

    status, plain_headers, plain = stack.get(css_url)
    assert status == 200 and b"{" in plain
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        status, headers, compressed = stack.get(css_url, **{"Accept-Encoding": encoding})
        assert status == 200
        assert headers["content-encoding"] == encoding
        assert len(compressed) < len(plain)
        assert decompress(compressed) == plain
        assert f"max-age={ONE_YEAR}" in headers["cache-control"]
        assert "immutable" in headers["cache-control"]
    # The unhashed name is served too, but not for a year: it changes with each release.
    status, headers, _body = stack.get("/static/css/site.css")
    assert status == 200 and f"max-age={ONE_YEAR}" not in headers.get("cache-control", "")


def test_the_elder_friendly_mode_comes_from_a_private_stylesheet_whose_images_have_hashed_names(stack):
    status, headers, body = stack.get("/elder-mode.css", Cookie="elder_mode=on")

    assert status == 200 and b"font-size: 20px" in body
    assert "private" in headers["cache-control"]
    [pointer] = re.findall(rb'url\("(/static/img/cursor-large\.[0-9a-f]{12}\.svg)"\)', body)
    assert stack.get(pointer.decode())[0] == 200
    assert b"font-size" not in stack.get("/elder-mode.css")[2]


def test_images_come_from_media_root_but_documents_never_straight_from_the_disk(stack):
    for folder in ("images", "documents"):
        (stack.folder / "media" / folder).mkdir(parents=True, exist_ok=True)
        (stack.folder / "media" / folder / "probe.txt").write_text(folder)

    assert stack.get("/media/images/probe.txt")[::2] == (200, b"images")
    assert stack.get("/media/documents/probe.txt")[0] == 404


def test_the_health_url_answers_for_the_database_and_the_cache(stack):
    status, headers, body = stack.get("/healthz")

    assert status == 200
    assert headers["content-type"] == "application/json"
    answer = json.loads(body)
    assert answer["status"] == "ok"
    assert answer["checks"]["database"]["ok"] and answer["checks"]["cache"]["ok"]
    assert "search" not in answer["checks"]  # database search: nothing more to ask


def test_each_request_is_one_line_of_the_access_log_with_its_response_time(stack):
    probe = uuid.uuid4().hex
    stack.get(f"/healthz?probe={probe}")

    line = eventually(lambda: next((line for line in stack.log().splitlines() if probe in line), None), 10)

    assert line, "no access log line for the request"
    assert re.search(rf'"GET /healthz\?probe={probe} HTTP/1\.1" 200 \d+ \d+ms ', line), line


def test_the_worker_and_the_scheduler_run_beside_the_web_server(stack):
    assert eventually(lambda: "Starting worker" in stack.log()), stack.log()[-3000:]
    published = eventually(
        lambda: stack.query(
            "SELECT status FROM scheduler_jobrun WHERE job = 'publish_scheduled' AND status = 'succeeded'"
        )
    )
    assert published, stack.log()[-3000:]
    # Every daily job ran once at start-up: each period's first tick runs it.
    jobs = {job for (job,) in stack.query("SELECT DISTINCT job FROM scheduler_jobrun")}
    assert {
        "expire_pledges",
        "purge_registrations",
        "purge_publicity_uploads",
        "cross_check_publicity",
    } <= jobs


@contextlib.contextmanager
def gunicorn(stack, name, **extra):
    """One more gunicorn beside the stack's, with its production settings and ``extra``; yields
    its port once /healthz answers, and the health answer."""
    port = free_port()
    env = stack.production_env(PORT=str(port), **extra)
    log_path = stack.folder / f"{name}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield port, wait_for_health(port, server, log_path, 120)
    finally:
        server.terminate()
        server.wait(30)


def test_the_health_url_answers_503_naming_the_cache_when_redis_is_unreachable(stack):
    redis_url = f"redis://127.0.0.1:{closed_port()}/0"
    with gunicorn(stack, "no-redis", REDIS_URL=redis_url, WEB_CONCURRENCY="1") as (_port, health):
        status, _headers, body = health

    assert status == 503, body
    answer = json.loads(body)
    assert answer["status"] == "unavailable" and answer["failing"] == ["cache"]
    assert answer["checks"]["database"]["ok"]
    assert answer["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}


def accept_queue(port):
    """How many connections to the listening loopback ``port`` wait for a worker to accept them."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":  # 0A: LISTEN
            return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def test_two_workers_share_the_page_cache_through_redis(stack):
    with (
        redis_service.provisioned() as redis_url,
        gunicorn(stack, "redis", REDIS_URL=redis_url) as (port, health),
    ):
        status, _headers, body = health
        assert status == 200, body
        answer = json.loads(body)
        assert answer["status"] == "ok" and answer["checks"]["cache"]["ok"] is True

        # A request that has not ended holds one of the two sync workers...
        held = socket.create_connection(("127.0.0.1", port), timeout=30)
        held.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
        assert eventually(lambda: accept_queue(port) == 0, 30)
        # ...so the other one makes the home page and stores it in Redis.
        status, headers, first = request(port, "/")
        assert status == 200, first[:500]
        assert headers["x-cache"] == "MISS"
        # The held worker, finishing its request, finds the page there.
        held.sendall(b"\r\n")
        response = http.client.HTTPResponse(held)
        response.begin()
        assert response.status == 200
        assert response.getheader("X-Cache") == "HIT"
        assert response.read() == first
        held.close()
        # What they share is in Redis (the file cache is not used: nothing else reaches both).
        client = redis.Redis.from_url(redis_url)
        assert client.keys(f"*{page_cache.KEY_PREFIX}:*"), client.keys()
        client.close()


def test_two_schedulers_at_once_run_each_job_once_per_period(stack):
    moment = "2031-03-04T05:06:07+08:00"
    env = stack.production_env()
    command = [sys.executable, "manage.py", "run_scheduler", "--once", "--at", moment]
    schedulers = [
        subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [scheduler.communicate(timeout=300) for scheduler in schedulers]
    assert [scheduler.returncode for scheduler in schedulers] == [0, 0], outputs

    outcomes = {}
    for stdout, _stderr in outputs:
        for line in stdout.splitlines():
            if "\t" not in line:
                continue
            job, period, outcome, *_status = line.split("\t")
            outcomes.setdefault((job, period), []).append(outcome)
    # Every job is due at that moment on a fresh database: publish_scheduled, the hourly and daily
    # jobs (the apps' included), the scheduler's pruning.
    jobs = len(configured_jobs())
    assert len(outcomes) == jobs
    for key, seen in outcomes.items():
        # One scheduler ran it; the other found the period taken (or, on SQLite, the claim busy).
        assert len(seen) == 2 and seen.count("ran") == 1, (key, seen)
    rows = stack.query(
        "SELECT job, period_start, status FROM scheduler_jobrun WHERE period_start >= '2031-01-01'"
    )
    assert len(rows) == jobs and {status for *_key, status in rows} == {"succeeded"}, rows


def test_ctrl_c_stops_every_process_of_the_stack(stack):
    processes = stack.descendants()
    assert len(processes) >= 5  # gunicorn's master and two workers, the worker, the scheduler

    stack.process.send_signal(signal.SIGINT)

    assert stack.process.wait(60) == 0
    assert eventually(lambda: not alive(processes), 10), alive(processes)
    assert "all processes stopped" in stack.log()


def alive(pids):
    """Those of ``pids`` still running (a zombie has ended)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            running.add(pid)
    return running
