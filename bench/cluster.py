"""The multi-machine stack on loopback: two app servers, PostgreSQL, Redis and a two-node OpenSearch
cluster, under the soak's load, with one search node stopped half-way.

    .venv/bin/python bench/cluster.py                  # 120 s
    .venv/bin/python bench/cluster.py --seconds 300

Brings up what docs/deployment.md's many-machine layout runs, each part its own process as it would
be its own machine: PostgreSQL (DATABASE_URL, else a throwaway server as `make test` starts one;
the soak's database is a fresh one on it), a throwaway Redis (the shared cache), two OpenSearch
nodes that form one cluster (the test harness's Maven-built engine, one JVM each; indices keep
one replica, so every shard is on both nodes) and two app servers (`python -m integrity_site.serve`
on two ports: gunicorn, a worker and a scheduler each; the first loads the demo content, the
second starts on the prepared database). Uploaded feed files and media go to one shared folder,
standing in for the object store. Then the soak (bench/soak.py) runs against both app servers,
half of the visitors on each, and half-way through the search node that is not the elected
cluster manager is stopped (with two nodes only one of them holds the vote: a cluster that must
survive losing either needs three).

Prints the soak's lines, then a summary: requests per app server, the 5xx count and the failed
searches (targets 0), what the cluster reported before and after the stop, and the soak's checks
of the database. Exits 1 when any target or check fails.
"""

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_load import free_port, redis_server  # noqa: E402 - bench/ is on sys.path
from soak import (  # noqa: E402
    Record,
    after_the_load,
    feed_files,
    fresh_database,
    load_average,
    report,
    running_stack,
    soak,
    stack_environment,
    the_site,
    use_database,
)

CACHE = ROOT / ".cache"


def cluster_state(url):
    """What one node says of the cluster: health, nodes, the elected manager."""
    health = json.load(urllib.request.urlopen(f"{url}/_cluster/health", timeout=10))
    manager = urllib.request.urlopen(f"{url}/_cat/cluster_manager?h=node", timeout=10).read().decode().strip()
    return {
        "status": health["status"],
        "nodes": health["number_of_nodes"],
        "active_shards": health["active_shards"],
        "unassigned_shards": health["unassigned_shards"],
        "cluster_manager": manager,
    }


@contextlib.contextmanager
def postgres_server():
    """DATABASE_URL's server, else a throwaway one (tests/services/postgres.py)."""
    from tests.services import postgres

    with postgres.provisioned(CACHE / "postgres") as url:
        yield url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--residents", type=int, default=6, help="concurrent residents (default 6)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--feed-rows", type=int, default=20_000, help="rows per uploaded feed file")
    parser.add_argument("--feed-files", type=int, default=4)
    arguments = parser.parse_args()

    from tests.services import search_engine

    folder = Path(tempfile.mkdtemp(prefix="integrity-site-cluster-"))
    record = Record()
    events = {}
    with contextlib.ExitStack() as stack:
        os.environ["DATABASE_URL"] = stack.enter_context(postgres_server())
        database_url = stack.enter_context(fresh_database(folder))
        redis_url = stack.enter_context(redis_server())
        nodes = stack.enter_context(search_engine.cluster(CACHE / "search-engine", nodes=2))
        env = stack_environment(folder, database_url, redis_url, arguments.workers)
        env["ELASTICSEARCH_URL"] = ",".join(node.url for node in nodes)
        files = feed_files(folder, arguments.feed_files, arguments.feed_rows)
        ports = [free_port(), free_port()]
        load_before = load_average()
        stack.enter_context(running_stack(env, ports[0], folder, name="app-1", options=("--demo",)))
        stack.enter_context(running_stack(env, ports[1], folder, name="app-2", options=("--no-prepare",)))
        use_database(env)
        site = the_site()
        events["cluster before"] = cluster_state(nodes[0].url)

        def stop_a_search_node():
            manager = cluster_state(nodes[0].url)["cluster_manager"]
            names = {f"node-{number}": node for number, node in enumerate(nodes, start=1)}
            name, node = next((name, node) for name, node in names.items() if name != manager)
            searches_so_far = sum(record.statuses["search"].values())
            events["stopped"] = {"node": name, "after_seconds": round(arguments.seconds / 2)}
            node.stop()
            survivor = next(other for other in nodes if other is not node)
            time.sleep(5)
            events["cluster after the stop"] = cluster_state(survivor.url)
            events["searches before the stop"] = searches_so_far

        seconds, errors = soak(ports, site, files, arguments, record, midway=stop_a_search_node)
        load_after = load_average()
        survivor = next(node for node in nodes if node.process is not None)
        events["cluster at the end"] = cluster_state(survivor.url)
        checks, vendor = after_the_load(record)

    summary, healthy = report(record, seconds, errors, checks)
    searches = record.statuses.get("search", Counter())
    failed_searches = sum(count for status, count in searches.items() if status != 200)
    summary = {
        "database": vendor,
        "cache": "redis",
        "app_servers": len(ports),
        "requests per app server": [record.per_server[port] for port in ports],
        "search_nodes": 2,
        **summary,
        "searches": sum(searches.values()),
        "failed searches": failed_searches,
        **events,
        "load_average": {"before": load_before, "after": load_after},
    }
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0 if healthy and not failed_searches else 1


if __name__ == "__main__":
    sys.exit(main())
