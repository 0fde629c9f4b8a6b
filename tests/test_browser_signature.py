"""A resident on a phone signs a campaign's initiative, sees the count rise, shares the page and
withdraws with the private link, in a real browser (Debian's Chromium, driven by Playwright)."""

import pytest

from campaigns import signing
from campaigns.signatures import Signature
from tests import factories
from tests.browser import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_resident_signs_on_a_phone_sees_the_count_rise_shares_the_page_and_withdraws(
    live_server, browser_page
):
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

    # Sharing: this Chromium has no share sheet (Web Share API), so the button copies the
    # campaign's public address, never the private link, and says so.
    public = live_server.url + campaign.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    button = page.locator(".signature-receipt .share-button")
    assert button.is_visible() and button.inner_text() == "复制链接"
    assert page.locator(".share-wechat").is_hidden()
    button.tap()
    page.wait_for_selector(".share-status:has-text('链接已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == public
    assert button.bounding_box()["x"] + button.bounding_box()["width"] <= PHONE["width"]

    page.goto(live_server.url + campaign.url)
    assert page.locator(".signing-count strong").inner_text() == "2"
    assert "张*华 · 宽厚里社区" in page.locator(".signing-latest").inner_text()
    page.evaluate("navigator.clipboard.writeText('')")
    page.locator(".signing .share-button").tap()
    page.wait_for_selector(".signing .share-status:has-text('链接已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == public

    page.goto(private_link)
    page.check("#id_confirm")
    page.locator(".cancel-registration button").tap()
    page.wait_for_selector(".signature-receipt .notice")
    assert "您的签名已撤回" in page.locator(".signature-receipt .notice").inner_text()
    assert page.url == private_link
    page.goto(live_server.url + campaign.url)
    assert page.locator(".signing-count strong").inner_text() == "1"
    assert signing.total_count(campaign) == 1


def test_inside_wechat_the_share_box_points_to_the_menu_at_the_top_right(live_server, browser_page):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    campaign = factories.signing_campaign(factories.CampaignIndexPageFactory(parent=home))
    wechat = browser_page.context.browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.50.2701 NetType/WIFI Language/zh_CN",
    )
    try:
        page = wechat.new_page()
        page.goto(live_server.url + campaign.url)
        hint = page.locator(".share-wechat")
        hint.wait_for(state="visible")
        assert "右上角" in hint.inner_text()
    finally:
        wechat.close()
