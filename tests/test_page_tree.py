"""Every page type of the design's page tree can be made under its parent, only
there, and renders in both languages."""

import pytest

from campaigns.models import CampaignPage, VolunteerEventPage
from home.models import ArticleIndexPage, ArticlePage, HomePage
from honours.models import HonourListPage
from integrity_site.core.translation import translate_object
from lectures.models import LectureIndexPage, LecturePage
from pledges.models import PledgePage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(home_page):
    """One page of every type, each under the parent the page tree gives it."""
    articles = factories.ArticleIndexPageFactory(parent=home_page)
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    honours = factories.HonourIndexPageFactory(parent=home_page)
    return {
        "home": home_page,
        "articles": articles,
        "article": factories.ArticlePageFactory(parent=articles, title="宽厚里信用街区", slug="kuanhouli"),
        "lectures": lectures,
        "lecture": factories.LecturePageFactory(parent=lectures, title="诚信与生活", slug="talk"),
        "campaigns": campaigns,
        "campaign": factories.CampaignPageFactory(parent=campaigns, title="我承诺", slug="pledge-campaign"),
        "volunteer_event": factories.VolunteerEventPageFactory(
            parent=campaigns, title="宽厚里邀约", slug="invite"
        ),
        "pledge": factories.PledgePageFactory(parent=home_page),
        "honours": honours,
        "honour_list": factories.HonourListPageFactory(
            parent=honours,
            title="2020年度诚信单位",
            slug="units-2020",
            entries=[{"name": "泉城示范餐饮有限公司", "credit_code": "91350100M000100Y43"}],
        ),
        "publicity": factories.PublicityPageFactory(parent=home_page),
        "search": factories.SearchPageFactory(parent=home_page),
    }


def test_every_page_type_renders_in_chinese(client, tree):
    for name, page in tree.items():
        response = client.get(page.url)
        assert response.status_code == 200, name
        assert page.title in response.text, name
        assert '<html lang="zh-hans">' in response.text, name


def test_every_page_type_renders_in_english_once_translated(client, tree, en_locale):
    translations = {"宽厚里信用街区": "Kuanhouli credit block", "诚信与生活": "Integrity and life"}
    for name, page in tree.items():
        english = translate_object(page, en_locale, translations)
        response = client.get(english.url)
        assert english.url.startswith("/en/"), name
        assert response.status_code == 200, name
        assert '<html lang="en">' in response.text, name
    assert "Kuanhouli credit block" in client.get("/en/news/kuanhouli/").text


@pytest.mark.parametrize(
    ("child", "allowed_parents"),
    [
        (ArticleIndexPage, {HomePage}),
        (ArticlePage, {ArticleIndexPage}),
        (LectureIndexPage, {HomePage}),
        (LecturePage, {LectureIndexPage}),
        (CampaignPage, {factories.CampaignIndexPage}),
        (VolunteerEventPage, {factories.CampaignIndexPage}),
        (PledgePage, {HomePage}),
        (HonourListPage, {factories.HonourIndexPage}),
    ],
)
def test_pages_go_only_where_the_page_tree_puts_them(child, allowed_parents):
    for parent_model in [
        HomePage,
        ArticleIndexPage,
        LectureIndexPage,
        factories.CampaignIndexPage,
        factories.HonourIndexPage,
    ]:
        allowed = child in parent_model.allowed_subpage_models()
        assert allowed == (parent_model in allowed_parents), parent_model


def test_a_section_index_exists_once_per_home_page(tree):
    assert not LectureIndexPage.can_create_at(tree["home"])
    assert not ArticleIndexPage.can_create_at(tree["home"])


def test_an_event_cannot_end_before_it_starts(tree):
    lecture = tree["lecture"]
    lecture.end_at = lecture.start_at
    with pytest.raises(Exception) as error:
        lecture.full_clean()
    assert "end_at" in str(error.value)


def test_honour_entries_are_listed_by_pinyin(client, tree):
    honours = tree["honours"]
    page = factories.HonourListPageFactory(
        parent=honours,
        title="金牌服务员",
        slug="gold",
        entries=[{"name": "张华"}, {"name": "安明"}, {"name": "李静"}],
    )
    text = client.get(page.url).text
    assert text.index("安明") < text.index("李静") < text.index("张华")


def test_honour_entry_credit_codes_are_checked(tree):
    entry = tree["honour_list"].entries.first()
    entry.credit_code = "91350100M000100Y44"
    with pytest.raises(Exception) as error:
        entry.full_clean(exclude=["page", "translation_key", "locale"])
    assert "credit_code" in str(error.value)
