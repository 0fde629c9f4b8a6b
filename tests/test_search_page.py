"""Residents search in Chinese (and English) from /search/; the same matching
serves code and the admin. Runs on every backend: SQLite, PostgreSQL, OpenSearch."""

import pytest
from django.contrib.auth.models import Group
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page

from integrity_site.core.sections import SECTION_GROUPS
from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]


@pytest.fixture
def site_pages(home_page, search_backend, en_locale, django_capture_on_commit_callbacks):
    # Indexing runs when the transaction commits, as it does for editors.
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page)
        lectures = factories.LectureIndexPageFactory(parent=home_page)
        pages = {
            "search": factories.SearchPageFactory(parent=home_page),
            "news": news,
            "lectures": lectures,
            "lecture": factories.LecturePageFactory(
                parent=lectures,
                title="儒信大讲堂第十讲",
                slug="talk-10",
                summary="诚信历下儒信大讲堂在解放路街道举办",
                location="解放路街道宽厚里社区",
            ),
            "block": factories.ArticlePageFactory(
                parent=news,
                title="宽厚里成为首个信用示范街区",
                slug="block",
                lead="街区商户公开作出诚信经营承诺",
                body=factories.body("信用示范街区让守信者处处受益。"),
            ),
            "b_grade": factories.ArticlePageFactory(
                parent=news,
                title="B级企业信用修复指引",
                slug="b-grade",
                lead="Wagtail 网站介绍诚信 wagtail 与信用修复",
                body=factories.body("B级企业可以申请信用修复。"),
            ),
        }
        translate_object(pages["search"], en_locale, {"搜索": "Search"})
        pages["english_block"] = translate_object(
            pages["block"],
            en_locale,
            {
                "宽厚里成为首个信用示范街区": "Kuanhouli becomes the first credit demonstration block",
                "街区商户公开作出诚信经营承诺": "Shops in the block make public integrity pledges",
            },
        )
    search_backend.refresh()
    return pages


def result_titles(response):
    return [page.title for page in response.context["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("大讲堂", "儒信大讲堂第十讲"),
        ("解放路", "儒信大讲堂第十讲"),
        ("诚信经营", "宽厚里成为首个信用示范街区"),
        ("示范街区", "宽厚里成为首个信用示范街区"),
        ("B级企业", "B级企业信用修复指引"),
        ("诚信 wagtail", "B级企业信用修复指引"),
        ("ｂ级企业", "B级企业信用修复指引"),  # full-width letters fold to half-width
    ],
)
def test_chinese_words_inside_longer_runs_are_found(client, site_pages, query, expected):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert expected in result_titles(response)[:3]


def test_the_same_matching_serves_page_searches_from_code(site_pages):
    found = Page.objects.live().search("大讲堂", operator="and")
    assert site_pages["lecture"].pk in [page.pk for page in found]


def test_results_come_from_the_visitor_language_only(client, site_pages):
    chinese = result_titles(client.get("/search/", {"q": "宽厚里"}))
    assert "宽厚里成为首个信用示范街区" in chinese
    assert "Kuanhouli becomes the first credit demonstration block" not in chinese
    english = result_titles(client.get("/en/search/", {"q": "demonstration"}))
    assert english == ["Kuanhouli becomes the first credit demonstration block"]


def test_matched_words_are_highlighted_in_a_snippet(client, site_pages):
    text = client.get("/search/", {"q": "诚信经营"}).text
    assert "<mark>诚信经营</mark>" in text
    english = client.get("/en/search/", {"q": "pledges"}).text
    assert "<mark>pledges</mark>" in english


def test_results_can_be_narrowed_to_one_type_with_counts(client, site_pages):
    response = client.get("/search/", {"q": "宽厚里"})
    facets = {label: count for label, _name, count in response.context["facets"]}
    assert facets["lectures.lecturepage"] == 1 and facets["home.articlepage"] == 1
    narrowed = client.get("/search/", {"q": "宽厚里", "type": "lectures.lecturepage"})
    assert result_titles(narrowed) == ["儒信大讲堂第十讲"]
    unknown_type = client.get("/search/", {"q": "宽厚里", "type": "<script>"})
    assert len(result_titles(unknown_type)) == 2


def test_editors_pin_promoted_results_above_the_rest(client, site_pages):
    query = Query.get("信用")
    SearchPromotion.objects.create(query=query, page=site_pages["lectures"], description="每月一讲")
    response = client.get("/search/", {"q": "信用"})
    promotions = response.context["promotions"]
    assert [promotion["title"] for promotion in promotions] == ["儒信大讲堂"]
    assert "儒信大讲堂" not in result_titles(response)
    assert response.text.index("每月一讲") < response.text.index("宽厚里成为首个信用示范街区")


