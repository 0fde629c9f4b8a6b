"""Benchmark: the public publicity pages (query, statistics, credit profile) over a big records table.

    .venv/bin/python bench/publicity_pages.py                          # SQLite, 1,400,000 records
    .venv/bin/python bench/publicity_pages.py --records 300000         # a smaller table
    DATABASE_URL=postgresql://… .venv/bin/python bench/publicity_pages.py   # PostgreSQL

The records (licences, penalties and dishonest-debtor records decided over the last three years,
plus --heavy records of one merchant's credit code) are generated with integrity_site/demo/feedgen.py and loaded
through the site's importer, once: the SQLite database is kept under .cache/bench-publicity-pages/
and reused by later runs (--rebuild starts afresh); on PostgreSQL the database named by DATABASE_URL
is used and must be empty or hold exactly what an earlier run loaded. Then one server process
(bench/http_load.py: a WSGI server with worker threads) answers real HTTP GETs, one at a time, for
each kind of request; prints one JSON line per kind with the median and p95 latency, and a summary.
Targets: p95 under 300 ms on PostgreSQL, under 1 s on SQLite.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = ROOT / ".cache" / "bench-publicity-pages"
# Shares of the records: licences, penalties, the courts' dishonest-debtor list.
SHARES = {"licence": 0.85, "penalty": 0.13, "dishonest": 0.02}
HEAVY_NAME = "济南泉城路诚信连锁超市有限公司"
HEAVY_BODY = "91370102MA3C0HEAY"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def heavy_code():
    from integrity_site.core.credit_code import check_character

    return HEAVY_BODY + check_character(HEAVY_BODY)


def feed_files(records, heavy, today):
    """The feed files (generated once, deterministic): [(kind, path)]."""
    from integrity_site.demo.feedgen import FeedGenerator, generate_feed, write_feed

    CACHE.mkdir(parents=True, exist_ok=True)
    options = {
        "first_date": today - datetime.timedelta(days=3 * 365),
        "last_date": today - datetime.timedelta(days=1),
    }
    files = []
    rest = records - heavy
    for seed, (kind, share) in enumerate(SHARES.items(), start=41):
        count = round(rest * share)
        path = CACHE / f"{kind}-{count}-{today:%Y%m}.csv"
        if not path.exists():
            generate_feed(path, kind, count, seed=seed, **options)
        files.append((kind, path))
    code = heavy_code()
    for seed, (kind, count) in enumerate(
        [("licence", heavy * 4 // 5), ("penalty", heavy - heavy * 4 // 5)], start=51
    ):
        path = CACHE / f"{kind}-heavy-{count}-{today:%Y%m}.csv"
        if not path.exists():
            generator = FeedGenerator(kind, seed=seed, person_share=0, individual_business_share=0, **options)
            prefix = "XK" if kind == "licence" else "CF"

            def rows(generator=generator, prefix=prefix, count=count):
                for row, _bad in generator.rows(count):
                    row[f"{prefix}_XDR_MC"], row[f"{prefix}_XDR_SHXYM"] = HEAVY_NAME, code
                    yield row

            write_feed(path, rows(), generator.columns)
        files.append((kind, path))
    return files


def load(records, heavy, today):
    """Import the feed files through the site's importer; returns the seconds it took."""
    from publicity.importer import import_feed

    started = time.perf_counter()
    for kind, path in feed_files(records, heavy, today):
        summary = import_feed(str(path), kind=kind, report_path=str(CACHE / f"{path.stem}.rejected.csv"))
        print(
            json.dumps({"step": "import", "file": path.name, **summary.as_dict()}, ensure_ascii=False),
            flush=True,
        )
    return time.perf_counter() - started


def get(connection, path):
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, body


