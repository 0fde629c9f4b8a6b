"""Benchmark: what the site serves per second through a real server, with and without the page
cache: a static file, a trivial view, and the home, an article, an event and the pledge register.

    .venv/bin/python bench/serving.py                      # SQLite, a throwaway database
    DATABASE_URL=postgresql://… .venv/bin/python bench/serving.py

A fresh test database gets the demo site (both languages) and 60 approved pledges. gunicorn
(``--workers``, default 2, sync workers) serves it with the production settings
(``bench/serving_settings.py``: whitenoise for static files, Redis as the shared cache: a
throwaway ``redis-server`` unless ``REDIS_URL`` is set), persistent database connections. Each
address is loaded for ``--seconds`` from ``--connections`` concurrent connections (wrk when it is
installed), first with the page cache off (``PAGE_CACHE_SECONDS=0``: every page rendered) then
on. The SQL queries of one uncached request of each page are counted in-process. Prints one JSON
line per measure and a summary with the ratios to the static file.

Targets: a cached page ≥ 0.8× the static file's throughput; an uncached article p50 < 30 ms.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")

from http_load import (  # noqa: E402 - bench/ is on sys.path
    fetch,
    get_load,
    gunicorn_process,
    process_tree_cpu,
    redis_server,
    throwaway_database,
)

PAGES = ("home", "article", "event", "register")


def build_site():
    """The demo site and an approved register; returns the addresses to load."""
    import datetime
    import secrets

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from home.models import ArticlePage
    from lectures.models import LecturePage
    from pledges.models import PledgePage
    from tests import factories

    # The demo's admin account, made here so that the loader writes no password file.
    get_user_model().objects.create_superuser("admin", "", secrets.token_urlsafe(16))
    call_command("load_demo_content", stdout=open(os.devnull, "w"))
    for _n in range(60):
        factories.PledgeFactory(
            state="approved",
            approved_at=timezone.now(),
            valid_until=timezone.localdate() + datetime.timedelta(days=300),
        )
    article = ArticlePage.objects.live().filter(locale__language_code="zh-hans").order_by("-date").first()
    event = (
        LecturePage.objects.live()
        .filter(locale__language_code="zh-hans", registration_enabled=True, end_at__gte=timezone.now())
        .first()
        or LecturePage.objects.live().filter(locale__language_code="zh-hans").first()
    )
    pledges = PledgePage.objects.live().filter(locale__language_code="zh-hans").first()
    return {"home": "/", "article": article.url, "event": event.url, "register": pledges.url + "register/"}


def count_queries(paths):
    """The SQL queries of one uncached request of each page (in-process, page cache off)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in paths.items():
        client.get(path)  # per-process caches (sites, content types) warm, as in a server
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[name] = len(queries)
    return counts


def collect_static(env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def server_env(database_url, redis_url, static_root, page_cache_seconds):
    from django.conf import settings

    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.serving_settings",
        SECRET_KEY="bench-only-secret-key-not-for-production-use",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",
        REDIS_URL=redis_url,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        LOG_LEVEL="WARNING",
    )


