"""Benchmark: registrations per second that one server process sustains with the
capacity rule in place, and the SQL queries of an event index page.

    DATABASE_URL=postgresql://… .venv/bin/python bench/registrations.py
    .venv/bin/python bench/registrations.py            # SQLite, for comparison only

A fresh test database (``test_<name>``, dropped afterwards) gets one lecture with
``--capacity`` seats. One server process (Django's WSGI application in a wsgiref
server with a pool of ``--server-threads`` worker threads, persistent database
connections: ``DATABASE_CONN_MAX_AGE``, default 60 here) takes ``--registrations`` form POSTs
from ``--clients`` concurrent HTTP clients, each a different mobile number and
client address (the per-address rate limit stays on). Everyone asks for the
waiting list, so the last ones exercise the full-event path. Afterwards the
database must hold exactly ``capacity`` confirmed seats and every registration.
Then the index page's queries are counted with 5, 20 and 200 events in the section
(20 per page). Prints one JSON line per measure and a summary.
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

# --- the server process --------------------------------------------------------------


# --- the load generator ------------------------------------------------------------------


def post_registrations(port, path, numbers, clients):
    forms = {
        n: {
            "name": f"居民{n}",
            "mobile": f"138{n:08d}",
            "consent": "on",
            "join_waiting_list": "on",
            "submission_token": f"bench-{n}",
        }
        for n in numbers
    }
    return post_forms(port, path, forms, clients)


# --- the site -----------------------------------------------------------------------------


def build_site(capacity):
    import datetime

    from django.utils import timezone
    from wagtail.models import Site

    from tests import factories

    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    lectures = factories.LectureIndexPageFactory(parent=home)
    start = timezone.now() + datetime.timedelta(days=7)
    lecture = factories.LecturePageFactory(
        parent=lectures,
        title="压力测试讲座",
        slug="bench",
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        registration_enabled=True,
        capacity=capacity,
        venue=factories.VenueFactory(),
        speakers=[factories.SpeakerFactory()],
    )
    return site, lectures, lecture


def index_queries(lectures, counts):
    """Queries of the index page (20 per page) with ``count`` events in the section."""
    import datetime

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lectures.models import LectureIndexPage, LecturePage
    from tests import factories

    LectureIndexPage.lectures_per_page = 20
    venue, speaker = factories.VenueFactory(), factories.SpeakerFactory()
    client = Client()
    results = {}
    for count in counts:
        existing = LecturePage.objects.child_of(lectures).count()
        for n in range(existing, count):
            start = timezone.now() + datetime.timedelta(days=n + 1)
            page = factories.LecturePageFactory(
                parent=lectures,
                title=f"讲座{n}",
                slug=f"talk-{n}",
                start_at=start,
                end_at=start + datetime.timedelta(hours=2),
                venue=venue,
                speakers=[speaker],
                registration_enabled=True,
                capacity=30,
            )
            page.tags.add("诚信")
            page.save_revision().publish()
        client.get(lectures.url)  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(lectures.url)
        assert response.status_code == 200
        results[count] = len(queries)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=800)
    return run_benchmark(parser, "bench-registrations-", measure)


def measure(arguments, test_name):
    from django.db import connection

    from integrity_site.events.records import Registration, RegistrationStatus, SeatPool

    site, lectures, lecture = build_site(arguments.capacity)
    site.hostname, site.port = "127.0.0.1", 80
    site.save()
    with server_process(__file__, arguments.server_threads, test_name) as (port, server_pid):
        path = lecture.url
        # Warm-up: imports, connections and templates of the server process.
        post_registrations(port, path, range(10_000_000, 10_000_020), arguments.clients)
        Registration.objects.all().delete()
        SeatPool.objects.update(seats_taken=0)
        cpu_before = server_cpu(server_pid)
        elapsed, latencies, statuses = post_registrations(
            port, path, range(arguments.registrations), arguments.clients
        )
        cpu_seconds = server_cpu(server_pid) - cpu_before

    confirmed = Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITING).count()
    seats = SeatPool.objects.get(event=lecture).seats_taken
    result = {
        "measure": "registrations_per_second",
        "database": connection.vendor,
        "registrations": arguments.registrations,
        "capacity": arguments.capacity,
        "clients": arguments.clients,
        "server_threads": arguments.server_threads,
        "seconds": round(elapsed, 3),
        "per_second": round(arguments.registrations / elapsed, 1),
        "server_cpu_seconds": round(cpu_seconds, 2),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(statistics.quantiles(latencies, n=20)[-1] * 1000, 1),
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "confirmed": confirmed,
        "waiting": waiting,
        "seats_taken": seats,
        "no_overbooking": confirmed == seats == min(arguments.capacity, arguments.registrations),
        "no_lost_registration": confirmed + waiting == arguments.registrations,
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)

    queries = index_queries(lectures, [5, 20, 200])
    print(
        json.dumps(
            {
                "measure": "index_page_queries",
                "events_in_section": queries,
                "per_page": 20,
                "constant": len(set(queries.values())) == 1,
            }
        ),
        flush=True,
    )
    print(
        f"summary: {result['per_second']} registrations/s on {connection.vendor} "
        f"(p95 {result['latency_ms_p95']} ms, overbooking: {'none' if result['no_overbooking'] else 'YES'}); "
        f"index page of 20 events: {queries[20]} queries "
        f"({'constant' if len(set(queries.values())) == 1 else 'GROWS'}: {queries})"
    )


if __name__ == "__main__":
    main()
