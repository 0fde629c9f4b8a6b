"""PostgreSQL text search, Chinese-aware, served by a GIN index, ranked by tiers.

modelsearch builds index entries with the module-level ``ObjectIndexer`` class
and offers no hook to swap it, so the segmenting indexer takes its place in that
module when this backend is loaded; it changes one method, ``prepare_value``.
PostgreSQL's parser keeps each space-separated Chinese token whole.

modelsearch matches ``title || body @@ query``, a vector built per row that no index
serves. Here the same document is ``search_entry_document(title, body)``, with a GIN index
of its own, and the match is asked of two functions (migrations search 0006 and 0007) that
answer from the GIN indexes alone, with the object ids as integers: the matching entries'
bitmap, whose rows are visited without decompressing a vector. Left to itself the planner
evaluates the match on every row for a word that most pages hold, as it does not count
that cost.

Results are ordered as search.backends.ranking says, with modelsearch's ``ts_rank`` (the
title weighted by its boost) as the relevance. Ranking reads each ranked entry's vectors,
so only a window is ranked: the newest ``RANK_WINDOW`` matches, and the newest
``RANK_WINDOW`` matches whose title holds the query. The order is: the titled pages
ranked, the other titled pages newest first, the rest of the window ranked, the other
matches newest first; so a titled page always comes first. Below ``RANK_WINDOW`` matches
every match is ranked.
"""

import logging
from collections import OrderedDict
from functools import cached_property

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import DatabaseError, connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from modelsearch.backends.database.postgres import postgres
from modelsearch.query import And, Fuzzy, MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

from integrity_site.core.segmentation import segment_phrase

from .. import ranking
from .segmenting import SegmentedQueryMixin, SegmentingIndexerMixin

logger = logging.getLogger(__name__)


class PostgresObjectIndexer(SegmentingIndexerMixin, postgres.ObjectIndexer):
    pass


postgres.ObjectIndexer = PostgresObjectIndexer


class EntryDocument(Func):
    """An index entry's title and body as one vector, as its GIN index holds it."""

    function = "search_entry_document"
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("index_entries__title"), F("index_entries__body"))


class ObjectsMatching(Func):
    """The ids of the objects of the given content types whose index entries match a
    tsquery, read from the GIN indexes only (migrations search 0006 and 0007): over the
    whole document, or over the title alone."""

    template = "(SELECT * FROM %(function)s(%(expressions)s))"
    output_field = BigIntegerField()

    def __init__(self, search_query, content_types, *, title_only=False):
        function = "search_titled_ids" if title_only else "search_matching_ids"
        content_types = Value(content_types, output_field=ArrayField(IntegerField()))
        super().__init__(search_query, content_types, function=function)


def has_integer_keys(model):
    """Whether the model's primary key is an integer, through any parent link."""
    field = model._meta.pk
    while field.is_relation:
        field = field.target_field
    return isinstance(field, IntegerField)


