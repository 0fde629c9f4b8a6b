"""`make test`: the whole suite, against every backend the site supports.

1. Checks: Django's system checks, migrations in step with the models, lint,
   formatting, the import contracts between apps.
2. The suite on SQLite with Wagtail's database search (the embedded default).
3. The same suite on a real PostgreSQL (database search on PostgreSQL).
4. The search tests on a real Elasticsearch-API engine (the database: SQLite).
5. The same search tests on a real Elasticsearch 9 (the `elasticsearch9` backend).

PostgreSQL and the search engines come from DATABASE_URL, ELASTICSEARCH_URL and
ELASTICSEARCH9_URL when set; otherwise they are installed and started here on
loopback and stopped at the end (OpenSearch for ELASTICSEARCH_URL). A server that
cannot be had fails the run with the reason.

Each database is migrated once per run into a template (tests/services/
template_database.py) that every pytest process copies, and each pass runs in
TEST_WORKERS pytest-xdist processes (default: one per CPU; 1 runs in this
process's way, without xdist, e.g. for --pdb).
"""

import contextlib
import functools
import importlib.util
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit

from tests.services import postgres, search_engine, template_database

PROJECT_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = PROJECT_DIR / ".cache"
REPORTS_DIR = CACHE_DIR / "test-reports"
PYTHON = sys.executable


def say(message):
    print(f"\n== {message}", flush=True)


def run(command, env=None):
    return subprocess.run(command, cwd=PROJECT_DIR, env=env).returncode


def test_env(extra_env=None):
    """The environment of a step: the test settings, and only the servers it is given."""
    extra_env = extra_env or {}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "integrity_site.settings.test", **extra_env}
    for variable in (
        "DATABASE_URL",
        "ELASTICSEARCH_URL",
        "SEARCH_ENGINE",
        template_database.ENVIRONMENT_VARIABLE,
    ):
        if variable not in extra_env:
            env.pop(variable, None)
    return env


