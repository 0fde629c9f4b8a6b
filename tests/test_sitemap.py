"""The sitemap lists the pages of both languages, each with its translations as hreflang
alternates and the Chinese page as x-default, and leaves out alias pages."""

import re

import pytest

from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(home_page, en_locale):
    translate_object(home_page, en_locale, {})
    news = factories.ArticleIndexPageFactory(parent=home_page)
    translate_object(news, en_locale, {})
    return factories.ArticlePageFactory(parent=news, title="宽厚里", slug="kuanhouli")


def entries(client):
    xml = client.get("/sitemap.xml").content.decode()
    return {
        re.search(r"<loc>([^<]+)</loc>", url).group(1): dict(
            re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', url)
        )
        for url in re.findall(r"<url>.*?</url>", xml, flags=re.S)
    }


def test_both_languages_are_listed_with_their_alternates_and_x_default(client, article, en_locale):
    translate_object(article, en_locale, {"宽厚里": "Kuanhouli"})
    sitemap = entries(client)
    versions = {
        "zh-hans": "http://testserver/news/kuanhouli/",
        "en": "http://testserver/en/news/kuanhouli/",
        "x-default": "http://testserver/news/kuanhouli/",
    }
    assert sitemap["http://testserver/news/kuanhouli/"] == versions
    assert sitemap["http://testserver/en/news/kuanhouli/"] == versions
    assert "http://testserver/en/" in sitemap


def test_a_page_in_one_language_has_no_alternates(client, article):
    assert entries(client)["http://testserver/news/kuanhouli/"] == {}


def test_alias_pages_are_left_out(client, article, home_page):
    alias = article.create_alias(parent=home_page, update_slug="kuanhouli-alias")
    assert alias.alias_of_id == article.pk
    sitemap = entries(client)
    assert "http://testserver/kuanhouli-alias/" not in sitemap
    assert "http://testserver/news/kuanhouli/" in sitemap