class PostgresSearchQueryCompiler(postgres.PostgresSearchQueryCompiler):
    RANK_TIERS = True
    RANK_WINDOW = 100

    @cached_property
    def content_types(self):
        """The model's content types, looked up once for every match of this search."""
        return list(get_descendants_content_types_pks(self.queryset.model))

    def objects_matching(self, search_query, title_only=False):
        return Q(pk__in=ObjectsMatching(search_query, self.content_types, title_only=title_only))

    @staticmethod
    def combine(matches, kind):
        combined = matches[0]
        for match in matches[1:]:
            combined = combined & match if kind is And else combined | match
        return combined

    def phrase_searches(self, config):
        phrases = ranking.typed_phrases(self.query) if self.RANK_TIERS else []
        return [
            SearchQuery(segment_phrase(phrase), search_type="phrase", config=config) for phrase in phrases
        ]

    def recency_expression(self):
        dates = [
            F(news_path(self.queryset.model, model, field))
            for model, field in ranking.news_models(self.queryset.model)
        ]
        if not dates or not self.RANK_TIERS:
            return None
        return ranking.RecencyFactor(dates[0] if len(dates) == 1 else Coalesce(*dates))

    def relevance_expression(self, config):
        relevance = self._build_rank_expression(self.get_search_vectors(None), config)
        recency = self.recency_expression()
        return relevance if recency is None else relevance * recency

    def matching(self, config):
        """The queryset's objects that match, answered from the GIN index; None where
        modelsearch's own path applies, as for a model whose keys are not integers (the
        site indexes none)."""
        if self.fields is not None or modelsearch_answers(self.query):
            return None
        if not has_integer_keys(self.queryset.model):
            return None
        search_query = self.build_tsquery(self.query, config=config)
        if search_query is None:
            return self.queryset.none()
        return self.queryset.filter(self.objects_matching(search_query))

    @staticmethod
    def newest(matches, start, stop):
        return list(matches.order_by("-pk").values_list("pk", flat=True)[start:stop])

    def search(self, config, start, stop, score_field=None, backend=None):
        queryset = self.matching(config)
        if queryset is None:
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        if not self.order_by_relevance:
            if not queryset.query.order_by:
                queryset = queryset.order_by("-pk")  # as modelsearch does (wagtail issue #3729)
            if score_field is not None:
                queryset = queryset.annotate(**{score_field: self.relevance_expression(config)})
            return queryset[start:stop]
        page = self.ranked_page(config, queryset, start or 0, stop)
        ranked = self.queryset.filter(pk__in=[pk for pk, _score in page]).order_by(
            Case(*(When(pk=pk, then=Value(place)) for place, (pk, _score) in enumerate(page)))
        )
        if score_field is not None:
            scores = [When(pk=pk, then=Value(float(score))) for pk, score in page]
            ranked = ranked.annotate(**{score_field: Case(*scores, output_field=FloatField())})
        return ranked

    def ranked_page(self, config, matches, start, stop):
        """[(pk, score)] of the matches from ``start`` to ``stop`` (None: to the end), in the
        order of search.backends.ranking within the window (see the module's docstring):
        the titled pages ranked, the other titled pages newest first, the rest of the window
        ranked, the other matches newest first."""
        searches = self.phrase_searches(config)
        phrases = self.combine(searches, And) if searches else None
        in_title = None
        if phrases is not None:
            in_title = self.objects_matching(phrases, title_only=True)
        window, titled_window, titled_more = self.windows(matches, in_title)
        candidates = sorted({*window, *titled_window})
        tier = Value(0, output_field=IntegerField())
        if phrases is not None:
            tier = Case(
                # Every titled match in the window is among the newest titled ones.
                When(pk__in=titled_window, then=Value(ranking.TITLE_TIER)),
                # The window's test first: the document's is the costly one.
                When(Q(pk__in=window) & Q(_document=phrases), then=Value(ranking.PHRASE_TIER)),
                default=Value(0),
                output_field=IntegerField(),
            )
        scored = (
            self.queryset.filter(pk__in=candidates)
            .alias(_document=EntryDocument())
            .annotate(_tier=tier, _relevance=self.relevance_expression(config))
            .order_by("-_tier", F("_relevance").desc(nulls_last=True), "-pk")
            .values_list("pk", "_tier", "_relevance")
        )
        scored = [(pk, tier * ranking.TIER_WEIGHT + (relevance or 0.0)) for pk, tier, relevance in scored]
        titled_first = [entry for entry in scored if entry[1] >= ranking.TIER_WEIGHT * ranking.TITLE_TIER]
        segments = [titled_first]
        if titled_more:
            segments.append(self.unranked(matches.filter(in_title), candidates, ranking.TITLE_TIER))
        segments.append(scored[len(titled_first) :])
        if len(window) == self.RANK_WINDOW:  # there may be more matches than the window
            rest = matches if in_title is None else matches.exclude(in_title)
            segments.append(self.unranked(rest, candidates, 0))
        return take(segments, start, stop)

    def windows(self, matches, in_title):
        """The newest RANK_WINDOW matches, the newest RANK_WINDOW of them whose title holds
        the query, and whether more titled ones follow, from one search of the matches; the
        number of matches is kept for the count. Written in SQL: the ORM has no CTE, and
        would search again for each of the four."""
        titled = (
            Value(False) if in_title is None else ExpressionWrapper(in_title, output_field=BooleanField())
        )
        placed, params = (
            matches.annotate(_titled=titled).order_by().values_list("pk", "_titled").query.sql_with_params()
        )
        # MATERIALIZED: the matches are found once, then read four times.
        sql = f"""
            WITH matches (id, titled) AS MATERIALIZED ({placed})
            SELECT (SELECT COUNT(*) FROM matches),
                   (SELECT COUNT(*) FROM matches WHERE titled),
                   ARRAY(SELECT id FROM matches ORDER BY id DESC LIMIT %s),
                   ARRAY(SELECT id FROM matches WHERE titled ORDER BY id DESC LIMIT %s)
        """
        with connections[matches.db].cursor() as cursor:
            cursor.execute(sql, [*params, self.RANK_WINDOW, self.RANK_WINDOW])
            self.match_count, titled_count, window, titled_window = cursor.fetchone()
        return window, titled_window, titled_count > len(titled_window)

    def unranked(self, matches, candidates, tier):
        """A segment of the page's order, newest first, read only as far as the page needs:
        (length, read(start, stop) -> [(pk, score)])."""
        matches = matches.exclude(pk__in=candidates)
        score = float(tier * ranking.TIER_WEIGHT)

        def read(start, stop):
            return [(pk, score) for pk in self.newest(matches, start, stop)]

        return (matches.count, read)