def test_results_are_paginated(client, site_pages, search_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            factories.ArticlePageFactory(
                parent=site_pages["news"], title=f"信用承诺第{number}号", slug=f"pledge-{number}"
            )
    search_backend.refresh()
    first = client.get("/search/", {"q": "信用承诺"})
    assert first.context["results"].paginator.count == 12
    assert len(result_titles(first)) == 10
    assert len(result_titles(client.get("/search/", {"q": "信用承诺", "page": 2}))) == 2
    assert client.get("/search/", {"q": "信用承诺", "page": "abc"}).status_code == 200


def test_words_run_together_still_find_the_best_partial_matches(client, site_pages):
    response = client.get("/search/", {"q": "宽厚里示范讲堂"})
    assert response.context["matched_some_words"]
    titles = result_titles(response)
    assert "宽厚里成为首个信用示范街区" in titles[:2]
    assert "没有页面包含全部关键词" in response.text


def test_nothing_found_suggests_popular_searches(client, site_pages):
    for visitor in range(5):  # five distinct visitors: the default threshold
        client.get("/search/", {"q": "宽厚里"}, REMOTE_ADDR=f"10.0.0.{visitor}")
    response = client.get("/search/", {"q": "不存在的词语"})
    assert "未找到与“不存在的词语”相关的内容" in response.text
    assert "宽厚里" in response.context["popular_searches"]
    assert 'href="?q=%E5%AE%BD%E5%8E%9A%E9%87%8C"' in response.text


def test_queries_are_logged_without_personal_data(client, site_pages):
    client.get("/search/", {"q": "大讲堂"})
    client.get("/search/", {"q": "13812345678"})
    client.get("/search/", {"q": "张三 370102199001011234"})
    client.get("/search/", {"q": "zhang@example.org"})
    logged = set(Query.objects.filter(daily_hits__isnull=False).values_list("query_string", flat=True))
    assert logged == {"大讲堂"}


@pytest.mark.parametrize(
    "query",
    [
        "诚" * 10_000,
        "\"' ; DROP TABLE wagtailcore_page; --",
        "title:(诚信 OR *) AND NOT [1 TO 2] ~ ^ \\ /",
        "😀🙏",
        'NEAR(诚信 大讲堂) "unclosed',
        "\x00\x1f",
    ],
)
def test_long_or_hostile_queries_get_a_clean_page(client, site_pages, query):
    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/search/suggest/", {"q": query}).status_code == 200


def test_suggestions_complete_chinese_prefixes(client, site_pages):
    titles = [item["title"] for item in client.get("/search/suggest/", {"q": "儒信"}).json()["suggestions"]]
    assert "儒信大讲堂" in titles
    assert client.get("/search/suggest/", {"q": ""}).json() == {"suggestions": []}
    english = client.get("/en/search/suggest/", {"q": "Kuanh"}).json()["suggestions"]
    assert [item["url"] for item in english] == ["/en/news/block/"]


def test_editors_search_the_admin_in_chinese(client, site_pages, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.groups.add(Group.objects.get(name=SECTION_GROUPS["lectures"]))
    client.force_login(editor)
    response = client.get("/admin/pages/search/", {"q": "大讲堂"})
    assert response.status_code == 200
    assert "儒信大讲堂第十讲" in response.text


def test_a_blank_search_shows_the_form_and_popular_searches(client, site_pages):
    for visitor in range(5):
        client.get("/search/", {"q": "诚信"}, REMOTE_ADDR=f"10.0.1.{visitor}")
    response = client.get("/search/")
    assert response.context["results"] is None
    assert "诚信" in response.context["popular_searches"]


def found_merchants(response):
    """The merchants that the search page shows above the pages (tests/test_search_merchants.py)."""
    return [card.name for card in response.context["merchants"].cards]


def test_merchants_in_the_pledge_register_are_found_by_their_business_details(
    client, site_pages, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pledge = factories.PledgeFactory(
            merchant_name="泉城示范餐饮有限公司", address="历下区宽厚里12号", state="approved"
        )
        factories.PledgeFactory(merchant_name="泉城待审餐饮店", state="confirmed")
    search_backend.refresh()
    response = client.get("/search/", {"q": "泉城餐饮"})
    assert found_merchants(response) == ["泉城示范餐饮有限公司"]
    assert pledge.verification_path in response.text
    by_address = client.get("/search/", {"q": "宽厚里12号"})
    assert found_merchants(by_address) == ["泉城示范餐饮有限公司"]
    # Contact persons and signatories are personal data and are not searchable.
    assert found_merchants(client.get("/search/", {"q": "张三华"})) == []
    assert found_merchants(client.get("/search/", {"q": "李四明"})) == []


def test_english_search_says_in_english_whether_a_merchant_has_a_valid_pledge(
    client, site_pages, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.PledgeFactory(merchant_name="泉城示范餐饮有限公司", state="approved")
    search_backend.refresh()
    english = client.get("/en/search/", {"q": "泉城餐饮"}).text
    card = english[english.index('class="merchant-results"') :].split("</section>")[0]
    assert "Integrity pledge" in card and "valid until" in card and "有效期" not in card
    chinese = client.get("/search/", {"q": "泉城餐饮"}).text
    assert "有效期至" in chinese
