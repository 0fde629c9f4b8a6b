"""News, lectures, volunteer events and honour lists each offer RSS and Atom, announced in the
page's head, in both languages; their links name the configured host."""

import xml.etree.ElementTree as ET

import pytest

from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news(home_page):
    index = factories.ArticleIndexPageFactory(parent=home_page)
    factories.ArticlePageFactory(parent=index, title="旧闻", slug="old", lead="去年的事")
    factories.ArticlePageFactory(
        parent=index, title="宽厚里商户签署承诺", slug="pledge", lead="四十家商户承诺"
    )
    return index


def test_news_has_rss_newest_first_with_leads_and_full_links(client, news):
    response = client.get(f"{news.url}rss/", HTTP_HOST="alias.example")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["宽厚里商户签署承诺", "旧闻"]
    assert items[0].findtext("description") == "四十家商户承诺"
    assert items[0].findtext("link") == "http://testserver/news/pledge/"
    assert items[0].findtext("guid") == "http://testserver/news/pledge/"
    assert channel.findtext("link") == "http://testserver/news/"


def test_news_has_atom_too(client, news):
    response = client.get(f"{news.url}atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["宽厚里商户签署承诺", "旧闻"]


def test_each_section_announces_its_feeds_in_its_head(client, home_page, news):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    honours = factories.HonourIndexPageFactory(parent=home_page)
    for section in (news, lectures, campaigns, honours):
        page = client.get(section.url).text
        assert f'type="application/rss+xml" title="{section.title} (RSS)" href="{section.url}rss/"' in page
        assert f'type="application/atom+xml" title="{section.title} (Atom)" href="{section.url}atom/"' in page
        assert client.get(f"{section.url}rss/").status_code == 200
        assert client.get(f"{section.url}atom/").status_code == 200


def test_honour_lists_are_a_feed(client, home_page):
    honours = factories.HonourIndexPageFactory(parent=home_page)
    factories.HonourListPageFactory(parent=honours, title="2020年诚信示范单位")
    channel = ET.fromstring(client.get(f"{honours.url}rss/").content).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == ["2020年诚信示范单位"]


def test_the_english_news_has_its_own_feeds(client, home_page, news, en_locale):
    translate_object(home_page, en_locale, {})
    english = translate_object(news, en_locale, {})
    page = client.get(english.url).text
    assert f'href="{english.url}rss/"' in page and english.url.startswith("/en/")
    assert client.get(f"{english.url}atom/").status_code == 200


def test_event_feeds_link_to_the_configured_host(client, home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    factories.LecturePageFactory(parent=lectures, title="诚信与生活", slug="talk")
    channel = ET.fromstring(client.get(f"{lectures.url}rss/", HTTP_HOST="alias.example").content).find(
        "channel"
    )
    assert channel.find("item").findtext("link") == f"http://testserver{lectures.url}talk/"
    feed = ET.fromstring(client.get(f"{lectures.url}atom/").content)
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}title") == "诚信与生活"
