"""A resident on a phone signs a campaign's initiative, sees the count rise and withdraws with
the private link, in a real browser (Debian's Chromium, driven by Playwright)."""

import pytest

from campaigns import signing
from campaigns.signatures import Signature
from tests import factories
from tests.browser import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_resident_signs_on_a_phone_sees_the_count_rise_and_withdraws(live_server, browser_page):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    index = factories.CampaignIndexPageFactory(parent=home)
    campaign = factories.signing_campaign(index)
    signing.sign(campaign, name="李四", subdistrict="千佛山街道", mobile="13900139000")
    page = browser_page
    page.goto(live_server.url + campaign.url)
    assert page.locator(".signing-count strong").inner_text() == "1"

    # The whole form, from its first field to the button, fits on one phone screen.
    form = page.locator(".signing-form").bounding_box()
    assert form["height"] <= PHONE["height"]

    # A mistyped number: the message appears at the field and what was typed is kept.
    page.fill("#id_name", "张三华")
    page.select_option("#id_subdistrict", "解放路街道")
    page.fill("#id_community", "宽厚里社区")
    page.fill("#id_mobile", "1380013800")
    page.check("#id_consent")
    page.locator(".signing-form button[type=submit]").tap()
    page.wait_for_selector(".field-error")
    assert page.input_value("#id_name") == "张三华"
    assert page.input_value("#id_community") == "宽厚里社区"
    assert Signature.objects.count() == 1

    page.fill("#id_mobile", "138 0013 8000")
    if not page.is_checked("#id_consent"):
        page.check("#id_consent")
    page.locator(".signing-form button[type=submit]").tap()
    page.wait_for_url("**/signature/**")
    assert "您是第 2 位签名者" in page.locator(".notice.success").inner_text()
    assert "13800138000" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    private_link = page.url

    page.goto(live_server.url + campaign.url)
    assert page.locator(".signing-count strong").inner_text() == "2"
    assert "张*华 · 宽厚里社区" in page.locator(".signing-latest").inner_text()

    page.goto(private_link)
    page.check("#id_confirm")
    page.locator(".cancel-registration button").tap()
    page.wait_for_selector(".signature-receipt .notice")
    assert "您的签名已撤回" in page.locator(".signature-receipt .notice").inner_text()
    assert page.url == private_link
    page.goto(live_server.url + campaign.url)
    assert page.locator(".signing-count strong").inner_text() == "1"
    assert signing.total_count(campaign) == 1
