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
#
# Autocomplete: modelsearch indexes autocomplete fields with its "edgengram_analyzer"
# and searches them with the analyser named "standard", both over the standard
# tokenizer, which cuts Chinese into single characters: 宽厚 would complete to any
# title holding 宽 and 厚. Both are redefined for this index, with nothing but what
# OpenSearch and Elasticsearch ship (analysis-common): Chinese as bigrams (the words
# of the rest of the search) and, indexed, also as single characters, so that 宽厚
# completes to titles holding the word 宽厚 and 宽 to those holding 宽; other words
# as edge n-grams (kuanh -> kuanhouli) as before. The analyser named "standard" is
# the index's own and serves only modelsearch's autocomplete fields.
ENGINE_INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "analyzer": {
                "default": {"type": "cjk"},
                "edgengram_analyzer": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [
                        "cjk_width",
                        "asciifolding",
                        "lowercase",
                        "cjk_bigram_and_characters",
                        "edgengram",
                    ],
                },
                "standard": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "asciifolding", "lowercase", "cjk_bigram"],
                },
            },
            "filter": {
                "cjk_bigram_and_characters": {"type": "cjk_bigram", "output_unigrams": True},
            },
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
