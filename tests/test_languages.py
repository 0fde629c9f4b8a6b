"""Chinese at /, English at /en/: the switcher, hreflang links and UI strings."""

import os
import re
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(home_page):
    index = factories.ArticleIndexPageFactory(parent=home_page)
    return factories.ArticlePageFactory(parent=index, title="宽厚里成为信用示范街区", slug="kuanhouli")


def test_a_translated_page_is_served_at_its_english_url(client, article, en_locale):
    english = translate_object(
        article, en_locale, {"宽厚里成为信用示范街区": "Kuanhouli becomes a credit demonstration block"}
    )
    assert english.url == "/en/news/kuanhouli/"
    response = client.get("/en/news/kuanhouli/")
    assert response.status_code == 200
    assert "<h1>Kuanhouli becomes a credit demonstration block</h1>" in response.text
    assert "宽厚里成为信用示范街区" in client.get("/news/kuanhouli/").text


def test_each_page_links_its_translation_with_hreflang(client, article, en_locale):
    translate_object(article, en_locale, {})
    chinese = client.get("/news/kuanhouli/").text
    assert re.search(
        r'<link rel="alternate" hreflang="en" href="http://testserver/en/news/kuanhouli/">', chinese
    )
    assert re.search(
        r'<link rel="alternate" hreflang="zh-hans" href="http://testserver/news/kuanhouli/">', chinese
    )
    assert 'href="http://testserver/en/news/kuanhouli/" hreflang="en" lang="en">English</a>' in chinese


def test_the_switcher_falls_back_to_the_english_home_page_for_an_untranslated_page(
    client, article, en_locale
):
    translate_object(article.get_parent().get_parent(), en_locale, {"诚信历下": "Integrity Lixia"})
    chinese = client.get("/news/kuanhouli/").text
    assert 'href="http://testserver/en/" hreflang="en"' in chinese
    assert 'hreflang="en" href' not in chinese  # no alternate link to a page that does not exist


def test_interface_strings_follow_the_page_language(client, home_page, en_locale):
    translate_object(home_page, en_locale, {})
    assert "最新动态" in client.get("/").text
    english = client.get("/en/").text
    assert "Latest news" in english and "最新动态" not in english


def test_the_chinese_catalogue_translates_every_interface_string():
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


def test_the_catalogue_holds_every_string_the_code_marks(tmp_path):
    """makemessages, run over a copy of the code, finds nothing untranslated."""
    source = settings.BASE_DIR
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns(
        ".venv", ".cache", "var", "media", "static", "tests", "bench", "__pycache__", "*.mo", ".git"
    )
    shutil.copytree(source, copy, ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "integrity_site.settings.test"},
    )
    catalogue = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    new = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert new == [], "strings without a Chinese translation: run makemessages and translate them"
