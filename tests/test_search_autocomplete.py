"""While residents type in the search box (and editors in the admin's page search), a Chinese
prefix completes to the titles holding it as a word, not to every title holding its
characters somewhere, on every backend: on the engines through the index's own autocomplete
analysers (search/backend_settings.py), on the databases through the bigrams."""

import pytest
from django.contrib.auth.models import Group

from integrity_site.core.sections import SECTION_GROUPS
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]

BLOCK = "宽厚里成为首个信用示范街区"
SCATTERED = "宽容与厚道：邻里相处之道"  # 宽 and 厚, but not the word 宽厚
PILOT = "解放路街道诚信建设试点启动"


@pytest.fixture
def pages(home_page, search_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page)
        factories.SearchPageFactory(parent=home_page)
        for slug, title in [("block", BLOCK), ("scattered", SCATTERED), ("pilot", PILOT)]:
            factories.ArticlePageFactory(
                parent=news, title=title, slug=slug, lead="一段导语", body=factories.body("一段正文。")
            )
    search_backend.refresh()


def suggested(client, prefix):
    response = client.get("/search/suggest/", {"q": prefix})
    assert response.status_code == 200
    return [item["title"] for item in response.json()["suggestions"]]


def test_a_chinese_prefix_completes_to_titles_holding_it_as_a_word(client, pages):
    assert suggested(client, "宽厚") == [BLOCK]
    assert suggested(client, "信用示") == [BLOCK]
    assert suggested(client, "解放路街") == [PILOT]


def test_one_character_completes_to_every_title_holding_it(client, pages):
    assert set(suggested(client, "宽")) == {BLOCK, SCATTERED}


def test_latin_prefixes_still_complete_words(client, pages):
    assert suggested(client, "kuanh") == [BLOCK]  # the title's pinyin
    assert suggested(client, "KuanHou") == [BLOCK]


def test_the_admin_page_search_completes_chinese_prefixes_by_words(client, pages, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.groups.add(Group.objects.get(name=SECTION_GROUPS["articles"]))
    client.force_login(editor)
    response = client.get("/admin/pages/search/", {"q": "宽厚"})
    assert response.status_code == 200
    assert BLOCK in response.text
    assert SCATTERED not in response.text
