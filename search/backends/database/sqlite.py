"""SQLite FTS5, Chinese-aware, with ranked pages fetched in one query.

modelsearch builds index entries with the module-level ``ObjectIndexer`` class
and offers no hook to swap it, so the segmenting indexer takes its place in that
module when this backend is loaded; it changes one method, ``prepare_value``.

modelsearch ranks by annotating every candidate page with a correlated subquery
that runs the FTS match again for that page: a common word over a thousand pages
took close to a second. Here a page of ranked results comes from one FTS query
that scores, orders and slices the index entries of the candidate pages, then
loads just those pages, in the order of search.backends.ranking: the tier (title
phrase, phrase anywhere), then BM25 with the title's boost as its column weight
(modelsearch's own rank weighs title and body alike), aged for news. Counts and
facets keep modelsearch's own code.
"""

from django.db.models import CharField, F, FloatField, IntegerField, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from modelsearch.backends.database.sqlite import sqlite
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

from integrity_site.core.segmentation import segment_phrase

from .. import ranking
from .segmenting import SegmentedQueryMixin, SegmentingIndexerMixin

FTS_TABLE = sqlite.SQLiteFTSIndexEntry._meta.db_table


class SQLiteObjectIndexer(SegmentingIndexerMixin, sqlite.ObjectIndexer):
    pass


sqlite.ObjectIndexer = SQLiteObjectIndexer


def phrase_match(columns, phrases):
    """FTS5 query text: each phrase, in one of ``columns``."""
    quoted = " ".join(f'"{segment_phrase(phrase)}"' for phrase in phrases)
    return f"{{{' '.join(columns)}}} : ({quoted})"


def tier_expression(phrases):
    """2 where the title holds every phrase, 1 where the entry does, else 0."""
    if not phrases:
        return RawSQL("0", [], output_field=IntegerField())
    holds = f"{FTS_TABLE}.rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
    return RawSQL(
        f"CASE WHEN {holds} THEN {ranking.TITLE_TIER} WHEN {holds} THEN {ranking.PHRASE_TIER} ELSE 0 END",
        [phrase_match(["title"], phrases), phrase_match(["title", "body"], phrases)],
        output_field=IntegerField(),
    )


def recency_expression(model):
    """The recency factor of each entry (search.backends.ranking), from the news date."""
    dates = [
        Subquery(
            news_model.objects.filter(pk=Cast(OuterRef("index_entry__object_id"), IntegerField())).values(
                field
            )[:1]
        )
        for news_model, field in ranking.news_models(model)
    ]
    if not dates:
        return None
    date = Coalesce(*dates) if len(dates) > 1 else dates[0]
    return ranking.RecencyFactor(date)


class SQLiteSearchQueryCompiler(sqlite.SQLiteSearchQueryCompiler):
    RANK_TIERS = True

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
            .annotate(
                tier=tier_expression(ranking.typed_phrases(self.query) if self.RANK_TIERS else []),
                relevance=self.relevance_expression(config),
                score=F("tier") * ranking.TIER_WEIGHT + F("relevance"),
            )
            .order_by("-score", "-index_entry__object_id")
            .values_list("index_entry__object_id", "score")
        )
        return list(entries[start:stop])

    def relevance_expression(self, config):
        if not self.RANK_TIERS:  # autocomplete: modelsearch's own rank
            return self._build_rank_expression(self.get_search_vectors(), config) * -1
        # bm25() is negative, lower is better; its weights follow the table's columns.
        title_weight = ranking.title_boost(self.queryset.model)
        bm25 = RawSQL(f"-bm25({FTS_TABLE}, 0, 1, {float(title_weight)})", [], output_field=FloatField())
        recency = recency_expression(self.queryset.model)
        return bm25 * recency if recency is not None else bm25


class SQLiteAutocompleteQueryCompiler(sqlite.SQLiteAutocompleteQueryCompiler, SQLiteSearchQueryCompiler):
    RANK_TIERS = False


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
