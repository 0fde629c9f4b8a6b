"""The elder-friendly mode (适老化): a visitor switches it on from any page, in either language, and
it stays on (a cookie) until switched off; the switch sends the visitor back to the same site only;
the page cache keeps one copy of each page for everyone, and the mode comes from a stylesheet
that no shared cache keeps."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from integrity_site.core import elder_mode, page_cache
from integrity_site.core.translation import translate_object

pytestmark = pytest.mark.django_db

SWITCH = "/elder-mode/"
STYLESHEET = "/elder-mode.css"


@pytest.fixture
def english_home(home_page, en_locale):
    return translate_object(home_page, en_locale, {})


def test_a_visitor_switches_the_mode_on_and_is_sent_back_to_the_page(client, home_page):
    response = client.post(SWITCH, {"mode": "on", "next": "/?page=2"})

    assert response.status_code == 303
    assert response["Location"] == "/?page=2"
    cookie = response.cookies[elder_mode.COOKIE]
    assert cookie.value == "on"
    assert cookie["max-age"] == elder_mode.COOKIE_SECONDS  # it lasts across visits
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_visitor_switches_the_mode_off_again(client, home_page):
    client.cookies[elder_mode.COOKIE] = "on"

    response = client.post(SWITCH, {"mode": "off", "next": "/en/"})

    assert response["Location"] == "/en/"
    assert response.cookies[elder_mode.COOKIE].value == ""
    assert response.cookies[elder_mode.COOKIE]["max-age"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switch_never_sends_a_visitor_to_another_site(client, home_page, target):
    response = client.post(SWITCH, {"mode": "on", "next": target}, HTTP_REFERER="https://evil.example/page")

    assert response.status_code == 303
    assert response["Location"] == "/"


def test_without_a_next_page_the_switch_goes_back_to_the_referring_page_of_this_site(client, home_page):
    response = client.post(SWITCH, {"mode": "on"}, HTTP_REFERER="http://testserver/en/news/")

    assert response["Location"] == "http://testserver/en/news/"


def test_the_switch_is_a_form_to_post_not_a_link_to_follow(client, home_page):
    assert client.get(SWITCH).status_code == 405


@pytest.mark.parametrize(
    ("path", "label_on", "label_off"),
    [("/", "长辈模式", "退出长辈模式"), ("/en/", "Larger text", "Standard text")],
)
def test_every_page_offers_the_switch_in_its_language(client, english_home, path, label_on, label_off):
    html = client.get(path).content.decode()

    assert f'action="{SWITCH}"' in html
    # Back to the page by its Referer (sent to the site itself: Referrer-Policy same-origin), so
    # that no page writes its own address, private links included, into its HTML.
    assert 'name="next"' not in html
    assert f'value="on" class="elder-on">{label_on}</button>' in html
    assert f'value="off" class="elder-off">{label_off}</button>' in html
    assert f'<link rel="stylesheet" href="{STYLESHEET}">' in html


def test_the_mode_stylesheet_follows_the_visitors_cookie_and_is_kept_by_no_shared_cache(client):
    standard = client.get(STYLESHEET)
    client.cookies[elder_mode.COOKIE] = "on"
    elder = client.get(STYLESHEET)

    assert standard["Content-Type"].startswith("text/css")
    assert "font-size: 20px" not in standard.content.decode()
    assert "font-size: 20px" in elder.content.decode()
    for response in (standard, elder):
        assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
    # Its images (the extra-large mouse pointer) are the site's static files, named by their URLs.
    images = re.findall(r'url\("([^"]+)"\)', elder.content.decode())
    assert images and all(finders.find(url.removeprefix(settings.STATIC_URL)) for url in images)
    # Unchanged since the last visit: the browser's copy is good (304, nothing sent again).
    again = client.get(STYLESHEET, HTTP_IF_NONE_MATCH=elder["ETag"])
    assert again.status_code == 304


def test_the_page_cache_keeps_one_copy_for_everyone_and_never_serves_one_visitors_mode(
    settings, home_page, english_home
):
    settings.PAGE_CACHE_SECONDS = 600
    page_cache.local_copies.clear()
    elder, standard = Client(), Client()
    elder.cookies[elder_mode.COOKIE] = "on"

    first = elder.get("/en/")
    second = standard.get("/en/")

    assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT"
    assert first.content == second.content  # the page names no visitor's mode
    elder_rules, standard_rules = elder.get(STYLESHEET), standard.get(STYLESHEET)
    assert "font-size: 20px" in elder_rules.content.decode()
    assert "font-size: 20px" not in standard_rules.content.decode()
    assert "X-Cache" not in elder_rules and "X-Cache" not in standard_rules
    assert "font-size: 20px" not in standard.get(STYLESHEET).content.decode()  # nothing kept of the elder's
    page_cache.local_copies.clear()
