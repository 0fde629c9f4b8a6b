"""Residents sign a campaign's initiative on its page, see their place and withdraw with their
private link; every mistake has a clear answer in the visitor's language and loses nothing."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from campaigns import signing
from campaigns.signatures import InitiativeText, MessageState, Signature
from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(home_page):
    index = factories.CampaignIndexPageFactory(parent=home_page)
    return factories.signing_campaign(index)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose end runs what waits for a commit (the signers' numbering), as the commit
    of a request does; the tests here run inside one transaction that never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sign(campaign, committed, mobile, name="李四"):
    with committed():
        return signing.sign(campaign, name=name, subdistrict="解放路街道", mobile=mobile)


def form_data(**changes):
    data = {
        "name": "张三华",
        "subdistrict": "解放路街道",
        "community": "宽厚里社区",
        "mobile": "138 0013 8000",
        "message": "",
        "consent": "on",
        "submission_token": "t-1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_open_campaign_shows_text_count_goal_and_the_form(client, campaign):
    response = client.get(campaign.url)
    assert response.status_code == 200
    assert "我们倡议：树立诚实守信的观念" in response.text
    assert "第1版" in response.text
    assert 'name="mobile"' in response.text
    assert "<progress" in response.text
    assert "目标：100 人签名（0%）" in response.text


def test_a_resident_signs_sees_their_place_and_the_count_rises(client, campaign, committed):
    with committed():
        response = client.post(campaign.url, form_data())
    assert response.status_code == 303
    signature = Signature.objects.get()
    assert signature.mobile == "13800138000"  # normalised
    assert signature.text.version == 1
    assert signature.place == 1
    assert signature.client_address == "127.0.0.1"
    receipt = client.get(response["Location"])
    assert "您是第 1 位签名者" in receipt.text
    assert "13800138000" not in receipt.text
    assert "no-store" in receipt["Cache-Control"]
    page = client.get(campaign.url)
    assert "张*华 · 宽厚里社区" in page.text
    assert signing.total_count(campaign) == 1


def test_the_place_reads_with_thousands_grouped(client, campaign, committed):
    for n in range(3):
        sign(campaign, committed, f"1390000000{n}")
    Signature.objects.filter(campaign=campaign, place=3).update(place=1023)  # as if 1,020 more had signed
    with committed():
        response = client.post(campaign.url, form_data())
    receipt = client.get(response["Location"])
    assert Signature.objects.get(mobile="13800138000").place == 1024
    assert "您是第 1,024 位签名者" in receipt.text


def test_a_withdrawn_signature_keeps_its_place_and_the_next_signer_gets_a_new_one(campaign, committed):
    first = sign(campaign, committed, "13900139000").signature
    second = sign(campaign, committed, "13900139001", name="王五").signature
    assert (first.place, second.place) == (1, 2)
    assert signing.withdraw(first)
    again = sign(campaign, committed, "13900139000").signature
    assert again.place == 3  # never the place someone else was told
    assert sorted(Signature.objects.values_list("place", flat=True)) == [1, 2, 3]
    assert signing.total_count(campaign) == 2


def test_signing_numbers_the_signer_without_counting_the_signatures(campaign, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign(campaign, committed, "13900139000")
    with CaptureQueriesContext(connection) as queries:
        result = sign(campaign, committed, "13900139001", name="王五")
    assert result.signature.place == 2
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_signer_whose_numbering_failed_is_numbered_by_the_next_one_or_on_the_private_page(
    client, campaign, committed
):
    sign(campaign, committed, "13900139000")
    # The numbering after the commit does not happen (this block never commits).
    response = client.post(campaign.url, form_data())
    sign(campaign, committed, "13900139001", name="王五")
    # The next signer's numbering numbers it too, in the order the signatures were made.
    assert dict(Signature.objects.values_list("mobile", "place")) == {
        "13900139000": 1,
        "13800138000": 2,
        "13900139001": 3,
    }
    Signature.objects.filter(mobile="13800138000").update(place=None)
    receipt = client.get(response["Location"])
    assert "您是第 4 位签名者" in receipt.text
    assert Signature.objects.get(mobile="13800138000").place == 4


def share_box(page):
    return re.search(r'<div class="share-box".*?</div>', page, re.S).group(0)


def test_the_campaign_page_and_the_thanks_page_offer_a_share_button_over_the_public_link(client, campaign):
    public = "http://testserver/volunteer-action/sign-up/"
    page = client.get(campaign.url).text
    box = share_box(page)
    assert f'data-url="{public}"' in box and f'<a href="{public}">{public}</a>' in box
    assert 'data-title="防范非法集资·争做诚信市民"' in box
    # The button and the WeChat hint wait for the script; without it the link is there to copy.
    assert re.search(
        r'<button type="button" class="share-button"[^>]*data-copy-label="复制链接" hidden>分享</button>', box
    )
    assert re.search(r'class="notice share-wechat" data-share-wechat hidden>在微信中，请点右上角的“···”', box)
    assert 'data-copied="链接已复制，可以粘贴到聊天或朋友圈。"' in box
    # The strict Content-Security-Policy: a script file of the site's own, no inline script or style.
    assert re.search(r'<script src="/static/campaigns/share\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page

    response = client.post(campaign.url, form_data())
    receipt = client.get(response["Location"]).text
    box = share_box(receipt)
    assert f'data-url="{public}"' in box and response["Location"] not in box
    assert re.search(r'<script src="/static/campaigns/share\.js" defer></script>', receipt)


def test_the_share_button_speaks_english_on_the_english_page(client, campaign, en_locale):
    translate_object(campaign.get_parent().specific, en_locale, {})
    english = translate_object(
        campaign, en_locale, {"防范非法集资·争做诚信市民": "Say no to illegal fundraising"}
    )
    box = share_box(client.get(english.url).text)
    assert "Share this page:" in box and ">Share</button>" in box and 'data-copy-label="Copy the link"' in box
    assert (
        "In WeChat, tap ··· at the top right" in box and 'data-title="Say no to illegal fundraising"' in box
    )


def test_a_campaign_without_signing_still_offers_its_share_button(client, campaign):
    plain = factories.CampaignPageFactory(
        parent=campaign.get_parent(), title="我承诺 我诚信 我文明", slug="plain"
    )
    page = client.get(plain.url).text
    assert 'id="sign"' not in page
    assert 'data-url="http://testserver/volunteer-action/plain/"' in share_box(page)


def test_one_mobile_number_signs_a_campaign_once(client, campaign):
    client.post(campaign.url, form_data())
    response = client.post(
        campaign.url, form_data(submission_token="t-2", name="李四", mobile="+86 13800138000")
    )
    assert response.status_code == 409
    assert "这个手机号已经签过这份倡议" in response.text
    assert 'value="李四"' in response.text  # nothing typed is lost
    assert Signature.objects.count() == 1
    assert signing.total_count(campaign) == 1


def test_a_double_tap_creates_one_signature(client, campaign):
    first = client.post(campaign.url, form_data())
    second = client.post(campaign.url, form_data())
    assert second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "请输入姓名。"),
        ({"name": "访问 www.example.com"}, "name", "名称中请勿包含网址。"),
        ({"name": "=HYPERLINK(1)"}, "name", "名称不能以 = + - 或 @ 开头。"),
        ({"subdistrict": ""}, "subdistrict", "请选择您所在的街道。"),
        ({"subdistrict": "别处街道"}, "subdistrict", "请从列出的街道中选择。"),
        ({"mobile": "12345"}, "mobile", "请输入中国大陆11位手机号码，例如：13800138000。"),
        ({"consent": None}, "consent", "请同意隐私声明后再签名。"),
        ({"message": "看 http://spam.cn"}, "message", "留言中请不要包含网址。"),
        ({"community": "+社区"}, "community", "名称不能以 = + - 或 @ 开头。"),
    ],
)
def test_each_field_is_checked_with_a_clear_message_and_nothing_is_lost(
    client, campaign, changes, field, message
):
    response = client.post(campaign.url, form_data(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert Signature.objects.count() == 0
    if field != "name":
        assert 'value="张三华"' in response.text


def test_messages_in_english_on_the_english_page(client, campaign, en_locale):
    english = translate_object(
        campaign,
        en_locale,
        {
            "防范非法集资·争做诚信市民": "Say no to illegal fund-raising",
            "我们倡议：树立诚实守信的观念，争做诚信市民。": "We call on everyone to be honest.",
        },
    )
    response = client.post(english.url, form_data(name="", mobile="1"))
    assert "Please enter your name." in response.text
    assert "Please enter an 11-digit mainland China mobile number" in response.text
    response = client.post(english.url, form_data())
    assert response.status_code == 303
    assert response["Location"].startswith("/en/")
    receipt = client.get(response["Location"])
    assert "you are signer number 1." in receipt.text
    # One count for both languages: the signature belongs to the Chinese campaign.
    assert Signature.objects.get().campaign_id == campaign.pk
    assert re.search(r"<strong>1</strong>\s+signature\b", client.get(english.url).text)


def test_a_closed_campaign_refuses_signing_and_keeps_its_count(client, campaign):
    signing.sign(campaign, name="王五", subdistrict="解放路街道", mobile="13900000000")
    campaign.signing_enabled = False
    campaign.save_revision().publish()
    campaign.refresh_from_db()
    assert campaign.signing_closed_at is not None
    response = client.post(campaign.url, form_data())
    assert response.status_code == 409
    assert "签名已结束，本次未记录。" in response.text
    assert f"签名已于{timezone.localtime(campaign.signing_closed_at):%Y年%-m月%-d日}结束" in response.text
    assert "解放路街道" in response.text  # the breakdown stays
    assert Signature.objects.count() == 1


def test_a_campaign_past_its_closing_date_refuses_signing(client, campaign):
    campaign.signing_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save_revision().publish()
    response = client.post(campaign.url, form_data())
    assert response.status_code == 409
    assert Signature.objects.count() == 0


def test_signing_that_has_not_opened_says_when_it_opens(client, campaign):
    campaign.signing_opens_at = timezone.now() + datetime.timedelta(days=2)
    campaign.save_revision().publish()
    response = client.post(campaign.url, form_data())
    assert response.status_code == 409
    assert "签名尚未开始" in response.text
    assert Signature.objects.count() == 0


def test_an_unpublished_campaign_cannot_be_signed(client, campaign):
    campaign.unpublish()
    response = client.post(campaign.url, form_data())
    assert response.status_code == 404
    assert Signature.objects.count() == 0


def test_the_honeypot_keeps_bots_out(client, campaign):
    response = client.post(campaign.url, form_data(website="http://bot"))
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_a_changed_text_is_a_new_version_and_each_signature_keeps_its_own(client, campaign):
    client.post(campaign.url, form_data())
    campaign.initiative_text = "我们倡议：诚实守信，从我做起。"
    campaign.save_revision().publish()
    client.post(campaign.url, form_data(mobile="13900139000", submission_token="t-2"))
    versions = dict(InitiativeText.objects.filter(campaign=campaign).values_list("version", "text"))
    assert versions[2] == "我们倡议：诚实守信，从我做起。"
    assert [s.text.version for s in Signature.objects.order_by("pk")] == [1, 2]
    assert "第2版" in client.get(campaign.url).text


def test_withdrawing_with_the_private_link_takes_the_signature_off_the_count(client, campaign):
    receipt_url = client.post(campaign.url, form_data())["Location"]
    response = client.post(receipt_url, {})
    assert "请勾选以撤回您的签名。" in response.text
    response = client.post(receipt_url, {"confirm": "on"})
    assert response.status_code == 303
    assert "您的签名已撤回" in client.get(receipt_url).text
    assert signing.total_count(campaign) == 0
    # Withdrawn, the number may sign again.
    assert client.post(campaign.url, form_data(submission_token="t-2")).status_code == 303
    assert signing.total_count(campaign) == 1


def test_a_wrong_private_link_finds_nothing(client, campaign):
    client.post(campaign.url, form_data())
    signature = Signature.objects.get()
    url = campaign.url + campaign.reverse_subpage("signature", args=[signature.pk, "wrong-token"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    assert signing.total_count(campaign) == 1


def test_approved_messages_show_when_the_editor_shows_them(client, campaign, admin_user):
    client.post(campaign.url, form_data(message="诚信从我做起"))
    signature = Signature.objects.get()
    assert signature.message_state == MessageState.PENDING
    campaign.show_signer_messages = True
    campaign.save_revision().publish()
    assert "诚信从我做起" not in client.get(campaign.url).text
    signing.moderate_message(signature, MessageState.APPROVED, admin_user)
    assert "诚信从我做起" in client.get(campaign.url).text


def test_the_address_rate_limit_refuses_more_signatures_and_keeps_the_form(client, campaign, settings):
    settings.REGISTRATION_RATE_LIMITS = {"sign": (2, 600)}
    client.post(campaign.url, form_data(mobile="13900000001", submission_token="a"))
    client.post(campaign.url, form_data(mobile="13900000002", submission_token="b"))
    response = client.post(campaign.url, form_data(mobile="13900000003", submission_token="c"))
    assert response.status_code == 429
    assert "来自您所在网络的签名过多" in response.text
    assert 'value="张三华"' in response.text
    assert Signature.objects.count() == 2


def test_the_number_rate_limit_counts_attempts_with_one_mobile(client, campaign, settings):
    settings.REGISTRATION_RATE_LIMITS = {"sign_mobile": (2, 3600)}
    for token in ("a", "b"):
        client.post(campaign.url, form_data(submission_token=token))
    response = client.post(campaign.url, form_data(submission_token="c"))
    assert response.status_code == 429
    assert "使用这个手机号的尝试过多" in response.text


def test_the_count_is_right_on_a_cached_page_after_signing(
    campaign, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    anonymous = Client()
    first = anonymous.get(campaign.url)
    assert re.search(r"<strong>0</strong>", first.text)
    assert anonymous.get(campaign.url)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        signing.sign(campaign, name="王五", subdistrict="解放路街道", mobile="13900000000")
    again = anonymous.get(campaign.url)
    assert re.search(r"<strong>1</strong>", again.text)


def test_the_campaign_page_costs_the_same_queries_with_few_or_many_signatures(client, campaign):
    def sign_many(start, count):
        for n in range(start, start + count):
            signing.sign(
                campaign,
                name=f"居民{n}",
                subdistrict=["解放路街道", "千佛山街道", "大明湖街道"][n % 3],
                community=f"社区{n % 7}",
                mobile=f"137{n:08d}",
                message="诚信" if n % 5 == 0 else "",
            )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_many(0, 3)
    client.get(campaign.url)  # warm: the site, the locale
    with CaptureQueriesContext(connection) as few:
        client.get(campaign.url)
    sign_many(3, 60)
    with CaptureQueriesContext(connection) as many:
        assert "63</strong>" in client.get(campaign.url).text
    assert len(many) == len(few)
    # No query counts or reads the signatures beyond the ten latest.
    assert not any(
        "COUNT(" in query["sql"].upper() and 'signature"' in query["sql"] for query in many.captured_queries
    )
