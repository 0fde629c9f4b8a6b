"""Benchmark: the credit check step of an honour list's moderation, a 500-entry list against the
report's feed (127,019 licences, 3,014 penalties and dishonest-debtor records: 130,063 in all).

    .venv/bin/python bench/honour_credit_check.py                          # SQLite
    DATABASE_URL=postgresql://… .venv/bin/python bench/honour_credit_check.py   # PostgreSQL (an empty database)

The feed files are generated with integrity_site/demo/feedgen.py and loaded through the site's importer once
(SQLite: kept under .cache/bench-honour-check/, --rebuild starts afresh). The list's entries are
organisations with credit codes, 50 of them penalised in the feed, and persons checked by name.
The step's own function (``credit_review.credit_hits``, what the workflow step runs on submission
and the reviewer's dialogue shows) is timed --repeat times; prints one JSON line per run and a
summary with the median, the queries per check and the load average. Target: under 1 s.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = ROOT / ".cache" / "bench-honour-check"
FEED = {"licence": 127_019, "penalty": 3_014, "dishonest": 30}
ENTRIES = 500
PENALISED_ENTRIES = 50
PERSON_ENTRIES = 100


def feed_files(today):
    from integrity_site.demo.feedgen import generate_feed

    CACHE.mkdir(parents=True, exist_ok=True)
    options = {
        "first_date": today - datetime.timedelta(days=3 * 365),
        "last_date": today - datetime.timedelta(days=1),
    }
    files = []
    for seed, (kind, count) in enumerate(FEED.items(), start=61):
        path = CACHE / f"{kind}-{count}.csv"
        if not path.exists():
            generate_feed(path, kind, count, seed=seed, **options)
        files.append((kind, path))
    return files


def load(today):
    from publicity.importer import import_feed

    started = time.perf_counter()
    for kind, path in feed_files(today):
        summary = import_feed(str(path), kind=kind, report_path=str(CACHE / f"{path.stem}.rejected.csv"))
        print(
            json.dumps({"step": "import", "file": path.name, **summary.as_dict()}, ensure_ascii=False),
            flush=True,
        )
    return time.perf_counter() - started


def honour_list():
    """An unsaved 500-entry list as the workflow step sees a draft."""
    import random

    from honours.models import HonourEntry, HonourListPage
    from integrity_site.demo.feedgen import credit_code, person_name
    from publicity.records import PublicityRecord

    rng = random.Random(5)
    penalised = list(
        PublicityRecord.objects.filter(kind="penalty")
        .exclude(credit_code="")
        .values_list("subject_name", "credit_code")[:PENALISED_ENTRIES]
    )
    entries = [HonourEntry(name=name, credit_code=code) for name, code in penalised]
    entries += [HonourEntry(name=person_name(rng)) for _ in range(PERSON_ENTRIES)]
    while len(entries) < ENTRIES:
        entries.append(HonourEntry(name=f"历下区诚信单位{len(entries)}号", credit_code=credit_code(rng)))
    page = HonourListPage(title="基准名单", year=2026, category="integrity_unit")
    page.entries = entries
    return page, len(penalised)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="SQLite: load the feed afresh")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")
    if not os.environ.get("DATABASE_URL"):
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / "feed.sqlite3"
        if arguments.rebuild:
            path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from integrity_site.core.credit_review import credit_hits
    from publicity.records import PublicityRecord

    call_command("migrate", verbosity=0)
    load_seconds = None
    if not PublicityRecord.objects.exists():
        load_seconds = load(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE" if connection.vendor == "sqlite" else f"ANALYZE {PublicityRecord._meta.db_table}"
        )
    page, penalised = honour_list()
    timings = []
    for run in range(arguments.repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            hits = credit_hits(page)
            seconds = time.perf_counter() - started
        timings.append(seconds)
        print(
            json.dumps(
                {"run": run + 1, "seconds": round(seconds, 3), "hits": len(hits), "queries": len(queries)}
            )
        )
    summary = {
        "database": connection.vendor,
        "records": PublicityRecord.objects.count(),
        "entries": ENTRIES,
        "penalised_entries": penalised,
        "hits": len(hits),
        "median_s": round(statistics.median(timings), 3),
        "max_s": round(max(timings), 3),
        "queries": len(queries),
        "load_s": round(load_seconds, 1) if load_seconds is not None else None,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
