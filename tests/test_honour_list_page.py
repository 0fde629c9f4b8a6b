"""Residents read an honour list by pinyin or grouped by subdistrict, in either language;
organisations on it link to their credit profile; partners read the list as JSON."""

import pytest
from django.utils import translation

from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"


@pytest.fixture
def honour_list(home_page):
    honours = factories.HonourIndexPageFactory(parent=home_page)
    return factories.HonourListPageFactory(
        parent=honours,
        title="历下榜样",
        slug="role-models",
        awarding_unit="历下区文明办",
        category="helping_others",
        entries=[
            {"name": "张华", "subdistrict": "泉城路街道", "citation": "照顾孤寡老人"},
            {"name": "安明", "subdistrict": "解放路街道"},
            {"name": "李静"},
            {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": CODE, "subdistrict": "泉城路街道"},
        ],
    )


def test_an_honour_list_is_grouped_by_subdistrict_in_the_districts_order(client, honour_list):
    text = client.get(honour_list.url + "?by=subdistrict").text
    assert (
        text.index("<h2>解放路街道</h2>")
        < text.index("<h2>泉城路街道</h2>")
        < text.index("<h2>其他或未填写</h2>")
    )
    assert text.index("安明") < text.index("<h2>泉城路街道</h2>") < text.index("张华") < text.index("李静")
    by_pinyin = client.get(honour_list.url).text
    assert by_pinyin.index("安明") < by_pinyin.index("李静") < by_pinyin.index("张华")
    assert "按街道分组" in by_pinyin and "?by=subdistrict" in by_pinyin
    assert "历下区文明办" in by_pinyin and "助人为乐榜样" in by_pinyin


def test_an_unknown_order_falls_back_to_pinyin(client, honour_list):
    response = client.get(honour_list.url + "?by=%3Cscript%3E")
    assert response.status_code == 200 and "<h2>" not in response.text.split("<h1>")[1].split("</main>")[0]


def test_the_english_list_names_subdistricts_in_english(client, honour_list, en_locale):
    english = translate_object(honour_list, en_locale, {"历下榜样": "Lixia role models"})
    english.get_latest_revision().publish()
    with translation.override("en"):
        text = client.get(english.url + "?by=subdistrict").text
    assert "<h2>Jiefang Road Subdistrict</h2>" in text and "<h2>Quancheng Road Subdistrict</h2>" in text
    assert "By subdistrict" in text and "解放路街道" not in text


def test_an_organisation_links_to_its_credit_profile(client, home_page, honour_list):
    publicity = factories.PublicityPageFactory(parent=home_page)
    text = client.get(honour_list.url).text
    assert f'href="{publicity.url}credit/{CODE}/"' in text


def test_without_a_publicity_page_the_code_is_shown_without_a_link(client, honour_list):
    text = client.get(honour_list.url).text
    assert CODE in text and "/credit/" not in text


def test_partners_read_the_list_and_its_entries_as_json(client, honour_list):
    listed = client.get(
        "/api/v2/pages/?type=honours.HonourListPage&fields=year,category,awarding_unit,entries"
    ).json()
    (item,) = listed["items"]
    assert item["awarding_unit"] == "历下区文明办" and item["category"] == "helping_others"
    entry = next(entry for entry in item["entries"] if entry["name"] == "张华")
    assert set(entry) - {"id", "meta"} == {"name", "organisation", "credit_code", "subdistrict", "citation"}
    assert entry["subdistrict"] == "泉城路街道"
