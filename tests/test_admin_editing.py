"""Editors work in a Chinese admin: they write an article, preview, schedule,
publish it, and submit it for its English translation."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home.models import ArticlePage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(home_page):
    return factories.ArticleIndexPageFactory(parent=home_page)


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def article_form(**overrides):
    data = {
        "title": "宽厚里商户集体签署诚信承诺",
        "slug": "kuanhouli-merchants-pledge",
        "date": "2020-11-26",
        "category": "brand",
        "tags": "宽厚里",
        "lead": "街区四十家商户公开承诺诚信经营。",
        "body": streamfield(
            [
                ("paragraph", rich_text("<p>承诺书在街区入口公示。</p>")),
                ("quote", {"text": "人而无信，不知其可也。", "attribution": "《论语》"}),
            ]
        ),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_the_admin_speaks_chinese(editor, news):
    response = editor.get("/admin/")
    assert '<html lang="zh-hans"' in response.text
    assert "控制面板" in response.text  # dashboard
    explorer = editor.get(f"/admin/pages/{news.get_parent().pk}/")
    assert "诚信动态" in explorer.text


def visible_text(response):
    """What a reader of the page sees or hears: the text, titles, labels and placeholders."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", response.text, flags=re.S)
    attributes = re.findall(r'(?:placeholder|aria-label|title|alt|value)="([^"]*)"', html)
    return " ".join([re.sub(r"<[^>]+>", " ", html), *attributes])


ENGLISH_LEFT_OVER = re.compile(
    r"\b\d+ Pages?\b|Search all pages|Password|Submit to|Moderators|Editors|Dashboard|Account\b"
)


def test_the_chinese_admin_shows_no_english_on_the_screens_editors_use_most(editor, news):
    article = factories.ArticlePageFactory(parent=news, title="宽厚里商户诚信经营")
    screens = {
        "dashboard": "/admin/",
        "page explorer": f"/admin/pages/{news.pk}/",
        "page editor (workflow submit menu)": f"/admin/pages/{article.pk}/edit/",
        "account": "/admin/account/",
        "groups": "/admin/groups/",
    }
    for screen, url in screens.items():
        response = editor.get(url)
        assert response.status_code == 200, screen
        found = ENGLISH_LEFT_OVER.findall(visible_text(response))
        assert not found, f"{screen} shows {found}"
    dashboard = visible_text(editor.get("/admin/"))
    assert "搜索全部页面" in dashboard and re.search(r"\d+ 个页面", dashboard)
    assert "提交给审核员审批" in visible_text(editor.get(f"/admin/pages/{article.pk}/edit/"))
    groups = visible_text(editor.get("/admin/groups/"))
    assert "编辑" in groups and "审核员" in groups


def test_every_wagtail_message_has_a_chinese_translation(db):
    """Wagtail's own catalogues lack some; the site's locale/wagtail catalogue has them. After a
    Wagtail upgrade `manage.py supplement_wagtail_translations` lists the new ones to translate."""
    from integrity_site.core.wagtail_catalogue import DOMAINS, untranslated

    assert {domain: untranslated("zh_Hans", domain) for domain in DOMAINS} == {"django": [], "djangojs": []}


def test_the_admin_javascript_speaks_chinese_too(editor):
    import json

    catalogue = editor.get("/admin/jsi18n/").content.decode()  # the strings as JSON escapes
    assert json.dumps("Autosave in progress…")[1:-1] in catalogue
    assert json.dumps("正在自动保存……")[1:-1] in catalogue


def test_an_editor_writes_and_publishes_an_article(editor, news):
    response = editor.post(
        f"/admin/pages/add/home/articlepage/{news.pk}/", article_form(**{"action-publish": "publish"})
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    article = ArticlePage.objects.get(slug="kuanhouli-merchants-pledge")
    assert article.live
    page = editor.get(article.url)
    assert "承诺书在街区入口公示" in page.text and "《论语》" in page.text


def test_an_editor_previews_an_article_before_publishing(editor, news):
    preview_url = f"/admin/pages/add/home/articlepage/{news.pk}/preview/"
    assert editor.post(preview_url, article_form()).json()["is_valid"]
    preview = editor.get(preview_url)
    assert preview.status_code == 200
    assert "街区四十家商户公开承诺诚信经营" in preview.text
    assert not ArticlePage.objects.exists()


def test_an_editor_schedules_an_article(editor, news):
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    response = editor.post(
        f"/admin/pages/add/home/articlepage/{news.pk}/",
        article_form(go_live_at=go_live.strftime("%Y-%m-%d %H:%M"), **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="kuanhouli-merchants-pledge")
    assert not article.live
    assert article.go_live_at is not None
    assert editor.get(f"/admin/pages/{article.pk}/edit/").status_code == 200


def test_a_missing_title_is_explained_next_to_the_field(editor, news):
    response = editor.post(
        f"/admin/pages/add/home/articlepage/{news.pk}/",
        article_form(title="", **{"action-publish": "publish"}),
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "街区四十家商户公开承诺诚信经营" in response.text  # what was typed is kept


def test_an_editor_submits_an_article_for_english_translation(editor, news, en_locale):
    article = factories.ArticlePageFactory(parent=news, title="宽厚里新闻", slug="news-1")
    from integrity_site.core.translation import translate_object

    translate_object(news, en_locale, {"诚信动态": "News"})
    url = f"/admin/localize/submit/page/{article.pk}/"
    assert editor.get(url).status_code == 200
    response = editor.post(url, {"locales": [en_locale.pk]})
    assert response.status_code == 302
    english = article.get_translation(en_locale)
    edit = editor.get(f"/admin/pages/{english.pk}/edit/")
    assert edit.status_code == 200
    assert "宽厚里新闻" in edit.text  # the translation editor shows the Chinese source
