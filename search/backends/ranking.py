"""How every backend orders search results, so that SQLite, PostgreSQL and the engines agree.

A result's score is ``TIER_WEIGHT × tier + relevance × recency``:

- tier 2: the page's title holds the whole query, each of its phrases as typed
  (``integrity_site.core.segmentation.query_phrases``: 宽厚里, 街区 + 诚信经营,
  "credit demonstration block");
- tier 1: the page holds each phrase somewhere, as typed (an exact phrase);
- tier 0: the page matches only word by word, e.g. bigrams scattered over the text;
- relevance: the backend's own score (BM25 on SQLite and the engines, ``ts_rank`` on
  PostgreSQL) with the field boosts of ``search_fields`` (the title's ``boost=2``), always
  below ``TIER_WEIGHT``, so a tier always wins;
- recency, for news only (page models with a ``search_recency_field``, the article's
  ``date``): relevance falls with age by up to a fifth, half of that in a year
  (``NEWS_HALF_LIFE_DAYS``); other pages keep theirs. Recency orders near-equal matches;
  it never lifts a news item over a clearly better match.
"""

from django.apps import apps
from django.db.models import FloatField, Func
from modelsearch.index import SearchField, class_is_indexed
from modelsearch.query import PlainText

from integrity_site.core.segmentation import query_phrases

TIER_WEIGHT = 1000
TITLE_TIER = 2
PHRASE_TIER = 1
NEWS_HALF_LIFE_DAYS = 365
NEWS_MIN_FACTOR = 0.8  # what a very old news item keeps of its relevance


def typed_phrases(query):
    """The phrases of a search as typed, or [] where tiers do not apply (match-all,
    structured queries). The database backends search a segmented copy of the query that
    keeps what was typed as ``typed``."""
    if isinstance(query, PlainText):
        return query_phrases(getattr(query, "typed", query.query_string))
    return []


def title_boost(model):
    """The boost ``search_fields`` gives the title (Wagtail's Page: 2)."""
    boosts = [
        field.boost or 1
        for field in model.get_searchable_search_fields()
        if isinstance(field, SearchField) and field.field_name == "title"
    ]
    return max(boosts, default=1)


def news_models(model):
    """Indexed models under ``model`` whose results age, with the date field they age by."""
    return [
        (candidate, candidate.search_recency_field)
        for candidate in apps.get_models()
        if class_is_indexed(candidate)
        and issubclass(candidate, model)
        and getattr(candidate, "search_recency_field", None)
    ]


class RecencyFactor(Func):
    """The recency factor of a news date (NULL, for pages that are not news: 1)."""

    output_field = FloatField()
    ages = {
        "sqlite": "MAX(julianday('now', 'localtime') - julianday({date}), 0)",
        "postgresql": "GREATEST(CURRENT_DATE - {date}, 0)",
    }

    def as_sql(self, compiler, connection):
        date_sql, params = compiler.compile(self.source_expressions[0])
        age = self.ages[connection.vendor].format(date=date_sql)
        ageing, half_life = round(1 - NEWS_MIN_FACTOR, 6), float(NEWS_HALF_LIFE_DAYS)
        return f"COALESCE({NEWS_MIN_FACTOR} + {ageing} * POWER(0.5, ({age}) / {half_life}), 1.0)", params
