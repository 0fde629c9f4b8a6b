"""`make test`: the whole suite, against every backend the site supports.

1. Checks: Django's system checks, migrations in step with the models, lint.
2. The suite on SQLite with Wagtail's database search (the embedded default).
3. The same suite on a real PostgreSQL (database search on PostgreSQL).
4. The search tests on a real Elasticsearch-API engine.

PostgreSQL and the search engine come from DATABASE_URL and ELASTICSEARCH_URL
when set; otherwise they are installed and started here on loopback and stopped
at the end. A server that cannot be had fails the run with the reason.
"""

import contextlib
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tests.services import postgres, search_engine

PROJECT_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = PROJECT_DIR / ".cache"
REPORTS_DIR = CACHE_DIR / "test-reports"
PYTHON = sys.executable


def say(message):
    print(f"\n== {message}", flush=True)


def run(command, env=None):
    return subprocess.run(command, cwd=PROJECT_DIR, env=env).returncode


def checks():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "integrity_site.settings.test"}
    env.pop("DATABASE_URL", None)
    env.pop("ELASTICSEARCH_URL", None)
    steps = [
        ("Django system checks", [PYTHON, "manage.py", "check", "--fail-level", "WARNING"]),
        ("migrations match the models", [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"]),
        ("lint (ruff)", [PYTHON, "-m", "ruff", "check", "."]),
    ]
    failed = []
    for title, command in steps:
        say(title)
        if run(command, env) != 0:
            failed.append(title)
    return failed


def pytest_pass(name, marker_expression, extra_env):
    """Run one pass of the suite; returns (passed, failed, errors, skipped)."""
    say(f"pytest on {name}")
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    report = REPORTS_DIR / f"{name.lower().replace(' ', '-')}.xml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "integrity_site.settings.test", **extra_env}
    for variable in ("DATABASE_URL", "ELASTICSEARCH_URL", "SEARCH_ENGINE"):
        if variable not in extra_env:
            env.pop(variable, None)
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


def main():
    RELEVANCE_REPORT.unlink(missing_ok=True)
    failed_checks = checks()
    totals = [0, 0, 0, 0]

    def add(counts):
        for index, value in enumerate(counts):
            totals[index] += value

    add(pytest_pass("SQLite", "not postgres and not search_engine", {}))
    with contextlib.ExitStack() as servers:
        try:
            say("starting PostgreSQL" if not os.environ.get("DATABASE_URL") else "checking DATABASE_URL")
            database_url = servers.enter_context(postgres.provisioned(CACHE_DIR / "postgres"))
            say(
                "starting the search engine"
                if not os.environ.get("ELASTICSEARCH_URL")
                else "checking ELASTICSEARCH_URL"
            )
            engine = servers.enter_context(search_engine.provisioned(CACHE_DIR / "search-engine"))
        except RuntimeError as error:
            print(f"\nA server the tests need could not be had:\n{error}", file=sys.stderr)
            totals[2] += 1
        else:
            add(pytest_pass("PostgreSQL", "not search_engine", {"DATABASE_URL": database_url}))
            add(
                pytest_pass(
                    f"{engine.flavour} {engine.version}",
                    "search_engine or search_backend",
                    {"ELASTICSEARCH_URL": engine.url, "SEARCH_ENGINE": engine.flavour},
                )
            )

    passed, failed, errors, skipped = totals
    say("summary")
    if RELEVANCE_REPORT.exists():
        print("search relevance:")
        print(RELEVANCE_REPORT.read_text(encoding="utf-8"), end="")
    for title in failed_checks:
        print(f"check failed: {title}")
    print(
        f"total: {passed} passed, {failed + errors + len(failed_checks)} failed, {skipped} skipped",
        flush=True,
    )
    return 1 if failed or errors or failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
