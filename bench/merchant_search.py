"""Benchmark: the site search's merchant lookup (``integrity_site.core.merchant_search``) over one
district's feed (130,063 records, the files of ``publicity_import.py``), by name fragment, full
pinyin, initials and credit code.

    .venv/bin/python bench/merchant_search.py                   # SQLite (a fresh file database)
    DATABASE_URL=postgresql://… .venv/bin/python bench/merchant_search.py   # PostgreSQL (emptied first)

Prints the import time (the importer now spells every name in pinyin), then for 100 terms of each
kind taken from the data with a fixed seed: median and p95 of the whole lookup (finders and every
app's facts) and the number of queries, and the load average.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.publicity_import import generate_files  # noqa: E402

TERMS = 100


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    files = generate_files()
    folder = tempfile.mkdtemp(prefix="bench-merchants-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "integrity_site.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from integrity_site.core.merchant_search import find_merchants
    from integrity_site.core.text import pinyin_spellings
    from publicity.importer import import_feed
    from publicity.records import PublicityRecord

    started = time.perf_counter()
    for path in files:
        import_feed(str(path), report_path=str(Path(folder) / "rejected.csv"))
    imported = time.perf_counter() - started
    print(
        json.dumps(
            {"step": "import", "records": PublicityRecord.objects.count(), "seconds": round(imported, 1)}
        )
    )

    rng = random.Random(17)
    rows = list(
        PublicityRecord.objects.exclude(credit_code="")
        .exclude(subject_category="natural_person")
        .values_list("subject_name", "credit_code")
        .order_by("pk")
    )
    sample = rng.sample(rows, TERMS)
    fragments = []
    for name, _code in sample:
        length = rng.randint(4, min(8, len(name)))
        start = rng.randint(0, len(name) - length)
        fragments.append(name[start : start + length])
    kinds = {
        "name fragment (4-8 characters)": fragments,
        "full pinyin of a fragment": [pinyin_spellings(fragment)[0] for fragment in fragments],
        "initials of a name": [pinyin_spellings(name)[1] for name, _code in sample],
        "credit code": [code for _name, code in sample],
    }
    load = os.getloadavg()
    for kind, terms in kinds.items():
        find_merchants(terms[0])  # the first query's set-up is not timed
        times, counts, found = [], [], []
        for term in terms:
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                results = find_merchants(term)
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
            found.append(len(results.cards))
        print(
            json.dumps(
                {
                    "step": kind,
                    "vendor": connection.vendor,
                    "median_ms": round(statistics.median(times), 1),
                    "p95_ms": round(percentile(times, 0.95), 1),
                    "queries": sorted(set(counts)),
                    "cards_median": statistics.median(found),
                },
                ensure_ascii=False,
            )
        )
    print(json.dumps({"load_average": [round(value, 2) for value in (*load, *os.getloadavg())]}))


if __name__ == "__main__":
    main()
