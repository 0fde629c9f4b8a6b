"""SQLite FTS5, Chinese-aware.

modelsearch builds index entries with the module-level ``ObjectIndexer`` class
and offers no hook to swap it, so the segmenting indexer takes its place in that
module when this backend is loaded; it changes one method, ``prepare_value``.
"""

from modelsearch.backends.database.sqlite import sqlite

from .segmenting import SegmentedQueryMixin, SegmentingIndexerMixin


class SQLiteObjectIndexer(SegmentingIndexerMixin, sqlite.ObjectIndexer):
    pass


sqlite.ObjectIndexer = SQLiteObjectIndexer


class SQLiteSearchBackend(SegmentedQueryMixin, sqlite.SQLiteSearchBackend):
    pass
