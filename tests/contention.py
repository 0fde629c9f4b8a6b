"""Helpers for tests of contention and failure: threads released at once, other processes on the
test database (a worker, the import command), and another connection holding the write lock."""

import contextlib
import os
import subprocess
import sys
import threading
import time
from urllib.parse import quote

from django.conf import settings
from django.db import connection, connections

WAIT_SECONDS = 120  # a limit for waiting on another process, never an expectation


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at once, each with its own database
    connection; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def database_url():
    """The test database, for another process."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    credentials = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = params["HOST"] or "localhost"
    if host.startswith("/"):  # a Unix socket folder
        return f"postgresql://{credentials}@/{params['NAME']}?host={quote(host, safe='')}"
    return f"postgresql://{credentials}@{host}:{params['PORT'] or 5432}/{params['NAME']}"


def process_environment(busy_timeout=None, **extra):
    """The environment of a `manage.py` process on the test database. ``busy_timeout``: how long
    it waits for a lock before the database answers busy (SQLite's busy timeout, PostgreSQL's
    lock_timeout)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integrity_site.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        # The feed files uploaded in the test (the publicity_uploads storage).
        "PUBLICITY_REPORT_DIR": str(settings.PUBLICITY_REPORT_DIR),
        **extra,
    }
    env.pop("ELASTICSEARCH_URL", None)
    if busy_timeout is not None:
        env["DATABASE_BUSY_TIMEOUT"] = str(busy_timeout)
        if connection.vendor == "postgresql":
            env["PGOPTIONS"] = f"-c lock_timeout={int(busy_timeout * 1000)}"
    return env


def manage(*arguments, env=None, **popen):
    """Start `manage.py …` as another process."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env or process_environment(),
        text=True,
        **popen,
    )


def wait_until(condition, what):
    """Poll ``condition()`` until it is true (another process is working)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.02)


def read_until(stream, text):
    """Read lines of ``stream`` until one contains ``text``; the lines read."""
    lines = []
    for line in stream:
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} never came; got {''.join(lines)}")


@contextlib.contextmanager
def write_lock(*tables):
    """Another connection holds the database's write lock (SQLite) or an exclusive lock on
    ``tables`` (PostgreSQL: reads go on, writes wait) until the block ends."""
    if connection.vendor == "sqlite":
        import sqlite3

        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=WAIT_SECONDS, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            yield
            other.execute("ROLLBACK")
        finally:
            other.close()
        return
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            for table in tables:
                cursor.execute(f"LOCK TABLE {other.ops.quote_name(table)} IN EXCLUSIVE MODE")
        yield
        other.rollback()
    finally:
        other.close()
