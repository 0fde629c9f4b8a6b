"""Benchmark: initiative signatures accepted per second by the production stack, and the campaign
page's queries and time and a signer's numbering with 10, 10,000 and 1,000,000 signatures.

    DATABASE_URL=postgresql://… .venv/bin/python bench/signatures.py --redis
    .venv/bin/python bench/signatures.py            # SQLite (a fresh file), for comparison only

The stack is the one `make serve` runs, started as bench/soak.py starts it (``python -m
integrity_site.serve --demo``: migrations, the demo content, gunicorn with the production settings
and its workers, the background worker, the scheduler), on a fresh database (a SQLite file, or a
database ``soak_…`` on the server DATABASE_URL names, dropped afterwards); ``--redis``: a
throwaway Redis as the shared cache. ``--clients`` concurrent HTTP clients POST ``--signatures``
signing forms (after 20 to warm up) to the first demo campaign open for signing, each with its own
mobile number and client address (``X-Real-IP``, as nginx sets it; the rate limits stay on), the
CSRF token from /csrf/ as the page's script takes it on the cached page. Afterwards the stored
signatures, the count and the places (1 … N, none twice) must agree.

Then, the stack stopped, the campaign is filled in bulk to 10, 10,000 and ``--largest``
signatures (the counter rows rebuilt by ``signing.recount``) and, at each size, in this process:
the page rendered uncached 20 times (its queries and median time) and 20 new signers numbered
(``signing.number_signatures``: its queries and median time). One JSON line per measure and a
summary.
"""

import argparse
import contextlib
import itertools
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_load import free_port, post_forms, process_tree_cpu, redis_server  # noqa: E402 - bench/ is on sys.path
from soak import fresh_database, load_average, running_stack, stack_environment, use_database  # noqa: E402

SUBDISTRICTS = ["解放路街道", "千佛山街道", "趵突泉街道", "泉城路街道", "大明湖街道"]
SIGNERS = itertools.count()  # the numbering measure's signers


def signature_forms(numbers):
    return {
        n: {
            "name": f"居民{n}",
            "subdistrict": SUBDISTRICTS[n % len(SUBDISTRICTS)],
            "community": f"社区{n % 40}",
            "mobile": f"138{n:08d}",
            "consent": "on",
            "submission_token": f"bench-{n}",
        }
        for n in numbers
    }


def open_campaign():
    """The first demo campaign open for signing (in the default language) and its path."""
    from wagtail.models import Locale

    from campaigns import signing
    from campaigns.models import CampaignPage

    for campaign in CampaignPage.objects.live().filter(locale=Locale.get_default()).order_by("path"):
        if signing.signing_state(campaign) == "open":
            return campaign, urllib.parse.urlsplit(campaign.full_url).path
    raise RuntimeError("the demo has no campaign open for signing")


