"""Search benchmark: index build time and query latency on one backend.

    python bench/search.py                                   # SQLite, database search
    DATABASE_URL=postgresql://… python bench/search.py       # PostgreSQL, database search
    ELASTICSEARCH_URL=http://… python bench/search.py        # OpenSearch (SEARCH_ENGINE=elasticsearch for ES)

It builds a throwaway site (a fresh SQLite file unless DATABASE_URL is given; that
database must be empty and is left with the pages) with --publicity-records records
of the publicity feed (imported through the site's importer; they have their own
lookup columns and are not in the page index, so they measure search beside a full
records table), then for each size of --pages (default 1,000 and 10,000) adds
article pages with Chinese text up to that size, rebuilds the search index with
`update_index` (timed), sends --queries mixed Chinese queries through the search
page and prints p50 and p95 latency of the backend's answer (first ten results and
the total) and of the whole search page, as text and as one line of JSON per size.
With --measure-only it measures again the site an earlier run left in DATABASE_URL (and,
on an engine, in the indexes of the SEARCH_INDEX_PREFIX it printed), without building.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

WORDS = [
    "诚信",
    "信用",
    "宽厚里",
    "解放路",
    "街道",
    "社区",
    "商户",
    "承诺",
    "儒信大讲堂",
    "诚信者行动",
    "双公示",
    "行政许可",
    "行政处罚",
    "失信被执行人",
    "信用修复",
    "示范街区",
    "志愿者",
    "明码标价",
    "守信激励",
    "失信惩戒",
    "信用承诺",
    "营商环境",
    "食品安全",
    "消费者",
    "文明",
    "防范非法集资",
    "金牌服务员",
    "诚信单位",
    "信用示范企业",
    "历下区",
    "济南",
    "芙蓉街",
    "大明湖",
    "泉城路",
]
FILLER = "的在和了是为与对从以及等把被让向于也都将使更要就"


def sentence(rng, length):
    return "".join(rng.choice(WORDS) + rng.choice(FILLER) for _ in range(length)) + "。"


def queries(rng, count):
    mixed = []
    for number in range(count):
        kind = number % 4
        if kind == 0:
            mixed.append(rng.choice(WORDS))
        elif kind == 1:
            mixed.append(rng.choice(WORDS) + " " + rng.choice(WORDS))
        elif kind == 2:
            word = rng.choice([w for w in WORDS if len(w) >= 3])
            mixed.append(word[1:])  # a word inside a longer run
        else:
            mixed.append(rng.choice(["B级企业", "诚信 wagtail", "ＡＢＣ信用", "2020年诚信"]))
    return mixed


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pages", type=lambda text: [int(size) for size in text.split(",")], default=[1000, 10000]
    )
    parser.add_argument("--publicity-records", type=int, default=130_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure again the site an earlier run left in DATABASE_URL, without building",
    )
    args = parser.parse_args()
    if args.measure_only and not os.environ.get("DATABASE_URL"):
        sys.exit("--measure-only measures the database an earlier run left: give its DATABASE_URL.")
    if (
        args.measure_only
        and os.environ.get("ELASTICSEARCH_URL")
        and not os.environ.get("SEARCH_INDEX_PREFIX")
    ):
        sys.exit("--measure-only on an engine: give the SEARCH_INDEX_PREFIX that the earlier run printed.")

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-search-')}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.dev")
    os.environ.setdefault("SEARCH_INDEX_PREFIX", f"bench_search_{os.getpid()}_")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from wagtail.models import Locale, Page, Site

    from home.models import ArticlePage
    from search.models import SearchPage
    from search.services import locale_pages
    from tests import factories

    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    zh_pages = locale_pages(Locale.objects.get(language_code="zh-hans"))
    if args.measure_only:
        search_page = SearchPage.objects.first()
        if search_page is None:
            sys.exit("--measure-only: this database holds no site that bench/search.py built.")
        summary = measure(client, search_page.url, zh_pages, queries(random.Random(args.seed), args.queries))
        report(backend_name(), {"pages": ArticlePage.objects.count(), **summary})
        return
    if Page.objects.count() > 2:
        sys.exit("bench/search.py needs an empty database: it builds its own site.")
    rng = random.Random(args.seed)
    home = Site.objects.get(is_default_site=True).root_page.specific
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False

    search_page = factories.SearchPageFactory(parent=home)
    news = factories.ArticleIndexPageFactory(parent=home)
    records_seconds = None
    if args.publicity_records:
        records_seconds = load_publicity_records(args.publicity_records, args.seed)
    built = 0
    for size in sorted(args.pages):
        started = time.perf_counter()
        # Published straight away, without revisions, 500 to a transaction: this measures
        # search, not publishing.
        for batch in range(built, size, 500):
            with transaction.atomic():
                for number in range(batch, min(batch + 500, size)):
                    news.add_child(
                        instance=ArticlePage(
                            slug=f"article-{number}",
                            title=sentence(rng, 3)[:60],
                            live=True,
                            lead=sentence(rng, 8),
                            body=factories.body(sentence(rng, 40), sentence(rng, 40)),
                        )
                    )
        build_seconds, built = time.perf_counter() - started, size

        started = time.perf_counter()
        call_command("update_index", verbosity=0)
        index_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would soon after: the planner's statistics

        summary = measure(client, search_page.url, zh_pages, queries(random.Random(args.seed), args.queries))
        summary = {
            "pages": size,
            "publicity_records": args.publicity_records if records_seconds is not None else 0,
            "build_pages_s": round(build_seconds, 1),
            "load_publicity_s": round(records_seconds, 1) if records_seconds is not None else None,
            "update_index_s": round(index_seconds, 1),
            **summary,
        }
        report(backend_name(), summary)


def backend_name():
    from django.conf import settings
    from django.db import connection

    if settings.ELASTICSEARCH_URL:
        return f"{settings.SEARCH_ENGINE} {settings.ELASTICSEARCH_URL} (indexes {os.environ['SEARCH_INDEX_PREFIX']}*)"
    return f"database search on {connection.vendor}"


def report(backend, summary):
    """One run's figures as a line of text and a line of JSON."""
    summary = {
        "backend": backend,
        **summary,
        "load_average": " ".join(f"{load:.1f}" for load in os.getloadavg()),
    }
    index = f", update_index {summary['update_index_s']} s" if "update_index_s" in summary else ""
    print(
        f"{backend}: {summary['pages']} pages{index}; "
        f"{summary['queries']} queries: search p50 {summary['query_p50_ms']} ms, "
        f"p95 {summary['query_p95_ms']} ms; whole page p50 {summary['page_p50_ms']} ms, "
        f"p95 {summary['page_p95_ms']} ms ({summary['queries_with_results']} with results); "
        f"load average {summary['load_average']}",
        flush=True,
    )
    print(json.dumps(summary, ensure_ascii=False), flush=True)


