"""A merchant on a phone (390 px) follows the link on its penalty in the credit profile, fills in
the credit-repair help form, corrects a mistyped number and gets a reference number, in a real
browser (Debian's Chromium, driven by Playwright)."""

import pytest

from publicity.repair_help_records import RepairHelpRequest
from tests import factories
from tests.browser import PHONE
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CODE = "91350100M000100Y43"
DOCUMENT = "济历市监罚字〔2020〕101号"


def test_a_merchant_asks_for_credit_repair_help_on_a_phone(live_server, browser_page):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    publicity = factories.PublicityPageFactory(parent=home)
    make_record(document_number=DOCUMENT, credit_code=CODE)
    page = browser_page
    page.goto(live_server.url + publicity.url + f"credit/{CODE}/")
    page.locator(".repair-help-link a").first.tap()
    page.wait_for_url("**/repair-help/**")
    assert page.input_value("#id_document_number") == DOCUMENT
    assert page.input_value("#id_credit_code") == CODE
    assert page.input_value("#id_merchant_name") == "济南泉城路伟明餐饮管理有限公司"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A mistyped number: the message appears at the field and what was typed is kept.
    page.fill("#id_contact_name", "王伟")
    page.fill("#id_mobile", "1380013800")
    page.select_option("#id_preferred_time", "afternoon")
    page.fill("#id_note", "罚款已缴纳")
    page.check("#id_consent")
    page.locator(".repair-help-form button[type=submit]").tap()
    page.wait_for_selector(".field-error")
    assert "请输入中国大陆11位手机号码" in page.locator("#id_mobile_error").inner_text()
    assert page.input_value("#id_contact_name") == "王伟"
    assert page.input_value("#id_note") == "罚款已缴纳"
    assert page.input_value("#id_preferred_time") == "afternoon"
    assert not RepairHelpRequest.objects.exists()

    page.fill("#id_mobile", "138 0013 8000")
    if not page.is_checked("#id_consent"):
        page.check("#id_consent")
    page.locator(".repair-help-form button[type=submit]").tap()
    page.wait_for_url("**/repair-help/sent/**")
    request = RepairHelpRequest.objects.get()
    assert request.reference in page.locator(".notice.success").inner_text()
    assert "138****8000" in page.content() and "13800138000" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
