"""Wagtail's database search backend (SQLite FTS5 or PostgreSQL text search) with
Chinese cut into bigrams on both sides: in what is indexed and in what is
searched (see integrity_site.core.segmentation). Select it with BACKEND
"search.backends.database".
"""

from modelsearch.backends import database as upstream


def SearchBackend(params):  # noqa: N802 - modelsearch looks the factory up by this name
    """The database backend for the connection's vendor, Chinese-aware where the
    vendor's full-text search needs it. The vendor modules are imported only for
    their vendor: modelsearch's SQLite module needs SQLite's FTS tables."""
    backend = upstream.SearchBackend(dict(params))
    vendor_module = type(backend).__module__
    if vendor_module.endswith(".sqlite.sqlite"):
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(params)
    if vendor_module.endswith(".postgres.postgres"):
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend(params)
    # The LIKE fallback matches substrings, Chinese included.
    return backend
