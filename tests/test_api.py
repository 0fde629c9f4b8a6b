"""Partner platforms read the site through Wagtail's API v2: live public pages with the fields
that make sense per type, in either language, images and public documents; nothing unpublished,
private or personal."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(home_page):
    return factories.ArticleIndexPageFactory(parent=home_page)


def titles(response):
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_articles_are_listed_with_their_fields_and_pages_of_any_type_by_title(client, news):
    factories.ArticlePageFactory(parent=news, title="宽厚里商户签署承诺", slug="pledge", lead="四十家商户")
    response = client.get("/api/v2/pages/?type=home.ArticlePage&fields=lead,date,category")
    (item,) = response.json()["items"]
    assert item["title"] == "宽厚里商户签署承诺" and item["lead"] == "四十家商户" and item["date"]
    assert item["meta"]["html_url"] == "http://testserver/news/pledge/"
    detail = client.get(f"/api/v2/pages/{item['id']}/").json()
    assert detail["body"][0]["type"] == "paragraph" and detail["meta"]["locale"] == "zh-hans"


def test_the_english_pages_are_filtered_by_locale(client, home_page, news, en_locale):
    article = factories.ArticlePageFactory(parent=news, title="宽厚里", slug="k")
    translate_object(home_page, en_locale, {})
    translate_object(news, en_locale, {})
    translate_object(article, en_locale, {"宽厚里": "Kuanhouli"})
    assert titles(client.get("/api/v2/pages/?type=home.ArticlePage&locale=en")) == {"Kuanhouli"}
    assert titles(client.get("/api/v2/pages/?type=home.ArticlePage&locale=zh-hans")) == {"宽厚里"}


def test_unpublished_and_private_pages_stay_out(client, news):
    factories.ArticlePageFactory(parent=news, title="公开", slug="public")
    draft = factories.ArticlePageFactory(parent=news, title="草稿", slug="draft")
    draft.unpublish()
    private = factories.ArticlePageFactory(parent=news, title="内部", slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert titles(client.get("/api/v2/pages/?type=home.ArticlePage")) == {"公开"}
    assert client.get(f"/api/v2/pages/{private.pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404


def test_honour_lists_carry_their_entries_and_events_their_times(client, home_page):
    honours = factories.HonourIndexPageFactory(parent=home_page)
    factories.HonourListPageFactory(parent=honours, title="2020年诚信示范单位")
    listed = client.get("/api/v2/pages/?type=honours.HonourListPage&fields=year,category,entries").json()
    assert listed["items"][0]["title"] == "2020年诚信示范单位" and "entries" in listed["items"][0]
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    factories.LecturePageFactory(parent=lectures, title="诚信与生活", slug="talk")
    (lecture,) = client.get("/api/v2/pages/?type=lectures.LecturePage&fields=start_at,location,topic").json()[
        "items"
    ]
    assert lecture["start_at"] and lecture["location"] == "二楼活动室"


def test_images_and_public_documents_are_listed_and_private_documents_are_not(client, home_page):
    factories.make_image("街区")
    root = Collection.get_first_root_node()
    private = root.add_child(name="内部")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    document = get_document_model()
    document.objects.create(title="公开文件", file=ContentFile(b"x", name="public.txt"), collection=root)
    document.objects.create(title="内部文件", file=ContentFile(b"x", name="private.txt"), collection=private)
    assert titles(client.get("/api/v2/images/")) == {"街区"}
    assert titles(client.get("/api/v2/documents/")) == {"公开文件"}


def test_nothing_personal_is_reachable(client, home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    lecture = factories.LecturePageFactory(parent=lectures, registration_enabled=True, capacity=5)
    from integrity_site.events.services import register

    register(lecture, name="王伟", mobile="13900000001")
    factories.PledgeFactory(mobile="13811112222", email="owner@example.org")
    everything = (
        client.get("/api/v2/pages/?fields=*").content.decode()
        + client.get(f"/api/v2/pages/{lecture.pk}/").content.decode()
    )
    for personal in ("13900000001", "王伟", "13811112222", "owner@example.org"):
        assert personal not in everything
    assert client.get("/api/v2/registrations/").status_code == 404
    assert client.get("/api/v2/pledges/").status_code == 404
