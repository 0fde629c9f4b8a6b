"""Benchmark: integrity pledges accepted per second by one server process, and the SQL
queries of the public register (HTML and JSON) at 10 and at 10,000 pledges.

    DATABASE_URL=postgresql://… .venv/bin/python bench/pledges.py
    .venv/bin/python bench/pledges.py            # SQLite, for comparison only

A fresh test database (``test_<name>``, dropped afterwards) gets the pledge page and a published
pledge text. One server process (the WSGI server of ``bench/registrations.py``: a pool of
``--server-threads`` threads, persistent connections) takes ``--pledges`` signing-form POSTs from
``--clients`` concurrent HTTP clients, each with its own credit code, e-mail and client address
(the per-address and per-code rate limits stay on). Accepting a pledge means: validating the form
(credit-code check character, mobile, names), the two rate-limit counters, the insert, the audit
log entry and the confirmation e-mail (Django's locmem backend: no SMTP round trip is measured).
Afterwards the database must hold exactly one submitted pledge per POST. Then the register page
(20 per page) and one page of the JSON register (100 per page) have their queries counted with
10 and with 10,000 approved pledges. Prints one JSON line per measure and a summary.
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")

from http_load import post_forms, run_benchmark, server_cpu, server_process  # noqa: E402 - bench/ is on sys.path


def credit_code(serial):
    from integrity_site.core.credit_code import check_character

    first_seventeen = f"92370102{serial:09d}"
    return first_seventeen + check_character(first_seventeen)


def post_pledges(port, path, serials, clients):
    forms = {
        n: {
            "merchant_name": f"历下诚信商户{n}",
            "credit_code": credit_code(n),
            "entity_kind": "individual_business",
            "industry": "catering",
            "subdistrict": "泉城路街道",
            "address": f"泉城路{n}号",
            "contact_person": "张三华",
            "mobile": f"139{n % 100_000_000:08d}",
            "email": f"merchant{n}@example.org",
            "signatory_name": "张三华",
            "consent_to_publication": "on",
        }
        for n in serials
    }
    return post_forms(port, path, forms, clients)


def build_site():
    from wagtail.models import Site

    from tests import factories

    site = Site.objects.get(is_default_site=True)
    factories.publish_pledge_text()
    page = factories.PledgePageFactory(parent=site.root_page.specific)
    return site, page


def approved_pledges(total):
    """Bring the number of approved pledges up to ``total`` (bulk insert: the setup is not measured)."""
    import datetime

    from django.utils import timezone

    from pledges.records import Pledge, PledgeState
    from pledges.texts import current_text_revision

    revision = current_text_revision()
    existing = Pledge.objects.filter(state=PledgeState.APPROVED).count()
    now = timezone.now()
    subdistricts = ["解放路街道", "泉城路街道", "大明湖街道", "文东街道"]
    Pledge.objects.bulk_create(
        [
            Pledge(
                merchant_name=f"公示商户{n}",
                credit_code=credit_code(50_000_000 + n),
                entity_kind="enterprise",
                industry="retail",
                subdistrict=subdistricts[n % 4],
                address=f"经十路{n}号",
                consent_to_publication=True,
                contact_person="李四",
                mobile="13800000000",
                email=f"p{n}@example.org",
                signatory_name="李四",
                state=PledgeState.APPROVED,
                text_revision=revision,
                confirmed_at=now,
                approved_at=now - datetime.timedelta(seconds=n),
                valid_until=now.date() + datetime.timedelta(days=365),
                number=f"B{n:07d}",
            )
            for n in range(existing, total)
        ],
        batch_size=1000,
    )


def register_queries(page, counts):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for count in counts:
        approved_pledges(count)
        measured = {}
        for name, url in (
            ("register_html", page.url + "register/"),
            ("register_json", page.url + "register/json/"),
        ):
            client.get(url)  # warm per-process caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            measured[name] = len(queries)
        results[count] = measured
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pledges", type=int, default=1000)
    return run_benchmark(parser, "bench-pledges-", measure)


def measure(arguments, test_name):
    from django.db import connection

    from pledges.records import Pledge, PledgeState

    site, page = build_site()
    site.hostname, site.port = "127.0.0.1", 80
    site.save()
    with server_process(__file__, arguments.server_threads, test_name) as (port, server_pid):
        # Warm-up: imports, connections and templates of the server process.
        post_pledges(port, page.url, range(10_000_000, 10_000_020), arguments.clients)
        Pledge.objects.all().delete()
        cpu_before = server_cpu(server_pid)
        elapsed, latencies, statuses = post_pledges(
            port, page.url, range(arguments.pledges), arguments.clients
        )
        cpu_seconds = server_cpu(server_pid) - cpu_before

    submitted = Pledge.objects.filter(state=PledgeState.SUBMITTED).count()
    result = {
        "measure": "pledges_accepted_per_second",
        "database": connection.vendor,
        "pledges": arguments.pledges,
        "clients": arguments.clients,
        "server_threads": arguments.server_threads,
        "seconds": round(elapsed, 3),
        "per_second": round(arguments.pledges / elapsed, 1),
        "server_cpu_seconds": round(cpu_seconds, 2),
        "per_server_cpu_second": round(arguments.pledges / cpu_seconds, 1) if cpu_seconds else None,
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(statistics.quantiles(latencies, n=20)[-1] * 1000, 1),
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "submitted": submitted,
        "no_lost_pledge": submitted == arguments.pledges,
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)

    queries = register_queries(page, [10, 10_000])
    constant = queries[10] == queries[10_000]
    print(
        json.dumps({"measure": "register_queries", "approved_pledges": queries, "constant": constant}),
        flush=True,
    )
    print(
        f"summary: {result['per_second']} pledges accepted/s on {connection.vendor} "
        f"(p95 {result['latency_ms_p95']} ms, {result['server_cpu_seconds']} s server CPU); register "
        f"queries at 10 / 10,000 pledges: {queries[10]} / {queries[10_000]} "
        f"({'constant' if constant else 'GROWS'})"
    )


if __name__ == "__main__":
    main()
