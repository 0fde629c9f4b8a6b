"""A merchant signs the pledge on a phone, confirms from the e-mail, an editor approves it in
the admin, and anyone opens the certificate and verifies it at the QR code's address: in a
real browser (Debian's Chromium, driven by Playwright)."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from pledges.qr import qr_svg
from pledges.records import Pledge, PledgeState
from tests import factories
from tests.browser import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_merchant_signs_on_a_phone_an_editor_approves_and_anyone_verifies_the_certificate(
    live_server,
    browser_page,
    django_user_model,
):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    factories.publish_pledge_text()
    pledge_page = factories.PledgePageFactory(parent=home)
    django_user_model.objects.create_superuser("chief", "chief@example.org", "correct horse")
    page = browser_page

    # Sign, with a mistyped code first: the message sits at the field and the rest is kept.
    page.goto(live_server.url + pledge_page.url)
    page.fill("#id_merchant_name", "济南明湖诚信餐饮有限公司")
    page.fill("#id_credit_code", "91350100m000100y44")
    page.select_option("#id_entity_kind", "enterprise")
    page.select_option("#id_industry", "catering")
    page.select_option("#id_subdistrict", "大明湖街道")
    page.fill("#id_address", "明湖路1号")
    page.fill("#id_contact_person", "王小明")
    page.fill("#id_mobile", "138 1234 5678")
    page.fill("#id_email", "owner@example.org")
    page.fill("#id_signatory_name", "王大明")
    page.check("#id_consent_to_publication")
    page.locator(".pledge-form button[type=submit]").tap()
    page.wait_for_selector("#id_credit_code_error")
    assert page.input_value("#id_merchant_name") == "济南明湖诚信餐饮有限公司"
    assert page.input_value("#id_address") == "明湖路1号"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not Pledge.objects.exists()

    page.fill("#id_credit_code", "９１３５０１００ｍ０００１００ｙ４３")  # full-width, lower case
    if not page.is_checked("#id_consent_to_publication"):
        page.check("#id_consent_to_publication")
    page.locator(".pledge-form button[type=submit]").tap()
    page.wait_for_selector(".pledge-outcome")
    pledge = Pledge.objects.get()
    assert pledge.credit_code == "91350100M000100Y43" and pledge.state == PledgeState.SUBMITTED

    # Open the confirmation link from the e-mail.
    [message] = mail.outbox
    confirm_url = re.search(r"(http://\S+/confirm/\S+/)", message.body).group(1)
    page.goto(confirm_url)
    with page.expect_navigation():
        page.locator(".pledge-outcome button[type=submit]").tap()
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.CONFIRMED

    # The editor approves it on the review screen.
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct horse")
    page.locator("form button[type=submit]").first.tap()
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.goto(live_server.url + f"/admin/snippets/pledges/pledge/inspect/{pledge.pk}/")
    assert "pledge-cross-check" in page.content()
    with page.expect_navigation():
        page.locator(f"form[action='/admin/pledges/{pledge.pk}/approve/'] button").tap()
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.APPROVED

    # Anyone finds it in the register and opens its certificate.
    page.goto(live_server.url + pledge_page.url + "register/")
    page.fill("#id_q", "明湖诚信")
    with page.expect_navigation():
        page.locator(".pledge-register-filters button[type=submit]").tap()
    page.get_by_role("link", name="济南明湖诚信餐饮有限公司").tap()
    page.wait_for_selector(".pledge-certificate")
    assert pledge.number in page.locator(".certificate-number").inner_text()
    assert "王大明" not in page.content() and "13812345678" not in page.content()
    verification_url = page.locator(".certificate-qr a").get_attribute("href")
    assert verification_url == f"{live_server.url}/v/{pledge.number}/"
    # The QR code on the page is the one of exactly that address.
    assert page.locator(".certificate-qr svg").count() == 1
    assert str(qr_svg(verification_url)).count("<path") == page.locator(".certificate-qr svg path").count()
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".site-footer").is_hidden()
    assert (
        page.locator(".certificate-qr svg").is_visible() and page.locator(".certificate-dates").is_visible()
    )
    if os.environ.get("PLEDGE_CERTIFICATE_PDF"):
        page.screenshot(path=os.environ["PLEDGE_CERTIFICATE_PDF"] + ".png", full_page=True)
    page.emulate_media(media="screen")
    # Printed, the certificate fills exactly one A4 page.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if os.environ.get("PLEDGE_CERTIFICATE_PDF"):  # to look at it: PLEDGE_CERTIFICATE_PDF=/tmp/c.pdf
        Path(os.environ["PLEDGE_CERTIFICATE_PDF"]).write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    # A4 is 595 x 842 points (210 x 297 mm).
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]", pdf)

    # The QR code's address tells whether the pledge is valid.
    page.goto(verification_url)
    assert page.locator(".verification-valid").count() == 1
    assert pledge.merchant_name in page.content()
