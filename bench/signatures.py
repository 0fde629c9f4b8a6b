"""Benchmark: initiative signatures per second that one server process accepts, and the campaign
page's queries and time with 10, 10,000 and 1,000,000 signatures.

    DATABASE_URL=postgresql://… .venv/bin/python bench/signatures.py
    .venv/bin/python bench/signatures.py            # SQLite, for comparison only

A fresh test database (dropped afterwards) gets one campaign open for signing. One server process
(``http_load.serve``: Django's WSGI application in a wsgiref server with ``--server-threads``
worker threads and persistent connections) takes ``--signatures`` form POSTs from ``--clients``
concurrent HTTP clients, each with its own mobile number and client address (the rate limits stay
on). Afterwards the signatures and the count must be equal. Then the campaign is filled to 10,
10,000 and ``--largest`` signatures (inserted in bulk, the counter rows rebuilt by
``signing.recount``) and the page is rendered uncached: its queries and median time. Prints one
JSON line per measure and a summary.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")

from http_load import post_forms, run_benchmark, server_cpu, server_process  # noqa: E402 - bench/ is on sys.path

SUBDISTRICTS = ["解放路街道", "千佛山街道", "趵突泉街道", "泉城路街道", "大明湖街道"]


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


def build_campaign():
    from wagtail.models import Site

    from tests import factories

    site = Site.objects.get(is_default_site=True)
    index = factories.CampaignIndexPageFactory(parent=site.root_page.specific)
    return site, factories.signing_campaign(index, slug="bench", signature_goal=1_000_000)


def fill(campaign, count, batch=20_000):
    """Signatures up to ``count``, inserted in bulk, then the counter rows rebuilt."""
    import secrets

    from campaigns import signing
    from campaigns.signatures import Signature

    text = signing.current_text(campaign)
    existing = Signature.objects.filter(campaign=campaign).count()
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
                place=n + 1,
            )
            for n in range(start, min(start + batch, count))
        )
    signing.recount(campaign)


def page_measure(campaign, repeats=20):
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get(campaign.url)  # warm
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(campaign.url)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(campaign.url)
        times.append(time.perf_counter() - started)
    return len(queries), round(statistics.median(times) * 1000, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signatures", type=int, default=1000)
    parser.add_argument("--largest", type=int, default=1_000_000)
    return run_benchmark(parser, "bench-signatures-", measure)


def measure(arguments, test_name):
    from django.db import connection

    from campaigns import signing
    from campaigns.signatures import Signature

    site, campaign = build_campaign()
    site.hostname, site.port = "127.0.0.1", 80
    site.save()
    with server_process(__file__, arguments.server_threads, test_name) as (port, server_pid):
        path = campaign.url
        post_forms(port, path, signature_forms(range(10_000_000, 10_000_020)), arguments.clients)  # warm-up
        cpu_before = server_cpu(server_pid)
        elapsed, latencies, statuses = post_forms(
            port, path, signature_forms(range(arguments.signatures)), arguments.clients
        )
        cpu_seconds = server_cpu(server_pid) - cpu_before
    stored = Signature.objects.filter(campaign=campaign).count()
    count = signing.total_count(campaign)
    result = {
        "measure": "signatures_per_second",
        "database": connection.vendor,
        "signatures": arguments.signatures,
        "clients": arguments.clients,
        "server_threads": arguments.server_threads,
        "seconds": round(elapsed, 3),
        "per_second": round(arguments.signatures / elapsed, 1),
        "server_cpu_seconds": round(cpu_seconds, 2),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(statistics.quantiles(latencies, n=20)[-1] * 1000, 1),
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "stored": stored,
        "count": count,
        "count_exact": stored == count == arguments.signatures + 20,
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)

    Signature.objects.filter(campaign=campaign).delete()
    signing.recount(campaign)
    pages = {}
    for size in (10, 10_000, arguments.largest):
        started = time.perf_counter()
        fill(campaign, size)
        queries, median_ms = page_measure(campaign)
        pages[size] = {
            "queries": queries,
            "median_ms": median_ms,
            "fill_seconds": round(time.perf_counter() - started, 1),
        }
        print(json.dumps({"measure": "campaign_page", "signatures": size, **pages[size]}), flush=True)
    print(
        f"summary: {result['per_second']} signatures/s on {connection.vendor} "
        f"(p95 {result['latency_ms_p95']} ms, count exact: {result['count_exact']}); campaign page: "
        + ", ".join(
            f"{size:,} → {page['queries']} queries, {page['median_ms']} ms" for size, page in pages.items()
        )
    )


if __name__ == "__main__":
    main()
