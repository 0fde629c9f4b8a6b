"""Editors maintain synonyms (Snippets → Search synonyms): a search for 红榜 also finds 诚信榜样,
on every backend, from the next search on, without rebuilding an index; the changes are
audit-logged, only the moderators may make them, and the admin refuses terms that are not
words."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from integrity_site.core import page_cache
from integrity_site.core.sections import SECTION_GROUPS
from integrity_site.core.translation import translate_object
from search.records import SynonymGroup
from search.synonyms import alternatives
from tests import factories
from tests.search_results import found_titles as titles

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]

ADD_URL = "/admin/snippets/search/synonymgroup/add/"


@pytest.fixture
def pages(home_page, search_backend, en_locale, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page)
        found = {
            "search": factories.SearchPageFactory(parent=home_page),
            "honours": factories.ArticlePageFactory(
                parent=news,
                title="2025年诚信榜样揭晓",
                slug="honours",
                lead="十家单位上榜",
                body=factories.body("正文。"),
            ),
            "publicity": factories.ArticlePageFactory(
                parent=news,
                title="上半年数据报送情况",
                slug="publicity",
                lead="全区报送行政许可和行政处罚信息",
                body=factories.body("正文。"),
            ),
            "licences": factories.ArticlePageFactory(
                parent=news,
                title="行政许可办理指南",
                slug="licences",
                lead="窗口办理",
                body=factories.body("正文。"),
            ),
            "debtors": factories.ArticlePageFactory(
                parent=news,
                title="失信被执行人名单更新",
                slug="debtors",
                lead="法院发布",
                body=factories.body("正文。"),
            ),
            "tea": factories.ArticlePageFactory(
                parent=news,
                title="老字号茶庄开业",
                slug="tea",
                lead="百年老店",
                body=factories.body("正文。"),
            ),
        }
        translate_object(found["search"], en_locale, {"搜索": "Search"})
        translate_object(found["honours"], en_locale, {"2025年诚信榜样揭晓": "The 2025 honour list"})
    search_backend.refresh()
    return found


@pytest.fixture
def moderator(client, django_user_model):
    user = django_user_model.objects.create_user("moderator", password="pw")
    user.groups.add(Group.objects.get(name="审核员"))
    client.force_login(user)
    return user


def test_the_site_starts_with_the_synonyms_of_its_programme(client, pages):
    assert titles(client, "红榜") == ["2025年诚信榜样揭晓"]
    assert titles(client, "双公示") == ["上半年数据报送情况"]  # both words, not licences alone
    assert "上半年数据报送情况" in titles(client, "行政许可 行政处罚")
    assert "失信被执行人名单更新" in titles(client, "失信")
    assert titles(client, "red list", prefix="/en") == ["The 2025 honour list"]


def test_a_chinese_term_counts_inside_a_longer_query_and_is_marked_in_the_snippet(client, pages):
    response = client.get("/search/", {"q": "红榜单位"})
    assert [page.title for page in response.context["results"]] == ["2025年诚信榜样揭晓"]
    publicity = client.get("/search/", {"q": "双公示"}).text
    assert "<mark>行政许可</mark>" in publicity and "<mark>行政处罚</mark>" in publicity


def test_a_moderator_adds_synonyms_that_count_from_the_next_search(client, pages, moderator):
    assert titles(client, "茗茶铺子") == []
    response = client.post(ADD_URL, {"locale": pages["tea"].locale_id, "terms": "茗茶铺子\n老字号茶庄"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert titles(client, "茗茶铺子") == ["老字号茶庄开业"]
    group = SynonymGroup.objects.get(terms="茗茶铺子\n老字号茶庄")
    entry = ModelLogEntry.objects.for_instance(group).get()
    assert entry.action == "wagtail.create" and entry.user == moderator


def test_changing_synonyms_drops_the_cached_search_pages(
    client, pages, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    page_cache.local_copies.clear()
    assert titles(client, "茗茶铺子") == []
    assert client.get("/search/", {"q": "茗茶铺子"}).headers["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(locale=pages["tea"].locale, terms="茗茶铺子\n老字号茶庄")
    page_cache.local_copies.clear()
    response = client.get("/search/", {"q": "茗茶铺子"})
    assert response.headers["X-Cache"] == "MISS"
    assert "老字号茶庄开业" in response.text


def test_only_moderators_may_change_synonyms(client, pages, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.groups.add(Group.objects.get(name=SECTION_GROUPS["articles"]))
    client.force_login(editor)
    response = client.post(ADD_URL, {"locale": pages["tea"].locale_id, "terms": "茗茶铺子\n老字号茶庄"})
    assert response.status_code in (302, 403)
    assert not SynonymGroup.objects.filter(terms__contains="茗茶铺子").exists()


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("红榜单", "至少填写两个词"),
        ("百年\u200b茶庄\n老字号", "请删除控制字符和不可见的格式字符"),
        ("茗茶铺子\n\x07老字号", "请删除控制字符和不可见的格式字符"),
        ("！！\n老字号", "没有可供搜索的词"),
        ("茶" * 41 + "\n老字号", "太长"),
        ("\n".join(f"词{number}" for number in range(11)), "最多填写10个词"),
        ("红榜\n光荣榜", "已在同义词"),  # 红榜 is in the initial group with 诚信榜样
    ],
)
def test_the_admin_refuses_terms_that_are_not_words(client, pages, moderator, terms, message):
    response = client.post(ADD_URL, {"locale": pages["tea"].locale_id, "terms": terms})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SynonymGroup.objects.count() == 4  # the initial ones


def test_alternatives_replace_the_longest_term_and_english_words_whole():
    groups = [["失信", "失信被执行人"], ["credit", "trust"]]
    assert alternatives("失信被执行人名单", groups) == ["失信 名单"]
    assert alternatives("credit repair", groups) == ["trust repair"]
    assert alternatives("accreditation", groups) == []
