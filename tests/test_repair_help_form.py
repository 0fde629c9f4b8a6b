"""A merchant with a penalty on public record asks the district office for help with credit repair
(信用修复辅导): from the penalty in the query or the credit profile, with a short form; every
mistake has its answer in the visitor's language and loses nothing typed; the confirmation has a
reference number and is never cached."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from wagtail.models import ModelLogEntry

from integrity_site.core.translation import translate_object
from publicity import repair_help
from publicity.repair_help_records import RepairHelpRequest, RepairHelpStatus
from tests import factories
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"
DOCUMENT = "济历市监罚字〔2020〕101号"


@pytest.fixture
def publicity(home_page):
    return factories.PublicityPageFactory(parent=home_page)


@pytest.fixture
def penalty(publicity):
    return make_record(document_number=DOCUMENT, credit_code=CODE)


def form_url(publicity):
    return publicity.url + "repair-help/"


def form_data(**changes):
    data = {
        "merchant_name": "济南泉城路伟明餐饮管理有限公司",
        "credit_code": CODE,
        "document_number": DOCUMENT,
        "contact_name": "王伟",
        "mobile": "138 0013 8000",
        "preferred_time": "morning",
        "note": "罚款已缴纳",
        "consent": "on",
        "submission_token": "t-1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors(response):
    return re.findall(r'<p class="field-error" id="id_(\w+)_error">([^<]*)</p>', response.text)


def test_a_penalty_in_the_query_and_the_profile_links_to_the_form_filled_in(client, publicity, penalty):
    for url in (publicity.url + f"?q={CODE}", publicity.url + f"credit/{CODE}/"):
        response = client.get(url)
        assert "向区信用办申请信用修复辅导" in response.text, url
    link = re.search(r'<p class="repair-help-link">\s*<a href="([^"]+)"', response.text).group(1)
    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    assert f'value="{DOCUMENT}"' in form.text
    assert f'value="{CODE}"' in form.text
    assert 'value="济南泉城路伟明餐饮管理有限公司"' in form.text
    assert "no-store" in form["Cache-Control"]


def test_the_publicity_page_links_to_the_form(client, publicity, penalty):
    assert form_url(publicity) in client.get(publicity.url).text


def test_licences_and_private_persons_have_no_link(client, publicity):
    make_record(
        kind="licence", credit_code=CODE, document_number="济历市监许字〔2020〕7号", publicity_until=None
    )
    make_record(subject_name="张三华", subject_category="natural_person", credit_code="")
    response = client.get(publicity.url + "?q=济南")
    assert "repair-help-link" not in client.get(publicity.url + f"?q={CODE}").text
    assert "repair-help-link" not in client.get(publicity.url + "?q=张三华").text
    assert response.status_code == 200


def test_a_merchant_asks_for_help_and_gets_a_reference_number(client, publicity, penalty):
    response = client.post(form_url(publicity), form_data())
    assert response.status_code == 303
    request = RepairHelpRequest.objects.get()
    assert request.status == RepairHelpStatus.NEW
    assert request.mobile == "13800138000"  # normalised
    assert request.record == penalty
    assert request.language == "zh-hans"
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert request.reference in confirmation.text
    assert re.fullmatch(r"XF[34679ACDEFGHJKMNPQRTUVWXY]{8}", request.reference)
    assert "138****8000" in confirmation.text
    assert "13800138000" not in confirmation.text
    assert "王伟" not in confirmation.text
    assert "no-store" in confirmation["Cache-Control"]
    assert ModelLogEntry.objects.filter(
        action=repair_help.RECEIVED_ACTION, object_id=str(request.pk)
    ).exists()


def test_a_request_without_a_document_number_is_accepted(client, publicity):
    response = client.post(form_url(publicity), form_data(document_number=""))
    assert response.status_code == 303
    assert RepairHelpRequest.objects.get().record is None


def test_a_confirmation_link_with_a_wrong_token_shows_nothing(client, publicity, penalty):
    response = client.post(form_url(publicity), form_data())
    request = RepairHelpRequest.objects.get()
    wrong = response["Location"].replace(request.access_token, "x" * 32)
    answer = client.get(wrong)
    assert answer.status_code == 404
    assert request.merchant_name not in answer.text


def test_every_field_has_its_message_in_chinese_and_nothing_typed_is_lost(client, publicity, penalty):
    response = client.post(
        form_url(publicity),
        form_data(
            merchant_name="",
            credit_code="91350100M000100Y44",
            contact_name="王伟",
            mobile="1380013800",
            preferred_time="",
            consent=None,
            note="见 www.example.com",
        ),
    )
    assert response.status_code == 200
    found = dict(errors(response))
    assert found["merchant_name"] == "请填写商户名称。"
    assert found["credit_code"] == "校验码不符，请检查代码是否输入有误。"
    assert found["mobile"] == "请输入中国大陆11位手机号码，例如：13800138000。"
    assert found["preferred_time"] == "请选择方便联系的时间。"
    assert found["consent"] == "请同意隐私声明后再提交申请。"
    assert found["note"] == "备注中请不要填写网址。"
    assert 'value="王伟"' in response.text
    assert 'value="91350100M000100Y44"' in response.text
    assert "见 www.example.com</textarea>" in response.text
    assert not RepairHelpRequest.objects.exists()


def test_the_english_form_answers_in_english(client, publicity, penalty, en_locale):
    english = translate_object(publicity, en_locale, {"双公示查询": "Publicity query"})
    form = client.get(english.url + "repair-help/")
    assert "Help with credit repair" in form.text
    assert "Ask for help" in form.text
    response = client.post(english.url + "repair-help/", form_data(mobile="12345", preferred_time=""))
    found = dict(errors(response))
    assert (
        found["mobile"] == "Please enter an 11-digit mainland China mobile number, for example 13800138000."
    )
    assert found["preferred_time"] == "Please choose when we may call."
    response = client.post(english.url + "repair-help/", form_data())
    confirmation = client.get(response["Location"])
    assert "Your reference number is" in confirmation.text
    assert "Working days, morning (9:00–12:00)" in confirmation.text
    assert RepairHelpRequest.objects.get().language == "en"


@pytest.mark.parametrize(
    "number, message",
    [
        ("济历市监罚字〔2020〕999号", "公示中没有该信用代码、该文书号的行政处罚。请核对文书号，或不填此项。"),
        ("济历市监罚字〔2020〕102号", "公示中没有该信用代码、该文书号的行政处罚。请核对文书号，或不填此项。"),
    ],
    ids=["unknown", "no-longer-public"],
)
def test_a_document_number_must_be_a_public_penalty(client, publicity, penalty, number, message):
    make_record(document_number="济历市监罚字〔2020〕102号", publicity_until=datetime.date(2021, 1, 1))
    response = client.post(form_url(publicity), form_data(document_number=number))
    assert dict(errors(response))["document_number"] == message
    assert not RepairHelpRequest.objects.exists()


def test_a_document_number_of_another_merchant_is_refused(client, publicity, penalty):
    other = factories.make_credit_code(7)
    make_record(document_number="济历市监罚字〔2020〕103号", credit_code=other)
    response = client.post(form_url(publicity), form_data(document_number="济历市监罚字〔2020〕103号"))
    assert "document_number" in dict(errors(response))


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("merchant_name", "http://spam.example.com 公司", "名称中请勿包含网址。"),
        ("merchant_name", "=HYPERLINK(1)", "名称不能以 = + - 或 @ 开头。"),
        ("contact_name", "王\u200b伟", None),
        ("contact_name", "@王伟", "名称不能以 = + - 或 @ 开头。"),
        ("note", "=1+1", "备注不能以 = + - 或 @ 开头。"),
    ],
)
def test_names_with_addresses_formulas_or_control_characters_are_refused(
    client, publicity, penalty, field, value, message
):
    response = client.post(form_url(publicity), form_data(**{field: value}))
    found = dict(errors(response))
    assert field in found
    if message:
        assert found[field] == message
    assert not RepairHelpRequest.objects.exists()


def test_a_double_tap_makes_one_request(client, publicity, penalty):
    first = client.post(form_url(publicity), form_data())
    second = client.post(form_url(publicity), form_data())
    assert first["Location"] == second["Location"]
    assert RepairHelpRequest.objects.count() == 1


def test_the_honeypot_saves_nothing(client, publicity, penalty):
    response = client.post(form_url(publicity), form_data(website="http://bot"))
    assert response.status_code == 400
    assert not RepairHelpRequest.objects.exists()


def test_requests_per_address_are_limited_and_what_was_typed_stays(settings, publicity, penalty):
    settings.REGISTRATION_RATE_LIMITS = {"repair_help": (2, 3600)}
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(2):
        assert (
            client.post(
                form_url(publicity), form_data(submission_token=f"t-{n}", mobile=f"1380013800{n}")
            ).status_code
            == 303
        )
    refused = client.post(form_url(publicity), form_data(submission_token="t-9", contact_name="李四"))
    assert refused.status_code == 429
    assert "您所在网络提交的申请过多，请 60 分钟后再试。" in refused.text
    assert 'value="李四"' in refused.text
    assert RepairHelpRequest.objects.count() == 2
    # Another address is not held up.
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.post(form_url(publicity), form_data(submission_token="t-10")).status_code == 303


def test_requests_per_mobile_number_are_limited(settings, publicity, penalty):
    settings.REGISTRATION_RATE_LIMITS = {"repair_help_mobile": (1, 3600)}
    client = Client(REMOTE_ADDR="10.0.0.3")
    assert client.post(form_url(publicity), form_data(submission_token="a")).status_code == 303
    refused = client.post(form_url(publicity), form_data(submission_token="b"))
    assert refused.status_code == 429
    assert "该手机号码提交的申请过多" in refused.text
    assert (
        client.post(form_url(publicity), form_data(submission_token="c", mobile="13900139000")).status_code
        == 303
    )
    assert RepairHelpRequest.objects.count() == 2


def test_the_publicity_editors_get_an_email_without_contact_details(
    client, publicity, penalty, django_user_model, django_capture_on_commit_callbacks
):
    editor = django_user_model.objects.create_user("gongshi", "gongshi@example.org", "pw")
    editor.groups.add(Group.objects.get(name="公示数据编辑"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(publicity), form_data())
    request = RepairHelpRequest.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gongshi@example.org"]
    assert "信用修复辅导申请：济南泉城路伟明餐饮管理有限公司" == message.subject
    assert request.reference in message.body
    assert f"/admin/repair-help/inspect/{request.pk}/" in message.body
    assert "13800138000" not in message.body and "王伟" not in message.body


def test_the_form_is_never_served_from_the_page_cache(client, publicity, penalty):
    tokens = [
        re.search(r'name="submission_token" value="([^"]+)"', client.get(form_url(publicity)).text).group(1)
        for _ in range(2)
    ]
    assert tokens[0] != tokens[1]  # each visitor draws their own: the page is rendered each time
