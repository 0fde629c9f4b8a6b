"""SQLite FTS5, Chinese-aware, with ranked pages fetched in one query.

modelsearch builds index entries with the module-level ``ObjectIndexer`` class
and offers no hook to swap it, so the segmenting indexer takes its place in that
module when this backend is loaded; it changes one method, ``prepare_value``.

modelsearch ranks by annotating every candidate page with a correlated subquery
that runs the FTS match again for that page: a common word over a thousand pages
took close to a second. Here a page of ranked results comes from one FTS query
that scores, orders and slices the index entries of the candidate pages, then
loads just those pages. Counts and facets keep modelsearch's own code.
"""

from django.db.models import CharField
from django.db.models.functions import Cast
from modelsearch.backends.database.sqlite import sqlite
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

from .segmenting import SegmentedQueryMixin, SegmentingIndexerMixin


class SQLiteObjectIndexer(SegmentingIndexerMixin, sqlite.ObjectIndexer):
    pass


sqlite.ObjectIndexer = SQLiteObjectIndexer


class SQLiteSearchQueryCompiler(sqlite.SQLiteSearchQueryCompiler):
    def ranked_page(self, config, start, stop):
        """[(object id, score)] of the best matches, best first; None where
        modelsearch's own path applies (no relevance order, match-all, negation)."""
        query = normalize(self.query)
        if not self.order_by_relevance or isinstance(query, (MatchAll, Not)):
            return None
        match = MatchExpression(
            self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config)
        )
        candidates = (
            self.queryset.order_by().annotate(object_key=Cast("pk", CharField())).values("object_key")
        )
        entries = (
            sqlite.SQLiteFTSIndexEntry.objects.filter(match)
            .filter(
                index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model),
                index_entry__object_id__in=candidates,
            )
            .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
            .order_by("score", "-index_entry__object_id")  # bm25: lower is better
            .values_list("index_entry__object_id", "score")
        )
        return list(entries[start:stop])


class SQLiteAutocompleteQueryCompiler(sqlite.SQLiteAutocompleteQueryCompiler, SQLiteSearchQueryCompiler):
    pass


class SQLiteSearchResults(sqlite.SQLiteSearchResults):
    def _do_search(self):
        ranked = self.query_compiler.ranked_page(
            self.query_compiler.get_config(self.backend), self.start, self.stop
        )
        if ranked is None:
            return super()._do_search()
        queryset = self.query_compiler.queryset
        to_pk = queryset.model._meta.pk.to_python  # index entries hold ids as text
        ranked = [(to_pk(object_id), score) for object_id, score in ranked]
        objects = queryset.in_bulk([pk for pk, _score in ranked])
        results = []
        for pk, score in ranked:
            found = objects.get(pk)
            if found is None:
                continue
            if self._score_field:
                setattr(found, self._score_field, score)
            results.append(found)
        return results


class SQLiteSearchBackend(SegmentedQueryMixin, sqlite.SQLiteSearchBackend):
    query_compiler_class = SQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = SQLiteAutocompleteQueryCompiler
    results_class = SQLiteSearchResults