def take(segments, start, stop):
    """Entries start:stop of the segments laid end to end; a segment is a list or a lazy
    (length, read) pair, counted and read only when the page reaches it."""
    page, offset = [], 0
    for segment in segments:
        if stop is not None and offset >= stop:
            break
        if isinstance(segment, list):
            length, read = len(segment), lambda begin, end, segment=segment: segment[begin:end]
        else:
            count, read = segment
            if stop is not None and start <= offset:
                length = None  # reading from its first entry: no count needed
            else:
                length = count()
        if length is not None and offset + length <= start:
            offset += length
            continue
        begin = max(start - offset, 0)
        end = None if stop is None else stop - offset
        entries = read(begin, end)
        page.extend(entries)
        if length is None:
            length = begin + len(entries) if end is None or len(entries) < end - begin else None
            if length is None:
                break  # the page is full
        offset += length
    return page


class PostgresSearchResults(postgres.PostgresSearchResults):
    def matches(self):
        """The match alone, for counts and facets (None: modelsearch's own path)."""
        matching = getattr(self.query_compiler, "matching", None)  # autocomplete has none
        return matching(self.query_compiler.get_config(self.backend)) if matching else None

    def facet(self, field_name):
        # modelsearch counts the ranked queryset: every match, ranked, to count them by field.
        matches = self.matches()
        if matches is None or self.query_compiler._get_filterable_field(field_name) is None:
            return super().facet(field_name)
        counts = matches.order_by().values(field_name).annotate(count=Count("pk")).order_by("-count")
        return OrderedDict((row[field_name], row["count"]) for row in counts)

    def _do_count(self):
        # The match alone: ranking does not change how many there are.
        total = getattr(self.query_compiler, "match_count", None)
        if total is not None:  # counted with the ranking's window
            start = self.start or 0
            return max(0, (total if self.stop is None else min(total, self.stop)) - start)
        matches = self.matches()
        if matches is None:
            return super()._do_count()
        return matches[self.start : self.stop].count()


def modelsearch_answers(query):
    """Queries that modelsearch answers without a text match: everything, nothing, fuzzy."""
    return isinstance(query, (MatchAll, Fuzzy)) or (
        isinstance(query, Not) and isinstance(query.subquery, MatchAll)
    )


def news_path(model, news_model, field):
    """The lookup from ``model`` to ``field`` of its subclass ``news_model`` (multi-table
    inheritance: Page -> articlepage__date)."""
    names = []
    while news_model is not model:
        parent, link = next(iter(news_model._meta.parents.items()))
        names.append(link.related_query_name())
        news_model = parent
    return "__".join([*reversed(names), field])


class VacuumingRebuilderMixin:
    """``update_index`` rewrites every entry (modelsearch's upsert, then its title norms),
    leaving dead versions of each and the GIN indexes' pending lists, which every search
    then reads: a fifth slower at 10,000 pages until autovacuum comes. Vacuumed when the
    rebuild ends, the index is as fast as it gets when the command returns. Inside a
    transaction, where VACUUM cannot run, autovacuum is left to do it."""

    def finish(self):
        super().finish()
        connection = self.index.write_connection
        if not connection.get_autocommit():
            return
        table = connection.ops.quote_name(postgres.IndexEntry._meta.db_table)
        try:
            with connection.cursor() as cursor:
                # A role that does not own the table gets a warning from PostgreSQL, no error.
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        except DatabaseError as error:
            # The rebuild has committed: a failed vacuum only leaves it to autovacuum.
            logger.warning("VACUUM of %s after the rebuild failed, autovacuum will do it: %s", table, error)


class PostgresSearchRebuilder(VacuumingRebuilderMixin, postgres.PostgresSearchRebuilder):
    pass


class PostgresSearchAtomicRebuilder(VacuumingRebuilderMixin, postgres.PostgresSearchAtomicRebuilder):
    pass


class PostgresSearchBackend(SegmentedQueryMixin, postgres.PostgresSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
    results_class = PostgresSearchResults
    rebuilder_class = PostgresSearchRebuilder
    atomic_rebuilder_class = PostgresSearchAtomicRebuilder
