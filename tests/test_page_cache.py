"""The page cache: anonymous visitors get pages from the cache, editors and anyone with a session
or a message never do, forms on cached pages still work (with and without JavaScript), and
publishing, registrations, pledges and feed imports drop what they change, in both languages."""

import datetime
import os
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.frontend_cache.backends import BaseBackend

from integrity_site.core import page_cache
from integrity_site.core.translation import translate_object
from integrity_site.events.records import Registration
from integrity_site.events.services import cancel
from pledges.records import Pledge, PledgeState
from pledges.services import approve_pledge, revoke_pledge
from tests import factories
from tests.publicity_feeds import penalty_row, report_dir, run_import, write_penalties  # noqa: F401

pytestmark = pytest.mark.django_db

PURGED_URLS = []


class RecordingBackend(BaseBackend):
    """A front-end cache that notes what it is asked to purge."""

    def purge(self, url):
        PURGED_URLS.append(url)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    PURGED_URLS.clear()
    page_cache.local_copies.clear()  # this process's copies: none from another test
    yield
    page_cache.local_copies.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code under test leaves for the end of the transaction (the purges)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def articles(home_page, en_locale):
    index = factories.ArticleIndexPageFactory(parent=home_page)
    article = factories.ArticlePageFactory(parent=index, title="宽厚里成为信用示范街区", slug="kuanhouli")
    other = factories.ArticlePageFactory(parent=index, title="诚信经营示范店", slug="shop")
    english = translate_object(article, en_locale, {"宽厚里成为信用示范街区": "Kuanhouli, a model block"})
    translate_object(other, en_locale, {})
    return article, english, other


