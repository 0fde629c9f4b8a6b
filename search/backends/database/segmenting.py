"""What the Chinese-aware database backends add to modelsearch's own."""

from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText

from integrity_site.core.segmentation import segment_phrase, segment_query, segment_text


class SegmentingIndexerMixin:
    """For modelsearch's ObjectIndexer: index segmented text."""

    def prepare_value(self, value):
        # Lists and dicts come back here item by item; segment each string once.
        if isinstance(value, str):
            return segment_text(value)
        return super().prepare_value(value)


class SegmentedPlainText(PlainText):
    """A plain-text query cut the way the index was, keeping what was typed (for ranking:
    search.backends.ranking)."""

    def __init__(self, typed, operator, boost=1.0):
        super().__init__(segment_query(typed), operator=operator, boost=boost)
        self.typed = typed


def segmented(query, operator=None):
    """The same query with its text cut the way the index was."""
    if isinstance(query, str):
        return SegmentedPlainText(query, operator=operator) if operator else segment_query(query)
    if isinstance(query, PlainText):
        return SegmentedPlainText(getattr(query, "typed", query.query_string), query.operator, query.boost)
    if isinstance(query, Phrase):
        return Phrase(segment_phrase(query.query_string))
    if isinstance(query, (And, Or)):
        return type(query)([segmented(subquery) for subquery in query.subqueries])
    if isinstance(query, Not):
        return Not(segmented(query.subquery))
    if isinstance(query, Boost):
        return Boost(segmented(query.subquery), query.boost)
    return query


class SegmentedQueryMixin:
    """For a search backend: search (and autocomplete) with a segmented query."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        operator = kwargs.get("operator") or query_compiler_class.DEFAULT_OPERATOR
        return super()._search(query_compiler_class, segmented(query, operator), model_or_queryset, **kwargs)
