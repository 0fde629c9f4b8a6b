"""A resident on a phone registers for a lecture and cancels with the private
link, in a real browser (Debian's Chromium, driven by Playwright)."""

import pytest

from integrity_site.events.records import Registration, RegistrationStatus
from tests import factories
from tests.browser import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_resident_registers_on_a_phone_and_cancels_with_the_private_link(live_server, browser_page):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    lectures = factories.LectureIndexPageFactory(parent=home)
    venue = factories.VenueFactory(name="宽厚里社区活动室")
    lecture = factories.LecturePageFactory(
        parent=lectures,
        title="诚信与日常生活",
        slug="talk",
        venue=venue,
        speakers=[factories.SpeakerFactory(name="王老师")],
        registration_enabled=True,
        capacity=30,
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
