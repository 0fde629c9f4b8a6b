"""PostgreSQL text search, Chinese-aware, served by its GIN indexes, ranked by tiers.

modelsearch builds index entries with the module-level ``ObjectIndexer`` class
and offers no hook to swap it, so the segmenting indexer takes its place in that
module when this backend is loaded; it changes one method, ``prepare_value``.
PostgreSQL's parser keeps each space-separated Chinese token whole.

modelsearch matches ``title || body @@ query``: a tsvector built per row, which the
GIN indexes on ``title`` and on ``body`` cannot serve, so every search read and
concatenated every entry. Here each word must be in the title or in the body
(``title @@ word OR body @@ word``, per word), which is the same match for words
and which the planner answers from both indexes (a BitmapOr per word, a BitmapAnd
across words). Results are ordered as search.backends.ranking says, with
modelsearch's ``ts_rank`` (the title weighted by its boost) as the relevance.
"""

from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from modelsearch.backends.database.postgres import postgres
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.query import And, MatchAll, Not, Or, Phrase, PlainText

from integrity_site.core.segmentation import segment_phrase

from .. import ranking
from .segmenting import SegmentedQueryMixin, SegmentingIndexerMixin


class PostgresObjectIndexer(SegmentingIndexerMixin, postgres.ObjectIndexer):
    pass


postgres.ObjectIndexer = PostgresObjectIndexer

VECTORS = ("index_entries__title", "index_entries__body")


def in_title_or_body(search_query, vectors=VECTORS):
    return Q(**{vectors[0]: search_query}) | Q(**{vectors[1]: search_query})


class PostgresSearchQueryCompiler(postgres.PostgresSearchQueryCompiler):
    RANK_TIERS = True

    def entry_match(self, query, config):
        """A filter on the index entries that the GIN indexes serve; None where the query
        has a form this does not rewrite."""
        if isinstance(query, PlainText):
            terms = query.query_string.split()
            if not terms:
                return None
            if query.operator == "or":
                return in_title_or_body(self.build_tsquery(query, config=config))
            matches = [
                in_title_or_body(SearchQuery(Lexeme(term), search_type="raw", config=config))
                for term in terms
            ]
            return self.combine(matches, And)
        if isinstance(query, Phrase):
            return in_title_or_body(SearchQuery(query.query_string, search_type="phrase", config=config))
        if isinstance(query, (And, Or)):
            matches = [self.entry_match(subquery, config) for subquery in query.subqueries]
            return None if None in matches else self.combine(matches, type(query))
        if isinstance(query, Not):
            match = self.entry_match(query.subquery, config)
            return None if match is None else ~match
        return None

    @staticmethod
    def combine(matches, kind):
        combined = matches[0]
        for match in matches[1:]:
            combined = combined & match if kind is And else combined | match
        return combined

    def tier_expression(self, config):
        phrases = ranking.typed_phrases(self.query) if self.RANK_TIERS else []
        if not phrases:
            return Value(0, output_field=IntegerField())
        searches = [
            SearchQuery(segment_phrase(phrase), search_type="phrase", config=config) for phrase in phrases
        ]
        in_title = self.combine([Q(index_entries__title=search) for search in searches], And)
        anywhere = self.combine([in_title_or_body(search) for search in searches], And)
        return Case(
            When(in_title, then=Value(ranking.TITLE_TIER)),
            When(anywhere, then=Value(ranking.PHRASE_TIER)),
            default=Value(0),
            output_field=IntegerField(),
        )

    def recency_expression(self):
        dates = [
            F(news_path(self.queryset.model, model, field))
            for model, field in ranking.news_models(self.queryset.model)
        ]
        if not dates or not self.RANK_TIERS:
            return None
        return ranking.RecencyFactor(dates[0] if len(dates) == 1 else Coalesce(*dates))

    def search(self, config, start, stop, score_field=None, backend=None):
        match = None
        if self.fields is None and not isinstance(self.query, MatchAll):
            match = self.entry_match(self.query, config)
        if match is None:
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        queryset = self.queryset.filter(match)
        relevance = self._build_rank_expression(self.get_search_vectors(None), config)
        recency = self.recency_expression()
        if recency is not None:
            relevance = relevance * recency
        tier = self.tier_expression(config)
        if self.order_by_relevance:
            queryset = queryset.annotate(_tier=tier, _relevance=relevance).order_by(
                "-_tier", "-_relevance", "-pk"
            )
        elif not queryset.query.order_by:
            queryset = queryset.order_by("-pk")  # as modelsearch does (wagtail issue #3729)
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: tier * ranking.TIER_WEIGHT + relevance})
        return queryset[start:stop]


def news_path(model, news_model, field):
    """The lookup from ``model`` to ``field`` of its subclass ``news_model`` (multi-table
    inheritance: Page -> articlepage__date)."""
    names = []
    while news_model is not model:
        parent, link = next(iter(news_model._meta.parents.items()))
        names.append(link.related_query_name())
        news_model = parent
    return "__".join([*reversed(names), field])


class PostgresSearchBackend(SegmentedQueryMixin, postgres.PostgresSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
