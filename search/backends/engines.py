"""OpenSearch and Elasticsearch (modelsearch's backends) ranked as search.backends.ranking
says, like the database backends: the engine's BM25 with the field boosts of
``search_fields`` is the relevance, aged for news by a decay function on the news date;
constant scores for the tiers (the title holds each typed phrase; the page does) are added
on top. The engines analyse Chinese themselves (the index's ``cjk`` analyser), so the
phrases go to ``match_phrase`` as typed."""

from modelsearch.backends import elasticsearch9, opensearch3
from modelsearch.index import FilterField, SearchField

from . import ranking


class RankedQueryMixin:
    """For an engine's search query compiler."""

    def get_inner_query(self):
        inner = self.aged(super().get_inner_query())
        phrases = ranking.typed_phrases(self.query) if not self.fields else []
        if not phrases:
            return inner
        fields = [self.column("title", SearchField), "_all_text"]  # a model may have no title
        tiers = [
            {"constant_score": {"filter": self.all_phrases(field, phrases), "boost": ranking.TIER_WEIGHT}}
            for field in fields
            if field
        ]
        return {"bool": {"must": inner, "should": tiers}}

    @staticmethod
    def all_phrases(field, phrases):
        return {"bool": {"filter": [{"match_phrase": {field: phrase}} for phrase in phrases]}}

    def column(self, name, kind, model=None):
        model = model or self.queryset.model
        for field in model.get_search_fields():
            if isinstance(field, kind) and field.field_name == name:
                return self.mapping_class(model).get_field_column_name(field)
        return None

    def aged(self, query):
        """The query with the relevance of news falling with age (ranking.RecencyFactor)."""
        functions = []
        news = [
            self.column(field, FilterField, model)
            for model, field in ranking.news_models(self.queryset.model)
        ]
        if not news:
            return query
        ageing = round(1 - ranking.NEWS_MIN_FACTOR, 6)  # the share of relevance that age takes
        is_news = {"bool": {"should": [{"exists": {"field": column}} for column in news]}}
        for column in news:
            functions.append(
                {
                    "filter": {"exists": {"field": column}},
                    "exp": {
                        column: {"origin": "now/d", "scale": f"{ranking.NEWS_HALF_LIFE_DAYS}d", "decay": 0.5}
                    },
                    "weight": ageing,
                }
            )
        functions.append({"filter": is_news, "weight": ranking.NEWS_MIN_FACTOR})
        functions.append({"filter": {"bool": {"must_not": is_news}}, "weight": 1})
        return {
            "function_score": {
                "query": query,
                "functions": functions,
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        }


class OpenSearchQueryCompiler(RankedQueryMixin, opensearch3.OpenSearch3SearchQueryCompiler):
    pass


class OpenSearchBackend(opensearch3.OpenSearch3SearchBackend):
    query_compiler_class = OpenSearchQueryCompiler


class ElasticsearchQueryCompiler(RankedQueryMixin, elasticsearch9.Elasticsearch9SearchQueryCompiler):
    pass


class ElasticsearchBackend(elasticsearch9.Elasticsearch9SearchBackend):
    query_compiler_class = ElasticsearchQueryCompiler
