"""PostgreSQL text search, Chinese-aware.

modelsearch builds index entries with the module-level ``ObjectIndexer`` class
and offers no hook to swap it, so the segmenting indexer takes its place in that
module when this backend is loaded; it changes one method, ``prepare_value``.
PostgreSQL's parser keeps each space-separated Chinese token whole.
"""

from modelsearch.backends.database.postgres import postgres

from .segmenting import SegmentedQueryMixin, SegmentingIndexerMixin


class PostgresObjectIndexer(SegmentingIndexerMixin, postgres.ObjectIndexer):
    pass


postgres.ObjectIndexer = PostgresObjectIndexer


class PostgresSearchBackend(SegmentedQueryMixin, postgres.PostgresSearchBackend):
    pass