def measure_server(env, addresses, arguments, label, rounds):
    """Load each address in turn, ``rounds`` times (the machine is shared: a static file and a page
    measured next to each other see the same load); the median of the rounds, and each page's
    throughput relative to the static file of the same round."""
    import statistics

    runs = {name: [] for name in addresses}
    with gunicorn_process(env, workers=arguments.workers, worker_class=arguments.worker_class) as (base, pid):
        for name, path in addresses.items():
            for _ in range(5):  # warm-up: imports, templates, renditions, connections; the cache
                status, headers, _body = fetch(base + path)
                assert status == 200, (path, status)
            if label == "cached" and name in PAGES:
                assert headers.get("X-Cache") == "HIT", (path, headers)
                assert "Set-Cookie" not in headers and "Cookie" not in headers.get("Vary", ""), headers
        for _round in range(rounds):
            for name, path in addresses.items():
                cpu_before = process_tree_cpu(pid)
                result = get_load(base + path, arguments.seconds, arguments.connections)
                result["cpu_ms"] = (process_tree_cpu(pid) - cpu_before) * 1000 / max(result["requests"], 1)
                runs[name].append(result)
        alone = {  # one request at a time: the time a request takes, without waiting for a worker
            name: get_load(base + path, arguments.alone_seconds, 1, threads=1)
            for name, path in addresses.items()
        }
    results = {}
    for name, path in addresses.items():
        median = {
            key: statistics.median(run[key] for run in runs[name])
            for key in ("per_second", "p50_ms", "p95_ms")
        }
        result = {
            "measure": "serving",
            "page_cache": label,
            "what": name,
            "path": path,
            "workers": arguments.workers,
            "connections": arguments.connections,
            "rounds": len(runs[name]),
            "generator": runs[name][0]["generator"],
            "requests": sum(run["requests"] for run in runs[name]),
            "failed": sum(run["failed"] for run in runs[name]),
            **median,
            "per_second_runs": [run["per_second"] for run in runs[name]],
            "server_cpu_ms_per_request": round(statistics.median(run["cpu_ms"] for run in runs[name]), 3),
            "alone_p50_ms": alone[name]["p50_ms"],
            "alone_p95_ms": alone[name]["p95_ms"],
        }
        if name != "static":
            result["vs_static"] = round(
                statistics.median(
                    run["per_second"] / static["per_second"]
                    for run, static in zip(runs[name], runs["static"], strict=True)
                ),
                3,
            )
            result["cpu_vs_static"] = round(
                results["static"]["server_cpu_ms_per_request"] / result["server_cpu_ms_per_request"], 3
            )
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results[name] = result
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--alone-seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the cached server's measures")
    arguments = parser.parse_args()
    with throwaway_database("bench-serving-") as test_name:
        from django.db import connection

        addresses = build_site()
        queries = count_queries(addresses)
        print(json.dumps({"measure": "queries_per_uncached_request", **queries}), flush=True)
        if connection.vendor == "postgresql":
            import urllib.parse

            parsed = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", ""))
            database_url = urllib.parse.urlunsplit(parsed._replace(path="/" + test_name))
        else:
            database_url = f"sqlite:///{test_name}"
        connection.close()
        static_root = Path(tempfile.mkdtemp(prefix="bench-serving-static-"))
        with (
            redis_server()
            if not os.environ.get("REDIS_URL")
            else _given(os.environ["REDIS_URL"]) as redis_url
        ):
            env = server_env(database_url, redis_url, static_root, 0)
            static = collect_static(env)
            addresses = {"static": static, "trivial": "/csrf/", **addresses}
            uncached = measure_server(env, addresses, arguments, "off", rounds=1)
            cached = measure_server(
                server_env(database_url, redis_url, static_root, 600),
                addresses,
                arguments,
                "cached",
                arguments.rounds,
            )
    summarise(uncached, cached, queries, connection.vendor, arguments)


class _given:
    def __init__(self, url):
        self.url = url

    def __enter__(self):
        return self.url

    def __exit__(self, *exc):
        return False


def summarise(uncached, cached, queries, vendor, arguments):
    static = cached["static"]
    load = open("/proc/loadavg").read().split()[0]
    lines = [
        f"summary ({vendor}, gunicorn {arguments.workers} {arguments.worker_class} workers, "
        f"{arguments.connections} connections, load average {load} at the end):",
        f"  static file {static['per_second']}/s (p50 {static['p50_ms']} ms, {static['server_cpu_ms_per_request']} ms CPU); "
        f"trivial view {cached['trivial']['per_second']}/s ({cached['trivial']['server_cpu_ms_per_request']} ms CPU)",
    ]
    for name in PAGES:
        hit, miss = cached[name], uncached[name]
        lines.append(
            f"  {name:8} cached {hit['per_second']:>7}/s = {hit['vs_static']:.2f}× static "
            f"(by CPU {hit['cpu_vs_static']:.2f}×; p50 {hit['p50_ms']} ms, p95 {hit['p95_ms']} ms, "
            f"{hit['server_cpu_ms_per_request']} ms CPU) | uncached {miss['per_second']:>6}/s "
            f"(p50 {miss['p50_ms']} ms, p95 {miss['p95_ms']} ms, {miss['server_cpu_ms_per_request']} ms CPU, "
            f"{queries[name]} queries; alone p50 {miss['alone_p50_ms']} ms)"
        )
    worst = min(cached[name]["vs_static"] for name in PAGES)
    worst_cpu = min(cached[name]["cpu_vs_static"] for name in PAGES)
    article = uncached["article"]["alone_p50_ms"]
    lines.append(
        f"  targets: cached ≥ 0.8× static: {'met' if worst >= 0.8 else 'NOT met'} (lowest {worst:.2f}×, "
        f"by CPU {worst_cpu:.2f}×); uncached article p50 (one request at a time) < 30 ms: "
        f"{'met' if article < 30 else 'NOT met'} ({article} ms)"
    )
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
