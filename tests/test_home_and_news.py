"""What a resident sees on the home page and in the news section."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from integrity_site.core.models import SiteSettings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_index(home_page):
    return factories.ArticleIndexPageFactory(parent=home_page, show_in_menus=True)


def test_the_home_page_shows_latest_news_and_upcoming_events(client, home_page, news_index):
    factories.ArticlePageFactory(parent=news_index, title="旧闻", slug="old", date=datetime.date(2019, 1, 1))
    factories.ArticlePageFactory(parent=news_index, title="新闻", slug="new", date=datetime.date(2020, 1, 1))
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    factories.LecturePageFactory(parent=lectures, title="即将举办的讲座", slug="soon")
    past_start = timezone.now() - datetime.timedelta(days=10)
    factories.LecturePageFactory(
        parent=lectures,
        title="已结束的讲座",
        slug="past",
        start_at=past_start,
        end_at=past_start + datetime.timedelta(hours=2),
    )
    text = client.get("/").text
    assert text.index("新闻") < text.index("旧闻")
    assert "即将举办的讲座" in text
    assert "已结束的讲座" not in text


def test_the_home_page_says_when_nothing_is_published_yet(client, home_page):
    text = client.get("/").text
    assert "暂" in text or "尚未" in text or "No news" in text
    assert 'name="viewport"' in text


def test_the_navigation_lists_the_sections(client, home_page, news_index):
    text = client.get("/").text
    assert '<a href="/news/"' in text
    assert 'aria-current="page"' in client.get("/news/").text


def test_the_footer_shows_the_office_contact_details_in_the_page_language(client, home_page, en_locale):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.office_name = "历下区信用办"
    site_settings.office_name_en = "Lixia Credit Office"
    site_settings.phone = "12345"
    site_settings.save()
    from integrity_site.core.translation import translate_object

    translate_object(home_page, en_locale, {})
    chinese = client.get("/").text
    assert "历下区信用办" in chinese and 'href="tel:12345"' in chinese
    assert "Lixia Credit Office" in client.get("/en/").text


def test_news_can_be_filtered_by_category_and_tag(client, news_index):
    notice = factories.ArticlePageFactory(
        parent=news_index, title="通知一则", slug="notice", category="notice"
    )
    notice.tags.add("双公示")
    notice.save_revision().publish()
    factories.ArticlePageFactory(parent=news_index, title="媒体报道一则", slug="media", category="media")
    by_category = client.get("/news/?category=notice").text
    assert "通知一则" in by_category and "媒体报道一则" not in by_category
    by_tag = client.get("/news/?tag=双公示").text
    assert "通知一则" in by_tag and "媒体报道一则" not in by_tag
    unknown = client.get("/news/?category=<script>")
    assert unknown.status_code == 200 and "媒体报道一则" in unknown.text


def test_news_pages_through_twelve_at_a_time_and_tolerates_bad_page_numbers(client, news_index):
    for number in range(14):
        factories.ArticlePageFactory(parent=news_index, title=f"第{number}条", slug=f"a{number}")
    first = client.get("/news/").text
    assert first.count('class="card article-card"') == 12
    assert 'rel="next"' in first
    last = client.get("/news/?page=2").text
    assert last.count('class="card article-card"') == 2
    for bad in ["x", "999", "-1", "1.5"]:
        assert client.get(f"/news/?page={bad}").status_code == 200


def count_queries(client, url):
    client.get(url)  # warm caches (site root, image renditions)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_news_index_costs_the_same_queries_for_many_articles(client, news_index):
    image = factories.make_image()
    for number in range(3):
        factories.ArticlePageFactory(
            parent=news_index, title=f"甲{number}", slug=f"x{number}", cover_image=image
        )
    with_three = count_queries(client, "/news/")
    for number in range(9):
        factories.ArticlePageFactory(
            parent=news_index, title=f"乙{number}", slug=f"y{number}", cover_image=image
        )
    assert count_queries(client, "/news/") == with_three


def test_the_home_page_costs_the_same_queries_for_many_articles_and_events(client, home_page, news_index):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    factories.ArticlePageFactory(parent=news_index, title="甲", slug="x")
    factories.LecturePageFactory(parent=lectures, title="讲座甲", slug="x")
    with_one = count_queries(client, "/")
    for number in range(8):
        factories.ArticlePageFactory(parent=news_index, title=f"乙{number}", slug=f"y{number}")
        factories.LecturePageFactory(parent=lectures, title=f"讲座乙{number}", slug=f"y{number}")
    assert count_queries(client, "/") == with_one


def test_an_article_shows_its_body_blocks(client, news_index):
    image = factories.make_image("插图")
    article = factories.ArticlePageFactory(
        parent=news_index,
        title="正文示例",
        slug="blocks",
        body=[
            ("paragraph", factories.RichText("<p>第一段</p>")),
            ("quote", {"text": "人而无信，不知其可也。", "attribution": "《论语》"}),
            ("image", {"image": image, "caption": "宽厚里街景"}),
        ],
    )
    text = client.get(article.url).text
    assert "第一段" in text and "人而无信" in text and "《论语》" in text and "宽厚里街景" in text


def test_an_unknown_address_gets_a_friendly_not_found_page(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "首页" in response.text or "home page" in response.text