def measure(port, pid, groups, requests):
    """Each group's requests one after another; latency as the client saw it, and the server
    process's CPU time per request (steadier than the latency on a shared machine)."""
    from http_load import server_cpu

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    results = []
    for name, paths in groups:
        latencies = []
        cpu_before = server_cpu(pid)
        for path in paths[:requests]:
            elapsed, status, _body = get(connection, path)
            assert status == 200, (path, status)
            latencies.append(elapsed)
        cpu_ms = (server_cpu(pid) - cpu_before) * 1000 / len(latencies)
        line = {
            "step": name,
            "requests": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "max_ms": round(max(latencies), 1),
            "server_cpu_ms_per_request": round(cpu_ms, 1),
            "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)
        results.append(line)
    connection.close()
    return results


def request_groups(base, rng, requests):
    from urllib.parse import quote

    from publicity.records import PublicityRecord

    sample = list(
        PublicityRecord.objects.filter(
            pk__in=[rng.randint(1, PublicityRecord.objects.count()) for _ in range(600)]
        )
        .exclude(subject_name="")
        .values_list("subject_name", "subject_category", "credit_code")
    )
    rng.shuffle(sample)
    persons = [name for name, category, _code in sample if category == "natural_person"]
    businesses = [name for name, category, _code in sample if category != "natural_person"]
    codes = [code for _name, _category, code in sample if code]

    def fragment(name):
        length = rng.randint(4, min(8, len(name)))
        start = rng.randint(0, len(name) - length)
        return name[start : start + length]

    def q(term, **extra):
        parameters = "".join(f"&{key}={value}" for key, value in extra.items())
        return f"{base}?q={quote(term)}{parameters}"

    code = heavy_code()
    profile = f"{base}credit/{code}/"
    two = [name for name in persons if len(name) == 2] or ["王伟"]
    three = [name for name in persons if len(name) == 3] or ["王伟华"]
    return [
        ("statistics, first request", [f"{base}statistics/"]),
        ("statistics", [f"{base}statistics/"] * requests),
        ("query 济南 (most records match), page 1", [q("济南")] * requests),
        ("query 济南, page 99999", [q("济南", page=99999)] * requests),
        ("query 济南, licences only, page 40", [q("济南", kind="licence", page=40)] * requests),
        ("query of a 2-character person name", [q(two[n % len(two)]) for n in range(requests)]),
        ("query of a 3-character person name", [q(three[n % len(three)]) for n in range(requests)]),
        (
            "query of a 4-8 character business-name fragment",
            [q(fragment(businesses[n % len(businesses)])) for n in range(requests)],
        ),
        ("query that matches nothing", [q(f"不存在的名称{n}") for n in range(requests)]),
        ("query of a credit code", [q(codes[n % len(codes)]) for n in range(requests)]),
        ("query of the heavy code", [q(code)] * requests),
        (
            "credit profile of an ordinary code",
            [f"{base}credit/{codes[n % len(codes)]}/" for n in range(requests)],
        ),
        ("credit profile of the heavy code", [profile] * requests),
        ("credit profile of the heavy code, licences page 50", [f"{profile}?licences=50"] * requests),
        (
            "credit profile of the heavy code, page 99999",
            [f"{profile}?licences=99999&penalties=99999"] * requests,
        ),
    ]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_400_000)
    parser.add_argument(
        "--heavy", type=int, default=50_000, help="records of one merchant's code (of --records)"
    )
    parser.add_argument("--requests", type=int, default=40, help="requests of each kind")
    parser.add_argument("--rebuild", action="store_true", help="SQLite: load the records afresh")
    parser.add_argument("--load-only", action="store_true", help="load the records, measure nothing")
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")
    if arguments.serve:
        from http_load import serve

        return serve(arguments.serve, arguments.server_threads)

    sqlite_path = None
    if not os.environ.get("DATABASE_URL"):
        CACHE.mkdir(parents=True, exist_ok=True)
        sqlite_path = CACHE / f"records-{arguments.records}-{arguments.heavy}.sqlite3"
        if arguments.rebuild:
            sqlite_path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from http_load import server_process
    from wagtail.models import Site

    from publicity.models import PublicityPage
    from publicity.records import PublicityRecord
    from tests import factories

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    page = PublicityPage.objects.first()
    if page is None:
        page = factories.PublicityPageFactory(
            parent=Site.objects.get(is_default_site=True).root_page.specific
        )
    today = timezone.localdate()
    stored = PublicityRecord.objects.count()
    load_seconds = None
    if stored == 0:
        load_seconds = load(arguments.records, arguments.heavy, today)
        stored = PublicityRecord.objects.count()
    elif stored < arguments.records * 0.98:
        sys.exit(
            f"The database holds {stored} records, not about {arguments.records}: use an empty one (or --rebuild)."
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {PublicityRecord._meta.db_table}")
    if arguments.load_only:
        print(json.dumps({"records": stored, "load_s": load_seconds}))
        return None
    base = page.url
    groups = request_groups(base, random.Random(7), arguments.requests)
    name = connection.settings_dict["NAME"]
    with server_process(__file__, arguments.server_threads, str(name)) as (port, pid):
        results = measure(port, pid, groups, arguments.requests)
    summary = {
        "database": connection.vendor,
        "records": stored,
        "heavy_code_records": arguments.heavy,
        "migrate_s": round(migrate_seconds, 1),
        "load_s": round(load_seconds, 1) if load_seconds is not None else None,
        "worst_p95_ms": max(line["p95_ms"] for line in results if line["requests"] > 1),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