@pytest.fixture
def lecture(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    return factories.LecturePageFactory(
        parent=lectures, title="诚信与生活", slug="talk", registration_enabled=True, capacity=5
    )


def x_cache(response):
    return response.headers.get("X-Cache")


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert x_cache(client.get(url)) == "HIT", url


def empty_token_form(text):
    return 'name="csrfmiddlewaretoken" value="" data-csrf-token' in text


def form_token(text):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


def registration_data(**changes):
    return {"name": "张三华", "mobile": "13800138000", "consent": "on", **changes}


def signing_data(**changes):
    return {
        "merchant_name": "济南泉城诚信超市有限公司",
        "credit_code": "91350100M000100Y43",
        "entity_kind": "enterprise",
        "industry": "retail",
        "subdistrict": "泉城路街道",
        "address": "泉城路188号",
        "contact_person": "王小明",
        "mobile": "13812341234",
        "email": "owner@example.org",
        "signatory_name": "王大明",
        "consent_to_publication": "on",
        **changes,
    }


# --- what is served from the cache, and to whom ---------------------------------------------


def test_a_second_anonymous_request_is_served_from_the_cache_without_a_query(
    client, articles, django_assert_num_queries
):
    first = client.get("/news/kuanhouli/")
    assert first.status_code == 200 and x_cache(first) == "MISS"
    with django_assert_num_queries(0):
        second = client.get("/news/kuanhouli/")
        head = client.head("/news/kuanhouli/")
    assert x_cache(second) == "HIT" and second.content == first.content
    assert x_cache(head) == "HIT"


def test_the_key_covers_host_language_and_query_string(client, articles):
    warm(client, "/news/", "/en/news/")
    assert x_cache(client.get("/news/", {"page": "2"})) == "MISS"
    assert x_cache(client.get("/news/", HTTP_HOST="localhost")) == "MISS"
    english = client.get("/en/news/")
    assert x_cache(english) == "HIT" and '<html lang="en">' in english.text
    assert '<html lang="zh-hans">' in client.get("/news/").text


def test_anonymous_cached_pages_send_no_cookie_and_do_not_vary_on_cookies(
    client, articles, lecture, pledge_page
):
    for url in ["/", "/en/", "/news/kuanhouli/", lecture.url, pledge_page.url, pledge_page.url + "register/"]:
        for response in (client.get(url), client.get(url)):
            assert x_cache(response) in ("MISS", "HIT"), url
            assert not response.cookies and "Set-Cookie" not in response.headers, url
            assert "cookie" not in response.headers.get("Vary", "").lower(), url
            assert "csrfmiddlewaretoken" not in response.text or empty_token_form(response.text), url


def test_an_editors_request_is_never_served_from_or_stored_in_the_cache(client, articles, admin_user):
    warm(client, "/news/kuanhouli/")
    editor = Client()
    editor.force_login(admin_user)
    response = editor.get("/news/kuanhouli/")
    assert x_cache(response) is None
    assert "wagtail-userbar" in response.text
    assert "private" in response["Cache-Control"]
    # Nor does an editor's visit leave a copy behind for others.
    assert x_cache(editor.get("/news/shop/")) is None
    anonymous = client.get("/news/shop/")
    assert x_cache(anonymous) == "MISS" and "wagtail-userbar" not in anonymous.text
    assert "wagtail-userbar" not in client.get("/news/kuanhouli/").text


def test_a_request_with_a_message_or_a_session_is_not_cached(client, articles):
    warm(client, "/news/kuanhouli/")
    with_message = Client()
    with_message.cookies["messages"] = "pending"
    assert x_cache(with_message.get("/news/kuanhouli/")) is None
    with_session = Client()
    session = with_session.session
    session["seen"] = True
    session.save()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert x_cache(with_session.get("/news/")) is None
    assert x_cache(client.get("/news/")) == "MISS"  # the session's visit stored nothing


def test_private_links_and_the_csrf_view_are_never_cached(client, lecture, commit):
    with commit():
        response = client.post(lecture.url, registration_data())
    private = response["Location"]
    for _ in range(2):
        response = client.get(private)
        assert x_cache(response) is None and "no-store" in response["Cache-Control"]
        token = client.get("/csrf/")
        assert x_cache(token) is None and "no-store" in token["Cache-Control"]


def test_a_page_that_touches_the_session_while_rendering_is_not_stored(rf, settings):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    request = rf.get("/")
    request.session = SessionStore()
    request.session.get("anything")
    assert not page_cache.storable(request, HttpResponse("personal"))
    request.session = SessionStore()
    assert page_cache.storable(request, HttpResponse("the same for everyone"))
    response = HttpResponse("x")
    response.set_cookie("csrftoken", "abc")
    assert not page_cache.storable(request, response)


# --- purges ---------------------------------------------------------------------------------


def test_publishing_a_change_purges_the_page_its_listing_and_home_in_both_languages(client, articles, commit):
    article, english, other = articles
    purged = ["/news/kuanhouli/", "/en/news/kuanhouli/", "/news/", "/en/news/", "/", "/en/"]
    warm(client, *purged, "/news/shop/", "/en/news/shop/", "/news/?page=2")
    article.title = "宽厚里街区再获表彰"
    with commit():
        article.save_revision().publish()
    for url in purged + ["/news/?page=2"]:
        assert x_cache(client.get(url)) == "MISS", url
    assert "宽厚里街区再获表彰" in client.get("/news/kuanhouli/").text
    # Pages that do not show it keep their copies.
    assert x_cache(client.get("/news/shop/")) == "HIT"
    assert x_cache(client.get("/en/news/shop/")) == "HIT"


def test_unpublishing_moving_and_deleting_purge_the_old_addresses(client, articles, home_page, commit):
    article, english, other = articles
    warm(client, "/news/kuanhouli/", "/en/news/kuanhouli/", "/news/shop/")
    with commit():
        article.unpublish()
    assert client.get("/news/kuanhouli/").status_code == 404
    with commit():
        english.delete()
    assert client.get("/en/news/kuanhouli/").status_code == 404
    media = factories.ArticleIndexPageFactory(parent=home_page, title="媒体报道", slug="media")
    warm(client, "/news/shop/", "/media/")
    with commit():
        other.move(media, pos="last-child")
    assert client.get("/news/shop/")["Location"] == "/media/shop/"  # Wagtail's redirect, not the old copy
    moved = client.get("/media/shop/")
    assert moved.status_code == 200 and x_cache(moved) == "MISS"
    assert x_cache(client.get("/media/")) == "MISS"


def test_a_purge_made_in_another_server_process_reaches_this_one_within_a_second(
    client, articles, monkeypatch
):
    warm(client, "/news/kuanhouli/")
    # Another process drops the page: the shared versions change, this process's copy stays.
    cache.set(page_cache.version_keys("/news/kuanhouli/")[0], "new-elsewhere", 600)
    assert x_cache(client.get("/news/kuanhouli/")) == "HIT"
    a_second_later = page_cache._monotonic() + page_cache.LOCAL_SECONDS
    monkeypatch.setattr(page_cache, "_monotonic", lambda: a_second_later)
    assert x_cache(client.get("/news/kuanhouli/")) == "MISS"


def test_the_sitemap_is_computed_once_per_change(client, articles, commit):
    article = articles[0]
    assert x_cache(client.get("/sitemap.xml")) == "MISS"
    assert x_cache(client.get("/sitemap.xml")) == "HIT"
    with commit():
        article.save_revision().publish()
    assert x_cache(client.get("/sitemap.xml")) == "MISS"


def test_the_event_indexes_month_facet_is_computed_once_per_change(client, lecture, commit):
    index = lecture.get_parent().specific

    def month_queries(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in queries if "trunc" in query["sql"].lower()]

    assert month_queries(index.url)
    # Other filters and pages of the same index: not computed again.
    assert not month_queries(index.url + "?tag=诚信")
    assert not month_queries(index.url + "?page=2")
    with commit():
        factories.LecturePageFactory(parent=index, title="第二讲", slug="second")
    assert month_queries(index.url + "?page=3")


def test_the_front_end_cache_gets_the_same_purges(client, articles, settings, commit):
    settings.WAGTAILFRONTENDCACHE = {"default": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    article = articles[0]
    response = client.get("/news/kuanhouli/")
    assert "s-maxage=600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    with commit():
        article.save_revision().publish()
    for url in [
        "/news/kuanhouli/",
        "/en/news/kuanhouli/",
        "/news/",
        "/en/news/",
        "/",
        "/en/",
        "/sitemap.xml",
    ]:
        assert f"http://testserver{url}" in PURGED_URLS, url
    assert "http://testserver/news/shop/" not in PURGED_URLS


# --- events: registration on a cached page ----------------------------------------------------


def test_a_registration_updates_the_places_left_on_the_cached_event_page_at_once(lecture, commit):
    browser = Client(enforce_csrf_checks=True)
    warm(browser, lecture.url, lecture.get_parent().url, "/")
    page = browser.get(lecture.url)
    assert "剩余名额5个（共5个）" in page.text and empty_token_form(page.text)
    # The script's way: a token from /csrf/, then the form.
    token = browser.get("/csrf/").json()["token"]
    with commit():
        response = browser.post(
            lecture.url, registration_data(csrfmiddlewaretoken=token, submission_token="drawn-by-the-script")
        )
    assert response.status_code == 303
    page = browser.get(lecture.url)
    assert x_cache(page) == "MISS" and "剩余名额4个（共5个）" in page.text
    assert x_cache(browser.get(lecture.get_parent().url)) == "MISS"
    assert x_cache(browser.get("/")) == "MISS"
    # A cancellation gives the place back, on the cached page too.
    warm(browser, lecture.url)
    with commit():
        cancel(Registration.objects.get())
    assert "剩余名额5个（共5个）" in browser.get(lecture.url).text


def test_without_javascript_the_form_comes_back_filled_in_with_a_token_then_registers(lecture, commit):
    browser = Client(enforce_csrf_checks=True)
    warm(browser, lecture.url)
    # The cached copy has no token: the first submission comes back, nothing saved.
    response = browser.post(lecture.url, registration_data(submission_token=""))
    assert response.status_code == 200 and x_cache(response) is None
    assert "no-store" in response["Cache-Control"]
    assert not Registration.objects.exists()
    text = response.text
    assert "请核对" in text
    assert 'value="张三华"' in text and 'value="13800138000"' in text
    assert re.search(r'name="consent"[^>]* checked', text)
    token = form_token(text)
    submission = re.search(r'name="submission_token" value="([^"]+)"', text).group(1)
    # The second submission carries the token (and its cookie) and goes through.
    with commit():
        response = browser.post(
            lecture.url, registration_data(csrfmiddlewaretoken=token, submission_token=submission)
        )
    assert response.status_code == 303
    assert Registration.objects.get().name == "张三华"
    assert "剩余名额4个（共5个）" in browser.get(lecture.url).text


def test_two_visitors_of_the_cached_form_never_share_a_submission_token(lecture):
    first, second = Client(), Client()
    first.get(lecture.url)
    assert x_cache(second.get(lecture.url)) == "HIT"
    assert 'name="submission_token" value=""' in second.get(lecture.url).text


def test_an_event_page_is_kept_no_longer_than_until_registration_opens(client, home_page, settings):
    settings.WAGTAILFRONTENDCACHE = {"default": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    opens = timezone.now() + datetime.timedelta(seconds=90)
    soon = factories.LecturePageFactory(
        parent=lectures, slug="soon", registration_enabled=True, capacity=5, registration_opens_at=opens
    )
    response = client.get(soon.url)
    seconds = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
    assert 0 < seconds <= 90


# --- pledges and publicity --------------------------------------------------------------------


def test_the_pledge_page_is_cached_and_still_signs_with_and_without_javascript(pledge_page, commit):
    browser = Client(enforce_csrf_checks=True)
    warm(browser, pledge_page.url)
    assert empty_token_form(browser.get(pledge_page.url).text)
    token = browser.get("/csrf/").json()["token"]
    response = browser.post(pledge_page.url, signing_data(csrfmiddlewaretoken=token))
    assert response.status_code == 200 and Pledge.objects.count() == 1
    # Without the script: back with a token and what was typed, then signed.
    other = Client(enforce_csrf_checks=True)
    data = signing_data(credit_code="914403001922038216", merchant_name="历下区诚信书店")
    response = other.post(pledge_page.url, data)
    assert Pledge.objects.count() == 1 and 'value="历下区诚信书店"' in response.text
    response = other.post(pledge_page.url, {**data, "csrfmiddlewaretoken": form_token(response.text)})
    assert Pledge.objects.count() == 2


def test_approving_or_revoking_a_pledge_purges_the_register(client, pledge_page, admin_user, commit):
    pledge = factories.PledgeFactory(state=PledgeState.CONFIRMED, merchant_name="泉城诚信茶社")
    register = pledge_page.url + "register/"
    warm(client, register, register + "json/", pledge_page.url)
    assert "泉城诚信茶社" not in client.get(register).text
    with commit():
        approve_pledge(pledge, user=admin_user)
    response = client.get(register)
    assert x_cache(response) == "MISS" and "泉城诚信茶社" in response.text
    assert x_cache(client.get(register + "json/")) == "MISS"
    warm(client, register)
    with commit():
        revoke_pledge(pledge, user=admin_user, reason="虚假承诺")
    assert "泉城诚信茶社" not in client.get(register).text


def test_a_feed_import_purges_the_publicity_pages(client, home_page, tmp_path, commit):
    publicity = factories.PublicityPageFactory(parent=home_page)
    warm(client, publicity.url, publicity.url + "statistics/", "/")
    feed = tmp_path / "penalties.csv"
    write_penalties(feed, [penalty_row()])
    with commit():
        run_import(feed)
    assert x_cache(client.get(publicity.url)) == "MISS"
    assert x_cache(client.get(publicity.url + "statistics/")) == "MISS"
    assert x_cache(client.get("/")) == "HIT"


def test_search_results_are_cached_per_query(client, home_page):
    search = factories.SearchPageFactory(parent=home_page)
    warm(client, search.url + "?q=诚信")
    assert x_cache(client.get(search.url + "?q=大讲堂")) == "MISS"


def test_purge_page_cache_drops_everything(client, articles, commit):
    from django.core.management import call_command

    warm(client, "/", "/en/news/kuanhouli/")
    with commit():
        call_command("purge_page_cache", stdout=open(os.devnull, "w"))
    assert x_cache(client.get("/")) == "MISS"
    assert x_cache(client.get("/en/news/kuanhouli/")) == "MISS"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_a_browser_the_cached_form_registers_with_and_without_javascript(live_server, browser_page):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    lectures = factories.LectureIndexPageFactory(parent=home)
    lecture = factories.LecturePageFactory(
        parent=lectures, title="诚信与日常生活", slug="talk", registration_enabled=True, capacity=30
    )
    url = live_server.url + lecture.url
    Client().get(lecture.url, HTTP_HOST=live_server.url.split("//")[1])  # someone was here before

    page = browser_page
    response = page.goto(url)
    assert response.headers.get("x-cache") == "HIT"
    page.fill("#id_name", "张三华")
    page.fill("#id_mobile", "13800138000")
    page.check("#id_consent")
    page.locator(".registration-form button[type=submit]").tap()
    page.wait_for_url("**/registrations/**")
    assert Registration.objects.get().name == "张三华"

    # Without JavaScript: the form comes back once, filled in, and then registers.
    context = page.context.browser.new_context(java_script_enabled=False, locale="zh-CN")
    plain = context.new_page()
    response = plain.goto(url)
    assert response.headers.get("x-cache") == "MISS"  # the registration above dropped the copy
    plain.fill("#id_name", "李四明")
    plain.fill("#id_mobile", "13900139000")
    plain.check("#id_consent")
    plain.locator(".registration-form button[type=submit]").click()
    plain.wait_for_selector(".registration-form .notice")
    assert plain.input_value("#id_name") == "李四明" and plain.is_checked("#id_consent")
    assert Registration.objects.count() == 1
    plain.locator(".registration-form button[type=submit]").click()
    plain.wait_for_url("**/registrations/**")
    assert Registration.objects.count() == 2
    context.close()
