"""Builds WAGTAILSEARCH_BACKENDS from the environment.

One code path for every deployment: no URL means Wagtail's database backend
(SQLite or PostgreSQL, whichever holds the data); a URL means an
Elasticsearch-API engine, OpenSearch or Elasticsearch, chosen by SEARCH_ENGINE;
several comma-separated URLs name the nodes of a cluster, which the client
spreads requests over and fails over between.
Kept free of Django imports because settings modules call it.
"""

# modelsearch's backends with the site's ranking (search/backends/engines.py).
ENGINE_BACKENDS = {
    "opensearch": "search.backends.engines.OpenSearchBackend",
    "elasticsearch": "search.backends.engines.ElasticsearchBackend",
}

# modelsearch merges these into its own index settings. Every search field is
# copied into a catch-all field analysed by the index's "default" analyser, so
# making that the built-in `cjk` analyser (CJK bigrams, width folding,
# lower-casing) lets 大讲堂 match inside 儒信大讲堂在解放路街道举办.
ENGINE_INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "analyzer": {
                "default": {"type": "cjk"},
            }
        }
    }
}


def search_backends_setting(url, *, engine="opensearch", index_prefix=""):
    if not url:
        return {"default": {"BACKEND": "search.backends.database", "AUTO_UPDATE": True}}
    try:
        backend = ENGINE_BACKENDS[engine]
    except KeyError:
        choices = ", ".join(sorted(ENGINE_BACKENDS))
        raise ValueError(f"SEARCH_ENGINE must be one of {choices}, not {engine!r}") from None
    return {
        "default": {
            "BACKEND": backend,
            "URLS": [node.strip() for node in url.split(",") if node.strip()],
            "INDEX_PREFIX": index_prefix,
            "INDEX_SETTINGS": ENGINE_INDEX_SETTINGS,
            "TIMEOUT": 10,
            "AUTO_UPDATE": True,
        }
    }
