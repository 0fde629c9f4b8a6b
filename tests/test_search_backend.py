"""The configured search backend (database on SQLite or PostgreSQL, or an
Elasticsearch-API engine) indexes what editors publish and finds it."""

import pytest
from wagtail.models import Page

from search.services import search_pages
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]


@pytest.fixture
def news(home_page, search_backend, django_capture_on_commit_callbacks):
    # Indexing runs as a task when the transaction commits, as it does for editors.
    with django_capture_on_commit_callbacks(execute=True):
        index = factories.ArticleIndexPageFactory(parent=home_page)
        article = factories.ArticlePageFactory(
            parent=index,
            title="Credit demonstration block opens",
            slug="block",
            lead="Shops in Kuanhouli publish their integrity pledges",
        )
        factories.ArticlePageFactory(
            parent=index,
            title="Volunteers visit the market",
            slug="market",
            lead="Leaflets about illegal fund-raising",
        )
    search_backend.refresh()
    return article


def test_a_published_article_is_found_by_an_english_word(news):
    results = list(Page.objects.live().search("demonstration"))
    assert [page.pk for page in results] == [news.pk]


def test_a_word_of_the_lead_finds_the_article(news):
    assert [page.pk for page in Page.objects.live().search("pledges")] == [news.pk]


def test_the_search_page_lists_results_of_the_visitor_language(client, news, rf):
    factories.SearchPageFactory(parent=news.get_parent().get_parent())
    response = client.get("/search/?q=demonstration")
    assert response.status_code == 200
    assert "Credit demonstration block opens" in response.text
    assert "Volunteers visit the market" not in response.text


def test_a_search_with_nothing_found_says_so(client, news):
    factories.SearchPageFactory(parent=news.get_parent().get_parent())
    response = client.get("/search/?q=zyxwvut")
    assert response.status_code == 200
    assert "未找到与“zyxwvut”相关的内容" in response.text


def test_the_search_service_ignores_a_blank_query(rf, news):
    assert search_pages(rf.get("/"), "   ", news.locale, per_page=10)["results"] is None
