"""What the Chinese-aware database backends add to modelsearch's own."""

from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText

from integrity_site.core.segmentation import segment_query, segment_text


class SegmentingIndexerMixin:
    """For modelsearch's ObjectIndexer: index segmented text."""

    def prepare_value(self, value):
        # Lists and dicts come back here item by item; segment each string once.
        if isinstance(value, str):
            return segment_text(value)
        return super().prepare_value(value)


def segmented(query):
    """The same query with its text cut the way the index was."""
    if isinstance(query, str):
        return segment_query(query)
    if isinstance(query, PlainText):
        return PlainText(segment_query(query.query_string), operator=query.operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(segment_query(query.query_string))
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
        return super()._search(query_compiler_class, segmented(query), model_or_queryset, **kwargs)