def checks():
    env = test_env()
    steps = [
        ("Django system checks", [PYTHON, "manage.py", "check", "--fail-level", "WARNING"]),
        ("migrations match the models", [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"]),
        ("lint (ruff)", [PYTHON, "-m", "ruff", "check", "."]),
        (
            "formatting (ruff format --check)",
            [PYTHON, "-m", "ruff", "format", "--check", "--output-format", "concise", "."],
        ),
        # The arrows between apps point one way (the contracts in pyproject.toml).
        ("import contracts (import-linter)", [str(Path(PYTHON).parent / "lint-imports")]),
    ]
    failed = []
    for title, command in steps:
        say(title)
        if run(command, env) != 0:
            failed.append(title)
    return failed


class TemplateDatabase:
    """`python -m tests.services.template_database build` in the background; its output
    is shown only when it fails."""

    def __init__(self, backend, template, extra_env):
        self.backend, self.template, self.env = backend, template, test_env(extra_env)
        REPORTS_DIR.mkdir(parents=True, exist_ok=True)
        self.log = REPORTS_DIR / f"template-database-{backend.lower()}.log"
        self.started = time.monotonic()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "tests.services.template_database", "build", template],
                cwd=PROJECT_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.ready = None

    def wait(self):
        """The template's name for the passes, or None (then pytest-django migrates, and shows why)."""
        if self.ready is None:
            code = self.process.wait()
            self.ready = code == 0
            seconds = time.monotonic() - self.started
            if self.ready:
                print(f"template test database ({self.backend}) migrated in {seconds:.0f}s", flush=True)
            else:
                print(
                    f"\nThe template test database ({self.backend}) could not be migrated (exit {code}); "
                    f"the pass migrates its own. Output:\n{self.log.read_text(errors='replace')}",
                    file=sys.stderr,
                    flush=True,
                )
        return self.template if self.ready else None

    def drop(self):
        self.process.wait()
        subprocess.run(
            [PYTHON, "-m", "tests.services.template_database", "drop", self.template],
            cwd=PROJECT_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
        )


@functools.cache
def worker_count():
    """pytest-xdist processes per pass: TEST_WORKERS, else one per CPU this process may use."""
    wanted = os.environ.get("TEST_WORKERS", "").strip()
    count = int(wanted) if wanted else len(os.sched_getaffinity(0))
    if count > 1 and importlib.util.find_spec("xdist") is None:
        print(
            "pytest-xdist is not installed (requirements-dev.txt): each pass runs in one process.",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return max(count, 1)


def pytest_pass(name, marker_expression, extra_env, template=None, workers=None):
    """Run one pass of the suite; returns (passed, failed, errors, skipped)."""
    say(f"pytest on {name}")
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    report = REPORTS_DIR / f"{name.lower().replace(' ', '-')}.xml"
    extra_env = dict(extra_env)
    if template:
        extra_env[template_database.ENVIRONMENT_VARIABLE] = template
    env = test_env(extra_env)
    workers = worker_count() if workers is None else workers
    # --dist load hands each process its tests in collection order, which keeps pytest-django's
    # order within each process: transactional tests flush the database, so they come last.
    parallel = ["-n", str(workers), "--dist", "load"] if workers > 1 else []
    code = run(
        [
            PYTHON,
            "-m",
            "pytest",
            "-m",
            marker_expression,
            f"--junitxml={report}",
            "-o",
            "junit_family=xunit2",
            *parallel,
            *sys.argv[1:],
        ],
        env,
    )
    counts = read_counts(report)
    if code not in (0, 1) and sum(counts) == 0:
        # pytest could not run at all (usage error, collection error, no tests).
        counts = (counts[0], counts[1] + 1, counts[2], counts[3])
    return counts


def read_counts(report):
    if not report.exists():
        return (0, 0, 1, 0)
    root = ElementTree.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = failures = errors = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return (tests - failures - errors - skipped, failures, errors, skipped)


RELEVANCE_REPORT = REPORTS_DIR / "search-relevance.txt"


def search_engine_pass(engine, template):
    """The search tests (the search engine's and the backend-agnostic ones) on ``engine``."""
    return pytest_pass(
        f"{engine.flavour} {engine.version}",
        "search_engine or search_backend",
        {"ELASTICSEARCH_URL": engine.url, "SEARCH_ENGINE": engine.flavour},
        template,
        # One process: the single-node engine (half a gigabyte of heap) answered
        # index set-ups of two processes at once too slowly on a busy two-core machine.
        workers=1,
    )


def postgres_template_name(database_url):
    """A database name of this run's own, beside the test databases pytest-django would make."""
    database = urlsplit(database_url).path.lstrip("/") or "postgres"
    return f"test_{database}"[:40] + f"_template_{os.getpid()}"


def load_average():
    return " ".join(f"{average:.2f}" for average in os.getloadavg())


def main():
    started, load_at_start = time.monotonic(), load_average()
    timings = []

    @contextlib.contextmanager
    def timed(step):
        begun = time.monotonic()
        try:
            yield
        finally:
            timings.append((step, time.monotonic() - begun))

    RELEVANCE_REPORT.unlink(missing_ok=True)
    totals = [0, 0, 0, 0]

    def add(counts):
        for index, value in enumerate(counts):
            totals[index] += value

    with contextlib.ExitStack() as cleanup:
        # Migrated while the checks run; SQLite serves the SQLite and the search engine passes.
        sqlite_template = TemplateDatabase(
            "SQLite", str(CACHE_DIR / "test-databases" / f"template-{os.getpid()}.sqlite3"), {}
        )
        cleanup.callback(sqlite_template.drop)
        with timed("checks"):
            failed_checks = checks()
        with timed("SQLite"):
            add(pytest_pass("SQLite", "not postgres and not search_engine", {}, sqlite_template.wait()))
        try:
            with timed("servers"):
                say("starting PostgreSQL" if not os.environ.get("DATABASE_URL") else "checking DATABASE_URL")
                database_url = cleanup.enter_context(postgres.provisioned(CACHE_DIR / "postgres"))
                # Migrated while the search engine starts; dropped before the server stops.
                postgres_template = TemplateDatabase(
                    "PostgreSQL", postgres_template_name(database_url), {"DATABASE_URL": database_url}
                )
                cleanup.callback(postgres_template.drop)
                say(
                    "starting the search engine"
                    if not os.environ.get("ELASTICSEARCH_URL")
                    else "checking ELASTICSEARCH_URL"
                )
                engine = cleanup.enter_context(search_engine.provisioned(CACHE_DIR / "search-engine"))
        except RuntimeError as error:
            print(f"\nA server the tests need could not be had:\n{error}", file=sys.stderr)
            totals[2] += 1
        else:
            with timed("PostgreSQL"):
                add(
                    pytest_pass(
                        "PostgreSQL",
                        "not search_engine and not own_database",
                        {"DATABASE_URL": database_url},
                        postgres_template.wait(),
                    )
                )
            with timed(engine.flavour):
                add(search_engine_pass(engine, sqlite_template.wait()))
            # The elasticsearch9 backend on Elasticsearch itself, after the first engine's pass
            # (which may be an Elasticsearch too, when ELASTICSEARCH_URL names one).
            with timed("Elasticsearch 9"):
                say(
                    f"starting Elasticsearch {search_engine.ES_VERSION}"
                    if not os.environ.get(search_engine.ES_URL_VARIABLE)
                    else f"checking {search_engine.ES_URL_VARIABLE}"
                )
                try:
                    elasticsearch = cleanup.enter_context(search_engine.provisioned_elasticsearch())
                except RuntimeError as error:
                    print(f"\nElasticsearch 9 could not be had:\n{error}", file=sys.stderr)
                    totals[2] += 1
                else:
                    add(search_engine_pass(elasticsearch, sqlite_template.wait()))

    passed, failed, errors, skipped = totals
    say("summary")
    if RELEVANCE_REPORT.exists():
        print("search relevance:")
        print(RELEVANCE_REPORT.read_text(encoding="utf-8"), end="")
    steps = ", ".join(f"{step} {seconds:.0f}s" for step, seconds in timings)
    print(
        f"time: {time.monotonic() - started:.0f}s ({steps}); {worker_count()} pytest processes per pass; "
        f"load average {load_at_start} at the start, {load_average()} at the end"
    )
    for title in failed_checks:
        print(f"check failed: {title}")
    print(
        f"total: {passed} passed, {failed + errors + len(failed_checks)} failed, {skipped} skipped",
        flush=True,
    )
    return 1 if failed or errors or failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
