"""A merchant signs the integrity pledge online, and bad or abusive input is turned away
with a clear message while what was typed stays in the form."""

import pytest
from django.core import mail
from django.utils.html import escape

from pledges.records import Pledge, PledgeState
from tests import factories

VALID_CODE = "91350100M000100Y43"


def signing_data(**overrides):
    data = {
        "merchant_name": "济南泉城诚信超市有限公司",
        "credit_code": VALID_CODE,
        "entity_kind": "enterprise",
        "industry": "retail",
        "subdistrict": "泉城路街道",
        "address": "泉城路188号",
        "contact_person": "王小明",
        "mobile": "138 1234 1234",
        "email": "Owner@Example.org",
        "signatory_name": "王大明",
        "consent_to_publication": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_pledge_page_shows_the_live_pledge_text_and_the_signing_form(client, pledge_page):
    response = client.get(pledge_page.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "诚信经营承诺书" in content and "不售假冒伪劣商品" in content
    assert 'name="credit_code"' in content and 'name="consent_to_publication"' in content


def test_without_a_published_pledge_text_the_page_shows_its_introduction_and_no_form(client, home_page):
    page = factories.PledgePageFactory(parent=home_page)
    response = client.get(page.url)
    assert "依法诚信经营" in response.content.decode()
    assert 'name="credit_code"' not in response.content.decode()


def test_a_merchant_signs_and_receives_a_confirmation_link_by_email(
    client, pledge_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes out on commit
        response = client.post(pledge_page.url, signing_data())
    assert response.status_code == 200
    assert "Please check your e-mail" in response.content.decode() or "邮" in response.content.decode()
    pledge = Pledge.objects.get()
    assert pledge.state == PledgeState.SUBMITTED
    assert pledge.email == "owner@example.org"
    assert pledge.mobile == "13812341234"
    assert pledge.text_revision_id is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.org"]
    assert f"{pledge_page.url}confirm/" in mail.outbox[0].body
    assert f"{pledge_page.url}withdraw/" in mail.outbox[0].body


def test_the_confirmation_email_leaves_only_once_the_signature_is_committed(
    client, pledge_page, django_capture_on_commit_callbacks
):
    """The request's transaction (on SQLite, the write lock for every other writer) is never held
    while a mail server answers, and a signature that is rolled back sends nothing."""
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        client.post(pledge_page.url, signing_data())
        assert not mail.outbox
    assert len(waiting) == 1 and not mail.outbox
    waiting[0]()
    assert mail.outbox[0].to == ["owner@example.org"]


def test_the_credit_code_is_folded_from_full_width_and_lower_case(client, pledge_page):
    client.post(pledge_page.url, signing_data(credit_code=" ９１３５０１００ｍ０００１００ｙ４３ "))
    assert Pledge.objects.get().credit_code == VALID_CODE


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("credit_code", "91350100M000100Y44", "check_character"),
        ("credit_code", "91350100M000100Y4", "length"),
        ("credit_code", "91350100M00O100Y43", "alphabet"),
        ("merchant_name", '=HYPERLINK("http://x")', "url"),
        ("merchant_name", "+86 超市", "formula"),
        ("merchant_name", "-折扣店", "formula"),
        ("merchant_name", "@商店", "formula"),
        ("merchant_name", "好店 www.spam.cn", "url"),
        ("signatory_name", "https://spam.example", "url"),
        ("contact_person", "=1+1", "formula"),
        ("address", "=cmd|' /C calc'!A0", "formula"),
        ("mobile", "12345", "mobile"),
        ("email", "not-an-address", "invalid"),
        ("subdistrict", "不存在街道", "invalid_choice"),
        ("industry", "", "required"),
    ],
)
def test_each_invalid_field_gets_a_clear_message_and_the_form_keeps_what_was_typed(
    client,
    pledge_page,
    field,
    value,
    code,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pledge_page.url, signing_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()[field]] == [code]
    content = response.content.decode()
    assert f'id="id_{field}_error"' in content  # the message sits next to its field
    assert str(form.errors[field][0]) in content
    # What was typed stays, the wrong value included, so that it can be corrected.
    typed = signing_data(**{field: value})
    for name in ("merchant_name", "address", "contact_person", field):
        if typed[name]:
            assert (
                f'value="{escape(typed[name])}"' in content
                or f'value="{typed[name]}"' in content
                or f"selected>{escape(typed[name])}" in content
                or name in ("subdistrict", "industry")
            )
    assert not Pledge.objects.exists()
    assert not mail.outbox


def test_consent_to_publication_is_required(client, pledge_page):
    data = signing_data()
    del data["consent_to_publication"]
    response = client.post(pledge_page.url, data)
    assert "consent_to_publication" in response.context["form"].errors
    assert not Pledge.objects.exists()


def test_a_bot_filling_the_honeypot_is_answered_like_a_person_but_nothing_is_stored_or_sent(
    client, pledge_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pledge_page.url, signing_data(website="http://spam.example"))
    assert response.status_code == 200
    assert not Pledge.objects.exists()
    assert not mail.outbox


def test_signing_needs_the_csrf_token(pledge_page):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    # Without a token nothing is stored: the form comes back filled in, with a token.
    response = client.post(pledge_page.url, signing_data())
    assert response.status_code == 200 and escape("济南泉城诚信超市有限公司") in response.content.decode()
    assert not Pledge.objects.exists()
    response = client.post(pledge_page.url, signing_data(), HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert not Pledge.objects.exists()


def test_a_double_submission_keeps_one_pending_pledge(
    client, pledge_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pledge_page.url, signing_data())
        client.post(pledge_page.url, signing_data(address="泉城路190号"))
    pledge = Pledge.objects.get()
    assert pledge.address == "泉城路190号"
    assert len(mail.outbox) == 2  # a fresh link each time, for the same pledge


def test_a_merchant_whose_pledge_is_active_is_told_so_and_offered_its_certificate(
    client, pledge_page, django_capture_on_commit_callbacks
):
    active = factories.PledgeFactory(
        credit_code=VALID_CODE,
        state=PledgeState.APPROVED,
        contact_person="赵秘密",
        mobile="13999999999",
        email="secret@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pledge_page.url, signing_data())
    content = response.content.decode()
    assert f"certificate/{active.number}/" in content
    for personal in ("赵秘密", "13999999999", "secret@example.org"):
        assert personal not in content
    assert Pledge.objects.count() == 1
    assert not mail.outbox


def test_signing_is_rate_limited_per_address(client, pledge_page, settings):
    settings.REGISTRATION_RATE_LIMITS = {"pledge_sign": (2, 600)}
    for serial in (1, 2):
        client.post(pledge_page.url, signing_data(credit_code=factories.make_credit_code(serial)))
    response = client.post(pledge_page.url, signing_data(credit_code=factories.make_credit_code(3)))
    assert response.status_code == 429
    assert response.context["form"]["merchant_name"].value() == "济南泉城诚信超市有限公司"
    assert Pledge.objects.count() == 2


def test_signing_one_code_is_rate_limited_per_address_and_never_locks_out_others(
    client, pledge_page, settings
):
    settings.REGISTRATION_RATE_LIMITS = {"pledge_code": (2, 600)}
    for number in range(2):
        client.post(pledge_page.url, signing_data(email=f"a{number}@example.org"), REMOTE_ADDR="10.0.0.1")
    response = client.post(pledge_page.url, signing_data(email="a9@example.org"), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert Pledge.objects.count() == 2
    other_code = client.post(
        pledge_page.url, signing_data(credit_code=factories.make_credit_code(7)), REMOTE_ADDR="10.0.0.1"
    )
    assert other_code.status_code == 200
    # The code's owner, from another address, is not locked out by these attempts.
    owner = client.post(pledge_page.url, signing_data(email="owner@shop.example"), REMOTE_ADDR="10.0.0.9")
    assert owner.status_code == 200
    assert Pledge.objects.filter(email="owner@shop.example").exists()


def test_another_district_sets_its_own_subdistricts_in_settings(client, pledge_page, settings):
    settings.SUBDISTRICTS = ["大观园街道", "杆石桥街道"]
    content = client.get(pledge_page.url).content.decode()
    assert "杆石桥街道" in content and "泉城路街道" not in content
    response = client.post(pledge_page.url, signing_data(subdistrict="杆石桥街道"))
    assert response.status_code == 200 and Pledge.objects.get().subdistrict == "杆石桥街道"


def test_a_text_published_while_the_merchant_was_reading_must_be_read_before_signing(client, pledge_page):
    from pledges.records import PledgeText

    read = client.get(pledge_page.url).context["form"]["text_version"].value()
    factories.publish_pledge_text(
        title="新版承诺书", commitment="<p>新增：不虚假宣传。</p>", text=PledgeText.objects.get()
    )
    response = client.post(pledge_page.url, signing_data(text_version=read))
    form = response.context["form"]
    assert [error.code for error in form.non_field_errors().as_data()] == ["text_changed"]
    assert "新增：不虚假宣传" in response.content.decode()
    assert not Pledge.objects.exists()
    # Signing again now signs the new text.
    again = form["text_version"].value()
    client.post(pledge_page.url, signing_data(text_version=again))
    assert Pledge.objects.get().text_revision == PledgeText.objects.get().live_revision


def field_tag(content, name):
    import re

    return re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', content).group(0)


def test_the_selects_ask_for_a_choice_in_words_not_dashes(client, pledge_page, en_locale):
    from integrity_site.core.translation import translate_object

    chinese = client.get(pledge_page.url).content.decode()
    assert '<option value="" selected>请选择街道</option>' in chinese
    assert '<option value="" selected>请选择行业</option>' in chinese
    assert "---------" not in chinese

    english = client.get(translate_object(pledge_page, en_locale, {}).url).content.decode()
    assert '<option value="" selected>Choose a subdistrict</option>' in english
    assert '<option value="" selected>Choose an industry</option>' in english


def test_the_mobile_and_e_mail_fields_are_typed_for_phones_and_styled_like_the_others(client, pledge_page):
    from django.contrib.staticfiles import finders

    content = client.get(pledge_page.url).content.decode()
    mobile, email = field_tag(content, "mobile"), field_tag(content, "email")
    assert 'type="tel"' in mobile and 'inputmode="tel"' in mobile and 'autocomplete="tel"' in mobile
    assert 'type="email"' in email and 'inputmode="email"' in email and 'autocomplete="email"' in email
    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    rule = css[css.index(".registration-form input[type=text]") :].split("{")[0]
    assert "input[type=tel]" in rule and "input[type=email]" in rule


def test_english_visitors_choose_subdistricts_and_industries_by_their_english_names(
    client, pledge_page, en_locale
):
    from integrity_site.core.translation import translate_object

    english_page = translate_object(pledge_page, en_locale, {})
    content = client.get(english_page.url).content.decode()
    assert '<option value="解放路街道">Jiefang Road Subdistrict</option>' in content
    assert '<option value="catering">Catering</option>' in content
    assert '<option value="enterprise">Enterprise</option>' in content
    response = client.post(english_page.url, signing_data(subdistrict="解放路街道"))
    assert response.status_code == 200 and Pledge.objects.get().subdistrict == "解放路街道"
