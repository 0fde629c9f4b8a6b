"""What the HTTP benchmarks share: one server process (Django's WSGI application in a
wsgiref server with a fixed pool of worker threads) and a load generator of
concurrent form POSTs."""

import argparse
import contextlib
import http.client
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
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    connection.close()
    return cookie, token


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
