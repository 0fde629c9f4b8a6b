"""Residents type place names in pinyin on their phones (kuanhouli, khl, jiefanglu): the
Chinese site search finds the pages by the pinyin of their titles and places, on every
backend, while Chinese queries and English searches on /en/ find what they did before."""

import pytest
from django.contrib.auth.models import Group

from integrity_site.core.sections import SECTION_GROUPS
from integrity_site.core.translation import translate_object
from search.pinyin import joined_pinyin, spellings
from tests import factories
from tests.search_results import found_titles as titles

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]


@pytest.fixture
def pages(home_page, search_backend, en_locale, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page)
        lectures = factories.LectureIndexPageFactory(parent=home_page)
        found = {
            "search": factories.SearchPageFactory(parent=home_page),
            "block": factories.ArticlePageFactory(
                parent=news,
                title="宽厚里成为首个信用示范街区",
                slug="block",
                lead="街区商户公开作出诚信经营承诺",
                body=factories.body("一段正文。"),
            ),
            "pilot": factories.ArticlePageFactory(
                parent=news,
                title="解放路街道诚信建设试点启动",
                slug="pilot",
                lead="试点覆盖十个社区",
                body=factories.body("一段正文。"),
            ),
            # Held at a place in the two names, which only its location says.
            "lecture": factories.LecturePageFactory(
                parent=lectures,
                title="儒信大讲堂第十讲",
                slug="talk-10",
                summary="讲诚信故事",
                location="解放路街道宽厚里社区",
            ),
            # 街坊录 sounds like 解放路 (jiefanglu) and is written otherwise.
            "homophone": factories.ArticlePageFactory(
                parent=news,
                title="街坊录：邻里守信小故事",
                slug="neighbours",
                lead="邻里之间讲信用",
                body=factories.body("一段正文。"),
            ),
            "moon": factories.ArticlePageFactory(
                parent=news,
                title="嫦娥奔月里的诚信",
                slug="moon",
                lead="传统故事讲信义",
                body=factories.body("一段正文。"),
            ),
            "other": factories.ArticlePageFactory(
                parent=news,
                title="诚信经营承诺书发布",
                slug="other",
                lead="商户签署承诺书",
                body=factories.body("一段正文。"),
            ),
        }
        translate_object(found["search"], en_locale, {"搜索": "Search"})
        translate_object(
            found["block"],
            en_locale,
            {
                "宽厚里成为首个信用示范街区": "Shops change how they work in Kuanhouli",
                "街区商户公开作出诚信经营承诺": "Shops in the block make public integrity pledges",
            },
        )
        # An English version whose title is not translated yet keeps the Chinese one.
        translate_object(found["moon"], en_locale, {"传统故事讲信义": "A traditional story"})
    search_backend.refresh()
    return found


KUANHOULI = {"宽厚里成为首个信用示范街区", "儒信大讲堂第十讲"}  # by its title, by its location
JIEFANGLU = {"解放路街道诚信建设试点启动", "儒信大讲堂第十讲", "街坊录：邻里守信小故事"}


def test_full_pinyin_finds_the_pages_of_a_place_by_title_and_by_location(client, pages):
    assert set(titles(client, "kuanhouli")) == KUANHOULI
    assert set(titles(client, "jiefanglu")) == JIEFANGLU


def test_snippets_quote_the_pages_text_not_their_pinyin(client, pages):
    text = client.get("/search/", {"q": "kuanhouli"}).text
    assert "解放路街道宽厚里社区" in text  # the lecture's location
    assert "jiedao" not in text


def test_pinyin_initials_find_the_pages_of_a_place(client, pages):
    assert set(titles(client, "khl")) == KUANHOULI
    assert set(titles(client, "KHL")) == KUANHOULI
    assert set(titles(client, "jfl")) == JIEFANGLU


def test_syllables_typed_with_spaces_or_apostrophes_are_one_pinyin_word(client, pages):
    assert set(titles(client, "kuan hou li")) == KUANHOULI
    assert set(titles(client, "jie'fang'lu")) == JIEFANGLU


def test_a_chinese_query_finds_no_homophones(client, pages):
    assert set(titles(client, "解放路")) == {"解放路街道诚信建设试点启动", "儒信大讲堂第十讲"}
    assert set(titles(client, "宽厚里")) == KUANHOULI


def test_an_english_search_for_a_word_that_spells_pinyin_finds_the_english_word(client, pages):
    # "change" spells 嫦娥; on /en/ it means the English word, also where an English
    # version still carries a Chinese title.
    assert titles(client, "change", prefix="/en") == ["Shops change how they work in Kuanhouli"]
    assert titles(client, "khl", prefix="/en") == []
    assert "嫦娥奔月里的诚信" in titles(client, "change")


def test_suggestions_complete_pinyin_prefixes(client, pages):
    suggested = client.get("/search/suggest/", {"q": "kuanh"}).json()["suggestions"]
    assert "宽厚里成为首个信用示范街区" in [item["title"] for item in suggested]
    assert "诚信经营承诺书发布" not in [item["title"] for item in suggested]


def test_editors_find_pages_by_pinyin_in_the_admin(client, pages, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.groups.add(Group.objects.get(name=SECTION_GROUPS["articles"]))
    client.force_login(editor)
    response = client.get("/admin/pages/search/", {"q": "khl"})
    assert response.status_code == 200
    assert "宽厚里成为首个信用示范街区" in response.text
    assert "诚信经营承诺书发布" not in response.text


def test_spellings_are_runs_of_two_to_five_characters_in_full_and_as_initials():
    words = spellings("宽厚里社区 B级").split()
    assert {"kuanhou", "kuanhouli", "kuanhoulishequ", "khl", "khlsq", "sq"} <= set(words)
    assert "kuan" not in words and "b" not in words and "ji" not in words


def test_only_pinyin_typed_on_a_chinese_site_is_joined(zh_locale, en_locale):
    assert joined_pinyin("kuan hou li", zh_locale) == "kuanhouli"
    assert joined_pinyin("Belt and Road", zh_locale) == "Belt and Road"
    assert joined_pinyin("kuan hou li", en_locale) == "kuan hou li"
    assert joined_pinyin("宽厚 里", zh_locale) == "宽厚 里"
