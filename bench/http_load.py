"""What the HTTP benchmarks share: one server process (Django's WSGI application in a
wsgiref server with a fixed pool of worker threads) and a load generator of
concurrent form POSTs."""

import argparse
import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

# --- the server process --------------------------------------------------------------


def serve(port, threads):
    import django

    django.setup()
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    # Client addresses come from a header the load generator sets, as behind a proxy.
    settings.REGISTRATION_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

    class Server(WSGIServer):
        """A fixed pool of worker threads, as gunicorn's gthread worker has: each
        thread keeps its database connection between requests (CONN_MAX_AGE)."""

        request_queue_size = 128
        workers = ThreadPoolExecutor(threads)

        def process_request(self, request, client_address):
            self.workers.submit(self.work, request, client_address)

        def work(self, request, client_address):
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - logged like socketserver does
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=QuietHandler
    )
    print("ready", flush=True)
    httpd.serve_forever()


# --- the load generator ------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_for(port, path):
    """(cookie, token) for the form on ``path``; a page from the page cache has an empty token,
    then one from /csrf/ as the site's script (static/js/fresh-form.js) gets it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', body).group(1)
    if not token or not cookie:
        connection.request("GET", "/csrf/")
        response = connection.getresponse()
        token = json.loads(response.read())["token"]
        cookie = response.getheader("Set-Cookie")
    connection.close()
    return cookie.split(";")[0], token


def post_forms(port, path, forms, clients):
    """POST ``forms`` ({n: fields}) to ``path`` from ``clients`` concurrent HTTP clients, each
    form from its own client address; returns (seconds, latencies, statuses)."""
    cookie, token = csrf_for(port, path)
    latencies, statuses, lock = [], [], threading.Lock()
    queue = list(forms.items())

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                n, fields = queue.pop()
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-Real-IP": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
                "Referer": f"http://127.0.0.1:{port}{path}",
            }
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(response.status)
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def server_cpu(pid):
    """User + system CPU seconds of the server process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the benchmark's own database and server ----------------------------------------------


def run_benchmark(parser, database_prefix, measure):
    """Parse the options every HTTP benchmark shares, then either serve (the child process that
    ``server_process`` starts) or call ``measure(arguments, test_name)`` on a throwaway database."""
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        return serve(arguments.serve, arguments.server_threads)
    with throwaway_database(database_prefix) as test_name:
        return measure(arguments, test_name)


@contextlib.contextmanager
def throwaway_database(prefix):
    """Set Django up on a fresh test database (``test_<name>`` on PostgreSQL, a file under
    a temporary folder on SQLite), dropped afterwards; yields its name."""
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(Path(tempfile.mkdtemp(prefix=prefix)) / "bench.sqlite3")
    django.setup()
    from django.db import connection

    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield test_name
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


@contextlib.contextmanager
def server_process(script, threads, test_name):
    """``script --serve PORT`` in a child process on the same throwaway database, with
    persistent connections; yields (port, pid) once it is ready, stops it afterwards."""
    from django.db import connection

    env = dict(os.environ, DATABASE_CONN_MAX_AGE=os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    if connection.vendor == "postgresql":
        parsed = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", ""))
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parsed._replace(path="/" + test_name))
    else:
        env["DATABASE_URL"] = f"sqlite:///{test_name}"
    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, script, "--serve", str(port), "--server-threads", str(threads)],
        cwd=Path(script).resolve().parent.parent,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().strip() == "ready", "the benchmark server did not start"
        yield port, server.pid
    finally:
        server.terminate()
        server.wait()


# --- GET load through a real WSGI server (bench/serving.py) --------------------------------

WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %.6f, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "non_2xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def get_load(url, seconds, connections, threads=2, headers=()):
    """GET ``url`` for ``seconds`` from ``connections`` concurrent connections: wrk when it is
    installed (a C load generator), else Python threads. Returns requests/s, p50/p95/p99 (ms)
    and the count of failed requests."""
    import shutil

    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_REPORT)
        command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "20s"]
        command += ["-s", script.name]
        for header in headers:
            command += ["-H", header]
        output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
        os.unlink(script.name)
        report = json.loads(output.strip().splitlines()[-1])
        return {
            "generator": "wrk",
            "requests": report["requests"],
            "per_second": round(report["requests"] / report["seconds"], 1),
            "p50_ms": round(report["p50_us"] / 1000, 2),
            "p95_ms": round(report["p95_us"] / 1000, 2),
            "p99_ms": round(report["p99_us"] / 1000, 2),
            "failed": report["non_2xx"] + report["socket_errors"],
        }
    return _python_get_load(url, seconds, connections, headers)


def _python_get_load(url, seconds, connections, headers):
    import statistics

    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = dict(header.split(": ", 1) for header in headers)
    latencies, failed, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=extra)
                response = connection.getresponse()
                response.read()
                ok = response.status < 300
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                failed[0] += not ok
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    percentiles = statistics.quantiles(latencies, n=100)
    return {
        "generator": "python",
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(percentiles[94] * 1000, 2),
        "p99_ms": round(percentiles[98] * 1000, 2),
        "failed": failed[0],
    }


def process_tree_cpu(pid):
    """CPU seconds of a process and all its descendants (gunicorn's master and workers)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += server_cpu(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return total


def wait_for_http(url, timeout=60):
    deadline = time.monotonic() + timeout
    parts = urllib.parse.urlsplit(url)
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            connection.request("GET", parts.path or "/")
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def fetch(url, headers=None):
    """(status, headers, body) of one GET."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


@contextlib.contextmanager
def redis_server():
    """A throwaway Redis server on a free loopback port (Debian's redis-server, installed with
    apt-get when missing and running as root: tests/services/redis.py); yields its URL."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.services.redis import provisioned

    with provisioned() as url:
        yield url


@contextlib.contextmanager
def gunicorn_process(env, workers=2, worker_class="sync", threads=1):
    """gunicorn serving the site's WSGI application with ``env``; yields (base URL, master pid)."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "integrity_site.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(command, cwd=root, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/csrf/")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait()
