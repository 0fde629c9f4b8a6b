"""The header of every page, in both languages: the site's name in the page title in that
language, a search form that sends to that language's search page, and the main navigation;
large images come in several widths (srcset) with their size set."""

import re

import pytest

from integrity_site.core.models import SiteSettings
from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(home_page, en_locale):
    translate_object(home_page, en_locale, {"诚信历下": "Integrity Lixia"})
    news = factories.ArticleIndexPageFactory(parent=home_page, show_in_menus=True)
    search = factories.SearchPageFactory(parent=home_page)
    translate_object(news, en_locale, {news.title: "News"})
    translate_object(search, en_locale, {"搜索": "Search"})
    return news, search


def test_english_pages_carry_the_english_site_name_in_their_title(client, site, sections):
    SiteSettings.objects.update_or_create(site=site, defaults={"site_name_en": "Integrity Lixia"})

    chinese = client.get("/news/").content.decode()
    english = client.get("/en/news/").content.decode()

    assert f"<title>{sections[0].title} - 诚信历下</title>" in chinese
    assert "<title>News - Integrity Lixia</title>" in english
    assert '<meta property="og:site_name" content="Integrity Lixia">' in english
    assert "诚信历下</title>" not in english


def test_without_an_english_name_english_pages_keep_the_sites_own_name(client, site, sections):
    assert "<title>News - 诚信历下</title>" in client.get("/en/news/").content.decode()


@pytest.mark.parametrize(
    ("path", "action", "label"),
    [("/news/", "/search/", "站内搜索"), ("/en/news/", "/en/search/", "Search the site")],
)
def test_every_page_has_a_search_form_for_the_search_page_of_its_language(
    client, sections, path, action, label
):
    html = client.get(path).content.decode()

    form = re.search(
        r'<form class="header-search" role="search" method="get" action="([^"]+)"[^>]*>(.*?)</form>',
        html,
        re.S,
    )
    assert form is not None
    assert form.group(1) == action
    assert f'<label for="header-search-query" class="visually-hidden">{label}</label>' in form.group(2)
    assert 'name="q"' in form.group(2)


def test_the_navigation_is_a_disclosure_holding_every_section(client, sections):
    html = client.get("/en/").content.decode()

    nav = re.search(r'<nav class="main-nav" aria-label="Main navigation">(.*?)</nav>', html, re.S).group(1)
    assert "<details" in nav and "<summary>Menu</summary>" in nav
    assert '<a href="/en/news/">News</a>' in nav
    assert "/en/search/" not in nav  # the search page is not in the menu: the form is


def test_large_images_come_in_several_widths_with_their_size_set(client, home_page):
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from integrity_site.demo.images import draw_cover

    image = get_image_model().objects.create(
        title="宣传栏", file=ImageFile(draw_cover("宣传栏"), name="board.jpg")
    )
    small = factories.make_image("小图")  # narrower than the widest rendition: one candidate per width
    index = factories.ArticleIndexPageFactory(parent=home_page)
    factories.ArticlePageFactory(parent=index, cover_image=image, slug="big")
    factories.ArticlePageFactory(parent=index, cover_image=small, slug="small")

    html = client.get("/news/").content.decode()
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 2
    for tag in images:
        assert re.search(r'width="\d+"', tag) and re.search(r'height="\d+"', tag)
        assert 'loading="lazy"' in tag
        assert ('sizes="' in tag) == ("srcset" in tag)  # sizes only with an srcset (valid HTML)
        srcset = re.search(r'srcset="([^"]+)"', tag)
        widths = [candidate.split(" ")[1] for candidate in srcset.group(1).split(", ")] if srcset else []
        assert len(widths) == len(set(widths))
    assert "srcset" not in next(tag for tag in images if "cover" in tag)  # one width only: a plain src
    big = next(tag for tag in images if "board" in tag)
    assert "480w" in big and "960w" in big
    renditions = {rendition.url: rendition for rendition in image.renditions.all()}
    srcset = re.search(r'srcset="([^"]+)"', big).group(1)
    for url in [candidate.split(" ")[0] for candidate in srcset.split(", ")]:  # renditions whose files exist
        assert renditions[url].file.storage.exists(renditions[url].file.name)
