"""Search ranks the way residents read the first screen, on every backend (SQLite,
PostgreSQL, OpenSearch): a page whose title holds the query first, then pages holding it as
an exact phrase, then pages holding its bigrams apart; among equal matches newer news first."""

import datetime

import pytest
from wagtail.models import Page

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]


@pytest.fixture
def publish(home_page, search_backend, django_capture_on_commit_callbacks):
    """Publish articles (title, text, date) as editors do and return them by slug."""
    news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")

    def publish(**articles):
        with django_capture_on_commit_callbacks(execute=True):
            pages = {
                slug: factories.ArticlePageFactory(
                    parent=news, slug=slug, title=title, lead="", body=factories.body(text), date=date
                )
                for slug, (title, text, date) in articles.items()
            }
        search_backend.refresh()
        return pages

    return publish


def ranked(query):
    # As the search page asks: every word (the engines default to any word).
    return [page.slug for page in Page.objects.live().search(query, operator="and")]


RECENT = datetime.date.today() - datetime.timedelta(days=30)
OLD = datetime.date(2019, 1, 18)


def test_a_page_titled_with_the_query_ranks_above_pages_that_only_mention_it(publish):
    publish(
        # Mentioned again and again, newer: it still comes after the titled page.
        mentions=("社区活动通知", "宽厚里街区。宽厚里商户。宽厚里居民。宽厚里的诚信经营。", RECENT),
        titled=("宽厚里成为首个信用示范街区", "街区商户公开作出诚信经营承诺。", OLD),
    )
    assert ranked("宽厚里") == ["titled", "mentions"]


def test_a_title_holding_each_typed_word_ranks_first(publish):
    publish(
        body_only=("志愿者走进社区", "街区里的商户坚持诚信经营，街区更美。", RECENT),
        titled=("街区商户诚信经营", "诚信经营承诺。", OLD),
    )
    assert ranked("街区 诚信经营") == ["titled", "body_only"]


def test_the_exact_phrase_ranks_above_its_bigrams_scattered_over_the_text(publish):
    publish(
        # Every bigram of 信用示范街区 (信用 用示 示范 范街 街区), none next to the other.
        scattered=("社区简讯", "信用好。用示意图讲解。示范岗。模范街。街区美。信用卡。示范课。", RECENT),
        phrase=("社区新闻", "宽厚里是历下区首个信用示范街区。", OLD),
    )
    assert ranked("信用示范街区") == ["phrase", "scattered"]


def test_among_equal_matches_newer_news_ranks_first(publish):
    publish(
        # Matched in the text alone, which is the same in all three.
        older=("社区简讯", "志愿者开展诚信宣传。", datetime.date(2019, 5, 1)),
        newer=("社区简讯", "志愿者开展诚信宣传。", RECENT),
        oldest=("社区简讯", "志愿者开展诚信宣传。", datetime.date(2016, 5, 1)),
    )
    assert ranked("诚信宣传") == ["newer", "older", "oldest"]


def test_an_english_title_holding_the_phrase_ranks_first(publish):
    publish(
        mentions=(
            "Volunteers in the block",
            "The credit demonstration block welcomes credit checks.",
            RECENT,
        ),
        titled=("Kuanhouli becomes the first credit demonstration block", "Shops publish pledges.", OLD),
    )
    assert ranked("credit demonstration block") == ["titled", "mentions"]