def measure(client, search_url, pages, mixed_queries):
    """p50/p95 of the backend's answer and of the whole search page over the queries."""
    client.get(search_url, {"q": "诚信"})  # warm up connections and caches
    latencies, page_latencies = [], []
    found = 0
    for query in mixed_queries:
        # The backend's answer: the first ten results and the total, as the page asks.
        started = time.perf_counter()
        results = pages.search(query, operator="and")
        list(results[:10])
        results.count()
        latencies.append((time.perf_counter() - started) * 1000)
        # The whole search page: facets, promotions, snippets, query log, template.
        started = time.perf_counter()
        response = client.get(search_url, {"q": query})
        page_latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, query
        found += b'class="search-results"' in response.content
    return {
        "queries": len(latencies),
        "queries_with_results": found,
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p95_ms": round(percentile(latencies, 0.95), 1),
        "page_p50_ms": round(statistics.median(page_latencies), 1),
        "page_p95_ms": round(percentile(page_latencies, 0.95), 1),
    }


def load_publicity_records(count, seed):
    """The feed's records (penalties in the proportion of Lixia's 2020 feed, the rest licences),
    generated and imported through the site's own importer; returns the seconds it took."""
    from integrity_site.demo.feedgen import generate_feed
    from publicity.importer import import_feed

    penalties = round(count * 3_014 / 130_063)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="bench-search-feed-"))
    for kind, rows in (("licence", count - penalties), ("penalty", penalties)):
        path = folder / f"{kind}.csv"
        generate_feed(str(path), kind, rows, seed=seed)
        import_feed(str(path), kind=kind, report_path=str(folder / f"{kind}.rejected.csv"))
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
