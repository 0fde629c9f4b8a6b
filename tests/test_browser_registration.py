"""A resident on a phone registers for a lecture and cancels with the private
link, in a real browser (Debian's Chromium, driven by Playwright)."""

import os
from pathlib import Path

import pytest

from integrity_site.core.registration.models import Registration, RegistrationStatus
from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def chromium_missing():
    return not Path(CHROMIUM).exists()


@pytest.fixture
def browser_page(monkeypatch):
    if chromium_missing():
        pytest.fail(f"This test needs Chromium at {CHROMIUM} (apt-get install chromium).", pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the
    # test itself are still synchronous.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                      locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
    end_live_server_sessions()


def end_live_server_sessions():
    """The live server's request threads leave their PostgreSQL sessions open (idle) after
    the browser has gone, which would keep the test database from being dropped at the
    end of the run. Only sessions on this test database are ended."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )


def test_a_resident_registers_on_a_phone_and_cancels_with_the_private_link(live_server, browser_page):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    lectures = factories.LectureIndexPageFactory(parent=home)
    venue = factories.VenueFactory(name="宽厚里社区活动室")
    lecture = factories.LecturePageFactory(
        parent=lectures, title="诚信与日常生活", slug="talk", venue=venue,
        speakers=[factories.SpeakerFactory(name="王老师")], registration_enabled=True, capacity=30,
    )
    page = browser_page
    page.goto(live_server.url + lecture.url)
    assert page.locator("h1").inner_text() == "诚信与日常生活"

    # A mistyped number: the message appears at the field and the name is kept.
    page.fill("#id_name", "张三华")
    page.fill("#id_mobile", "1380013800")
    page.check("#id_consent")
    page.locator(".registration-form button[type=submit]").tap()
    page.wait_for_selector(".field-error")
    assert page.input_value("#id_name") == "张三华"
    assert page.locator("#id_mobile ~ .field-error").count() == 1
    assert not Registration.objects.exists()

    page.fill("#id_mobile", "138 0013 8000")
    if not page.is_checked("#id_consent"):
        page.check("#id_consent")
    page.locator(".registration-form button[type=submit]").tap()
    page.wait_for_url("**/registrations/**")
    code = page.locator(".registration-code").inner_text().strip()
    registration = Registration.objects.get()
    assert code == registration.code
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.mobile == "13800138000"
    assert "13800138000" not in page.content()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    private_link = page.url
    page.locator(".cancel-registration button").tap()
    page.wait_for_selector(".notice.success")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert page.url == private_link
    assert page.locator(".cancel-registration").count() == 0