def signing_load(port, path, pid, campaign, arguments):
    """The POSTs through the stack; what the database holds afterwards."""
    from django.db import connection

    from campaigns import signing
    from campaigns.signatures import Signature

    post_forms(port, path, signature_forms(range(10_000_000, 10_000_020)), arguments.clients)  # warm-up
    connection.close()
    load_before = load_average()
    cpu_before = process_tree_cpu(pid)
    elapsed, latencies, statuses = post_forms(
        port, path, signature_forms(range(arguments.signatures)), arguments.clients
    )
    cpu_seconds = process_tree_cpu(pid) - cpu_before
    load_after = load_average()
    signatures = Signature.objects.filter(campaign=campaign)
    stored = signatures.count()
    places = sorted(signatures.values_list("place", flat=True))
    count = signing.online_count(campaign)
    result = {
        "measure": "signatures_per_second",
        "database": connection.vendor,
        "stack": "python -m integrity_site.serve (gunicorn, production settings)",
        "workers": arguments.workers or "the stack's default",
        "cache": "redis" if arguments.redis or os.environ.get("REDIS_URL") else "file",
        "signatures": arguments.signatures,
        "clients": arguments.clients,
        "seconds": round(elapsed, 3),
        "per_second": round(arguments.signatures / elapsed, 1),
        "stack_cpu_seconds": round(cpu_seconds, 2),
        "stack_cpu_ms_per_signature": round(cpu_seconds * 1000 / arguments.signatures, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(statistics.quantiles(latencies, n=20)[-1] * 1000, 1),
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "stored": stored,
        "count": count,
        "count_exact": stored == count,
        "places_1_to_n": places == list(range(1, stored + 1)),
        "load_average": {"before": load_before, "after": load_after},
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def fill(campaign, count, batch=20_000):
    """Signatures up to ``count``, inserted in bulk with the places that follow, then the
    counter rows rebuilt."""
    from django.db.models import Max

    from campaigns import signing
    from campaigns.signatures import Signature

    text = signing.current_text(campaign)
    existing = Signature.objects.filter(campaign=campaign).count()
    first_place = (Signature.objects.filter(campaign=campaign).aggregate(top=Max("place"))["top"] or 0) + 1
    token = secrets.token_urlsafe(24)
    for start in range(existing, count, batch):
        Signature.objects.bulk_create(
            Signature(
                campaign=campaign,
                text=text,
                name=f"居民{n}",
                subdistrict=SUBDISTRICTS[n % len(SUBDISTRICTS)],
                community=f"社区{n % 40}",
                mobile=f"139{n:08d}",
                message="诚信从我做起" if n % 1000 == 0 else "",
                message_state="approved" if n % 1000 == 0 else "",
                consent=True,
                access_token=token,
                place=first_place + n - existing,
            )
            for n in range(start, min(start + batch, count))
        )
    signing.recount(campaign)


@contextlib.contextmanager
def counting_queries():
    """Yields the list of the SQL statements run inside the block (a request resets Django's own
    query log when it starts, so they are counted as they run)."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield queries


def page_measure(path, repeats=20):
    """Queries of one uncached render of the page, and the median time of ``repeats``."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get(path).status_code == 200  # warm
    with counting_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    return len(queries), round(statistics.median(times) * 1000, 1)


def numbering_measure(campaign, repeats=20):
    """A signature committed without its place, then numbered, ``repeats`` times: the queries
    and median time of ``signing.number_signatures``; each must get the place after the last."""
    from django.db.models import Max

    from campaigns import signing
    from campaigns.signatures import Signature

    text = signing.current_text(campaign)
    times = []
    for _ in range(repeats):
        n = next(SIGNERS)
        top = Signature.objects.filter(campaign=campaign).aggregate(top=Max("place"))["top"] or 0
        signature = Signature.objects.create(
            campaign=campaign,
            text=text,
            name=f"新居民{n}",
            subdistrict=SUBDISTRICTS[0],
            mobile=f"137{n:08d}",
            consent=True,
            access_token=secrets.token_urlsafe(24),
        )
        with counting_queries() as queries:
            started = time.perf_counter()
            signing.number_signatures(campaign.pk, signature.pk)
            times.append(time.perf_counter() - started)
        signature.refresh_from_db()
        assert signature.place == top + 1, (signature.place, top)
    return len(queries), round(statistics.median(times) * 1000, 2)


def measure_sizes(campaign, path, largest):
    from campaigns import signing
    from campaigns.signatures import Signature

    Signature.objects.filter(campaign=campaign).delete()
    signing.recount(campaign)
    sizes = {}
    for size in (10, 10_000, largest):
        started = time.perf_counter()
        fill(campaign, size)
        fill_seconds = round(time.perf_counter() - started, 1)
        queries, median_ms = page_measure(path)
        numbering_queries, numbering_ms = numbering_measure(campaign)
        sizes[size] = {
            "page_queries": queries,
            "page_median_ms": median_ms,
            "numbering_queries": numbering_queries,
            "numbering_median_ms": numbering_ms,
            "fill_seconds": fill_seconds,
        }
        print(json.dumps({"measure": "campaign_page", "signatures": size, **sizes[size]}), flush=True)
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signatures", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the stack's own)")
    parser.add_argument("--redis", action="store_true", help="a throwaway Redis as the shared cache")
    parser.add_argument("--largest", type=int, default=1_000_000)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-signatures-"))
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(folder))
        redis_url = stack.enter_context(redis_server()) if arguments.redis else os.environ.get("REDIS_URL")
        env = stack_environment(folder, database_url, redis_url, arguments.workers)
        port = free_port()
        with running_stack(env, port, folder) as server:
            # This process renders the page itself, uncached, with a file cache of its own.
            os.environ.update(
                PAGE_CACHE_SECONDS="0", SECURE_SSL_REDIRECT="false", CACHE_DIR=str(folder / "bench-cache")
            )
            os.environ.pop("REDIS_URL", None)
            use_database(env)
            campaign, path = open_campaign()
            result = signing_load(port, path, server.pid, campaign, arguments)
        sizes = measure_sizes(campaign, path, arguments.largest)
        from django.db import connection

        connection.close()
    print(
        f"summary: {result['per_second']} signatures/s through the production stack on {result['database']} "
        f"({arguments.clients} clients, p95 {result['latency_ms_p95']} ms, "
        f"{result['stack_cpu_ms_per_signature']} ms of the stack's CPU each; count exact: {result['count_exact']}, "
        f"places 1..N: {result['places_1_to_n']}; load average {result['load_average']['before'][0]} → "
        f"{result['load_average']['after'][0]}); "
        + ", ".join(
            f"{size:,} signatures → page {s['page_queries']} queries {s['page_median_ms']} ms, "
            f"numbering {s['numbering_queries']} queries {s['numbering_median_ms']} ms"
            for size, s in sizes.items()
        ),
        flush=True,
    )
    return 0 if result["count_exact"] and result["places_1_to_n"] else 1


if __name__ == "__main__":
    sys.exit(main())
